"""Commendation candidates (先进、嘉奖): who meets the plan's criteria, and the evidence.

The plan's own grounds (`rules.commendation`, 方案规定): paired units or grids with no case
(零发案), or a dissuasion that avoided a major loss (劝阻、避免……造成重大损失). What makes a
loss 重大 is a local rule (`local_rules.major_loss`, e.g. 10,000 元): a 0.01 元 dissuasion is
not a merit. Limits the plan does not state (at most so many deductions, at least such a
share of weeks reported on time) apply only when the bureau turns them on in `local_rules`
(`commendation_max_deductions`, `commendation_min_on_time_share`). Everything counts from the
day the plan took effect (clock.plan_start) and only over due weeks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fanzha_cli import cases, clock, discipline, dissuasion, plan_rows, plan_store, queries, rules, weeks
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan


def weeks_between(start: str, end: str, due_weekday: int = 5) -> list[str]:
    """ISO week labels of every week whose report deadline day falls in [start, end]."""
    return [w.label for w in weeks.due_weeks(dt.date.fromisoformat(start), dt.date.fromisoformat(end), due_weekday)]


LONG_PERIOD_WEEKS = 13


def on_time_weeks(led: Ledger, week_labels: list[str]) -> dict[str, int]:
    """Per department: how many of these weeks it reported, every line on time."""
    if not week_labels:
        return {}
    # Two readings of the same rows; which is faster depends on the period's length (about a
    # quarter's weeks is where they cross, on a province's ledger): see the queries.
    sql = queries.REPORT_ON_TIME_WEEKS_BY_DEPT if len(week_labels) > LONG_PERIOD_WEEKS else queries.REPORT_ON_TIME_WEEKS
    rows = led.query(sql, {"first": week_labels[0], "last": week_labels[-1]})
    return {r["dept"]: r["weeks"] for r in rows}


def candidates(led: Ledger, start: str, end: str, *, with_evidence: bool = True,
               zero: cases.Pairings | None = None, rows: plan_rows.ZeroCase | None = None) -> dict[str, Any]:
    """Who meets the criteria in [start, end], with their reasons and (unless `with_evidence`
    is false: the circular shows only the reasons) the entries and counts behind them.

    `zero`: the zero-case judgement to use instead of judging [start, end] again. The circular
    hands in its own (since the campaign's start), so one circular never lists a grid as having
    had a case and commends its officers for its having none, and does the work once.
    `rows`: the same, judged in SQL over one plan (plan_rows.judge); each officer's grids are
    then counted there too, and only reasons are given (no evidence)."""
    if rows is not None and with_evidence:
        raise ValueError("rows give reasons only")
    idx = plan_rows.rows_on(led, end) if rows is not None else plan_store.index_on(led, end)
    r = rules.of(idx.settings)
    max_deductions = r.max_deductions
    min_share = r.min_on_time_share
    use_zero_case = r.commend_zero_case
    use_dissuasion = r.commend_dissuasion
    criteria = {"zero_case": use_zero_case, "dissuasion": use_dissuasion,
                "major_loss": format_yuan(r.major_loss_fen),
                "max_deductions": max_deductions, "min_on_time_share": min_share}

    _, first = clock.first_due(led, idx.settings)
    week_labels = [w for w in weeks_between(start, end, r.due_weekday) if w >= first.label]
    on_time = on_time_weeks(led, week_labels)
    n_weeks = len(week_labels)

    def barred(n_ded: int, dept: str | None) -> bool:
        """The local limits, where the bureau turned them on."""
        return ((max_deductions is not None and n_ded > max_deductions)
                or (min_share is not None and share(dept) < min_share))

    def share(dept: str | None) -> float:
        return on_time.get(dept or "", 0) / n_weeks if n_weeks else 1.0

    def reporting(dept: str | None) -> str:
        return f"所在单位按时报送 {on_time.get(dept or '', 0)}/{n_weeks} 周" if n_weeks else "期内无应报周次"

    deducted = discipline.counts(led, start, end)
    zero_of: dict[str, list[str]] = {}
    if rows is not None:
        zero_depts = {d["department"] for d in rows.departments}
        grounds = ((badge, name, station, n, n > 0 and n == free, None)
                   for badge, name, station, n, free in plan_rows.officer_grounds(led, rows))
    else:
        zero_targets, zero_depts = (cases.free_of(zero) if zero is not None
                                    else cases.case_free(led, *cases.period(led, start, end)))
        for d, _, t in zero_targets:
            zero_of.setdefault(d, []).append(t)
        grounds = _officer_grounds(idx, zero_targets)
    # Only dissuasions that avoided a major loss are merits (each on its own amount).
    major = [d for d in dissuasion.dissuasions(led, start, end) if d["amount_saved_fen"] >= r.major_loss_fen]
    if not use_dissuasion:
        major = []
    saved = {d["officer"]: d for d in dissuasion._totals(major, "officer")}
    dept_saved = {d["department"]: d for d in dissuasion._totals(major, "department")}

    officers: list[dict[str, Any]] = []
    for badge, name, station, n_grids, zero_grids, grids in grounds:
        n_ded = deducted.get(("officer", badge), 0)
        if barred(n_ded, station):
            continue
        merits, evidence = [], {}
        d = saved.get(badge)
        if d:
            merits.append(f"劝阻 {d['dissuasions']} 起，避免重大损失 {d['amount_saved']} 元")
            evidence["dissuasion_entries"] = d["entry_ids"]
        if use_zero_case and zero_grids:
            merits.append(f"结对网格零发案（{n_grids} 个）")
            evidence["zero_case_grids"] = grids
        if not merits:
            continue
        officers.append({
            "subject_kind": "officer", "badge": badge, "name": name, "department": station,
            "reasons": merits + ["无通报扣分" if n_ded == 0 else f"通报扣分 {n_ded} 次", reporting(station)],
        })
        if with_evidence:
            officers[-1]["evidence"] = {**evidence, "deductions": n_ded, "on_time_weeks": on_time.get(station, 0),
                                        "weeks": n_weeks}

    departments: list[dict[str, Any]] = []
    for dept in idx.departments:
        n_ded = deducted.get(("department", dept), 0)
        if barred(n_ded, dept):
            continue
        merits, evidence = [], {}
        if use_zero_case and dept in zero_depts:
            merits.append("包联单位、网格全部零发案")
            evidence["zero_case_targets"] = sorted(zero_of.get(dept, []))
        d = dept_saved.get(dept)
        if d:
            merits.append(f"民辅警劝阻 {d['dissuasions']} 起，避免重大损失 {d['amount_saved']} 元")
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


def _officer_grounds(idx: plan_store.PlanIndex, zero_targets: set[cases.Pairing]):
    """(badge, name, station, grids, all of them case-free grids of its station, the grids) of
    each officer of the index, in its order."""
    for badge, o in idx.officers.items():
        station = o["station"]
        grids = idx.grids_of_officer(badge)
        yield (badge, o["name"], station, len(grids),
               bool(grids) and all((station, "grid", g) in zero_targets for g in grids), grids)


def candidates_in(led: Ledger, start: str | None, end: str | None) -> dict[str, Any]:
    """`commend candidates`: --from/--to default to the campaign so far (from the day the plan
    took effect)."""
    return candidates(led, *cases.period(led, start, end, from_plan=True))
