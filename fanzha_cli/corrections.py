"""Corrections of cases and call-backs: `case amend/void/history`, `audit amend/void/history`.

Nothing is edited. A correction is a new entry holding a whole new version of the record
(or a void), pointing (`supersedes`) at the record's latest entry, with the operator and the
reason. What depends on a case follows its current version (queries.CURRENT_CASES): zero-case,
totals, call-backs; and its deductions: a voided case's (or call-back's) fall away by
derivation (queries.LIVE_DEDUCTIONS), and an amendment that changes who answers for a case
(its grid, unit, place or date; a call-back's case or named officer) writes, in the same
entry, where its counting deductions now fall (table deduction_changes).
"""

from __future__ import annotations

from typing import Any

from fanzha_cli import audits, plan_lookup, plan_store, privacy, queries, sealing
from fanzha_cli.cases import (
    TARGET_LABELS, campaign_date, case_versions, find_case, focus_group, fraud_type, group_names, latest_settings,
    place_of, required_text, type_names,
)
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan, parse_yuan

CASE_FIELDS = ("case_date", "fraud_type", "target_kind", "target", "loss_fen", "group_name",
               "victim_name", "victim_phone", "victim_id_number", "note")
CASE_FIELD_LABELS = {
    "case_date": "发案日期", "fraud_type": "诈骗类型", "target_kind": "发案地类别", "target": "发案地",
    "loss_fen": "损失金额", "group_name": "重点人群", "victim_name": "受害人", "victim_phone": "电话",
    "victim_id_number": "身份证号", "note": "备注",
}
ACTION_LABELS = {"add": "登记", "amend": "更正", "void": "作废"}


def _reason(reason: str | None) -> str:
    return required_text(reason, "更正或作废的原因（--reason）", "用 --reason 写明原因，例如“编号重复登记”“网格填错”。")


def _refuse_void(kind: str, number: str, last: dict[str, Any]) -> None:
    if last["action"] == "void":
        raise FanzhaError(
            f"{kind} {number} 已于第 {last['version_entry']} 条记录作废（{last['reason']}），不能再更正或作废。",
            hint="作废是最终的；如需恢复，请重新登记。",
        )


# --- where a case's deductions fall after a correction ---

def _moves(led: Ledger, case: dict[str, Any], audit_ids: list[tuple[int, str | None]]) -> list[dict[str, Any]]:
    """deduction_changes rows putting each counting deduction of these call-backs (id, named
    officer) where the case as now amended says."""
    rows: list[dict[str, Any]] = []
    for audit_id, named in audit_ids:
        if case["target_kind"] == "place":
            rows += audits.cleared_rows(audit_id, case)
            continue
        try:
            charge = audits.responsible(led, case, named)
        except FanzhaError as exc:
            raise FanzhaError(
                f"回访 #{audit_id} 已对该案件通报扣分，更正后无法确定扣分对象：{exc.message}",
                hint=f"先用 fanzha audit revoke {audit_id} 撤销扣分，或在更正时一并改正；也可 fanzha audit void {audit_id} 作废该回访。",
            ) from exc
        _, moved = audits.deduction_rows(audit_id, case, charge, moved=True)
        rows += moved
    return rows


def _counting_audits(led: Ledger, case_no: str) -> list[dict[str, Any]]:
    """The call-backs with counting deductions on a case, with their named officer."""
    ids = sorted({r["audit_id"] for r in led.query(queries.CURRENT_DEDUCTIONS_OF_CASE, {"case_no": case_no, "upto": None})})
    return [audits.get_audit(led, n) for n in ids]


# --- cases ---

