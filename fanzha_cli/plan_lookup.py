"""The plan in force on a date, asked name by name: what a single-record write checks against.

`plan_store.index_on` builds the whole plan in force (a province's is 405,000 items, about a
second) and suits whole-plan work: the circular, `report missing`, `zero-case`, `commend`.
A write of one record (`report add`, `case add`, `audit record`, `dissuasion add`, their
amendments) needs only the names it was given: the department, the unit or grid, the
pairings of that unit on that day, the officer. `lookup_on` answers with the same interface
as the index (`PlanIndex`), each answer read from the plan's recorded history (`plan_items`,
the one source of truth) with indexed SQL and kept for the lookup's lifetime; its cost does
not grow with the plan. The answers are the index's (tests/test_plan_lookup.py compares the
two over generated plans with re-pairings, ends and restarts).

For each identity (item_kind, key, parent) the fact in force on a date is the latest one
effective on or before it (a later load breaks ties), and it counts if it is a start: the
rule of `queries.PLAN_STATE_ON`. Items come in the order they were started (entry, seq), as
in the index, so "the first department pairing a unit" is the same department here.

What a lookup cannot answer by name (iterating every department, the suggestions that go
with an unknown name) it asks of the full index, built only then.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Iterator

from fanzha_cli import plan_store, queries
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger

_MISSING = object()


class _Names(Mapping):
    """One of the index's maps, filled name by name from `fetch` (which returns _MISSING for
    a name not in force); iterating it reads the same map of the full index."""

    def __init__(self, lookup: "PlanLookup", attr: str, fetch: Callable[[str], Any]):
        self._lookup, self._attr, self._fetch = lookup, attr, fetch
        self._got: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if not isinstance(name, str):
            raise KeyError(name)
        got = self._got.get(name, _MISSING)
        if got is _MISSING:
            got = self._got[name] = self._fetch(name)
        if got is _MISSING:
            raise KeyError(name)
        return got

    def _full(self) -> Mapping:
        return getattr(self._lookup.full(), self._attr)

    def __iter__(self) -> Iterator[str]:
        return iter(self._full())

    def __len__(self) -> int:
        return len(self._full())

    def keys(self):  # type: ignore[override]
        return self._full().keys()

    def items(self):  # type: ignore[override]
        return self._full().items()

    def values(self):  # type: ignore[override]
        return self._full().values()


class PlanLookup:
    """The plan in force on `on`, with PlanIndex's interface, read name by name (see the
    module's docstring). Read-only, like the index."""

    def __init__(self, ledger: Ledger, on: str, version: dict[str, Any]):
        self.ledger, self.on = ledger, on
        self.settings: dict[str, Any] = json.loads(version["settings"])
        self.derived: dict[str, Any] = {}
        self._facts: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
        self.departments = _Names(self, "departments", self._department)
        self.units = _Names(self, "units", self._unit)
        self.unit_by_alias = _Names(self, "unit_by_alias", self._alias)
        self.unit_depts = _Names(self, "unit_depts", self._unit_depts)
        self.grids = _Names(self, "grids", self._grid)
        self.grid_workers = _Names(self, "grid_workers", self._grid_worker)
        self.officers = _Names(self, "officers", self._officer)
        self.grid_officers = _Names(self, "grid_officers", self._grid_officers)

    # --- the facts in force --------------------------------------------------------------

    def _in_force(self, kind: str, *, key: str | None = None, parent: str | None = None) -> list[tuple[str, str, Any]]:
        """(key, parent, attrs) of every item of `kind` with this key (or this parent) in
        force on the date, in the order they were started."""
        memo = (kind, "key", key) if parent is None else (kind, "parent", parent)
        if memo not in self._facts:
            if parent is None:
                rows = self.ledger.conn.execute(queries.PLAN_FACTS_OF_KEY, {"kind": kind, "key": key, "on": self.on})
            else:
                rows = self.ledger.conn.execute(queries.PLAN_FACTS_OF_PARENT, {"kind": kind, "parent": parent, "on": self.on})
            self._facts[memo] = _started(rows)
        return self._facts[memo]

    def prefetch(self, kind: str, keys: Iterable[str]) -> None:
        """Read the facts of many keys of one kind in one query, as `_in_force` would one by
        one: the circular names the departments of a week's thousands of cases."""
        todo = [k for k in dict.fromkeys(keys) if (kind, "key", k) not in self._facts]
        if not todo:
            return
        by_key: dict[str, list[tuple]] = {k: [] for k in todo}
        for row in self.ledger.conn.execute(queries.PLAN_FACTS_OF_KEYS, {
                "kind": kind, "keys": json.dumps(todo, ensure_ascii=False), "on": self.on}):
            by_key[row[0]].append(row)
        for k, rows in by_key.items():
            self._facts[(kind, "key", k)] = _started(rows)

    def _department(self, name: str) -> Any:
        facts = self._in_force("department", key=name)
        return facts[-1][2] if facts else _MISSING  # the index fills its maps in start order: the last wins

    def _unit(self, name: str) -> Any:
        facts = self._in_force("unit", key=name)
        return facts[-1][2] if facts else _MISSING

    def _unit_depts(self, unit: str) -> Any:
        facts = self._in_force("pairing", key=unit)
        return [p for _, p, _, _ in facts] if facts else _MISSING

    def _grid(self, name: str) -> Any:
        facts = self._in_force("grid", key=name)
        return facts[-1][1] if facts else _MISSING

    def _grid_officers(self, grid: str) -> Any:
        facts = self._in_force("officer_grid", parent=grid)
        return [k for k, _, _, _ in facts] if facts else _MISSING

    def _alias(self, name: str) -> Any:
        if self._unit(name) is not _MISSING:
            return name  # a unit's own name is itself, whatever other units call it
        # Aliases live in the unit's attributes: the candidates are the units whose recorded
        # attributes mention the name (a text search over the plan's unit facts, the one
        # look-up here that is not by key); each is judged by its fact in force, and the
        # first unit in start order with that alias wins, as in the index.
        text = json.dumps(name, ensure_ascii=False)
        best: tuple[tuple[int, int], str] | None = None
        for (unit,) in self.ledger.conn.execute(queries.PLAN_UNITS_MENTIONING, {"text": text, "on": self.on}).fetchall():
            for k, _, attrs, order in self._in_force("unit", key=unit):
                if name in attrs.get("aliases", []) and (best is None or order < best[0]):
                    best = (order, k)
        return best[1] if best else _MISSING

    def _grid_worker(self, name: str) -> Any:
        facts = self._in_force("grid", key=name)
        return facts[-1][2].get("worker", "") if facts else _MISSING

    def _officer(self, badge: str) -> Any:
        facts = self._in_force("officer", key=badge)
        if not facts:
            return _MISSING
        _, station, a, _ = facts[-1]
        return {"name": a.get("name"), "role": a.get("role"), "station": station}

    # --- PlanIndex's interface -----------------------------------------------------------

    def full(self) -> plan_store.PlanIndex:
        """The whole plan in force on the date (built once per plan version and ledger)."""
        return plan_store.index_on(self.ledger, self.on)

    def dept(self, name: str) -> dict[str, Any]:
        got = self.departments.get(name)
        if got is None:
            return self.full().dept(name)  # raises, with suggestions from every name
        return got

    def unit(self, name: str) -> str:
        got = self.unit_by_alias.get(name)
        return got if got is not None else self.full().unit(name)

    def grid(self, name: str) -> str:
        got = self.grids.get(name)
        return got if got is not None else self.full().grid(name)

    def officer(self, badge: str) -> dict[str, Any]:
        got = self.officers.get(badge)
        return got if got is not None else self.full().officer(badge)

    # A department's units, a station's grids, an officer's grids: whole listings, in the
    # index's order (which follows the other side's start order); only hints need them.
    def units_of(self, dept: str) -> list[str]:
        return self.full().units_of(dept)

    def grids_of(self, station: str) -> list[str]:
        return self.full().grids_of(station)

    def grids_of_officer(self, badge: str) -> list[str]:
        return self.full().grids_of_officer(badge)


