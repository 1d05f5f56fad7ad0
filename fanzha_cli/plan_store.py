"""The plan in the ledger: loading a plan as start/end facts, and the state on a date.

A load compares the plan file with the state in force and appends only the difference,
as one entry. Loading the same file twice appends nothing; a unit moved to another
department becomes an `end` of the old pairing and a `start` of the new one, so that any
week can be judged against the plan that was in force that week.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import sys
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from fanzha_cli import queries
from fanzha_cli import rules as plan_rules
from fanzha_cli.dates import iso_date
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger

if TYPE_CHECKING:  # reading the plan file is for `plan` commands: others need not load it
    from fanzha_cli.plan import Plan

FAR_FUTURE = "9999-12-31"
KIND_LABELS = {
    "department": "科所队",
    "unit": "包联单位",
    "pairing": "单位包联关系",
    "grid": "网格",
    "officer": "民辅警",
    "officer_grid": "民辅警与网格结对",
}

Identity = tuple[str, str, str]  # (item_kind, key, parent)


def _canon(attrs: dict[str, Any]) -> str:
    return json.dumps(attrs, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def desired_items(plan: Plan) -> dict[Identity, str]:
    """Every fact the plan asserts, with its attributes as canonical JSON."""
    items: dict[Identity, str] = {}
    # Pairings, grids and officers carry no position: they list in the order they were
    # started (entry, then seq), so moving one unit does not restart every unit after it.
    for order, dept in enumerate(plan.departments, start=1):
        attrs: dict[str, Any] = {"category": dept.category, "kind": dept.kind, "order": order}
        if dept.item is not None:
            attrs["item"] = dept.item
        if dept.jurisdiction:
            attrs["jurisdiction"] = dept.jurisdiction
        if dept.sample:
            attrs["sample"] = True
        items[("department", dept.name, "")] = _canon(attrs)
        for unit in dept.units:
            # A unit shared by two departments is one unit: its first description wins.
            items.setdefault(("unit", unit.name, ""), _canon(unit.attrs()))
            items[("pairing", unit.name, dept.name)] = _canon({})
    for officer in plan.officers:
        items[("officer", officer.badge, officer.station)] = _canon({"name": officer.name, "role": officer.role})
    for grid in plan.grids:
        attrs: dict[str, Any] = {"worker": grid.worker}
        if grid.sample:
            attrs["sample"] = True
        items[("grid", grid.name, grid.station)] = _canon(attrs)
        for badge in grid.officers:
            items[("officer_grid", badge, grid.name)] = _canon({})
    return items


def current_items(ledger: Ledger, on: str = FAR_FUTURE) -> dict[Identity, str]:
    return {
        (r["item_kind"], r["key"], r["parent"]): r["attrs"]
        for r in ledger.query(queries.PLAN_STATE_ON, {"on": on})
    }


@dataclass
class Change:
    action: str  # start | end
    item_kind: str
    key: str
    parent: str
    attrs: str


@dataclass
class LoadResult:
    source: str
    effective: str | None
    first_load: bool
    settings_changed: bool
    changes: list[Change] = field(default_factory=list)
    entry_id: int | None = None
    dry_run: bool = False

    @property
    def unchanged(self) -> bool:
        return not self.changes and not self.settings_changed

    def counts(self) -> dict[str, dict[str, int]]:
        c: dict[str, Counter] = defaultdict(Counter)
        for ch in self.changes:
            c[ch.item_kind][ch.action] += 1
        return {k: dict(v) for k, v in c.items()}


def diff(desired: dict[Identity, str], current: dict[Identity, str]) -> list[Change]:
    # Deterministic order, the same for the same inputs: ends sorted, then starts in the
    # plan file's own order (which is the order `plan show` lists them in).
    kind_order = list(KIND_LABELS)
    ends = sorted(
        (Change("end", k[0], k[1], k[2], current[k]) for k in current if k not in desired),
        key=lambda c: (kind_order.index(c.item_kind), c.parent, c.key),
    )
    starts = [Change("start", k[0], k[1], k[2], a) for k, a in desired.items() if current.get(k) != a]
    return ends + starts


def state_columns(rows: Iterable[tuple[str, str, str, str]]) -> dict[str, tuple[list, list, list]]:
    """Plan items in force, (item_kind, key, parent, attrs as JSON) in the order they started,
    as plan_states holds them: per kind, [keys, parents, attrs], attrs parsed."""
    out: dict[str, tuple[list, list, list]] = {}
    for kind, key, parent, attrs in rows:
        keys, parents, values = out.setdefault(kind, ([], [], []))
        keys.append(key)
        parents.append(parent)
        values.append(json.loads(attrs) if attrs != "{}" else {})
    return out


def state_after(current: dict[Identity, str], changes: list[Change]) -> str:
    """The plan in force once a load's changes are written, in the order PLAN_STATE_ON will
    give it: what stays, in its order, then what the load starts (ended and restarted items
    leave their place)."""
    touched = {(c.item_kind, c.key, c.parent) for c in changes}
    rows = [(*k, a) for k, a in current.items() if k not in touched]
    rows += [(c.item_kind, c.key, c.parent, c.attrs) for c in changes if c.action == "start"]
    return json.dumps(state_columns(rows), ensure_ascii=False, separators=(",", ":"))


def load(
    ledger: Ledger,
    plan: Plan,
    *,
    effective: str | None = None,
    reason: str | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> LoadResult:
    start, end = plan.routine_period
    settings_json = _canon(plan.settings)
    with ledger.write() as writer:
        latest = ledger.query(queries.LATEST_PLAN_VERSION)
        latest = latest[0] if latest else None
        current = current_items(ledger)
        changes = diff(desired_items(plan), current)
        result = LoadResult(
            source=plan.source,
            effective=None,
            first_load=latest is None,
            settings_changed=latest is None or latest["settings"] != settings_json,
            changes=changes,
            dry_run=dry_run,
        )
        if result.unchanged:
            return result
        if latest is not None and not dry_run and not (reason and reason.strip()):
            raise FanzhaError(
                f"计划有变动（{summary(result)}），变更须写明原因。",
                hint="加上 --reason \"……\" 说明变动原因，例如 --reason \"局党委会调整包联分工\"；可先用 --dry-run 查看变动。",
            )
        if effective is not None:
            effective = iso_date(effective, "生效日期")
        elif latest is None:
            # The plan holds from the day it was issued (campaign.issued_on), not from the
            # campaign's first day: no one can have failed a pairing that did not exist yet.
            issued = plan.settings.get("campaign", {}).get("issued_on")
            effective = issued if issued and start <= issued <= end else start
        else:
            effective = (today or dt.date.today()).isoformat()
            if not start <= effective <= end:
                raise FanzhaError(
                    f"计划有变动，但今天（{effective}）不在活动期 {start} 至 {end} 内，无法确定生效日期。",
                    hint="用 --effective YYYY-MM-DD 指定变动从哪天起生效。",
                )
        if not start <= effective <= end:
            raise FanzhaError(
                f"生效日期 {effective} 不在活动期 {start} 至 {end} 内。",
                hint="改用活动期内的日期，或先修改计划文件中的 campaign.routine_period。",
            )
        if latest is not None and effective < latest["effective"]:
            raise FanzhaError(
                f"生效日期 {effective} 早于现行计划的生效日期 {latest['effective']}；计划变动只能向后生效，以免改写已考核的周次。",
                hint=f"用 --effective 指定 {latest['effective']} 或之后的日期。",
            )
        result.effective = effective
        if dry_run:
            return result
        state = state_after(current, changes)
        result.entry_id = writer.append(
            "plan_load",
            {
                "plan_versions": [
                    {
                        "effective": effective,
                        "source": plan.source,
                        "source_sha256": plan.sha256,
                        "settings": settings_json,
                    }
                ],
                "plan_items": [
                    {
                        "seq": seq,
                        "item_kind": c.item_kind,
                        "key": c.key,
                        "parent": c.parent,
                        "action": c.action,
                        "effective": effective,
                        "attrs": c.attrs,
                    }
                    for seq, c in enumerate(changes, start=1)
                ],
                "plan_states": [{"state": state}],
            },
            reason=reason.strip() if reason and reason.strip() else "首次载入计划",
        )
    return result


def summary(result: LoadResult) -> str:
    parts = []
    started = "新增" if result.first_load else "新增或变更"
    for kind, counts in result.counts().items():
        label = KIND_LABELS[kind]
        if counts.get("start"):
            parts.append(f"{label}{started} {counts['start']} 项")
        if counts.get("end"):
            parts.append(f"{label}结束 {counts['end']} 项")
    if result.settings_changed and not result.first_load:
        parts.append("规则、类型等设置有变")
    return "，".join(parts) or "无"




def state_on(ledger: Ledger, on: str = FAR_FUTURE) -> dict[str, Any]:
    """The plan in force on a date, as plain data: what `plan show` renders and prints as JSON."""
    version = ledger.query(queries.PLAN_VERSION_ON, {"on": on})
    if not version:
        raise FanzhaError(
            "账本中还没有载入计划" + ("" if on == FAR_FUTURE else f"（{on} 时尚无生效的计划）") + "。",
            hint="先运行 fanzha plan load data/assignments.yaml。",
        )
    version = version[0]
    settings = json.loads(version["settings"])
    by_kind: dict[str, list[tuple[str, str, dict]]] = defaultdict(list)
    for r in ledger.query(queries.PLAN_STATE_ON, {"on": on}):  # ordered by entry, then seq
        by_kind[r["item_kind"]].append((r["key"], r["parent"], json.loads(r["attrs"])))

    duties: dict[str, list[dict[str, str]]] = defaultdict(list)
    for sector in settings.get("sector_duties", []):
        for unit in sector["units"]:
            duties[unit] += [{"sector": sector["sector"], "duty": d} for d in sector["duties"]]

    units = {key: attrs for key, _, attrs in by_kind["unit"]}
    pairings: dict[str, list[str]] = defaultdict(list)
    for unit, dept, _ in by_kind["pairing"]:
        pairings[dept].append(unit)

    def unit_view(name: str) -> dict[str, Any]:
        attrs = units.get(name, {})
        return {
            "name": name,
            "collective": bool(attrs.get("collective", False)),
            "aliases": attrs.get("aliases", []),
            "note": attrs.get("note"),
            "written": attrs.get("written"),
            "duties": duties.get(name, []),
        }

    officer_rank = {badge: i for i, (badge, _, _) in enumerate(by_kind["officer"])}
    grid_officers: dict[str, list[str]] = defaultdict(list)
    for badge, grid, _ in by_kind["officer_grid"]:
        grid_officers[grid].append(badge)
    grids_of: dict[str, list[dict]] = defaultdict(list)
    for name, station, attrs in by_kind["grid"]:
        paired = sorted(grid_officers.get(name, []), key=lambda b: (officer_rank.get(b, len(officer_rank)), b))
        grids_of[station].append({"name": name, "worker": attrs.get("worker"), "officers": paired})
    officers_of: dict[str, list[dict]] = defaultdict(list)
    for badge, station, attrs in by_kind["officer"]:
        officers_of[station].append({"badge": badge, "name": attrs.get("name"), "role": attrs.get("role")})

    departments, stations = [], []
    for name, _, attrs in sorted(by_kind["department"], key=lambda d: (d[2].get("order", 0), d[0])):
        view: dict[str, Any] = {
            "name": name,
            "category": attrs.get("category"),
            "kind": attrs.get("kind"),
            "units": [unit_view(u) for u in pairings.get(name, [])],
        }
        view["officers"] = officers_of.get(name, [])
        if attrs.get("category") == "station":
            view["jurisdiction"] = attrs.get("jurisdiction")
            view["sample"] = bool(attrs.get("sample", False))
            view["grids"] = grids_of.get(name, [])
            stations.append(view)
        else:
            view["item"] = attrs.get("item")
            departments.append(view)
    return {
        "on": None if on == FAR_FUTURE else on,
        "plan_version": {
            "entry_id": version["entry_id"],
            "effective": version["effective"],
            "source": version["source"],
            "operator": version["operator"],
            "recorded_at": version["recorded_at"],
        },
        "campaign": settings.get("campaign", {}),
        "leadership": settings.get("leadership", {}),
        "fraud_types": settings.get("fraud_types", []),
        "departments": departments,
        "stations": stations,
        # The plan's own rules (方案规定, with its words) and the bureau's (本局细则).
        "rules": settings.get("rules", {}),
        "local_rules": plan_rules.local_view(settings),
    }


def select_department(state: dict[str, Any], name: str) -> dict[str, Any]:
    """Narrow a state to one department or station; an unknown name gets suggestions."""
    every = state["departments"] + state["stations"]
    for d in every:
        if d["name"] == name:
            narrowed = dict(state)
            narrowed["departments"] = [d] if d in state["departments"] else []
            narrowed["stations"] = [d] if d in state["stations"] else []
            return narrowed
    raise unknown_name("科所队", name, [d["name"] for d in every])


def unknown_name(what: str, name: str, known: list[str]) -> FanzhaError:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.3)
    if not close:
        close = [k for k in known if name and (name in k or k in name)][:3]
    hint = f"是不是：{'、'.join(close)}？" if close else "用 fanzha plan show 查看全部名称。"
    return FanzhaError(f"没有名为“{name}”的{what}。", hint=hint)


@dataclass
class PlanIndex:
    """The plan in force on one date, as lookups: what writes check names against.

    Built from one query, and kept for the ledger it came from (see `index_on`): ask for it
    freely, but treat it as read-only, since the same index serves every caller.
    """

    on: str
    settings: dict[str, Any]
    departments: dict[str, dict[str, Any]]  # name -> attrs (category, kind, ...)
    units: dict[str, dict[str, Any]]  # unit name -> attrs (collective, aliases, ...)
    unit_by_alias: dict[str, str]  # alias or name -> unit name
    unit_depts: dict[str, list[str]]  # unit name -> departments paired with it
    grids: dict[str, str]  # grid name -> station
    grid_workers: dict[str, str]  # grid name -> grid worker
    officers: dict[str, dict[str, Any]]  # badge -> {name, role, station}
    grid_officers: dict[str, list[str]]  # grid name -> badges paired with it
    # The same pairings the other way round, in the order of the maps above.
    dept_units: dict[str, list[str]] = field(default_factory=dict)  # department -> its units
    station_grids: dict[str, list[str]] = field(default_factory=dict)  # station -> its grids
    officer_grids: dict[str, list[str]] = field(default_factory=dict)  # badge -> its grids
    # What readers derive from the index and keep with it (see cases.pairings): shared by the
    # copies index_on hands out for other dates, as the index itself is.
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def dept(self, name: str) -> dict[str, Any]:
        if name not in self.departments:
            raise unknown_name("科所队", name, list(self.departments))
        return self.departments[name]

    def unit(self, name: str) -> str:
        """The unit's canonical name (an alias is accepted)."""
        if name in self.unit_by_alias:
            return self.unit_by_alias[name]
        raise unknown_name("包联单位", name, list(self.unit_by_alias))

    def grid(self, name: str) -> str:
        """The station of a grid."""
        if name not in self.grids:
            raise unknown_name("网格", name, list(self.grids))
        return self.grids[name]

    def officer(self, badge: str) -> dict[str, Any]:
        if badge not in self.officers:
            raise unknown_name("民辅警（警号）", badge, list(self.officers))
        return self.officers[badge]

    def units_of(self, dept: str) -> list[str]:
        return list(self.dept_units.get(dept, ()))

    def grids_of(self, station: str) -> list[str]:
        return list(self.station_grids.get(station, ()))

    def grids_of_officer(self, badge: str) -> list[str]:
        return list(self.officer_grids.get(badge, ()))


