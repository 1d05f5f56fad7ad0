"""Cumulative deductions against the plan's thresholds: who is due a warning talk or
accountability, the steps carried out, and the entries behind every count.

A deduction counts when its case date lies in the discipline window (the plan's
`rules.discipline.window`: the campaign year by default) and its call-back has not been
revoked. Officers and departments (their heads) are counted separately. The thresholds and
the steps they call for are data in the plan (`rules.discipline`), read from the plan now
in force. A step carried out is recorded once per person and stays recorded: it is not
undone if a revocation later lowers the count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fanzha_cli import plan_lookup, plan_store, privacy, queries
from fanzha_cli import rules as plan_rules
from fanzha_cli.cases import campaign_date, latest_settings, required_text, type_names
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan

STEP_LABELS = {"talk": "约谈", "re-publicity": "责令再宣传", "accountability": "严肃问责"}
_STEP_WORDS = {
    "talk": "talk", "约谈": "talk",
    "re-publicity": "re-publicity", "republicity": "re-publicity", "再宣传": "re-publicity", "责令再宣传": "re-publicity",
    "accountability": "accountability", "问责": "accountability", "严肃问责": "accountability",
}
KIND_LABELS = {"officer": "民辅警", "department": "单位负责人"}
WINDOW_LABELS = {"routine_period": "全年常态化期", "concentrated_period": "集中宣传期"}


@dataclass(frozen=True)
class Rules:
    window: str
    start: str
    end: str
    talk_at: int
    accountability_at: int
    talk_steps: tuple[str, ...]
    accountability_steps: tuple[str, ...]

    def steps_due(self, count: int) -> list[str]:
        steps = list(self.talk_steps) if count >= self.talk_at else []
        if count >= self.accountability_at:
            steps += [s for s in self.accountability_steps if s not in steps]
        return steps

    def due(self, count: int) -> str | None:
        if count >= self.accountability_at:
            return "accountability"
        return "talk" if count >= self.talk_at else None

    def window_view(self) -> dict[str, str]:
        return {"name": self.window, "label": WINDOW_LABELS.get(self.window, self.window),
                "start": self.start, "end": self.end}


def rules(led: Ledger) -> Rules:
    settings = latest_settings(led)
    d = settings.get("rules", {}).get("discipline", {})
    window = plan_rules.of(settings).discipline_window  # a local rule: the plan says only 累计
    p = settings["campaign"][window]
    return Rules(
        window=window, start=str(p["start"]), end=str(p["end"]),
        talk_at=int(d.get("warning_talk_at", 2)), accountability_at=int(d.get("accountability_at", 3)),
        talk_steps=tuple(d.get("talk_steps", ["talk", "re-publicity"])),
        accountability_steps=tuple(d.get("accountability_steps", ["accountability"])),
    )


def parse_step(value: str) -> str:
    step = _STEP_WORDS.get((value or "").strip().lower())
    if step is None:
        raise FanzhaError(f"没有“{value}”这种处理步骤。",
                          hint="--step 可选：talk（约谈）、re-publicity（责令再宣传）、accountability（严肃问责）。")
    return step


@dataclass(frozen=True)
class Subject:
    kind: str  # officer | department
    key: str  # badge or department name
    name: str  # what a person reads: 王建军（140101）, 蔚汾派出所负责人
    department: str | None

    def params(self, r: Rules, upto: int | None = None) -> dict[str, Any]:
        return {"subject_kind": self.kind, "subject": self.key, "start": r.start, "end": r.end, "upto": upto}


def subject(led: Ledger, officer: str | None, dept: str | None) -> Subject:
    """--officer BADGE or --dept NAME (exactly one), known to the plan or to the deductions."""
    if bool(officer and officer.strip()) == bool(dept and dept.strip()):
        raise FanzhaError("须指明一个对象：--officer 警号，或 --dept 科所队名称（二者选一）。")
    idx = plan_lookup.lookup_on(led, plan_store.FAR_FUTURE)  # one name: no need for the whole plan
    kind, key = ("officer", officer.strip()) if officer and officer.strip() else ("department", dept.strip())
    known = led.query(queries.SUBJECT_HAS_DEDUCTIONS, {"subject_kind": kind, "subject": key, "upto": None})
    if kind == "officer":
        o = idx.officers.get(key)
        if o is None and not known:
            idx.officer(key)  # raises, with suggestions
        return Subject(kind, key, f"{o['name']}（{key}）" if o else key, o["station"] if o else None)
    if key not in idx.departments and not known:
        idx.dept(key)
    return Subject(kind, key, f"{key}负责人", key)


def count_of(led: Ledger, s: Subject, r: Rules | None = None, upto: int | None = None) -> int:
    r = r or rules(led)
    return led.query(queries.DEDUCTION_COUNT_OF, s.params(r, upto))[0]["deductions"]


def standing(led: Ledger, s: Subject) -> dict[str, Any]:
    """A subject's count now and what it calls for: what a write reports after a deduction."""
    r = rules(led)
    n = count_of(led, s, r)
    return {"subject": s.name, "deductions": n, "due": r.due(n), "steps_due": r.steps_due(n)}


