"""The plan as one week sees it (the plan in force on its Monday): paired targets, duty
checklists, the deadline, and when a report came in. The circular reads a week's plan from here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from fanzha_cli import clock, plan_lookup, plan_rows, rules, weeks
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.plan_lookup import PlanLookup
from fanzha_cli.plan_store import PlanIndex, index_on
from fanzha_cli.weeks import Week

# --- the plan for a week --------------------------------------------------------------------


@dataclass
class WeekPlan:
    """The plan in force on a week's Monday, as what report lines are checked against."""

    week: Week
    index: PlanIndex | PlanLookup | plan_rows.PlanRows
    deadline: dt.datetime
    checklists: dict[str, list[str]]  # unit -> sector duties

    def dept(self, name: str) -> str:
        name = (name or "").strip()
        if not name:
            raise FanzhaError("没有写科所队名称。", hint="用 --dept 写明报送的科所队，例如 --dept 宣传科。")
        self.index.dept(name)
        return name

    def is_station(self, dept: str) -> bool:
        return self.index.departments.get(dept, {}).get("category") == "station"

    def target(self, dept: str, kind: str, name: str) -> str:
        """The canonical name of a target paired with `dept` this week ('' for self)."""
        name = (name or "").strip()
        if kind == "self":
            return ""
        if kind == "unit":
            unit = self.index.unit(name)
            depts = self.index.unit_depts.get(unit, [])
            if dept not in depts:
                mine = self.index.units_of(dept)
                raise FanzhaError(
                    f"{dept} 在 {self.week.label} 没有包联“{unit}”（该单位由 {'、'.join(depts) or '无'} 包联）。",
                    hint=f"{dept} 的包联单位：{'、'.join(mine) or '无'}。",
                )
            return unit
        if not self.is_station(dept):
            raise FanzhaError(f"{dept} 不是派出所，没有结对网格。",
                              hint="科室、大队报送包联单位用 --unit，民辅警本人亲友宣传用 --self。")
        station = self.index.grid(name)
        if station != dept:
            raise FanzhaError(
                f"网格“{name}”是 {station} 的结对网格，不是 {dept} 的。",
                hint=f"{dept} 的网格：{'、'.join(self.index.grids_of(dept)) or '无'}。",
            )
        return name

    def checklist(self, kind: str, target: str) -> list[str]:
        return self.checklists.get(target, []) if kind == "unit" else []

    def targets_of(self, dept: str) -> list[tuple[str, str]]:
        """Every target the department reports on this week, in the plan's order."""
        out = [("unit", u) for u in self.index.units_of(dept)]
        if self.is_station(dept):
            out += [("grid", g) for g in self.index.grids_of(dept)]
        return out + [("self", "")]

    def is_late(self, submitted: dt.datetime) -> bool:
        return submitted > self.deadline


def week_plan(led: Ledger, week: Week, *, point: bool = False, rows: bool = False) -> WeekPlan:
    """The plan a week is judged by: the one in force on its Monday, or on the day the first
    plan took effect if that is later in the week. A week outside the campaign, or before the
    first due week (see clock), is refused. `point`: for one line, look up only the names it
    names (plan_lookup) rather than build the whole plan; `rows`: for the circular and `report
    missing`, the departments and their counts read in SQL (plan_rows), the rest on demand."""
    settings = clock.latest_settings(led)
    period = settings.get("campaign", {}).get("routine_period", {})
    start, end = period.get("start"), period.get("end")
    monday = week.monday.isoformat()
    if start and end and (week.sunday.isoformat() < start or monday > end):
        raise FanzhaError(f"周次 {week.span()} 不在活动期 {start} 至 {end} 内。", hint="检查周次是否写错。")
    plan_start, first = clock.first_due(led, settings)
    clock.refuse_not_due(week, plan_start, first, settings)
    on = max(monday, plan_start)
    try:
        index = plan_lookup.lookup_on(led, on) if point else plan_rows.rows_on(led, on) if rows else index_on(led, on)
    except FanzhaError as exc:
        raise FanzhaError(
            f"{week.span()} 的周一（{monday}）账本中还没有生效的计划，无法判断包联关系。",
            hint=exc.hint,
        ) from exc
    checklists: dict[str, list[str]] = {}
    for sector in index.settings.get("sector_duties", []):
        for unit in sector["units"]:
            checklists.setdefault(unit, [])
            checklists[unit] += [d for d in sector["duties"] if d not in checklists[unit]]
    return WeekPlan(week, index, weeks.deadline(week, rules.of(index.settings).weekly_report), checklists)


class WeekPlans:
    """Week plans and report times for a whole import, each distinct week text and each
    distinct time resolved once (the plan index itself is built once per plan version:
    plan_store.index_on keeps it). With `point`, the week plans look names up
    (plan_lookup) and the whole plan is built only if a name is not found."""

    def __init__(self, led: Ledger, today: dt.date, *, point: bool = False):
        self.led = led
        self.today = today
        self.point = point  # week plans that look names up (plan_lookup) rather than build the plan
        self._by_text: dict[str, WeekPlan | FanzhaError] = {}
        self._times: dict[tuple, dt.datetime | FanzhaError] = {}

    def of_text(self, text: str) -> WeekPlan:
        def resolve() -> WeekPlan:
            wk = weeks.resolve(text or "（空）", self.today)
            weeks.refuse_future(wk, self.today)
            return week_plan(self.led, wk, point=self.point)

        return _once(self._by_text, text, resolve)

    def submitted(self, value: str | None, week: Week, now: dt.datetime, default: dt.datetime | None) -> dt.datetime:
        """`submitted_time`: a sheet holds one time, or a few, for all its rows."""
        return _once(self._times, (value, week, now, default), lambda: submitted_time(value, week, now, default))


def _once(cache: dict, key: Any, compute: Callable[[], Any]) -> Any:
    """compute() once per key; a FanzhaError it raised is raised again for the same key."""
    if key not in cache:
        try:
            cache[key] = compute()
        except FanzhaError as exc:
            cache[key] = exc
    got = cache[key]
    if isinstance(got, FanzhaError):
        raise got
    return got


# --- times ----------------------------------------------------------------------------------


def submitted_time(value: str | None, week: Week, now: dt.datetime, default: dt.datetime | None = None) -> dt.datetime:
    """When the report came in: given, else `default`, else now; never in the future or before the week."""
    when = weeks.parse_datetime(value) if value not in (None, "") else (default or now)
    if when > now:
        raise FanzhaError(f"报送时间 {weeks.stamp(when).replace('T', ' ')} 在将来。",
                          hint="--submitted-at 只用于补录已经收到的报送，写实际收到的时间。")
    if when.date() < week.monday:
        raise FanzhaError(
            f"报送时间 {weeks.stamp(when).replace('T', ' ')} 早于 {week.span()}的开始，不可能是这一周的报送。",
            hint="检查周次或报送时间是否写错。",
        )
    return when


