"""The weekly circular (每周通报) as plain data: the JSON contract every format renders.

One week at a time: the week's report lines, cases and call-backs are read through the
week-indexed queries; discipline and zero-case are judged as they stood at the week's end,
so a circular for a past week reads the same however often it is made. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from fanzha_cli import (cases, clock, commend, discipline, plan_lookup, plan_rows, plan_store, privacy, queries, rules,
                        scoring, weeks)
from fanzha_cli.errors import FanzhaError
from fanzha_cli.reports.week_plan import WeekPlan, week_plan
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan
from fanzha_cli.weeks import Week

MEASURE_KEYS = list(scoring.ACTIVITY_MEASURES) + ["photos"]
# How many weeks the trend shows, how many are named and by what limits: local rules of the
# plan (rules.of(settings): named, praise_one_in, trend_weeks ...), never constants here.


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


def _week_lines(led: Ledger, plan: WeekPlan, rules: dict[str, Any]) -> tuple[dict[str, _Reported], dict[str, int]]:
    """`_week_lines_progress` without the progress."""
    return _week_lines_progress(led, plan, rules)[:2]


def _week_lines_progress(led: Ledger, plan: WeekPlan, rules: dict[str, Any]) -> tuple[dict[str, _Reported], dict[str, int], dict[str, int] | None]:
    """The week's current lines summed by department (at a province's hundred thousand lines,
    SQL does it in about half the time of Python), their figures over all departments, and
    (with the plan read as rows) each department's 宣传进度. A department with a line on a
    target it is not paired with in the week's plan (the plan changed after the line was
    made) is summed again line by line, so that such a line counts for nothing."""
    limits = dict(zip(scoring.ACTIVITY_MEASURES, scoring.caps(rules)))
    params = {"week": plan.week.label, **{f"cap_{m}": cap for m, cap in limits.items()}}
    as_rows = isinstance(plan.index, plan_rows.PlanRows)
    if as_rows:  # the plan check and the progress made in SQL
        params["version"] = plan.index.version
    out: dict[str, _Reported] = {}
    totals = dict.fromkeys(MEASURE_KEYS, 0)
    progress_of: dict[str, int] | None = {} if as_rows else None
    for row in led.query(queries.CIRCULAR_DEPARTMENTS_ON_PLAN if as_rows else queries.CIRCULAR_DEPARTMENTS_OF_WEEK, params):
        dept = row["dept"]
        for k in MEASURE_KEYS:
            totals[k] += row[k]
        if as_rows:
            known = dept in plan.index.departments
            clean = known and not row["unpaired"] and not row["repeated"]
            if known and row["progress_n"]:
                progress_of[dept] = int(row["progress_sum"] / row["progress_n"] + 0.5)
        else:
            paired = _paired_targets(plan.index, dept)
            known = paired is not None
            on = row["targets"].split(_SEP) if row["targets"] is not None else []
            clean = known and len(set(on)) == len(on) and paired.issuperset(on)
        if not known:  # not ranked: only its figures count, in the totals
            tally = scoring.Tally()
        elif clean:
            tally = scoring.Tally(row["covered"], tuple(row[f"capped_{m}"] for m in scoring.ACTIVITY_MEASURES),
                                  row["paired_photos"])
        else:
            tally = _tally_by_line(led, plan, dept, rules)
        out[dept] = _Reported(tally, row["first_submitted"], row["late_at"])
    return out, totals, progress_of


def _targets(idx: plan_store.PlanIndex, dept: str) -> list[str] | tuple[()]:
    """What a department scores on: its paired units and, for a station, its grids too (item
    23: a station's units are paired targets like any department's)."""
    units = idx.dept_units.get(dept, ())
    if idx.departments.get(dept, {}).get("category") == "station":
        return [*units, *idx.station_grids.get(dept, ())]
    return units


def _paired_targets(idx: plan_store.PlanIndex, dept: str) -> set[str] | None:
    """The targets a department is paired with (None: not a department of this plan)."""
    return set(_targets(idx, dept)) if dept in idx.departments else None


def _tally_by_line(led: Ledger, plan: WeekPlan, dept: str, rules: dict[str, Any]) -> scoring.Tally:
    idx = plan.index.full() if isinstance(plan.index, plan_rows.PlanRows) else plan.index  # rare: the targets in order
    lines = {}
    for r in led.query(queries.CIRCULAR_LINES_OF_DEPT_WEEK, {"week": plan.week.label, "dept": dept}):
        if r["target_kind"] != "self":
            lines[r["target"]] = {**{k: r[k] for k in MEASURE_KEYS}, "photos": max(r["photos"], r["photo_files"])}
    return scoring.tally(lines, list(_targets(idx, dept)), rules)


def _is_late(got: _Reported, plan: WeekPlan, any_line: bool) -> bool:
    """Late by the local rule: any late line (the shipped rule), or else the first line's time."""
    if any_line:
        return got.late_at is not None
    return got.first_submitted > weeks.stamp(plan.deadline)


