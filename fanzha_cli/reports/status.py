"""Reading report lines: a line's history, a week's lines, who is missing or late, the template."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from fanzha_cli import privacy, queries, rules, weeks
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.weeks import Week
from fanzha_cli.reports.cells import MEASURE_KEYS
from fanzha_cli.reports.week_plan import WeekPlan, week_plan
from fanzha_cli.reports.write import _versions, public, target_label

# --- reading ----------------------------------------------------------------------------------


def history(led: Ledger, line_id: int, show_pii: bool = False) -> dict[str, Any]:
    """Every version of a line, oldest first, with who recorded it, when and why; and its photos.
    Phone and ID-card numbers typed into a note (or a reason) are masked unless show_pii."""
    versions = _versions(led, line_id)
    first, last = versions[0], versions[-1]
    return {
        "line_id": line_id,
        "dept": first["dept"],
        "week": first["week"],
        "target_kind": first["target_kind"],
        "target": first["target"] or None,
        "voided": last["action"] == "void",
        "versions": [
            {"version": v["version"], "action": v["action"], "entry_id": v["entry_id"],
             "operator": v["operator"], "recorded_at": v["recorded_at"],
             "reason": privacy.mask_text(v["reason"], show_pii),
             "supersedes": v["supersedes"], "source": v["source"], "source_row": v["source_row"],
             **{k: val for k, val in public(v, show_pii).items() if k in MEASURE_KEYS + [
                 "progress", "duties", "note", "submitted_at", "deadline", "late"]}}
            for v in versions
        ],
        "photos": [
            {"name": p["name"], "sha256": p["sha256"], "size": p["size"], "stored": p["stored"],
             "entry_id": p["entry_id"], "recorded_at": p["recorded_at"]}
            for p in led.query(queries.REPORT_LINE_PHOTOS, {"line_id": line_id})
        ],
    }


def _plan_order(plan: WeekPlan | None) -> Callable[[dict[str, Any]], tuple]:
    if plan is None:
        return lambda r: (r["dept"], r["line_id"])
    depts = {d: i for i, d in enumerate(plan.index.departments)}
    rank: dict[tuple[str, str, str], int] = {}
    for d in plan.index.departments:
        for i, t in enumerate(plan.targets_of(d)):
            rank[(d, *t)] = i
    big = len(rank) + 1
    return lambda r: (depts.get(r["dept"], big), r["dept"],
                      rank.get((r["dept"], r["target_kind"], r["target"]), big), r["line_id"])


def list_lines(led: Ledger, week: str, dept: str | None = None, *,
               today: dt.date | None = None, show_pii: bool = False) -> tuple[Week, list[dict[str, Any]]]:
    wk = weeks.resolve(week, today)
    try:
        plan: WeekPlan | None = week_plan(led, wk)
    except FanzhaError:
        plan = None  # a week before any plan: nothing can have been reported
    if dept is not None and plan is not None:
        dept = plan.dept(dept)
    rows = led.query(queries.REPORT_LIST_OF_WEEK, {"week": wk.label, "dept": dept})
    rows.sort(key=_plan_order(plan))
    return wk, [public(r, show_pii) for r in rows]


def list_department(led: Ledger, dept: str, *, show_pii: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """One department's current lines over the whole campaign, week by week (plan order within a week)."""
    from fanzha_cli import plan_store

    state = plan_store.select_department(plan_store.state_on(led, plan_store.FAR_FUTURE), dept)
    name = (state["departments"] + state["stations"])[0]["name"]
    rows = led.query(queries.REPORT_LIST_OF_DEPT, {"dept": name})
    return name, [public(r, show_pii) for r in rows]


def complete(row: dict[str, Any]) -> bool:
    """Reported on every paired target (a department paired with none: reported at all)."""
    if row["paired_targets"]:
        return row["reported_targets"] >= row["paired_targets"]
    return row["lines"] > 0


def missing(led: Ledger, week: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Each department's report status for a week against the plan in force that week.

    missing: no line at all and the deadline has passed; pending: none yet, deadline ahead;
    late: at least one line came in after the deadline; on_time: every line before it.
    """
    now = now or weeks.now()
    wk = weeks.resolve(week, now.date())
    weeks.refuse_future(wk, now.date())
    plan = week_plan(led, wk, rows=True)  # departments and their counts, read in SQL (plan_rows)
    got = {r["dept"]: r for r in led.query(queries.REPORT_STATUS_OF_WEEK, {"week": wk.label})}
    unreported: dict[str, list[str]] = {}
    for dept, target in led.conn.execute(queries.PLAN_ROWS_UNREPORTED, {"version": plan.index.version, "week": wk.label}):
        unreported.setdefault(dept, []).append(target)
    rows = []
    late_if_any_line = rules.of(plan.index.settings).late_if_any_line
    for dept, attrs in plan.index.departments.items():
        g = got.get(dept)
        lines, late = (g["lines"], g["late_lines"]) if g else (0, 0)
        if not lines:
            status = "pending" if now <= plan.deadline else "missing"
        elif late_if_any_line:
            status = "late" if late else "on_time"
        else:  # local rule: the first line's time decides
            status = "late" if plan.is_late(weeks.parse_datetime(g["first_at"])) else "on_time"
        paired = plan.index.target_counts[dept]
        missing_targets = unreported.get(dept, [])
        rows.append({
            "dept": dept,
            "category": attrs.get("category"),
            "status": status,
            "lines": lines,
            "late_lines": late,
            "paired_targets": paired,
            "reported_targets": paired - len(missing_targets),
            "unreported_targets": missing_targets,
            "self_reported": bool(g and g["self_reported"]),
            "first_submitted_at": weeks.show(g["first_at"]) if g else None,
            "last_submitted_at": weeks.show(g["last_at"]) if g else None,
        })
    return {"week": wk.label, "monday": wk.monday.isoformat(), "sunday": wk.sunday.isoformat(),
            "deadline": weeks.show(weeks.stamp(plan.deadline)), "plan_on": plan.index.on,
            "departments": rows}


def template(led: Ledger, dept: str, week: str, *, today: dt.date | None = None) -> dict[str, Any]:
    """What a department's sheet for a week holds: one row per paired unit or grid, and self."""
    wk = weeks.resolve(week, today)
    plan = week_plan(led, wk)
    dept = plan.dept(dept)
    rows = []
    for kind, target in plan.targets_of(dept):
        checklist = plan.checklist(kind, target)
        rows.append({
            "target_kind": kind,
            "target": target_label(kind, target),
            "worker": plan.index.grid_workers.get(target, "") if kind == "grid" else "",
            "checklist": checklist,
        })
    return {"dept": dept, "week": wk.label, "span": wk.span(),
            "deadline": weeks.describe_deadline(plan.deadline), "rows": rows}


