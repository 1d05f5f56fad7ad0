"""The weekly circular (每周通报) as plain data: the JSON contract every format renders.

One week at a time: the week's report lines, cases and call-backs are read through the
week-indexed queries; discipline and zero-case are judged as they stood at the week's end,
so a circular for a past week reads the same however often it is made. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from fanzha_cli import cases, commend, discipline, plan_store, queries, reports, scoring, weeks
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan
from fanzha_cli.weeks import Week

MEASURE_KEYS = list(scoring.ACTIVITY_MEASURES) + ["photos"]
TREND_WEEKS = 8
NAMED = 3  # how many are named at the top and at the bottom of each category


def default_week(led: Ledger, today: dt.date | None = None) -> Week:
    """This week if it lies in the campaign; otherwise the campaign's last week with reports."""
    today = today or dt.date.today()
    start, end = cases.campaign_period(led)
    this = weeks.resolve("current", today)
    if start <= today.isoformat() <= end:
        return this
    row = led.query("SELECT max(week) AS week FROM report_lines")  # cheap: the week index
    if row and row[0]["week"]:
        return weeks.resolve(row[0]["week"], today)
    raise FanzhaError(
        f"今天（{today.isoformat()}）不在活动期 {start} 至 {end} 内，账本中也还没有任何报送。",
        hint="用 --week 指定周次，例如 --week 2022-W05。",
    )


@dataclass
class _Reported:
    """One department's current lines of the week, as the ranking and the circular need them."""

    tally: scoring.Tally
    first_submitted: str
    late_at: str | None  # the last time of a late line


_SEP = "\x1f"


def _week_lines(led: Ledger, plan: reports.WeekPlan, rules: dict[str, Any]) -> tuple[dict[str, _Reported], dict[str, int]]:
    """The week's current lines summed by department (at a province's hundred thousand lines,
    SQL does it in about half the time of Python), and their figures over all departments. A department with a
    line on a target it is not paired with in the week's plan (the plan changed after the
    line was made) is summed again line by line, so that such a line counts for nothing."""
    limits = dict(zip(scoring.ACTIVITY_MEASURES, scoring.caps(rules)))
    params = {"week": plan.week.label, **{f"cap_{m}": cap for m, cap in limits.items()}}
    out: dict[str, _Reported] = {}
    totals = dict.fromkeys(MEASURE_KEYS, 0)
    for row in led.query(queries.CIRCULAR_DEPARTMENTS_OF_WEEK, params):
        dept = row["dept"]
        for k in MEASURE_KEYS:
            totals[k] += row[k]
        paired = _paired_targets(plan.index, dept)
        on = row["targets"].split(_SEP) if row["targets"] is not None else []
        if paired is None:  # not ranked: only its figures count, in the totals
            tally = scoring.Tally()
        elif len(set(on)) == len(on) and paired.issuperset(on):
            tally = scoring.Tally(row["covered"], tuple(row[f"capped_{m}"] for m in scoring.ACTIVITY_MEASURES),
                                  row["paired_photos"])
        else:
            tally = _tally_by_line(led, plan, dept, rules)
        out[dept] = _Reported(tally, row["first_submitted"], row["late_at"])
    return out, totals


def _targets(idx: plan_store.PlanIndex, dept: str) -> list[str] | tuple[()]:
    """What a department scores on: its grids if a station, else its paired units (read-only:
    the index's own list)."""
    if idx.departments.get(dept, {}).get("category") == "station":
        return idx.station_grids.get(dept, ())
    return idx.dept_units.get(dept, ())


def _paired_targets(idx: plan_store.PlanIndex, dept: str) -> set[str] | None:
    """The targets a department is paired with (None: not a department of this plan)."""
    return set(_targets(idx, dept)) if dept in idx.departments else None


def _tally_by_line(led: Ledger, plan: reports.WeekPlan, dept: str, rules: dict[str, Any]) -> scoring.Tally:
    lines = {}
    for r in led.query(queries.CIRCULAR_LINES_OF_DEPT_WEEK, {"week": plan.week.label, "dept": dept}):
        if r["target_kind"] != "self":
            lines[r["target"]] = {**{k: r[k] for k in MEASURE_KEYS}, "photos": max(r["photos"], r["photo_files"])}
    return scoring.tally(lines, list(_targets(plan.index, dept)), rules)


def department_weeks(plan: reports.WeekPlan, reported: dict[str, _Reported], deductions: dict[str, int]) -> list[scoring.DeptWeek]:
    idx = plan.index
    out = []
    for dept, attrs in sorted(idx.departments.items(), key=lambda d: d[1].get("order", 0)):
        category = attrs.get("category", "bureau")
        targets = _targets(idx, dept)
        got = reported.get(dept)
        out.append(scoring.DeptWeek(
            dept=dept, category=category, order=attrs.get("order", 0), targets=len(targets),
            tally=got.tally if got else scoring.Tally(),
            status="missing" if got is None else ("late" if got.late_at else "on_time"),
            first_submitted=got.first_submitted if got else None,
            deductions=deductions.get(dept, 0),
        ))
    return out


