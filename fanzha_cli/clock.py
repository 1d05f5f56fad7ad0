"""The campaign's clock: from which day the plan holds, and which weeks are due.

The plan (兴公发〔2022〕6号) was issued on 2022-01-21; a pairing that did not exist cannot have
failed, so nothing is due, and nothing counts toward zero-case or commendation, before the
day the first plan load takes effect. A week is due when its deadline day (the plan's
report weekday) falls after that day: for the shipped plan, loaded on its issue date, the
first due week is 2022-W04 (deadline Friday 2022-01-28), and its circular is 第1期.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fanzha_cli import queries, rules, weeks
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.weeks import Week


def latest_settings(led: Ledger) -> dict[str, Any]:
    """The settings of the plan version that takes effect last (the campaign's dates)."""
    rows = led.query(queries.LATEST_PLAN_VERSION)
    if not rows:
        raise FanzhaError("账本中还没有载入计划。", hint="先运行 fanzha plan load data/assignments.yaml。")
    return json.loads(rows[0]["settings"])


def plan_start(led: Ledger, upto: int | None = None) -> str | None:
    """The day the first plan load took effect (None: no plan yet)."""
    rows = led.query(queries.FIRST_PLAN_EFFECTIVE, {"upto": upto})
    return rows[0]["effective"] if rows and rows[0]["effective"] else None


def first_due_week(start: str, due_weekday: int) -> Week:
    """The first week whose deadline day falls after `start` (the day the plan took effect)."""
    day = dt.date.fromisoformat(start)
    week = weeks.resolve(day.isoformat())
    if week.monday + dt.timedelta(days=due_weekday - 1) <= day:
        week = weeks.resolve((week.monday + dt.timedelta(days=7)).isoformat())
    return week


def first_due(led: Ledger, settings: dict, upto: int | None = None) -> tuple[str, Week]:
    """The plan's start and its first due week (`settings`: the plan version's, for the weekday)."""
    start = plan_start(led, upto)
    if start is None:
        raise FanzhaError("账本中还没有载入计划。", hint="先运行 fanzha plan load data/assignments.yaml。")
    return start, first_due_week(start, rules.of(settings).due_weekday)


def issue_no(week: Week, first: Week) -> int:
    """The circular's number: 1 for the first due week."""
    return (week.monday - first.monday).days // 7 + 1


def refuse_not_due(week: Week, start: str, first: Week, settings: dict) -> None:
    """A week before the first due week: nothing was due in it."""
    if week.monday >= first.monday:
        return
    deadline = weeks.deadline(first, rules.of(settings).weekly_report)
    raise FanzhaError(
        f"周次 {week.span()} 不是应报周：计划自 {start} 起生效，第一个应报周是 {first.label}"
        f"（报送截止 {weeks.describe_deadline(deadline)}），其通报为第 1 期。",
        hint=f"改用 {first.label} 或之后的周次；如计划实际更早生效，载入计划时用 --effective 指定生效日期。",
    )
