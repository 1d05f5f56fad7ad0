"""Each plan version as rows: the whole-plan work of the circular and `report missing` in SQL.

`plan_store.index_on` builds the whole plan in force as Python maps (a province's is 405,000
items, about half a second of CPU and over a million objects), and the circular then walked
it again to judge zero-case and commendation. What they need of it item by item is little:
each department and how many targets it scores on, whether a line's target is one of them,
and the lists they print (case-free units and grids with their officers, officers whose
grids were all case-free). Those are worked out once per plan version, when the plan is
loaded, from the very index the old computation used (so their order is its order), and kept
beside the plan as rows; a circular then reads them with a few range scans and joins:

- plan_version_departments: the departments in the index's order, attributes, targets;
- plan_version_targets: every pairing (unit or grid) in the order of cases.Pairings.keys(),
  whether the department scores on it, and a grid's officers as the circular names them;
- plan_version_officers / plan_version_officer_grids: the officers in the index's order, how
  many grids each is paired with, and which of those are grids of its own station.

They are derived, not ledger content (no entry_id, outside the chain): written in the
transaction of the plan load they derive from (plan_store.load; `db reseal` and the migration
fill them the same way), recomputed and compared by `db verify`, read as of an entry through
asof.py. Zero-case over a period in which the plan changed is judged piece by piece against
each piece's plan (cases.pairings); only a period with one plan in force all through is
judged here (`judge`), which is every period of a campaign whose plan was loaded once. The
targets that had a case in the period are worked out once into the connection's temporary
table `zero_hits` (queries.ZERO_HITS_*), which both the case-free targets and the officers'
grids are looked up in.
tests/test_circular_sql.py compares both ways over generated plans with re-pairings, ends
and restarts, and over the demo ledger's weeks.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import weakref
from dataclasses import dataclass, field
from typing import Any, Iterator

from fanzha_cli import cases, plan_lookup, plan_store, queries
from fanzha_cli.ledger import Ledger

SEP = "\x1f"

# Each table and its columns, in the order rows_of gives them (version_entry first).
TABLES = {
    "plan_version_departments": ("version_entry", "pos", "dept", "attrs", "targets"),
    "plan_version_targets": ("version_entry", "pos", "dept", "kind", "target", "scored", "officers"),
    "plan_version_officers": ("version_entry", "pos", "badge", "name", "station", "grids"),
    "plan_version_officer_grids": ("version_entry", "badge", "grid"),
}


# --- the rows of a version, from its index -----------------------------------------------------


def rows_of(version_entry: int, idx: plan_store.PlanIndex) -> dict[str, list[tuple]]:
    """The rows of a plan version, read off its index by the code the old computation runs."""
    keys, _, grid_officers, names = cases._in_force(idx)
    order = {d: i for i, d in enumerate(idx.departments)}
    ordered = cases.Pairings(dict.fromkeys(keys, False), {}, {}, order, names).keys()
    v = version_entry

    def station(dept: str) -> bool:
        return idx.departments.get(dept, {}).get("category") == "station"

    departments = []
    for pos, (dept, attrs) in enumerate(idx.departments.items()):
        n = len(idx.dept_units.get(dept, ())) + (len(idx.station_grids.get(dept, ())) if station(dept) else 0)
        departments.append((v, pos, dept, json.dumps(attrs, ensure_ascii=False), n))
    targets = []
    for pos, key in enumerate(ordered):
        dept, kind, target = key
        if kind == "unit":
            targets.append((v, pos, dept, kind, target, 1, None))
        else:
            labels = SEP.join(f"{names.get(b)}（{b}）" for b in grid_officers.get(key, []))
            targets.append((v, pos, dept, kind, target, int(station(dept)), labels))
    keyset = set(keys)
    officers, officer_grids = [], []
    for pos, (badge, o) in enumerate(idx.officers.items()):
        grids = idx.officer_grids.get(badge, ())
        officers.append((v, pos, badge, o["name"], o["station"], len(grids)))
        officer_grids += [(v, badge, g) for g in grids if (o["station"], "grid", g) in keyset]
    return {"plan_version_departments": departments, "plan_version_targets": targets,
            "plan_version_officers": officers, "plan_version_officer_grids": officer_grids}


def write(conn: sqlite3.Connection, version_entry: int, idx: plan_store.PlanIndex) -> None:
    """Keep a version's rows (inside the transaction of its load)."""
    for table, rows in rows_of(version_entry, idx).items():
        cols = TABLES[table]
        conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)