def ranking(led: Ledger, week: Week) -> tuple[reports.WeekPlan, list[scoring.Score], dict[str, Any], list[dict]]:
    """The week's plan, scores and deductions, and what the circular needs of its lines (the
    figures summed, each late department's last time)."""
    plan = reports.week_plan(led, week)
    rules = plan.index.settings.get("rules", {}).get("scoring", {})
    reported, totals = _week_lines(led, plan, rules)
    deductions = led.query(queries.CIRCULAR_DEDUCTIONS,
                           {"start": week.monday.isoformat(), "end": week.sunday.isoformat()})
    per_dept: dict[str, int] = defaultdict(int)
    for d in deductions:
        if d["subject_kind"] == "department":
            per_dept[d["subject"]] += 1
    scores = scoring.rank([scoring.score(w, rules) for w in department_weeks(plan, reported, per_dept)])
    summary = {"measures": totals,
               "late_at": {d: r.late_at for d, r in reported.items() if r.late_at}}
    return plan, scores, summary, deductions


def _cases_of(led: Ledger, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    return led.query(queries.CASES_IN_PERIOD, {"start": start.isoformat(), "end": end.isoformat(), "fraud_type": None})


def _by_type(this: list[dict], previous: list[dict], fraud_types: list[dict]) -> list[dict[str, Any]]:
    out = []
    for t in fraud_types:
        now = [c for c in this if c["fraud_type"] == t["code"]]
        before = [c for c in previous if c["fraud_type"] == t["code"]]
        if now or before:
            out.append({
                "code": t["code"], "name": t["name"],
                "cases": len(now), "loss": format_yuan(sum(c["loss_fen"] or 0 for c in now)),
                "cases_previous": len(before), "loss_previous": format_yuan(sum(c["loss_fen"] or 0 for c in before)),
            })
    return out


def first_week(campaign_start: str, due_weekday: int) -> Week:
    """The campaign's first reporting week: the first whose deadline day lies in the campaign
    (2022-01-01 is a Saturday, so the first circular is for 2022-W01, not 2021-W52)."""
    week = weeks.resolve(campaign_start)
    if (week.monday + dt.timedelta(days=due_weekday - 1)).isoformat() < campaign_start:
        week = weeks.resolve((week.monday + dt.timedelta(days=7)).isoformat())
    return week


def _trend(led: Ledger, week: Week, first: Week) -> list[dict[str, Any]]:
    out = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        monday = week.monday - dt.timedelta(days=7 * back)
        if monday < first.monday:
            continue
        wk = weeks.resolve(monday.isoformat())
        found = led.query(queries.CASE_TOTALS_IN, {"start": wk.monday.isoformat(), "end": wk.sunday.isoformat()})[0]
        out.append({
            "week": wk.label, "cases": found["cases"], "loss": format_yuan(found["loss_fen"]),
            "reports": led.query(queries.REPORTING_DEPTS_OF_WEEK, {"week": wk.label})[0]["n"],
        })
    return out


def _officer_label(idx: plan_store.PlanIndex, badge: str) -> str:
    o = idx.officers.get(badge)
    return f"{o['name']}（{badge}）" if o else badge


def _case_department(idx: plan_store.PlanIndex, case: dict[str, Any]) -> str:
    if case["target_kind"] == "grid":
        return idx.grids.get(case["target"], "")
    return "、".join(idx.unit_depts.get(case["target"], []))


def _discipline(led: Ledger, week: Week, idx: plan_store.PlanIndex) -> tuple[list[dict], list[dict]]:
    r = discipline.rules(led)
    as_of = week.sunday.isoformat()
    done: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for s in led.query(queries.ALL_DISCIPLINE_STEPS):
        if s["step_date"] <= as_of:
            done[(s["subject_kind"], s["subject"])].setdefault(s["step"], s["step_date"])
    talks, accountability = [], []
    rows = led.query(queries.DEDUCTION_COUNTS_AS_OF,
                     {"start": r.start, "end": r.end, "as_of": as_of, "at_least": r.talk_at})
    for row in rows:
        kind, key, n = row["subject_kind"], row["subject"], row["deductions"]
        steps = done.get((kind, key), {})
        if kind == "officer":
            o = idx.officers.get(key)
            name, dept = (o["name"], o["station"]) if o else (key, row["department"])
        else:
            name, dept = f"{key}负责人", key
        base = {"subject_kind": kind, "badge": key if kind == "officer" else None, "name": name,
                "department": dept, "count": n}

        def state(wanted: tuple[str, ...]) -> dict[str, Any]:
            dates = [steps[s] for s in wanted if s in steps]
            complete = bool(wanted) and len(dates) == len(wanted)
            return {"done": complete, "done_on": max(dates) if complete else None}

        talks.append({**base, **state(r.talk_steps)})
        if n >= r.accountability_at:
            accountability.append({**base, **state(r.accountability_steps)})
    return talks, accountability


def build(led: Ledger, week: Week) -> dict[str, Any]:
    plan, scores, week_lines, deductions = ranking(led, week)
    idx = plan.index
    settings = idx.settings
    campaign = settings.get("campaign", {})
    c_start = campaign.get("routine_period", {}).get("start", week.monday.isoformat())
    # Zero-case and commendation run to the week's end, or the campaign's if it ends first
    # (the last week of 2022 ends on 2023-01-01).
    until = min(week.sunday.isoformat(), campaign.get("routine_period", {}).get("end", week.sunday.isoformat()))
    previous = weeks.resolve((week.monday - dt.timedelta(days=7)).isoformat())

    this_cases = _cases_of(led, week.monday, week.sunday)
    prev_cases = _cases_of(led, previous.monday, previous.sunday)

    statuses = [s.status for s in scores]
    first = first_week(c_start, int(settings.get("rules", {}).get("weekly_report", {}).get("due_weekday", 5)))
    summary = {
        "campaign": {"name": campaign.get("name"), "document_no": campaign.get("document_no"),
                     "issuer": campaign.get("issuer"),
                     "office": settings.get("leadership", {}).get("office", {}).get("name")},
        "issue_no": (week.monday - first.monday).days // 7 + 1,
        "departments": len(scores),
        "reported": len(scores) - statuses.count("missing"),
        "on_time": statuses.count("on_time"),
        "late": statuses.count("late"),
        "missing": statuses.count("missing"),
        "measures": week_lines["measures"],
        "measures_previous": led.query(queries.REPORT_TOTALS_OF_WEEK, {"week": previous.label})[0],
        "cases": len(this_cases),
        "loss": format_yuan(sum(c["loss_fen"] or 0 for c in this_cases)),
        "cases_previous": len(prev_cases),
        "loss_previous": format_yuan(sum(c["loss_fen"] or 0 for c in prev_cases)),
        "cases_by_type": _by_type(this_cases, prev_cases, settings.get("fraud_types", [])),
        "trend": _trend(led, week, first),
        "zero_case_since": c_start,
        "top": {}, "bottom": {},
    }
    for category in ("bureau", "station"):
        reported = [s.dept for s in scores if s.category == category and s.status != "missing"]
        summary["top"][category] = reported[:NAMED]
        summary["bottom"][category] = [d for d in reported[-NAMED:] if d not in reported[:NAMED]]

    zero = cases.pairings(led, *cases.period(led, c_start, until))
    zero_units: dict[str, list[str]] = {}
    zero_grids = []
    for dept, kind, target in zero.free():
        if kind == "unit":
            zero_units.setdefault(target, []).append(dept)
        else:
            zero_grids.append({"grid": target, "station": dept,
                               "officers": [f"{zero.officer_names.get(b)}（{b}）" for b in zero.officers.get((dept, kind, target), [])]})

    names = cases.type_names(settings)
    plan_on = functools.lru_cache(maxsize=None)(lambda day: plan_store.index_on(led, day))  # a week: 7 days
    talks, accountability = _discipline(led, week, idx)
    commended = commend.candidates(led, first.monday.isoformat(), until, with_evidence=False, zero=zero)
    return {
        "week": week.label,
        "period": {"start": week.monday.isoformat(), "end": week.sunday.isoformat(),
                   "deadline": weeks.stamp(plan.deadline)},
        "summary": summary,
        "ranking": [s.as_dict() for s in scores],
        "missing_reports": [{"department": s.dept, "category": s.category} for s in scores if s.status == "missing"],
        "late_reports": [
            {"department": s.dept, "category": s.category,
             "submitted_at": week_lines["late_at"][s.dept],
             "deadline": weeks.stamp(plan.deadline)}
            for s in scores if s.status == "late"
        ],
        "zero_case_units": [{"unit": u, "departments": d} for u, d in zero_units.items()],
        "zero_case_grids": zero_grids,
        # Victims' names, phones and ID numbers are never read into the circular at all.
        "cases": [
            {"case_no": c["case_no"], "date": c["case_date"], "fraud_type": c["fraud_type"],
             "fraud_type_name": names.get(c["fraud_type"], c["fraud_type"]), "target_kind": c["target_kind"],
             "target": c["target"], "department": _case_department(plan_on(c["case_date"]), c),
             "loss": format_yuan(c["loss_fen"] or 0)}
            for c in this_cases
        ],
        "deductions": [
            {"audit_id": d["audit_id"], "case_no": d["case_no"], "date": d["circulated_on"],
             "subject_kind": d["subject_kind"],
             "badge": d["subject"] if d["subject_kind"] == "officer" else None,
             "name": _officer_label(idx, d["subject"]).split("（")[0] if d["subject_kind"] == "officer" else f"{d['subject']}负责人",
             "department": d["department"], "reason": d["finding_note"]}
            for d in deductions
        ],
        "warning_talks_due": talks,
        "accountability_due": accountability,
        "commendation_candidates": [
            {k: c[k] for k in ("subject_kind", "badge", "name", "department", "reasons")}
            for c in commended["candidates"]
        ],
    }