def _started(rows: Iterable[tuple]) -> list[tuple[str, str, Any, tuple[int, int]]]:
    """Of facts (key, parent, action, attrs, effective, entry_id, seq), the latest of each
    identity (a later load breaks ties) where it is a start, in start order: (key, parent,
    attrs, (entry_id, seq))."""
    latest: dict[tuple[str, str], tuple] = {}
    for k, p, action, attrs, effective, entry_id, seq in rows:
        held = latest.get((k, p))
        if held is None or (effective, entry_id) > (held[4], held[5]):
            latest[(k, p)] = (k, p, action, attrs, effective, entry_id, seq)
    started = sorted((f for f in latest.values() if f[2] == "start"), key=lambda f: (f[5], f[6]))
    return [(f[0], f[1], json.loads(f[3]) if f[3] != "{}" else {}, (f[5], f[6])) for f in started]


# Lookups already made, per open ledger, by (plan version, date): a batch of cases on one
# date asks each name once. The version's hash names the plan in force on the date, so a
# lookup kept is never stale (see plan_store.index_on).
_MADE: "weakref.WeakKeyDictionary[Ledger, dict[tuple[str, str], PlanLookup]]" = weakref.WeakKeyDictionary()
_KEEP = 64


def lookup_on(ledger: Ledger, on: str) -> PlanLookup:
    """The plan in force on `on`, name by name; the same refusals as `plan_store.index_on`
    for a date with no plan in force."""
    version = plan_store.version_on(ledger, on)
    made = _MADE.setdefault(ledger, {})
    key = (version["hash"], on)
    if key not in made:
        if len(made) >= _KEEP:
            del made[next(iter(made))]
        made[key] = PlanLookup(ledger, on, version)
    return made[key]


def officer_label(ledger: Ledger, badge: str, on: str) -> str:
    """An officer as people read him in a sentence about a record dated `on`: "name（badge）" as
    the plan in force that day names him (he may have left the plan since), else as the latest
    plan does; the badge alone if neither has him."""
    for day in (on, plan_store.FAR_FUTURE):
        try:
            officer = lookup_on(ledger, day).officers.get(badge)
        except FanzhaError:  # no plan in force that day
            officer = None
        if officer:
            return f"{officer['name']}（{badge}）"
    return badge
