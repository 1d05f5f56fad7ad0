"""Dissuasions (劝阻): frauds an officer stopped in progress, with the amount saved.

The officer's department is his police station on the dissuasion date, as the plan then
in force says, and is recorded with the dissuasion. `per_officer` and `per_department`
sum a period's dissuasions for the commendation rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fanzha_cli import plan_lookup, plan_store, privacy, queries, sealing
from fanzha_cli.cases import campaign_date, period, required_text
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan, parse_yuan


def add(
    led: Ledger, *, officer: str, date: str, amount_saved: str, case_no: str | None = None, note: str | None = None
) -> dict[str, Any]:
    day = campaign_date(led, date, "劝阻日期")
    badge = (officer or "").strip()
    o = plan_lookup.lookup_on(led, day).officer(badge)
    row = {
        "officer": badge,
        "department": o["station"],
        "dissuasion_date": day,
        "amount_saved_fen": parse_yuan(amount_saved, "避免损失金额"),
        "case_no": (case_no or "").strip() or None,
        "note": (note or "").strip() or None,
    }
    with led.write() as w:
        if row["case_no"] and led.query(queries.DISSUASION_BY_CASE_NO, {"case_no": row["case_no"], "except": 0, "upto": None}):
            raise FanzhaError(
                f"编号 {row['case_no']} 的劝阻已登记，不能重复登记。",
                hint="同一起劝阻只登记一次；用 fanzha dissuasion list 查看已登记的劝阻。",
            )
        entry_id = w.append("dissuasion", {"dissuasions": [row]})
    return {"entry_id": entry_id, "name": o["name"], **row}


def dissuasions(led: Ledger, start: str, end: str, upto: int | None = None) -> list[dict[str, Any]]:
    """Every current dissuasion dated in [start, end] (ISO dates), in date order."""
    return [
        {**r, "amount_saved": format_yuan(r["amount_saved_fen"])}
        for r in led.query(queries.DISSUASIONS_IN, {"start": start, "end": end, "upto": upto})
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


def per_officer(led: Ledger, start: str, end: str, upto: int | None = None) -> list[dict[str, Any]]:
    """Per officer in [start, end]: count, amount saved (fen and yuan text), the entries behind it."""
    return _totals(dissuasions(led, start, end, upto), "officer")


def per_department(led: Ledger, start: str, end: str, upto: int | None = None) -> list[dict[str, Any]]:
    """Per department (the officer's station on each date), as `per_officer`."""
    return _totals(dissuasions(led, start, end, upto), "department")


def list_period(led: Ledger, start: str | None, end: str | None, today: dt.date | None = None,
                show_pii: bool = False) -> list[dict[str, Any]]:
    day_from, day_to = period(led, start, end, today)
    idx = plan_store.index_on(led, plan_store.FAR_FUTURE)
    return [{**r, "name": idx.officers.get(r["officer"], {}).get("name"), "note": privacy.mask_text(r["note"], show_pii)}
            for r in dissuasions(led, day_from, day_to)]


# --- corrections ---

FIELDS = ("officer", "department", "dissuasion_date", "amount_saved_fen", "case_no", "note")


def _history(led: Ledger, dissuasion_id: str) -> tuple[int, list[dict[str, Any]]]:
    text = str(dissuasion_id).strip().lstrip("#")
    n = int(text) if text.isdecimal() and int(text) < 2**63 else None
    history = led.query(queries.DISSUASION_HISTORY, {"dissuasion_id": n, "upto": None}) if n is not None else []
    if not history:
        raise FanzhaError(f"没有编号为 {dissuasion_id} 的劝阻登记。", hint="编号见 fanzha dissuasion list 的“记录编号”。")
    return n, history


def _refuse_void(n: int, last: dict[str, Any]) -> None:
    if last["action"] == "void":
        raise FanzhaError(f"劝阻 #{n} 已于第 {last['version_entry']} 条记录作废（{last['reason']}），不能再更正或作废。",
                          hint="作废是最终的；如需恢复，请重新登记。")


def amend(led: Ledger, dissuasion_id: str, *, reason: str, officer: str | None = None, date: str | None = None,
          amount_saved: str | None = None, case_no: str | None = None, note: str | None = None) -> dict[str, Any]:
    reason = required_text(reason, "更正原因（--reason）", "用 --reason 写明更正原因。")
    with led.write() as w:
        n, history = _history(led, dissuasion_id)
        cur = history[-1]
        _refuse_void(n, cur)
        old = {k: cur[k] for k in FIELDS}
        new = dict(old)
        if date is not None:
            new["dissuasion_date"] = campaign_date(led, date, "劝阻日期")
        if officer is not None:
            new["officer"] = officer.strip()
        o = plan_lookup.lookup_on(led, new["dissuasion_date"]).officer(new["officer"])
        new["department"] = o["station"]
        if amount_saved is not None:
            new["amount_saved_fen"] = parse_yuan(amount_saved, "避免损失金额")
        if case_no is not None:
            new["case_no"] = case_no.strip() or None
            if new["case_no"] and led.query(queries.DISSUASION_BY_CASE_NO, {"case_no": new["case_no"], "except": n, "upto": None}):
                raise FanzhaError(f"编号 {new['case_no']} 的劝阻已登记，不能重复。", hint="用 fanzha dissuasion list 查看。")
        if note is not None:
            new["note"] = sealing.same_text(old["note"], note.strip() or None)
        if new == old:
            raise FanzhaError(f"更正后的劝阻 #{n} 与现有记录完全相同，没有需要更正的内容。",
                              hint=f"只写要改的选项和新值；fanzha dissuasion history {n} 查看现有记录。")
        entry_id = w.append("dissuasion_amend", {"dissuasion_versions": [{"dissuasion_id": n, "action": "amend", **new}]},
                            reason=reason, supersedes=cur["version_entry"])
    return {"entry_id": entry_id, "dissuasion_id": n, "changed": [k for k in FIELDS if old[k] != new[k]]}


def void(led: Ledger, dissuasion_id: str, *, reason: str) -> dict[str, Any]:
    reason = required_text(reason, "作废原因（--reason）", "用 --reason 写明作废原因。")
    with led.write() as w:
        n, history = _history(led, dissuasion_id)
        _refuse_void(n, history[-1])
        entry_id = w.append("dissuasion_void", {"dissuasion_versions": [{"dissuasion_id": n, "action": "void"}]},
                            reason=reason, supersedes=history[-1]["version_entry"])
    return {"entry_id": entry_id, "dissuasion_id": n}


def history(led: Ledger, dissuasion_id: str, show_pii: bool = False) -> dict[str, Any]:
    n, rows = _history(led, dissuasion_id)
    out, prev = [], None
    for v in rows:
        values = None
        if v["action"] != "void":
            values = {k: v[k] for k in FIELDS} | {"amount_saved": format_yuan(v["amount_saved_fen"]),
                                                   "note": privacy.mask_text(v["note"], show_pii)}
        out.append({"entry_id": v["version_entry"], "kind": v["kind"], "action": v["action"],
                    "action_label": {"add": "登记", "amend": "更正", "void": "作废"}[v["action"]], "values": values,
                    "changed": [k for k in FIELDS if prev and values and prev[k] != v[k]],
                    "operator": v["operator"], "recorded_at": v["recorded_at"],
                    "reason": privacy.mask_text(v["reason"], show_pii),
                    "supersedes": v["supersedes"]})
        prev = v if v["action"] != "void" else prev
    return {"dissuasion_id": n, "status": "void" if rows[-1]["action"] == "void" else "current", "versions": out}