def counts(led: Ledger, start: str, end: str, at_least: int = 1, upto: int | None = None) -> dict[tuple[str, str], int]:
    """Counting deductions with case dates in [start, end], keyed by (officer|department, badge
    or name): e.g. for the commendation rule `max_deductions`."""
    rows = led.query(queries.DEDUCTION_COUNTS, {"start": start, "end": end, "at_least": at_least, "upto": upto})
    return {(r["subject_kind"], r["subject"]): r["deductions"] for r in rows}


@dataclass(frozen=True)
class Due:
    """Someone whose counting deductions reach the warning-talk threshold."""

    kind: str  # officer | department
    key: str  # badge or department name
    department: str | None  # as the deductions name it
    deductions: int
    done: dict[str, dict[str, Any]]  # step -> the step as first carried out (step_date, entry_id)


def due(led: Ledger, r: Rules, as_of: str | None = None, upto: int | None = None) -> list[Due]:
    """Who is due a warning talk or accountability, and the steps carried out: the one
    judgement `discipline list` and the circular both read. `as_of` (a week's last day, for
    its circular): only deductions verified by then and steps carried out by then count."""
    done: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for s in led.query(queries.ALL_DISCIPLINE_STEPS, {"upto": upto}):
        if as_of is None or s["step_date"] <= as_of:
            done.setdefault((s["subject_kind"], s["subject"]), {}).setdefault(s["step"], s)
    params = {"start": r.start, "end": r.end, "at_least": r.talk_at, "upto": upto}
    rows = (led.query(queries.DEDUCTION_COUNTS, params) if as_of is None
            else led.query(queries.DEDUCTION_COUNTS_AS_OF, {**params, "as_of": as_of}))
    return [Due(row["subject_kind"], row["subject"], row["department"], row["deductions"],
                done.get((row["subject_kind"], row["subject"]), {})) for row in rows]


def due_list(led: Ledger, open_only: bool = False, upto: int | None = None) -> dict[str, Any]:
    """Everyone whose counting deductions reach the warning-talk threshold, with each step
    the count calls for and whether it has been carried out."""
    r = rules(led)
    idx = plan_store.index_on(led, plan_store.FAR_FUTURE)
    out = []
    for who in due(led, r, upto=upto):
        kind, key, n = who.kind, who.key, who.deductions
        if kind == "officer":
            o = idx.officers.get(key)
            name, department = (o["name"], o["station"]) if o else (None, who.department)
        else:
            name, department = f"{key}负责人", key
        steps = []
        for step in r.steps_due(n):
            d = who.done.get(step)
            steps.append({"step": step, "label": STEP_LABELS.get(step, step), "done": d is not None,
                          "step_date": d["step_date"] if d else None, "entry_id": d["entry_id"] if d else None})
        item = {
            "subject_kind": kind, "subject": key, "name": name, "department": department,
            "deductions": n, "due": r.due(n), "steps": steps, "open": any(not s["done"] for s in steps),
        }
        if item["open"] or not open_only:
            out.append(item)
    return {"window": r.window_view(), "warning_talk_at": r.talk_at, "accountability_at": r.accountability_at,
            "items": out}