# Indexes already built, per open ledger, by the plan version they reflect (a few at most:
# a province's plan index is large, and a command needs one or two).
_BUILT: "weakref.WeakKeyDictionary[Ledger, dict[str, PlanIndex]]" = weakref.WeakKeyDictionary()
_KEEP = 4


def index_on(ledger: Ledger, on: str) -> PlanIndex:
    """The plan in force on `on`, built once per plan version for each open ledger.

    Plan loads take effect in the order they were made (never before the one in force), so
    the version in force on a date names the whole state on it: the loads up to that one.
    It is keyed by the version's hash, so a rolled-back load can never be mistaken for it.
    """
    version = version_on(ledger, on)
    built = _BUILT.setdefault(ledger, {})
    key = version["hash"]
    if key not in built:
        if len(built) >= _KEEP:
            del built[next(iter(built))]
        built[key] = _build_index(ledger, on, version)
    idx = built[key]
    return idx if idx.on == on else dataclasses.replace(idx, on=on)


def version_on(ledger: Ledger, on: str) -> dict[str, Any]:
    """The plan version in force on `on`; refused, saying why, if there is none."""
    version = ledger.query(queries.PLAN_VERSION_ON, {"on": on})
    if not version:
        first = ledger.query(queries.FIRST_PLAN_EFFECTIVE, {"upto": None})[0]["effective"]
        if first:  # a plan is loaded, but took effect later: no pairing existed on that day
            raise FanzhaError(
                f"{on} 早于计划生效日期 {first}，那时还没有包联关系。",
                hint="检查日期是否写错；如计划实际更早生效，首次载入计划时用 --effective 指定生效日期。",
            )
        raise FanzhaError(
            f"{on} 时账本中还没有生效的计划。",
            hint="先运行 fanzha plan load data/assignments.yaml，或检查日期是否在活动期内。",
        )
    return version[0]