def department_weeks(plan: WeekPlan, reported: dict[str, _Reported], deductions: dict[str, int]) -> list[scoring.DeptWeek]:
    idx = plan.index
    any_line = rules.of(idx.settings).late_if_any_line
    counts = idx.target_counts if isinstance(idx, plan_rows.PlanRows) else None
    out = []
    for dept, attrs in sorted(idx.departments.items(), key=lambda d: d[1].get("order", 0)):
        category = attrs.get("category", "bureau")
        got = reported.get(dept)
        out.append(scoring.DeptWeek(
            dept=dept, category=category, order=attrs.get("order", 0),
            targets=counts[dept] if counts is not None else len(_targets(idx, dept)),
            tally=got.tally if got else scoring.Tally(),
            status="missing" if got is None else ("late" if _is_late(got, plan, any_line) else "on_time"),
            first_submitted=got.first_submitted if got else None,
            deductions=deductions.get(dept, 0),
        ))
    return out


def ranking(led: Ledger, week: Week, upto: int | None = None) -> tuple[WeekPlan, list[scoring.Score], dict[str, Any], list[dict]]:
    """The week's plan, scores and deductions, and what the circular needs of its lines (the
    figures summed, each late department's last time)."""
    plan = week_plan(led, week, rows=True)
    r = rules.of(plan.index.settings)
    reported, totals, progress_of = _week_lines_progress(led, plan, r.scoring)
    deductions = led.query(queries.CIRCULAR_DEDUCTIONS,
                           {"start": week.monday.isoformat(), "end": week.sunday.isoformat(), "upto": upto})
    per_dept: dict[str, int] = defaultdict(int)
    for d in deductions:
        if d["subject_kind"] == "department":
            per_dept[d["subject"]] += 1
    scores = scoring.rank([scoring.score(w, r.scoring) for w in department_weeks(plan, reported, per_dept)],
                          r.tie_breaks)
    summary = {"measures": totals,
               "late_at": {d: got.late_at or got.first_submitted for d, got in reported.items()
                           if _is_late(got, plan, r.late_if_any_line)},
               "deducted": dict(per_dept), "progress": progress_of}
    return plan, scores, summary, deductions


def _cases_of(led: Ledger, start: dt.date, end: dt.date, upto: int | None = None) -> list[dict[str, Any]]:
    return led.query(queries.CASES_IN_PERIOD,
                     {"start": start.isoformat(), "end": end.isoformat(), "fraud_type": None, "upto": upto})


