"""Dissuasions (劝阻): frauds an officer stopped in progress, with the amount saved.

The officer's department is his police station on the dissuasion date, as the plan then
in force says, and is recorded with the dissuasion. `per_officer` and `per_department`
sum a period's dissuasions for the commendation rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fanzha_cli import plan_store, queries
from fanzha_cli.cases import campaign_date, period
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan, parse_yuan


def add(
    led: Ledger, *, officer: str, date: str, amount_saved: str, case_no: str | None = None, note: str | None = None
) -> dict[str, Any]:
    day = campaign_date(led, date, "劝阻日期")
    badge = (officer or "").strip()
    o = plan_store.index_on(led, day).officer(badge)
    row = {
        "officer": badge,
        "department": o["station"],
        "dissuasion_date": day,
        "amount_saved_fen": parse_yuan(amount_saved, "避免损失金额"),
        "case_no": (case_no or "").strip() or None,
        "note": (note or "").strip() or None,
    }
    with led.write() as w:
        if row["case_no"] and led.query(queries.DISSUASION_BY_CASE_NO, {"case_no": row["case_no"]}):
            raise FanzhaError(
                f"编号 {row['case_no']} 的劝阻已登记，不能重复登记。",
                hint="同一起劝阻只登记一次；用 fanzha dissuasion list 查看已登记的劝阻。",
            )
        entry_id = w.append("dissuasion", {"dissuasions": [row]})
    return {"entry_id": entry_id, "name": o["name"], **row}


def dissuasions(led: Ledger, start: str, end: str) -> list[dict[str, Any]]:
    """Every dissuasion dated in [start, end] (ISO dates), in date order."""
    return [
        {**r, "amount_saved": format_yuan(r["amount_saved_fen"])}
        for r in led.query(queries.DISSUASIONS_IN, {"start": start, "end": end})
    ]


def _totals(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        t = out.setdefault(r[key], {key: r[key], "dissuasions": 0, "amount_saved_fen": 0, "entry_ids": []})
        if key == "officer":
            t["department"] = r["department"]  # the latest, as rows come in date order
        t["dissuasions"] += 1
        t["amount_saved_fen"] += r["amount_saved_fen"]
        t["entry_ids"].append(r["entry_id"])
    for t in out.values():
        t["amount_saved"] = format_yuan(t["amount_saved_fen"])
    return sorted(out.values(), key=lambda t: (-t["amount_saved_fen"], t[key]))


def per_officer(led: Ledger, start: str, end: str) -> list[dict[str, Any]]:
    """Per officer in [start, end]: count, amount saved (fen and yuan text), the entries behind it."""
    return _totals(dissuasions(led, start, end), "officer")


def per_department(led: Ledger, start: str, end: str) -> list[dict[str, Any]]:
    """Per department (the officer's station on each date), as `per_officer`."""
    return _totals(dissuasions(led, start, end), "department")


def list_period(led: Ledger, start: str | None, end: str | None, today: dt.date | None = None) -> list[dict[str, Any]]:
    day_from, day_to = period(led, start, end, today)
    idx = plan_store.index_on(led, plan_store.FAR_FUTURE)
    return [{**r, "name": idx.officers.get(r["officer"], {}).get("name")} for r in dissuasions(led, day_from, day_to)]