def _state_on(ledger: Ledger, on: str, version: dict[str, Any]) -> dict[str, Any]:
    """The state columns in force on `on`: the version's own record of it, or (for a ledger
    loaded before plan_states existed) the items themselves."""
    recorded = ledger.query(queries.PLAN_STATE_RECORDED, {"entry_id": version["entry_id"], "on": on})
    if recorded:
        return json.loads(recorded[0]["state"])
    return state_columns(r[:4] for r in ledger.conn.execute(queries.PLAN_STATE_ON, {"on": on}))


_NONE: tuple[list, list, list] = ([], [], [])


def _build_index(ledger: Ledger, on: str, version: dict[str, Any]) -> PlanIndex:
    return _index_from_state(on, version["settings"], _state_on(ledger, on, version))


def _index_from_state(on: str, settings: str, state: dict[str, Any]) -> PlanIndex:
    # Names recur across kinds (a station is the parent of each of its grids and officers, a
    # grid of each of its officer pairings): one string each, not one per mention, which at a
    # province's scale is tens of MB.
    state = {kind: (list(map(sys.intern, keys)), list(map(sys.intern, parents)), attrs)
             for kind, (keys, parents, attrs) in state.items()}
    idx = PlanIndex(on=on, settings=json.loads(settings), departments={}, units={},
                    unit_by_alias={}, unit_depts=defaultdict(list), grids={}, grid_workers={},
                    officers={}, grid_officers=defaultdict(list))
    keys, _, attrs = state.get("department", _NONE)
    idx.departments.update(zip(keys, attrs))
    keys, _, attrs = state.get("unit", _NONE)
    for key, a in zip(keys, attrs):
        idx.units[key] = a
        idx.unit_by_alias[key] = key
        for alias in a.get("aliases", []):
            idx.unit_by_alias.setdefault(alias, key)
    keys, parents, _ = state.get("pairing", _NONE)
    for key, parent in zip(keys, parents):
        idx.unit_depts[key].append(parent)
    keys, parents, attrs = state.get("grid", _NONE)
    idx.grids.update(zip(keys, parents))
    idx.grid_workers.update((k, a.get("worker", "")) for k, a in zip(keys, attrs))
    keys, parents, attrs = state.get("officer", _NONE)
    idx.officers.update((k, {"name": a.get("name"), "role": a.get("role"), "station": p})
                        for k, p, a in zip(keys, parents, attrs))
    keys, parents, _ = state.get("officer_grid", _NONE)
    for badge, grid in zip(keys, parents):
        idx.grid_officers[grid].append(badge)
    for unit, depts in idx.unit_depts.items():
        for dept in depts:
            idx.dept_units.setdefault(dept, []).append(unit)
    for grid, station in idx.grids.items():
        idx.station_grids.setdefault(station, []).append(grid)
    for grid, badges in idx.grid_officers.items():
        for badge in badges:
            idx.officer_grids.setdefault(badge, []).append(grid)
    return idx
