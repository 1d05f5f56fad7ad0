"""Commendation candidates (先进、嘉奖): who meets the plan's criteria, and the evidence.

The criteria are data in the plan (`rules.commendation`):
- `max_deductions` and `min_on_time_share` must hold for everyone: no more circulated
  deductions than allowed, and the department (for an officer: his station) reported on
  time in at least that share of the period's weeks;
- then at least one merit: `min_dissuasions` or more frauds stopped in progress (劝阻), or,
  where `zero_case` is true, every paired unit or grid free of cases in the period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fanzha_cli import cases, discipline, dissuasion, plan_store, queries
from fanzha_cli.dates import week_label
from fanzha_cli.ledger import Ledger


def weeks_between(start: str, end: str, due_weekday: int = 5) -> list[str]:
    """ISO week labels of every week whose report deadline day falls in [start, end]."""
    first = dt.date.fromisoformat(start)
    due = first + dt.timedelta(days=(due_weekday - 1 - first.weekday()) % 7)
    last = dt.date.fromisoformat(end)
    out = []
    while due <= last:
        y, w, _ = due.isocalendar()
        out.append(week_label(y, w))
        due += dt.timedelta(days=7)
    return out


def on_time_weeks(led: Ledger, week_labels: list[str]) -> dict[str, int]:
    """Per department: how many of these weeks it reported, every line on time."""
    if not week_labels:
        return {}
    rows = led.query(queries.REPORT_ON_TIME_WEEKS, {"first": week_labels[0], "last": week_labels[-1]})
    return {r["dept"]: r["weeks"] for r in rows}


def candidates(led: Ledger, start: str, end: str, *, with_evidence: bool = True,
               zero: cases.Pairings | None = None) -> dict[str, Any]:
    """Who meets the criteria in [start, end], with their reasons and (unless `with_evidence`
    is false: the circular shows only the reasons) the entries and counts behind them.

    `zero`: the zero-case judgement to use instead of judging [start, end] again. The circular
    hands in its own (since the campaign's start), so one circular never lists a grid as having
    had a case and commends its officers for its having none, and does the work once."""
    idx = plan_store.index_on(led, end)
    criteria = idx.settings.get("rules", {}).get("commendation", {})
    max_deductions = criteria.get("max_deductions", 0)
    min_share = criteria.get("min_on_time_share", 0)
    min_dissuasions = criteria.get("min_dissuasions", 1)
    use_zero_case = bool(criteria.get("zero_case", True))

    due_weekday = int(idx.settings.get("rules", {}).get("weekly_report", {}).get("due_weekday", 5))
    week_labels = weeks_between(start, end, due_weekday)
    on_time = on_time_weeks(led, week_labels)
    n_weeks = len(week_labels)

    def share(dept: str | None) -> float:
        return on_time.get(dept or "", 0) / n_weeks if n_weeks else 1.0

    def reporting(dept: str | None) -> str:
        return f"所在单位按时报送 {on_time.get(dept or '', 0)}/{n_weeks} 周" if n_weeks else "期内无应报周次"

    deducted = discipline.counts(led, start, end)
    zero_targets, zero_depts = (cases.free_of(zero) if zero is not None
                                else cases.case_free(led, *cases.period(led, start, end)))
    zero_of: dict[str, list[str]] = {}
    for d, _, t in zero_targets:
        zero_of.setdefault(d, []).append(t)
    saved = {r["officer"]: r for r in dissuasion.per_officer(led, start, end)}
    dept_saved = {r["department"]: r for r in dissuasion.per_department(led, start, end)}

    officers: list[dict[str, Any]] = []
    for badge, o in idx.officers.items():
        station = o["station"]
        n_ded = deducted.get(("officer", badge), 0)
        if n_ded > max_deductions or share(station) < min_share:
            continue
        merits, evidence = [], {}
        d = saved.get(badge)
        if d and d["dissuasions"] >= min_dissuasions:
            merits.append(f"劝阻 {d['dissuasions']} 起，避免损失 {d['amount_saved']} 元")
            evidence["dissuasion_entries"] = d["entry_ids"]
        grids = idx.grids_of_officer(badge)
        if use_zero_case and grids and all((station, "grid", g) in zero_targets for g in grids):
            merits.append(f"结对网格零发案（{len(grids)} 个）")
            evidence["zero_case_grids"] = grids
        if not merits:
            continue
        officers.append({
            "subject_kind": "officer", "badge": badge, "name": o["name"], "department": station,
            "reasons": merits + ["无通报扣分" if n_ded == 0 else f"通报扣分 {n_ded} 次", reporting(station)],
        })
        if with_evidence:
            officers[-1]["evidence"] = {**evidence, "deductions": n_ded, "on_time_weeks": on_time.get(station, 0),
                                        "weeks": n_weeks}

    departments: list[dict[str, Any]] = []
    for dept in idx.departments:
        n_ded = deducted.get(("department", dept), 0)
        if n_ded > max_deductions or share(dept) < min_share:
            continue
        merits, evidence = [], {}
        if use_zero_case and dept in zero_depts:
            merits.append("包联单位、网格全部零发案")
            evidence["zero_case_targets"] = sorted(zero_of.get(dept, []))
        d = dept_saved.get(dept)
        if d and d["dissuasions"] >= min_dissuasions:
            merits.append(f"民辅警劝阻 {d['dissuasions']} 起，避免损失 {d['amount_saved']} 元")
            evidence["dissuasion_entries"] = d["entry_ids"]
        if not merits:
            continue
        departments.append({
            "subject_kind": "department", "badge": None, "name": dept, "department": dept,
            "reasons": merits + ["无通报扣分" if n_ded == 0 else f"通报扣分 {n_ded} 次",
                                 f"按时报送 {on_time.get(dept, 0)}/{n_weeks} 周"],
        })
        if with_evidence:
            departments[-1]["evidence"] = {**evidence, "deductions": n_ded, "on_time_weeks": on_time.get(dept, 0),
                                           "weeks": n_weeks}
    # Stronger cases first: more merits, then more saved, then plan order (stable).
    officers.sort(key=lambda c: (-len(c["reasons"]), -saved.get(c["badge"], {}).get("amount_saved_fen", 0)))
    return {"from": start, "to": end, "criteria": criteria, "weeks": n_weeks,
            "candidates": officers + departments}


def candidates_in(led: Ledger, start: str | None, end: str | None) -> dict[str, Any]:
    """`commend candidates`: --from/--to default to the campaign so far."""
    return candidates(led, *cases.period(led, start, end))