def amend_case(
    led: Ledger, case_no: str, *, reason: str, date: str | None = None, type_: str | None = None,
    unit: str | None = None, grid: str | None = None, place: str | None = None, loss: str | None = None,
    group: str | None = None, victim: str | None = None, phone: str | None = None, id_number: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    reason = _reason(reason)
    with led.write() as w:
        versions = case_versions(led, case_no)
        cur = versions[-1]
        _refuse_void("案件", cur["case_no"], cur)
        new = {k: cur[k] for k in CASE_FIELDS}
        if date is not None:
            new["case_date"] = campaign_date(led, date, "发案日期")
        idx = plan_lookup.lookup_on(led, new["case_date"])
        if any(x is not None and x.strip() for x in (unit, grid, place)):
            new["target_kind"], new["target"] = place_of(idx, unit, grid, place)
        _check_target_on(idx, new)
        if type_ is not None:
            new["fraud_type"] = fraud_type(idx.settings, type_)["code"]
        if loss is not None:
            new["loss_fen"] = parse_yuan(loss, "损失金额") if loss.strip() else None
        if group is not None:
            new["group_name"] = focus_group(idx.settings, group)
        # Victim fields and notes are stored sealed: the same value typed again keeps the
        # stored one, so that "nothing changed" is recognised (sealing.same_*).
        if victim is not None:
            new["victim_name"] = sealing.same_victim_value(cur["victim_name"], privacy.clean_name(victim), "victim_name")
        if phone is not None:
            new["victim_phone"] = sealing.same_victim_value(cur["victim_phone"], privacy.clean_phone(phone), "victim_phone")
        if id_number is not None:
            new["victim_id_number"] = sealing.same_victim_value(
                cur["victim_id_number"], privacy.clean_id_number(id_number), "victim_id_number")
        if note is not None:
            new["note"] = sealing.same_text(cur["note"], note.strip() or None)
        if new == {k: cur[k] for k in CASE_FIELDS}:
            raise FanzhaError(f"更正后的案件 {cur['case_no']} 与现有记录完全相同，没有需要更正的内容。",
                              hint="只写要改的选项和新值；fanzha case history 查看现有记录。")
        case = {"case_no": cur["case_no"], **new}
        moves: list[dict[str, Any]] = []
        if (new["case_date"], new["target_kind"], new["target"]) != (cur["case_date"], cur["target_kind"], cur["target"]):
            for a in _audits_of_case(led, cur["case_no"]):
                if a["audit_date"] < new["case_date"]:
                    raise FanzhaError(
                        f"案件 {cur['case_no']} 的回访 #{a['audit_id']} 日期为 {a['audit_date']}，早于更正后的发案日期 {new['case_date']}。",
                        hint=f"核对发案日期；回访日期有误时先用 fanzha audit amend {a['audit_id']} --date 日期 --reason 原因 更正。",
                    )
            counting = _counting_audits(led, cur["case_no"])
            moves = _moves(led, case, [(a["audit_id"], a["named_officer"]) for a in counting])
        entry_id = w.append("case_amend", {"case_versions": [{"case_no": cur["case_no"], "action": "amend", **new}],
                                           "deduction_changes": moves},
                            reason=reason, supersedes=cur["version_entry"])
    return {"entry_id": entry_id, "case_no": cur["case_no"], "changed": _changes(cur, new),
            "moved": sorted({m["audit_id"] for m in moves})}


def _check_target_on(idx: plan_store.PlanIndex, case: dict[str, Any]) -> None:
    """The case's unit or grid must be in the plan on its date (an amended date may fall
    where it was not)."""
    if case["target_kind"] == "grid" and case["target"] not in idx.grids:
        raise FanzhaError(f"网格“{case['target']}”在 {case['case_date']} 不在计划中（当日未结对），不能把案件登记在该日期、该网格。",
                          hint="核对发案日期和网格；用 fanzha plan show --on 日期 查看当日的网格。")
    if case["target_kind"] == "unit" and not idx.unit_depts.get(case["target"]):
        raise FanzhaError(f"单位“{case['target']}”在 {case['case_date']} 没有包联的科所队，不能把案件登记在该日期、该单位。",
                          hint="核对发案日期和单位；用 fanzha plan show --on 日期 查看当日的包联。")


def _audits_of_case(led: Ledger, case_no: str) -> list[dict[str, Any]]:
    return led.query(queries.AUDITS_OF_CASE, {"case_no": case_no, "upto": None})


def void_case(led: Ledger, case_no: str, *, reason: str) -> dict[str, Any]:
    reason = _reason(reason)
    with led.write() as w:
        cur = case_versions(led, case_no)[-1]
        _refuse_void("案件", cur["case_no"], cur)
        fallen = sorted({r["audit_id"] for r in led.query(queries.CURRENT_DEDUCTIONS_OF_CASE,
                                                          {"case_no": cur["case_no"], "upto": None})})
        entry_id = w.append("case_void", {"case_versions": [{"case_no": cur["case_no"], "action": "void"}]},
                            reason=reason, supersedes=cur["version_entry"])
    return {"entry_id": entry_id, "case_no": cur["case_no"], "fallen": fallen}


def _shown(field: str, value: Any, names: dict[str, str], groups: dict[str, str]) -> Any:
    if value is None:
        return None
    if field == "loss_fen":
        return format_yuan(value)
    if field == "fraud_type":
        return names.get(value, value)
    if field == "target_kind":
        return TARGET_LABELS.get(value, value)
    if field == "group_name":
        return groups.get(value, value)
    return value


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [f for f in CASE_FIELDS if old.get(f) != new.get(f)]


def case_history(led: Ledger, case_no: str, show_pii: bool = False, upto: int | None = None) -> dict[str, Any]:
    """Every version of a case, what each changed, who and why; victim data masked."""
    settings = latest_settings(led)
    names, groups = type_names(settings), group_names(settings)
    versions = case_versions(led, case_no, upto)
    out = []
    prev: dict[str, Any] | None = None
    for v in versions:
        values = {f: v[f] for f in CASE_FIELDS} if v["action"] != "void" else None
        changed = _changes(prev, values) if prev is not None and values is not None else []
        shown = None
        if values is not None:
            shown = privacy.mask_victim({f: _shown(f, values[f], names, groups) for f in CASE_FIELDS}, show_pii)
            shown["loss"] = shown.pop("loss_fen")
        out.append({
            "entry_id": v["version_entry"], "kind": v["kind"], "action": v["action"],
            "action_label": ACTION_LABELS[v["action"]], "values": shown,
            "changed": changed, "changed_labels": [CASE_FIELD_LABELS[f] for f in changed],
            "operator": v["operator"], "recorded_at": v["recorded_at"], "reason": privacy.mask_text(v["reason"], show_pii),
            "supersedes": v["supersedes"],
        })
        prev = values if values is not None else prev
    last = versions[-1]
    return {"case_no": last["case_no"], "status": "void" if last["action"] == "void" else "current", "versions": out}


# --- call-backs ---

def _audit_latest_entry(audit: dict[str, Any]) -> int:
    return max(x for x in (audit["version_entry"], audit["finding_entry"], audit["revocation_entry"]) if x)


def _audit_history_or_fail(led: Ledger, audit_id: str) -> tuple[int, list[dict[str, Any]]]:
    n = audits.parse_audit_id(audit_id)
    history = led.query(queries.AUDIT_HISTORY, {"audit_id": n, "upto": None})
    if not history:
        raise FanzhaError(f"没有编号为 {audit_id} 的回访记录。", hint="用 fanzha audit list 查看回访记录及其编号。")
    return n, history


def amend_audit(
    led: Ledger, audit_id: str, *, reason: str, case_no: str | None = None, date: str | None = None,
    received: str | None = None, officer: str | None = None, note: str | None = None,
) -> dict[str, Any]:
    reason = _reason(reason)
    with led.write() as w:
        n, history = _audit_history_or_fail(led, audit_id)
        _refuse_void("回访", f"#{n}", history[-1])
        audit = audits.get_audit(led, n)
        cur = {k: audit[k] for k in ("case_no", "audit_date", "publicity_received", "note")} | {"officer": audit["named_officer"]}
        new = dict(cur)
        case = find_case(led, case_no) if case_no is not None and case_no.strip() else find_case(led, audit["case_no"])
        new["case_no"] = case["case_no"]
        if date is not None:
            new["audit_date"] = campaign_date(led, date, "回访日期")
        if new["audit_date"] < case["case_date"]:
            raise FanzhaError(f"回访日期 {new['audit_date']} 早于发案日期 {case['case_date']}。", hint="核对回访日期和案件编号。")
        if received is not None:
            new["publicity_received"] = int(audits.parse_received(received))
            if new["publicity_received"] != cur["publicity_received"] and audit["finding_entry"]:
                raise FanzhaError(
                    f"回访 #{n} 已核实（第 {audit['finding_entry']} 条记录），不能再更改受害人是否收到宣传。",
                    hint=f"核实有误时：扣分用 fanzha audit revoke {n} 撤销；整条回访登记错了用 fanzha audit void {n} 作废后重新登记。",
                )
        if officer is not None:
            new["officer"] = officer.strip() or None
        if note is not None:
            new["note"] = sealing.same_text(cur["note"], note.strip() or None)
        if new == cur:
            raise FanzhaError(f"更正后的回访 #{n} 与现有记录完全相同，没有需要更正的内容。",
                              hint=f"只写要改的选项和新值；fanzha audit history {n} 查看现有记录。")
        if new["officer"]:
            audits.responsible(led, case, new["officer"])  # the officer must fit the case
        audits.refuse_same_call_back(led, new["case_no"], new["audit_date"], bool(new["publicity_received"]), n)
        moves: list[dict[str, Any]] = []
        counting = audit["status"] == "negligent"
        if counting and (new["case_no"], new["officer"]) != (cur["case_no"], cur["officer"]):
            if new["case_no"] != cur["case_no"]:
                audits.refuse_double_deduction(led, case, n)
            if case["target_kind"] == "place":
                raise FanzhaError(f"案件 {case['case_no']} 发生在包联单位和网格之外，不通报扣分；回访 #{n} 已扣分，不能改到该案件。",
                                  hint=f"先用 fanzha audit revoke {n} 撤销扣分。")
            moves = _moves(led, case, [(n, new["officer"])])
        entry_id = w.append("audit_amend", {"audit_versions": [{"audit_id": n, "action": "amend", **new}],
                                            "deduction_changes": moves},
                            reason=reason, supersedes=_audit_latest_entry(audit))
    return {"audit_id": n, "entry_id": entry_id, "case_no": new["case_no"],
            "changed": [k for k in new if new[k] != cur[k]], "moved": bool(moves)}


def void_audit(led: Ledger, audit_id: str, *, reason: str) -> dict[str, Any]:
    reason = _reason(reason)
    with led.write() as w:
        n, history = _audit_history_or_fail(led, audit_id)
        _refuse_void("回访", f"#{n}", history[-1])
        audit = audits.get_audit(led, n)
        entry_id = w.append("audit_void", {"audit_versions": [{"audit_id": n, "action": "void"}]},
                            reason=reason, supersedes=_audit_latest_entry(audit))
    return {"audit_id": n, "entry_id": entry_id, "case_no": audit["case_no"], "fallen": audit["status"] == "negligent"}


def audit_history(led: Ledger, audit_id: str, show_pii: bool = False) -> dict[str, Any]:
    n, history = _audit_history_or_fail(led, audit_id)
    out = []
    prev = None
    fields = ("case_no", "audit_date", "publicity_received", "officer", "note")
    for v in history:
        values = {f: v[f] for f in fields} if v["action"] != "void" else None
        if values is not None:
            values["note"] = privacy.mask_text(values["note"], show_pii)
        out.append({"entry_id": v["version_entry"], "kind": v["kind"], "action": v["action"],
                    "action_label": ACTION_LABELS[v["action"]], "values": values,
                    "changed": [f for f in fields if prev is not None and values is not None and prev[f] != values[f]],
                    "operator": v["operator"], "recorded_at": v["recorded_at"],
                    "reason": privacy.mask_text(v["reason"], show_pii), "supersedes": v["supersedes"]})
        prev = values if values is not None else prev
    return {"audit_id": n, "status": "void" if history[-1]["action"] == "void" else "current", "versions": out}


# --- what a correction entry says, for the circular's 更正与补报 section ---

CORRECTION_KINDS = ("case_amend", "case_void", "audit_amend", "audit_void", "dissuasion_amend", "dissuasion_void",
                    "discipline_void")
_PRIVATE = {"victim_name", "victim_phone", "victim_id_number", "note"}


def _week(day: str | None) -> str | None:
    from fanzha_cli import weeks

    return weeks.resolve(day).label if day else None


# How the sentences of the circular's corrections section are phrased. An issued circular is
# regenerated byte for byte, so it keeps the phrasing it was issued with (recorded with the
# issue, migrations.m016; none recorded: 1); only circulars issued since read the newest.
# 1: values as stored (是否收到宣传由 0 改为 1, 民辅警由 None 改为 FJ0101, times with a T).
# 2: values as people read them (由 否 改为 是, 由 （空） 改为 李四（FJ0101）, 2022-02-04 10:00).
PHRASING = 2


def _value(value: Any, phrasing: int) -> Any:
    return value if phrasing < 2 or value is not None else "（空）"


def _officer(led: Ledger, badge: str | None, on: str | None, phrasing: int) -> Any:
    if phrasing < 2 or badge is None:
        return _value(badge, phrasing)
    return plan_lookup.officer_label(led, badge, on or plan_store.FAR_FUTURE)


_YES_NO = {1: "是", 0: "否"}


def describe(led: Ledger, entry_id: int, phrasing: int = PHRASING) -> dict[str, Any] | None:
    """One correction entry (a kind in CORRECTION_KINDS) as the circular's corrections section
    needs it: the weeks it concerns (the record's date before and after), and a Chinese sentence
    saying what changed, in the given phrasing (PHRASING). No victim data and no note text: only
    that they were corrected. None for an entry of another kind."""
    meta = led.query(queries.ENTRIES_BY_IDS, {"ids": f"[{int(entry_id)}]"})
    if not meta or meta[0]["kind"] not in CORRECTION_KINDS:
        return None
    kind = meta[0]["kind"]
    settings = latest_settings(led)
    names, groups = type_names(settings), group_names(settings)
    if kind in ("case_amend", "case_void"):
        rows = led.query("SELECT case_no FROM case_versions WHERE entry_id = :e", {"e": entry_id})
        if not rows:
            return None
        row = rows[0]
        versions = led.query(queries.CASE_HISTORY, {"case_no": row["case_no"], "upto": entry_id})
        old, new = versions[-2], versions[-1]
        where = f"{TARGET_LABELS.get(old['target_kind'])}：{old['target']}"
        if kind == "case_void":
            what, days = f"作废案件 {old['case_no']}（{old['case_date']} 发案，{where}），不再计入发案、零发案和扣分", [old["case_date"]]
        else:
            changes = []
            for f in _changes(old, new):
                if f in _PRIVATE:
                    changes.append(f"{CASE_FIELD_LABELS[f]}已更正")
                elif f != "target_kind":
                    o, n = _shown(f, old[f], names, groups), _shown(f, new[f], names, groups)
                    changes.append(f"{CASE_FIELD_LABELS[f]}由 {o or '（空）'} 改为 {n or '（空）'}")
            what, days = f"更正案件 {old['case_no']}：" + "，".join(changes), [old["case_date"], new["case_date"]]
        moved = led.query("SELECT DISTINCT audit_id FROM deduction_changes WHERE entry_id = :e", {"e": entry_id})
        if moved:
            what += "；回访 " + "、".join(f"#{m['audit_id']}" for m in moved) + " 的扣分随之改按更正后的案件计"
    elif kind in ("audit_amend", "audit_void"):
        rows = led.query("SELECT audit_id FROM audit_versions WHERE entry_id = :e", {"e": entry_id})
        if not rows:
            return None
        row = rows[0]
        versions = led.query(queries.AUDIT_HISTORY, {"audit_id": row["audit_id"], "upto": entry_id})
        old, new = versions[-2], versions[-1]
        if kind == "audit_void":
            what, days = f"作废回访 #{row['audit_id']}（案件 {old['case_no']}，{old['audit_date']}），其扣分不再计入", [old["audit_date"]]
        else:
            labels = {"case_no": "案件", "audit_date": "回访日期", "publicity_received": "是否收到宣传", "officer": "民辅警"}

            def shown(f: str, v: dict[str, Any]) -> Any:
                if f == "officer":
                    return _officer(led, v[f], v["audit_date"], phrasing)
                if f == "publicity_received" and phrasing >= 2:
                    return _YES_NO.get(v[f], v[f])
                return _value(v[f], phrasing)

            changes = [f"{label}由 {shown(f, old)} 改为 {shown(f, new)}" for f, label in labels.items() if old[f] != new[f]]
            changes += ["说明已更正"] if old["note"] != new["note"] else []
            what, days = f"更正回访 #{row['audit_id']}：" + "，".join(changes), [old["audit_date"], new["audit_date"]]
    elif kind in ("dissuasion_amend", "dissuasion_void"):
        rows = led.query("SELECT dissuasion_id FROM dissuasion_versions WHERE entry_id = :e", {"e": entry_id})
        if not rows:
            return None
        row = rows[0]
        versions = led.query(queries.DISSUASION_HISTORY, {"dissuasion_id": row["dissuasion_id"], "upto": entry_id})
        old, new = versions[-2], versions[-1]
        if kind == "dissuasion_void":
            who = _officer(led, old["officer"], old["dissuasion_date"], phrasing)
            what = f"作废劝阻 #{row['dissuasion_id']}（{old['dissuasion_date']}，{who}，避免损失 {format_yuan(old['amount_saved_fen'])} 元）"
            days = [old["dissuasion_date"]]
        else:
            labels = {"officer": "民辅警", "department": "所属单位", "dissuasion_date": "劝阻日期", "case_no": "编号"}

            def shown(f: str, v: dict[str, Any]) -> Any:
                if f == "officer":
                    return _officer(led, v[f], v["dissuasion_date"], phrasing)
                return _value(v[f], phrasing)

            changes = [f"{label}由 {shown(f, old)} 改为 {shown(f, new)}" for f, label in labels.items() if old[f] != new[f]]
            if old["amount_saved_fen"] != new["amount_saved_fen"]:
                changes.append(f"避免损失由 {format_yuan(old['amount_saved_fen'])} 元改为 {format_yuan(new['amount_saved_fen'])} 元")
            changes += ["说明已更正"] if old["note"] != new["note"] else []
            what, days = f"更正劝阻 #{row['dissuasion_id']}：" + "，".join(changes), [old["dissuasion_date"], new["dissuasion_date"]]
    else:  # discipline_void
        rows = led.query(queries.DISCIPLINE_STEP_BY_ID.replace("WHERE s.entry_id = :step_id",
                                                               "WHERE s.void_entry = :step_id"),
                         {"step_id": entry_id, "upto": entry_id})
        if not rows:
            return None
        row = rows[0]
        from fanzha_cli.discipline import STEP_LABELS

        who = (_officer(led, row["subject"], row["step_date"], phrasing) if row["subject_kind"] == "officer"
               else f"{row['subject']}负责人")
        who = f" {who} " if phrasing < 2 else who
        what = f"作废{who}的{STEP_LABELS.get(row['step'], row['step'])}记录（{row['step_date']}，第 {row['entry_id']} 条记录），该步骤重新列为未落实"
        days = [row["step_date"]]
    return {"entry_id": int(entry_id), "kind": kind, "weeks": list(dict.fromkeys(_week(d) for d in days if d)),
            "what": what, "operator": meta[0]["operator"], "recorded_at": meta[0]["recorded_at"],
            "reason": privacy.mask_text(meta[0]["reason"])}