def record_step(led: Ledger, *, officer: str | None, dept: str | None, step: str, date: str, note: str) -> dict[str, Any]:
    step = parse_step(step)
    s = subject(led, officer, dept)
    day = campaign_date(led, date, "落实日期")
    note = required_text(note, "说明（--note）", "用 --note 写明落实情况，例如约谈人、地点、整改要求。")
    r = rules(led)
    with led.write() as w:
        n = count_of(led, s, r)
        if step not in r.steps_due(n):
            threshold = r.accountability_at if step in r.accountability_steps else r.talk_at
            raise FanzhaError(
                f"{s.name}目前累计通报扣分 {n} 次，未达到{STEP_LABELS[step]}的标准（{threshold} 次），无需记录。",
                hint="用 fanzha discipline list 查看应约谈、应问责的人员；用 fanzha discipline explain 查看扣分明细。",
            )
        prior = [x for x in led.query(queries.DISCIPLINE_STEPS_OF, {"subject_kind": s.kind, "subject": s.key, "upto": None})
                 if x["step"] == step and x["void_entry"] is None]
        if prior:
            p = prior[0]
            raise FanzhaError(
                f"{s.name}的{STEP_LABELS[step]}已于 {p['step_date']} 记录（第 {p['entry_id']} 条记录，{p['operator']} 录入），不能重复记录。",
            )
        entry_id = w.append("discipline_step", {"discipline_steps": [{
            "subject_kind": s.kind, "subject": s.key, "step": step, "step_date": day, "at_count": n, "note": note,
        }]}, reason=note)
    return {"entry_id": entry_id, "subject": s.name, "step": step, "label": STEP_LABELS[step], "deductions": n}


def void_step(led: Ledger, step_id: str, *, reason: str) -> dict[str, Any]:
    """A step recorded by mistake: it no longer counts as carried out; record and reason stay."""
    reason = required_text(reason, "作废原因（--reason）", "用 --reason 写明作废原因，例如“误记为约谈，实为电话提醒”。")
    text = str(step_id).strip().lstrip("#")
    if not text.isdecimal():
        raise FanzhaError(f"处理记录编号应为数字：{step_id!r}", hint="编号见 fanzha discipline explain 的“已落实的处理”。")
    with led.write() as w:
        rows = led.query(queries.DISCIPLINE_STEP_BY_ID, {"step_id": int(text), "upto": None}) if int(text) < 2**63 else []
        if not rows:
            raise FanzhaError(f"没有编号为 {text} 的处理记录。", hint="编号见 fanzha discipline explain 的“已落实的处理”。")
        step = rows[0]
        if step["void_entry"] is not None:
            raise FanzhaError(f"处理记录 {text} 已于第 {step['void_entry']} 条记录作废（{step['void_reason']}），不能重复作废。")
        entry_id = w.append("discipline_void", {"discipline_voids": [{"step_id": step["entry_id"], "reason": reason}]},
                            reason=reason, supersedes=step["entry_id"])
    return {"entry_id": entry_id, "step_id": step["entry_id"], "label": STEP_LABELS.get(step["step"], step["step"]),
            "subject": step["subject"]}


_RECEIVED = {1: "已收到面对面宣传", 0: "未收到面对面宣传"}


