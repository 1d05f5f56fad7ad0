"""Victim call-backs (抽查、回访), their verification, and the deductions they circulate.

Nothing here is ever updated. A call-back is an entry; its verification is a later entry
that supersedes it (or a second entry in the same transaction, when verified at once); a
revocation (an appeal upheld) is another entry that supersedes the verification. The state
of a call-back is read off which of these exist (queries._AUDIT_STATE):

    received       the victim did receive face-to-face publicity: no deduction
    pending        not received, not yet verified
    not_negligent  verified: the officer was not negligent: no deduction
    negligent      verified negligent: one deduction against the officer, one against
                   the officer's department, both counting
    revoked        negligent, but the appeal was upheld: the deductions stop counting

Who is charged is judged against the plan in force on the case date (`responsible`). A grid
case: the officer named with --officer, or else the officer paired with the grid on that date
(where several are, the sworn officer (民警) before the auxiliary (辅警), then the lowest badge
number), and his police station. A unit case: each department paired with the unit that day
(both, for a unit two departments share), and the officer named, who must belong to one of
them; none need be named, and a department charged without an officer still counts toward its
head's warning talk. A case at a place outside every pairing charges no one.

Deductions follow later corrections (see corrections.py and queries.LIVE_DEDUCTIONS).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from fanzha_cli import plan_lookup, plan_store, privacy, queries
from fanzha_cli.cases import campaign_date, campaign_period, charged_departments, find_case, period, required_text
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import MAX_ID, Ledger, Writer

STATUS_LABELS = {
    "received": "已收到宣传",
    "pending": "待核实",
    "not_negligent": "核实：非消极懈怠",
    "negligent": "核实：消极懈怠，已通报扣分",
    "revoked": "扣分已撤销（申诉成立）",
}
_YES = {"yes", "y", "true", "1", "是", "有", "收到"}
_NO = {"no", "n", "false", "0", "否", "无", "没有", "未收到"}
ROLE_ORDER = {"police": 0, "auxiliary": 1}


def parse_received(value: str) -> bool:
    text = (value or "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise FanzhaError(
        f"--publicity-received 的值不对：{value!r}",
        hint="受害人是否收到面对面宣传：写 yes 或 是（收到），no 或 否（未收到）。",
    )


def parse_audit_id(value: str | int) -> int:
    text = str(value).strip().lstrip("#")
    if not text.isdecimal():  # not isdigit: "²" is a digit, and int() refuses it
        raise FanzhaError(f"回访编号应为数字：{value!r}", hint="回访编号见 fanzha audit list。")
    if int(text) > MAX_ID:
        raise FanzhaError(f"没有编号为 {text} 的回访记录。", hint="用 fanzha audit list 查看回访记录及其编号。")
    return int(text)


def get_audit(led: Ledger, audit_id: str | int, upto: int | None = None) -> dict[str, Any]:
    rows = led.query(queries.AUDIT_BY_ID, {"audit_id": parse_audit_id(audit_id), "upto": upto})
    if not rows:
        n = parse_audit_id(audit_id)
        history = led.query(queries.AUDIT_HISTORY, {"audit_id": n, "upto": upto})
        if history and history[-1]["action"] == "void":
            raise FanzhaError(f"回访 #{n} 已于第 {history[-1]['version_entry']} 条记录作废（{history[-1]['reason']}）。",
                              hint=f"用 fanzha audit history {n} 查看该回访的全部记录。")
        if history:
            raise FanzhaError(f"回访 #{n} 所回访的案件 {history[-1]['case_no']} 已作废。",
                              hint=f"用 fanzha case history {history[-1]['case_no']} 查看。")
        raise FanzhaError(f"没有编号为 {audit_id} 的回访记录。", hint="用 fanzha audit list 查看回访记录及其编号。")
    return rows[0]


def _officer_view(badge: str, officer: dict[str, Any]) -> dict[str, Any]:
    return {"badge": badge, "name": officer["name"], "role": officer["role"], "department": officer["station"]}


def responsible(led: Ledger, case: dict[str, Any], badge: str | None) -> dict[str, Any]:
    """Who a negligent call-back on this case charges, per the plan on the case date:
    {"badge", "name", "role", "department" (the officer's own), "departments" (charged)}.

    A grid case: the officer named, or else the one paired with the grid; his station is
    charged. A unit case: each department paired with the unit that day is charged; an officer
    named must belong to one of them (none need be named). A case at a place outside every
    pairing charges no one."""
    idx = plan_lookup.lookup_on(led, case["case_date"])
    if case["target_kind"] == "place":
        raise FanzhaError(
            f"案件 {case['case_no']} 发生在包联单位和网格之外（{case['target']}），不对任何人通报扣分。",
            hint="回访可以登记，但不要加 --verified-negligent / --negligent；如地点登记有误，先用 fanzha case amend 更正。",
        )
    if case["target_kind"] == "unit":
        depts = charged_departments(idx, case)
        if not depts:
            raise FanzhaError(f"单位“{case['target']}”在发案日期 {case['case_date']} 没有包联的科所队，无法确定扣分单位。",
                              hint="核对发案日期和单位；用 fanzha plan show --on 日期 查看当日的包联。")
        if not badge:
            return {"badge": None, "name": None, "role": None, "department": None, "departments": depts}
        badge = badge.strip()
        officer = idx.officer(badge)
        if officer["station"] not in depts:
            raise FanzhaError(
                f"民辅警 {officer['name']}（{badge}）属于{officer['station']}，不是单位“{case['target']}”的包联科所队"
                f"（{'、'.join(depts)}）的民辅警，不能对该单位的案件扣分。",
                hint=f"--officer 写{'、'.join(depts)}的民辅警警号，或不写 --officer，只对包联科所队扣分。",
            )
        return {**_officer_view(badge, officer), "departments": depts}
    if badge:
        badge = badge.strip()
        view = _officer_view(badge, idx.officer(badge))
        return {**view, "departments": [view["department"]]}
    badges = idx.grid_officers.get(case["target"], [])
    if not badges:
        raise FanzhaError(
            f"网格“{case['target']}”在发案日期 {case['case_date']} 没有结对的民辅警，无法确定责任人。",
            hint="加上 --officer 警号 指明责任民辅警。",
        )
    badge = min(badges, key=lambda b: (ROLE_ORDER.get(idx.officers.get(b, {}).get("role"), 9), b))
    view = _officer_view(badge, idx.officer(badge))
    return {**view, "departments": [view["department"]]}


def charged_label(charge: dict[str, Any]) -> str:
    who = [f"民辅警 {charge['name']}（{charge['badge']}）"] if charge.get("badge") else []
    return "、".join(who + [f"单位 {d}" for d in charge["departments"]])


def refuse_double_deduction(led: Ledger, case: dict[str, Any], except_audit: int = 0) -> None:
    counting = led.query(queries.CASE_COUNTING_DEDUCTION,
                         {"case_no": case["case_no"], "except": except_audit, "upto": None})
    if counting:
        raise FanzhaError(
            f"案件 {case['case_no']} 已因回访 #{counting[0]['audit_id']} 通报扣分，同一案件不重复扣分。",
            hint="如该扣分有误，先用 fanzha audit revoke 撤销。",
        )


def deduction_rows(audit_id: int, case: dict[str, Any], charge: dict[str, Any],
                   moved: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """The rows that put a call-back's deductions where `charge` says: the classic pair
    (one officer, his one department) in `deductions` on verification, anything else (and
    every move) in `deduction_changes`."""
    common = {"audit_id": audit_id, "case_no": case["case_no"], "case_date": case["case_date"]}
    if charge.get("badge") and len(charge["departments"]) == 1 and not moved:
        common |= {"officer": charge["badge"], "department": charge["departments"][0]}
        # In primary-key order (entry_id, subject_kind), the order `db verify` reads them back in.
        return "deductions", [
            {**common, "subject_kind": "department", "subject": charge["departments"][0]},
            {**common, "subject_kind": "officer", "subject": charge["badge"]},
        ]
    rows = [{**common, "action": "charge", "subject_kind": "department", "subject": d, "officer": charge.get("badge"),
             "department": d} for d in sorted(charge["departments"])]
    if charge.get("badge"):
        rows.append({**common, "action": "charge", "subject_kind": "officer", "subject": charge["badge"],
                     "officer": charge["badge"], "department": charge["department"]})
    return "deduction_changes", rows


def cleared_rows(audit_id: int, case: dict[str, Any]) -> list[dict[str, Any]]:
    """A call-back's deductions moved to nowhere (its case amended to a place outside every pairing)."""
    return [{"audit_id": audit_id, "action": "clear", "subject_kind": "department", "subject": "", "officer": None,
             "department": "", "case_no": case["case_no"], "case_date": case["case_date"]}]


def verification_date(led: Ledger, value: str | None, audit_date: str, today: dt.date | None = None) -> str:
    """The day a call-back's finding was made: its deduction is circulated in that day's week.
    Given: a date in the campaign, not before the call-back. Not given: the day it is recorded
    (today; the campaign's last day once it is over), never before the call-back."""
    if value is not None and value.strip():
        day = campaign_date(led, value, "核实日期")
        if day < audit_date:
            raise FanzhaError(f"核实日期 {day} 早于回访日期 {audit_date}。",
                              hint="核实日期应为作出核实结论的日期，不早于回访日期；不写则为今天。")
        return day
    _, end = campaign_period(led)
    return max(audit_date, min((today or dt.date.today()).isoformat(), end))


def _settle(w: Writer, audit_id: int, case: dict[str, Any], charge: dict[str, Any] | None, note: str | None,
            *, supersedes: int, verified_on: str) -> int:
    """The verification entry: the finding (with its date) and, when negligent, the deductions."""
    tables: dict[str, list[dict[str, Any]]] = {
        "audit_findings": [{"audit_id": audit_id, "finding": "negligent" if charge else "not_negligent", "note": note,
                            "verified_on": verified_on}]
    }
    if charge:
        table, rows = deduction_rows(audit_id, case, charge)
        tables[table] = rows
    return w.append("audit_verify", tables, reason=note or "回访时即核实", supersedes=supersedes)


def _call_back(
    led: Ledger,
    *,
    case_no: str,
    date: str,
    received: str,
    verified_negligent: bool = False,
    officer: str | None = None,
    note: str | None = None,
    verify_date: str | None = None,
) -> dict[str, Any]:
    """One call-back as typed, checked: its case, date, answer, who is blamed (if anyone), and
    the day the finding was made (verified at once)."""
    case = find_case(led, case_no)
    audit_date = campaign_date(led, date, "回访日期")
    if audit_date < case["case_date"]:
        raise FanzhaError(
            f"回访日期 {audit_date} 早于发案日期 {case['case_date']}。", hint="核对回访日期。"
        )
    got = parse_received(received)
    if got and verified_negligent:
        raise FanzhaError(
            "受害人反馈已收到面对面宣传，不能同时认定民辅警消极懈怠。",
            hint="收到宣传时去掉 --verified-negligent；未收到时写 --publicity-received no。",
        )
    if verify_date is not None and verify_date.strip() and not verified_negligent:
        raise FanzhaError("--verify-date 只用于当即核实（--verified-negligent）。",
                          hint="待核实的回访之后用 fanzha audit verify 回访编号 --date 日期 登记核实结论和日期。")
    named = responsible(led, case, officer) if officer else None
    blamed = (named or responsible(led, case, None)) if verified_negligent else None
    verified_on = verification_date(led, verify_date, audit_date) if verified_negligent else None
    return {"case": case, "audit_date": audit_date, "got": got, "named": named, "blamed": blamed,
            "note": (note or "").strip() or None, "verified_on": verified_on}


def refuse_same_call_back(led: Ledger, case_no: str, audit_date: str, got: bool, except_audit: int = 0) -> None:
    same = led.query(queries.SAME_AUDIT, {"case_no": case_no, "audit_date": audit_date, "publicity_received": int(got),
                                          "except": except_audit, "upto": None})
    if same:
        n = same[0]["audit_id"]
        raise FanzhaError(
            f"案件 {case_no} 在 {audit_date} 的回访（{'已收到' if got else '未收到'}面对面宣传）已登记为回访 #{n}，不能重复登记。",
            hint=f"用 fanzha audit list 查看回访 #{n}；登记有误时用 fanzha audit amend {n} … --reason 原因 更正。",
        )


def record(led: Ledger, **fields: Any) -> dict[str, Any]:
    """Record one call-back (the fields of `_call_back`)."""
    return record_many(led, [fields])[0]


def record_many(led: Ledger, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Record many call-backs: every one is checked first, then all are appended (with their
    deductions) in one transaction; one bad call-back writes nothing."""
    checked = [_call_back(led, **fields) for fields in items]
    out = []
    with led.write() as w:
        for c in checked:
            case, named, blamed = c["case"], c["named"], c["blamed"]
            refuse_same_call_back(led, case["case_no"], c["audit_date"], c["got"])  # also sees the batch's
            if blamed:
                refuse_double_deduction(led, case)  # also sees the batch's earlier deductions
            audit_id = w.append("audit", {"audits": [{
                "case_no": case["case_no"], "audit_date": c["audit_date"], "publicity_received": c["got"],
                "officer": named["badge"] if named else None, "note": c["note"],
            }]})
            if blamed:
                _settle(w, audit_id, case, blamed, c["note"], supersedes=audit_id, verified_on=c["verified_on"])
            status = "received" if c["got"] else ("negligent" if blamed else "pending")
            out.append({"audit_id": audit_id, "case_no": case["case_no"], "status": status, "officer": blamed,
                        "verified_on": c["verified_on"]})
    return out


def verify(
    led: Ledger, audit_id: str, *, negligent: bool | None, note: str, officer: str | None = None,
    date: str | None = None,
) -> dict[str, Any]:
    if negligent is None:
        raise FanzhaError("须写明核实结论：--negligent（消极懈怠）或 --not-negligent（非消极懈怠）。")
    note = required_text(note, "核实说明（--note）", "用 --note 写明核实经过与依据。")
    with led.write() as w:
        audit = get_audit(led, audit_id)
        _require_status(audit, "pending")
        verified_on = verification_date(led, date, audit["audit_date"])
        case = find_case(led, audit["case_no"])
        blamed = None
        if negligent:
            blamed = responsible(led, case, officer or audit["named_officer"])
            refuse_double_deduction(led, case)
        entry_id = _settle(w, audit["audit_id"], case, blamed, note, supersedes=audit["version_entry"],
                           verified_on=verified_on)
    return {"audit_id": audit["audit_id"], "entry_id": entry_id, "case_no": case["case_no"],
            "status": "negligent" if blamed else "not_negligent", "officer": blamed, "verified_on": verified_on}


def _charged_now(led: Ledger, audit_id: int) -> dict[str, Any] | None:
    rows = led.query(queries.DEDUCTIONS_OF_AUDIT, {"audit_id": audit_id, "upto": None})
    if not rows:
        return None
    badge = next((r["subject"] for r in rows if r["subject_kind"] == "officer"), None)
    officer_dept = next((r["department"] for r in rows if r["subject_kind"] == "officer"), None)
    return {"badge": badge, "department": officer_dept,
            "departments": [r["subject"] for r in rows if r["subject_kind"] == "department"]}


def revoke(led: Ledger, audit_id: str, reason: str) -> dict[str, Any]:
    reason = required_text(reason, "撤销原因（--reason）", "用 --reason 写明申诉成立的理由和依据。")
    with led.write() as w:
        audit = get_audit(led, audit_id)
        _require_status(audit, "negligent")
        charged = _charged_now(led, audit["audit_id"])
        entry_id = w.append("audit_revoke", {"audit_revocations": [{"audit_id": audit["audit_id"], "reason": reason}]},
                            reason=reason, supersedes=audit["finding_entry"])
    return {"audit_id": audit["audit_id"], "entry_id": entry_id, "case_no": audit["case_no"], "status": "revoked",
            "officer": charged}


def _require_status(audit: dict[str, Any], wanted: str) -> None:
    status = audit["status"]
    if status == wanted:
        return
    n = audit["audit_id"]
    if status == "received":
        message = f"回访 #{n} 中受害人反馈已收到面对面宣传，没有需要核实或撤销的扣分。"
    elif status == "revoked":
        message = f"回访 #{n} 的扣分已于第 {audit['revocation_entry']} 条记录撤销（{audit['revocation_reason']}），不能重复撤销或核实。"
    elif wanted == "pending":
        message = f"回访 #{n} 已核实（{STATUS_LABELS[status]}，第 {audit['finding_entry']} 条记录），不能重复核实。"
    elif status == "pending":
        message = f"回访 #{n} 尚未核实，没有扣分可撤销。"
    else:
        message = f"回访 #{n} 的核实结论是非消极懈怠，没有扣分可撤销。"
    raise FanzhaError(message, hint="用 fanzha audit list 查看各回访的状态。")


def list_audits(
    led: Ledger, start: str | None, end: str | None, status: str | None, today: dt.date | None = None,
    upto: int | None = None, show_pii: bool = False,
) -> list[dict[str, Any]]:
    if status is not None and status not in STATUS_LABELS:
        raise FanzhaError(f"没有“{status}”这种回访状态。", hint=f"可选：{'、'.join(STATUS_LABELS)}。")
    day_from, day_to = period(led, start, end, today)
    rows = led.query(queries.AUDITS_IN_PERIOD, {"start": day_from, "end": day_to, "status": status, "upto": upto})
    return [
        {
            "audit_id": r["audit_id"],
            "case_no": r["case_no"],
            "case_date": r["case_date"],
            "audit_date": r["audit_date"],
            "publicity_received": bool(r["publicity_received"]),
            "status": r["status"],
            "status_label": STATUS_LABELS[r["status"]],
            "officer": r["deducted_officer"] or r["named_officer"],
            "department": r["deducted_department"],
            "note": privacy.mask_text(r["finding_note"] or r["note"], show_pii),
            # A finding recorded before verification dates existed counts as of its call-back.
            "verified_on": (r["verified_on"] or r["audit_date"]) if r["finding"] else None,
            "revocation_reason": r["revocation_reason"],
            "operator": r["operator"],
            "recorded_at": r["recorded_at"],
        }
        for r in rows
    ]