def _by_group(this: list[dict], groups: dict[str, str]) -> list[dict[str, Any]]:
    """The week's cases per focus group, in the plan's order, then 其他, then 未注明."""
    order = list(groups) + [None]
    out = []
    for code in order:
        now = [c for c in this if c.get("group_name") == code]
        if now:
            out.append({"group": groups.get(code, "未注明") if code else "未注明", "code": code, "cases": len(now),
                        "loss": format_yuan(sum(c["loss_fen"] or 0 for c in now))})
    return out


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
    (2022-01-01 is a Saturday, so the first circular is for 2022-W01, not 2021-W52).
    Which weeks are *due* depends on when the plan took effect: see clock.first_due_week."""
    return weeks.first_due_from(dt.date.fromisoformat(campaign_start), due_weekday, inclusive=True)


def _trend(led: Ledger, week: Week, first: Week, n_weeks: int, upto: int | None = None) -> list[dict[str, Any]]:
    out = []
    for back in range(n_weeks - 1, -1, -1):
        monday = week.monday - dt.timedelta(days=7 * back)
        if monday < first.monday:
            continue
        wk = weeks.resolve(monday.isoformat())
        found = led.query(queries.CASE_TOTALS_IN, {"start": wk.monday.isoformat(), "end": wk.sunday.isoformat(), "upto": upto})[0]
        out.append({
            "week": wk.label, "cases": found["cases"], "loss": format_yuan(found["loss_fen"]),
            "reports": led.query(queries.REPORTING_DEPTS_OF_WEEK, {"week": wk.label})[0]["n"],
        })
    return out


def _read_officers(idx: plan_store.PlanIndex | plan_rows.PlanRows, badges: list[str]) -> None:
    """Officers the circular will name, read at once where the plan is read as rows (badge by
    badge otherwise: at a province's week 52, 12,000 deductions and as many queries)."""
    if isinstance(idx, plan_rows.PlanRows):
        idx.prefetch_officers(badges)


def _officer_label(idx: plan_store.PlanIndex, badge: str) -> str:
    o = idx.officers.get(badge)
    return f"{o['name']}（{badge}）" if o else badge


def _case_department(idx: plan_store.PlanIndex, case: dict[str, Any]) -> str:
    return "、".join(cases.charged_departments(idx, case))


def _charged(led: Ledger, these: list[dict[str, Any]]) -> list[str]:
    """The departments each case charges, by the plan on its date, looked up name by name;
    a date's units and grids are read in one query each (a province's week has thousands)."""
    on_day: dict[str, list[dict[str, Any]]] = {}
    for c in these:
        on_day.setdefault(c["case_date"], []).append(c)
    lookups = {}
    for day, cs in on_day.items():
        lk = lookups[day] = plan_lookup.lookup_on(led, day)
        lk.prefetch("pairing", [c["target"] for c in cs if c["target_kind"] == "unit"])
        lk.prefetch("grid", [c["target"] for c in cs if c["target_kind"] == "grid"])
    return [_case_department(lookups[c["case_date"]], c) for c in these]


def _discipline(led: Ledger, week: Week, idx: plan_store.PlanIndex, upto: int | None = None) -> tuple[list[dict], list[dict]]:
    """Who is due a talk or accountability as the week's last day saw it (discipline.due)."""
    r = discipline.rules(led)
    talks, accountability = [], []
    due = discipline.due(led, r, as_of=week.sunday.isoformat(), upto=upto)
    _read_officers(idx, [who.key for who in due if who.kind == "officer"])
    for who in due:
        kind, key, n = who.kind, who.key, who.deductions
        if kind == "officer":
            o = idx.officers.get(key)
            name, dept = (o["name"], o["station"]) if o else (key, who.department)
        else:
            name, dept = f"{key}负责人", key
        base = {"subject_kind": kind, "badge": key if kind == "officer" else None, "name": name,
                "department": dept, "count": n}

        def state(wanted: tuple[str, ...], done: dict[str, dict[str, Any]] = who.done) -> dict[str, Any]:
            dates = [done[s]["step_date"] for s in wanted if s in done]
            complete = bool(wanted) and len(dates) == len(wanted)
            return {"done": complete, "done_on": max(dates) if complete else None}

        talks.append({**base, **state(r.talk_steps)})
        if n >= r.accountability_at:
            accountability.append({**base, **state(r.accountability_steps)})
    return talks, accountability


def named(scores: list[scoring.Score], r: rules.Rules, deducted: dict[str, int]) -> tuple[dict, dict]:
    """Who is praised (奖励先进) and who criticised (鞭策后进), per category, by the local rules:
    praise goes to at most `named` of the reporting departments at the top, never to more
    than 1/`praise_one_in` of the category, nor (if so ruled) to one deducted that week;
    criticism names the `named` lowest reporting departments and (if so ruled) every
    department that did not report at all. No one is both."""
    top: dict[str, list[str]] = {}
    bottom: dict[str, list[str]] = {}
    for category in ("bureau", "station"):
        group = [s for s in scores if s.category == category]
        reported = [s.dept for s in group if s.status != "missing"]
        eligible = [d for d in reported if not (r.praise_excludes_deducted and deducted.get(d))]
        praised = eligible[:r.praise_limit(len(group))]
        missing = [s.dept for s in group if s.status == "missing"] if r.criticise_missing else []
        worst = [d for d in reported if d not in praised][-r.named:] if r.named else []
        top[category] = praised
        bottom[category] = worst + missing
    return top, bottom


def progress(led: Ledger, plan: WeekPlan, upto: int | None = None) -> dict[str, int]:
    """Each department's latest 宣传进度 (the share of its paired targets covered so far), as its
    report of the week states it: the average of the progress on its current lines on paired
    targets that carry one, rounded; a department that stated none this week is absent. (Only
    the week's lines are read: at a province's scale, reading back through the campaign for
    each circular would cost seconds.)"""
    by_dept: dict[str, list[int]] = defaultdict(list)
    paired: dict[str, set[str] | None] = {}
    for row in led.query(queries.PROGRESS_OF_WEEK, {"week": plan.week.label, "upto": upto}):
        dept = row["dept"]
        if dept not in paired:
            paired[dept] = _paired_targets(plan.index, dept)
        if paired[dept] is not None and row["target"] in paired[dept]:
            by_dept[dept].append(row["progress"])
    return {d: int(sum(v) / len(v) + 0.5) for d, v in by_dept.items()}


def ranking_rows(led: Ledger, plan: WeekPlan, scores: list[scoring.Score],
                 progress_of: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """The ranking as the circular and `fanzha rank` show it: each score, with the department's
    宣传进度 (as `ranking` found it, or else read here)."""
    if progress_of is None:
        progress_of = progress(led, plan)
    return [{**s.as_dict(), "progress": progress_of.get(s.dept)} for s in scores]


def issuer(settings: dict[str, Any]) -> str:
    """Who signs the circular: the office's full name from the plan (兴县公安局反诈中心); for a
    plan stored without one, the bureau's name put before the office's short name."""
    office = settings.get("leadership", {}).get("office", {})
    if office.get("full_name"):
        return office["full_name"]
    name = office.get("name") or ""
    bureau = settings.get("campaign", {}).get("issuer") or ""
    if name.startswith("县局") and bureau:
        return bureau + name[len("县局"):]
    return name or bureau


def build(led: Ledger, week: Week, upto: int | None = None) -> dict[str, Any]:
    plan, scores, week_lines, deductions = ranking(led, week, upto)
    idx = plan.index
    settings = idx.settings
    r = rules.of(settings)
    campaign = settings.get("campaign", {})
    plan_start, first = clock.first_due(led, settings)
    # Zero-case and commendation count from the day the plan took effect.
    c_start = max(plan_start, campaign.get("routine_period", {}).get("start", plan_start))
    # Zero-case and commendation run to the week's end, or the campaign's if it ends first
    # (the last week of 2022 ends on 2023-01-01).
    until = min(week.sunday.isoformat(), campaign.get("routine_period", {}).get("end", week.sunday.isoformat()))
    previous = weeks.resolve((week.monday - dt.timedelta(days=7)).isoformat())

    this_cases = _cases_of(led, week.monday, week.sunday, upto)
    prev_cases = _cases_of(led, previous.monday, previous.sunday, upto)

    statuses = [s.status for s in scores]
    summary = {
        "campaign": {"name": campaign.get("name"), "document_no": campaign.get("document_no"),
                     "issuer": campaign.get("issuer"),
                     "office": settings.get("leadership", {}).get("office", {}).get("name")},
        "issue_no": clock.issue_no(week, first),
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
        "trend": _trend(led, week, first, r.trend_weeks, upto),
        "zero_case_since": c_start,
        "top": {}, "bottom": {},
    }
    summary["top"], summary["bottom"] = named(scores, r, week_lines["deducted"])

    # Zero-case from the plan's rows in SQL when one plan held all through (plan_rows.judge),
    # else piece by piece (cases.pairings); the commendation uses the same judgement.
    rows = plan_rows.judge(led, *cases.period(led, c_start, until)) if upto is None else None
    if rows is not None:
        zero_units, zero_grids, zero_depts = rows.units, rows.grids, rows.departments
        commended = commend.candidates(led, c_start, until, with_evidence=False, rows=rows)
    else:
        zero = cases.pairings(led, *cases.period(led, c_start, until), upto)
        zero_units, zero_grids = {}, []
        for dept, kind, target in zero.free():
            if kind == "unit":
                zero_units.setdefault(target, []).append(dept)
            else:
                zero_grids.append({"grid": target, "station": dept,
                                   "officers": [f"{zero.officer_names.get(b)}（{b}）" for b in zero.officers.get((dept, kind, target), [])]})
        commended = commend.candidates(led, c_start, until, with_evidence=False, zero=zero)
        zero_depts = zero_case_departments(zero)

    names = cases.type_names(settings)
    charged = _charged(led, this_cases)
    talks, accountability = _discipline(led, week, idx, upto)
    _read_officers(idx, [d["subject"] for d in deductions if d["subject_kind"] == "officer"])
    groups = cases.group_names(settings)
    out = {
        "week": week.label,
        "issuer": issuer(settings),
        "rules_note": [dict(n) for n in r.notes],
        "period": {"start": week.monday.isoformat(), "end": week.sunday.isoformat(),
                   "deadline": weeks.stamp(plan.deadline)},
        "summary": summary,
        "ranking": ranking_rows(led, plan, scores, week_lines["progress"]),
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
        "cases": {
            "items": [
                {"case_no": c["case_no"], "date": c["case_date"], "fraud_type": c["fraud_type"],
                 "fraud_type_name": names.get(c["fraud_type"], c["fraud_type"]), "target_kind": c["target_kind"],
                 "target": c["target"], "department": department,
                 "loss": format_yuan(c["loss_fen"] or 0),
                 "group": groups.get(c["group_name"], c["group_name"]) if c["group_name"] else None,
                 "place": c["target"] if c["target_kind"] == "place" else None}
                for c, department in zip(this_cases, charged)
            ],
            "by_group": _by_group(this_cases, groups),
        },
        "deductions": [
            {"audit_id": d["audit_id"], "case_no": d["case_no"], "date": d["circulated_on"],
             "subject_kind": d["subject_kind"],
             "badge": d["subject"] if d["subject_kind"] == "officer" else None,
             "name": _officer_label(idx, d["subject"]).split("（")[0] if d["subject_kind"] == "officer" else f"{d['subject']}负责人",
             "department": d["department"], "reason": privacy.mask_text(d["finding_note"])}
            for d in deductions
        ],
        "warning_talks_due": talks,
        "accountability_due": accountability,
        # Without evidence, a candidate is exactly the circular's row (tests/test_mutants_a_commend.py).
        "commendation_candidates": commended["candidates"],
    }
    out["zero_case_departments"] = zero_depts
    # Printed on the week's last day unless issuing says otherwise (issuing._compose sets the issue date).
    out["document"] = document(settings, week.sunday.isoformat())
    return out


def zero_case_departments(zero: cases.Pairings) -> list[dict[str, str]]:
    """The departments all of whose pairings (units and grids) were case-free, in plan order:
    the same judgement as `fanzha zero-case` (cases.free_of), read off the pairings already made."""
    _, free = cases.free_of(zero)
    last = len(zero.order)
    return [{"department": d, "category": zero.categories.get(d, "")}
            for d in sorted(free, key=lambda d: (zero.order.get(d, last), d))]


def document(settings: dict[str, Any], printed_on: str) -> dict[str, Any]:
    """How the circular is issued (the plan's `campaign.document`): the red issuing mark, the
    版记's 抄送 and 印发 lines, and the 印发 date, which is the circular's own date."""
    doc = settings.get("campaign", {}).get("document") or {}
    return {"mark": doc.get("mark") or "", "copy_to": list(doc.get("copy_to") or []),
            "printed_by": doc.get("printed_by") or "", "printed_on": printed_on}