def _versions(conn: sqlite3.Connection, only: int | None = None) -> Iterator[tuple[int, plan_store.PlanIndex]]:
    """Every plan version (or the one of entry `only`) and its index: the state its load
    recorded (or, for a load made before plan_states existed, the state after that entry,
    from the plan's facts)."""
    versions = conn.execute("SELECT entry_id, effective, settings FROM plan_versions"
                            " WHERE ? IS NULL OR entry_id = ? ORDER BY entry_id", (only, only)).fetchall()
    for entry_id, effective, settings in versions:
        row = conn.execute("SELECT state FROM plan_states WHERE entry_id = ?", (entry_id,)).fetchone() \
            if _has(conn, "plan_states") else None
        if row is not None:
            state = json.loads(row[0])
        else:
            state = plan_store.state_columns(conn.execute(queries.PLAN_STATE_AFTER_ENTRY, {"entry": entry_id}))
        idx = plan_store._index_from_state(effective, settings, state)
        del state, row  # not held while the caller works with the index
        yield entry_id, idx
        del idx


def _has(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is not None


def fill(conn: sqlite3.Connection, only: int | None = None) -> None:
    """Write the rows of every version that has none (or of the version of entry `only`): each
    plan load (ledger.Writer.append), the migration, `db reseal`'s copy."""
    done = {r[0] for r in conn.execute("SELECT version_entry FROM plan_version_departments UNION "
                                       "SELECT version_entry FROM plan_version_targets UNION "
                                       "SELECT version_entry FROM plan_version_officers")}
    for entry_id, idx in _versions(conn, only):
        if entry_id not in done:
            write(conn, entry_id, idx)


def problems(led: Ledger) -> list[str]:
    """Where the kept rows disagree with the plan they derive from: `db verify` runs this
    beside the hash chain, which does not cover them. Version by version and table by table,
    so that at most one version's index and rows are held at a time (a province's plan index
    is a few hundred thousand objects; held for every version at once it set verify's peak)."""
    conn = led.conn
    if not _has(conn, "plan_version_targets"):
        return []
    off = dict.fromkeys(TABLES, 0)
    versions: list[int] = []
    try:
        for entry_id, idx in _versions(conn):
            fresh = rows_of(entry_id, idx)
            del idx
            for table, cols in TABLES.items():
                kept = set(conn.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE version_entry = ?", (entry_id,)))
                off[table] += len(kept.symmetric_difference(fresh.pop(table)))
            versions.append(entry_id)
    except (ValueError, TypeError, KeyError, AttributeError):  # a plan record altered: the chain names it
        return ["计划版本的推导数据无法核对：计划记录本身已无法读取。"]
    known = json.dumps(versions)
    for table in TABLES:  # rows of no version at all
        off[table] += conn.execute(f"SELECT count(*) FROM {table} WHERE version_entry NOT IN "
                                   "(SELECT value FROM json_each(?))", (known,)).fetchone()[0]
    wrong = [f"计划版本的推导数据（{table}）与计划记录不符：{n} 处。" for table, n in off.items() if n]
    if wrong:
        wrong.append("提示：这些表由计划记录推导，不一致说明账本文件在 fanzha 之外被改动；"
                     "请用 fanzha db backup 留存现状，并从最近的完好备份恢复。")
    return wrong


# --- reading them ------------------------------------------------------------------------------


@dataclass
class PlanRows:
    """The plan in force on `on` as the circular and `report missing` read it: settings,
    departments (name -> attributes, in the index's order), how many targets each scores on.
    Single names (an officer, a case's place) are looked up one by one (plan_lookup); anything
    else a caller asks of it is the full index's (`full`)."""

    ledger: Ledger
    on: str
    version: int
    settings: dict[str, Any]
    departments: dict[str, dict[str, Any]]
    target_counts: dict[str, int]
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def lookup(self) -> plan_lookup.PlanLookup:
        """The plan on `on` read name by name: one per date, kept (`derived` is shared by the
        copies rows_on makes for other dates of the version, hence the date in the key)."""
        key = ("lookup", self.on)
        if key not in self.derived:
            self.derived[key] = plan_lookup.lookup_on(self.ledger, self.on)
        return self.derived[key]

    @property
    def officers(self):  # a mapping read badge by badge
        return self.lookup().officers

    def prefetch_officers(self, badges: Any) -> None:
        """Read these officers in one query (a province's week circulates thousands of deductions)."""
        self.lookup().prefetch("officer", badges)

    def dept(self, name: str) -> dict[str, Any]:
        if name not in self.departments:
            raise plan_store.unknown_name("科所队", name, list(self.departments))
        return self.departments[name]

    def full(self) -> plan_store.PlanIndex:
        return plan_store.index_on(self.ledger, self.on)

    def __getattr__(self, name: str) -> Any:  # what only the whole plan answers
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.full(), name)


# Plans already read, per open ledger, by the version's hash (as plan_store.index_on keeps its).
_READ: "weakref.WeakKeyDictionary[Ledger, dict[str, PlanRows]]" = weakref.WeakKeyDictionary()


def rows_on(led: Ledger, on: str) -> PlanRows:
    """The plan in force on `on` (the same refusal as the index's for a day with none)."""
    version = plan_store.version_on(led, on)
    read = _READ.setdefault(led, {})
    got = read.get(version["hash"])
    if got is None:
        if len(read) >= 8:
            del read[next(iter(read))]
        got = read[version["hash"]] = _read(led, on, version)
    return got if got.on == on else dataclasses.replace(got, on=on)


def _read(led: Ledger, on: str, version: dict[str, Any]) -> PlanRows:
    departments: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for dept, attrs, n in led.conn.execute(queries.PLAN_ROWS_DEPARTMENTS, {"version": version["entry_id"]}):
        departments[dept] = json.loads(attrs)
        counts[dept] = n
    return PlanRows(led, on, version["entry_id"], json.loads(version["settings"]), departments, counts)


@dataclass
class ZeroCase:
    """Zero-case over [start, end] as the circular prints it (see cases.pairings): the
    case-free units (unit -> departments) and grids (with their officers' labels), and the
    departments all of whose pairings were case-free, with their category."""

    start: str
    end: str
    version: int
    units: dict[str, list[str]]
    grids: list[dict[str, Any]]
    departments: list[dict[str, str]]


def judge(led: Ledger, start: str, end: str) -> ZeroCase | None:
    """Zero-case over [start, end] as cases.pairings judges it (from the day the first plan took
    effect), if one plan was in force all through it; None if the plan changed within it or
    nothing is left to judge (the caller then judges it piece by piece)."""
    effective = led.query(queries.FIRST_PLAN_EFFECTIVE, {"upto": None})[0]["effective"]
    if effective and start < effective:
        start = effective
    if start > end or led.query(queries.PLAN_CHANGE_DAYS, {"start": start, "end": end}):
        return None
    plan = rows_on(led, start)
    _hits(led, start, end)
    params = {"version": plan.version}
    units: dict[str, list[str]] = {}
    grids = []
    n_free: dict[str, int] = {}
    for dept, kind, target, officers in led.conn.execute(queries.PLAN_ROWS_FREE_TARGETS, params):
        n_free[dept] = n_free.get(dept, 0) + 1
        if kind == "unit":
            units.setdefault(target, []).append(dept)
        else:
            grids.append({"grid": target, "station": dept, "officers": officers.split(SEP) if officers else []})
    free = [d for d, n in led.conn.execute(queries.PLAN_ROWS_PAIRINGS_PER_DEPT, params) if n_free.get(d) == n]
    order = {d: i for i, d in enumerate(plan.departments)}
    last = len(order)
    departments = [{"department": d, "category": plan.departments.get(d, {}).get("category", "")}
                   for d in sorted(free, key=lambda d: (order.get(d, last), d))]
    return ZeroCase(start, end, plan.version, units, grids, departments)


def officer_grounds(led: Ledger, zero: ZeroCase) -> list[tuple[str, Any, str, int, int]]:
    """(badge, name, station, grids, case-free grids of its station) of every officer of the
    plan `zero` was judged by, in the index's order."""
    _hits(led, zero.start, zero.end)
    return led.conn.execute(queries.PLAN_ROWS_OFFICERS, {"version": zero.version}).fetchall()


def _hits(led: Ledger, start: str, end: str) -> None:
    """Fill the connection's temp.zero_hits with the targets that had a case in [start, end],
    unless it already holds them as the ledger reads now (an entry written since, or an as-of
    block, makes it fill again), so judge and officer_grounds read the same set."""
    conn = led.conn
    params = {"start": start, "end": end, "last": conn.execute(queries.LAST_ENTRY_ID).fetchone()[0], "upto": None}
    if conn.execute(queries.ZERO_HITS_PRESENT).fetchone() and \
            conn.execute(queries.ZERO_HITS_OF).fetchone() == (start, end, params["last"]):
        return
    for sql in (*queries.ZERO_HITS_CLEAR, *queries.ZERO_HITS_MAKE):
        conn.execute(sql)
    conn.execute(queries.ZERO_HITS_RECORD, params)
    for sql in queries.ZERO_HITS_FILL:
        conn.execute(sql, params)