def explain(led: Ledger, *, officer: str | None, dept: str | None, show_pii: bool = False,
            upto: int | None = None) -> dict[str, Any]:
    """Every entry behind a subject's count in the window, in ledger order: the cases (and
    their corrections), the call-backs (and theirs), verifications and revocations, with who
    entered each, when, and why; which of the subject's deductions still count."""
    s = subject(led, officer, dept)
    r = rules(led)
    names = type_names(latest_settings(led))
    described: dict[int, dict[str, Any]] = {}
    deductions = []
    for row in led.query(queries.SUBJECT_AUDITS, s.params(r, upto)):
        audit_id = row["audit_id"]
        history = led.query(queries.AUDIT_HISTORY, {"audit_id": audit_id, "upto": upto})
        live = [d for d in led.query(queries.DEDUCTIONS_OF_AUDIT, {"audit_id": audit_id, "upto": upto})
                if d["subject_kind"] == s.kind and d["subject"] == s.key]
        ever = [d for d in led.query(queries.DEDUCTION_ROWS_OF_AUDIT, {"audit_id": audit_id, "upto": upto})
                if d["subject_kind"] == s.kind and d["subject"] == s.key]
        mine = live[0] if live else ever[-1]
        if not r.start <= mine["case_date"] <= r.end:
            continue
        for case_no in dict.fromkeys([v["case_no"] for v in history if v["case_no"]]):
            for v in led.query(queries.CASE_HISTORY, {"case_no": case_no, "upto": upto}):
                described[v["version_entry"]] = _case_fact(v, names, show_pii)
        for v in history:
            described[v["version_entry"]] = _audit_fact(audit_id, v, show_pii)
        finding = led.query(queries.FINDING_OF_AUDIT, {"audit_id": audit_id, "upto": upto})
        for f in finding:
            charged = led.query(queries.DEDUCTION_ROWS_OF_AUDIT, {"audit_id": audit_id, "upto": f["entry_id"]})
            who = "、".join(
                (f"民辅警 {plan_lookup.officer_label(led, d['subject'], mine['case_date'])}" if d["subject_kind"] == "officer"
                 else f"单位 {d['subject']}") for d in charged if d["entry_id"] == f["entry_id"])
            described[f["entry_id"]] = {
                "role": "verification", "case_no": mine["case_no"], "audit_id": audit_id,
                "summary": f"核实回访 #{audit_id}：消极懈怠、宣传未到位，通报扣分：{who}"
                           + (f"；{privacy.mask_text(f['note'], show_pii)}" if f["note"] else ""),
            }
        if mine.get("revocation_entry"):
            described[mine["revocation_entry"]] = {
                "role": "revocation", "case_no": mine["case_no"], "audit_id": audit_id,
                "summary": f"撤销回访 #{audit_id} 的扣分（申诉成立）：{mine['revocation_reason']}",
            }
        deductions.append({
            "audit_id": audit_id, "case_no": mine["case_no"], "case_date": mine["case_date"],
            "officer": mine["officer"], "department": mine["department"],
            "counts": bool(live) and live[0]["revocation_entry"] is None,
        })
    entries = [
        {**meta, "reason": privacy.mask_text(meta["reason"], show_pii), **described[meta["entry_id"]]}
        for meta in led.query(queries.ENTRIES_BY_IDS, {"ids": json.dumps(sorted(described))})
    ]
    steps = [
        {"entry_id": x["entry_id"], "step": x["step"], "label": STEP_LABELS.get(x["step"], x["step"]),
         "step_date": x["step_date"], "at_count": x["at_count"], "note": privacy.mask_text(x["note"], show_pii),
         "operator": x["operator"], "recorded_at": x["recorded_at"],
         "voided": x["void_entry"] is not None, "void_entry": x["void_entry"], "void_reason": x["void_reason"]}
        for x in led.query(queries.DISCIPLINE_STEPS_OF, {"subject_kind": s.kind, "subject": s.key, "upto": upto})
    ]
    n = sum(d["counts"] for d in deductions)
    return {
        "subject_kind": s.kind, "subject": s.key, "name": s.name, "department": s.department,
        "window": r.window_view(), "deductions": n, "due": r.due(n), "deduction_items": deductions,
        "entries": entries, "steps": steps,
    }


def _case_fact(v: dict[str, Any], names: dict[str, str], show_pii: bool) -> dict[str, Any]:
    if v["action"] == "void":
        return {"role": "case_void", "case_no": v["case_no"],
                "summary": f"作废案件 {v['case_no']}（其扣分不再计入）：{v['reason']}"}
    victim = privacy.mask_victim({k: v[k] for k in privacy.VICTIM_FIELDS}, show_pii)
    where = {"unit": "单位", "grid": "网格", "place": "地点"}.get(v["target_kind"], v["target_kind"])
    loss = format_yuan(v["loss_fen"])
    text = (f"{v['case_date']} 发案，{names.get(v['fraud_type'], v['fraud_type'])}，{where}：{v['target']}"
            + (f"，损失 {loss} 元" if loss else "")
            + (f"，受害人 {victim['victim_name']}" if victim["victim_name"] else ""))
    if v["action"] == "add":
        return {"role": "case", "case_no": v["case_no"], **victim, "summary": f"登记案件 {v['case_no']}：{text}"}
    return {"role": "case_amend", "case_no": v["case_no"], **victim,
            "summary": f"更正案件 {v['case_no']}：{text}；原因：{v['reason']}"}


def _audit_fact(audit_id: int, v: dict[str, Any], show_pii: bool) -> dict[str, Any]:
    if v["action"] == "void":
        return {"role": "audit_void", "audit_id": audit_id, "case_no": None,
                "summary": f"作废回访 #{audit_id}（其扣分不再计入）：{v['reason']}"}
    note = privacy.mask_text(v["note"], show_pii)
    text = (f"回访 #{audit_id}（案件 {v['case_no']}）：{v['audit_date']} 受害人反馈{_RECEIVED[v['publicity_received']]}"
            + (f"；{note}" if note else ""))
    if v["action"] == "add":
        return {"role": "audit", "audit_id": audit_id, "case_no": v["case_no"], "summary": text}
    return {"role": "audit_amend", "audit_id": audit_id, "case_no": v["case_no"],
            "summary": f"更正{text}；原因：{v['reason']}"}
