"""How cases, zero-case, call-backs, discipline and dissuasions look: tables and CSV columns.

Rows arrive already masked (privacy.mask_victim) unless the user asked for --show-pii.
"""

from __future__ import annotations

from typing import Any, Iterator

from fanzha_cli.render.console import console, note
from fanzha_cli.render.data import _cell

ATOM, TEXT, LIST = "atom", "text", "list"  # as render/fit.py: kept whole / may fold / folds between items

TARGET_LABELS = {"unit": "单位", "grid": "网格", "place": "地点"}
CATEGORY_LABELS = {"bureau": "科室、大队", "station": "基层派出所"}
DUE_LABELS = {"talk": "约谈、责令再宣传", "accountability": "严肃问责"}
ROLE_LABELS = {"case": "案件", "audit": "回访", "verification": "核实", "revocation": "撤销",
               "case_amend": "更正案件", "case_void": "作废案件", "audit_amend": "更正回访", "audit_void": "作废回访"}

CASE_COLUMNS = [
    ("case_no", "案件编号"), ("case_date", "发案日期"), ("fraud_type_name", "诈骗类型"),
    ("target_kind_label", "发案地类型"), ("target", "包联单位、网格或地点"), ("group_name", "重点人群"),
    ("loss", "损失金额（元）"),
    ("victim_name", "受害人"), ("victim_phone", "电话"), ("victim_id_number", "身份证号"),
    ("note", "备注"), ("entry_id", "记录编号"), ("operator", "录入人"), ("recorded_at", "录入时间"),
]
ZERO_CASE_COLUMNS = [
    ("level", "层级"), ("department", "科所队"), ("target", "包联单位或网格"), ("officers", "结对民辅警"),
    ("from", "起始日期"), ("to", "截止日期"),
]
AUDIT_COLUMNS = [
    ("audit_id", "回访编号"), ("case_no", "案件编号"), ("case_date", "发案日期"), ("audit_date", "回访日期"),
    ("verified_on", "核实日期"), ("publicity_received", "收到面对面宣传"), ("status_label", "状态"), ("officer", "责任民辅警"),
    ("department", "扣分单位"), ("note", "说明"), ("revocation_reason", "撤销原因"),
    ("operator", "录入人"), ("recorded_at", "录入时间"),
]
DISCIPLINE_COLUMNS = [
    ("kind_label", "对象类别"), ("subject", "警号或单位"), ("name", "姓名"), ("department", "所属单位"),
    ("deductions", "累计扣分次数"), ("due_label", "应予处理"), ("steps_text", "落实情况"), ("open", "尚有未落实"),
]
EXPLAIN_COLUMNS = [
    ("entry_id", "记录编号"), ("role_label", "类别"), ("case_no", "案件编号"), ("summary", "内容"),
    ("operator", "录入人"), ("recorded_at", "录入时间"),
]
DISSUASION_COLUMNS = [
    ("dissuasion_date", "劝阻日期"), ("officer", "警号"), ("name", "姓名"), ("department", "所属单位"),
    ("amount_saved", "避免损失（元）"), ("case_no", "编号"), ("note", "备注"), ("entry_id", "记录编号"),
    ("operator", "录入人"), ("recorded_at", "录入时间"),
]


# How each column behaves in a terminal table (render/fit.py): free text folds; everything
# else (numbers, dates, case and badge numbers, names) is never broken. The number is the
# column's priority: larger ones are left out first, with a note, on a narrow terminal.
TERMINAL = {
    "note": (TEXT, 5), "revocation_reason": (TEXT, 4), "victim_id_number": (ATOM, 4), "victim_phone": (ATOM, 3),
    "victim_name": (ATOM, 2), "target_kind_label": (ATOM, 1), "publicity_received": (ATOM, 1),
    "operator": (ATOM, 3), "recorded_at": (ATOM, 3), "entry_id": (ATOM, 2), "at_count": (ATOM, 1),
    "department": (ATOM, 1), "fraud_type_name": (TEXT, 0), "target": (TEXT, 0), "officers": (LIST, 0),
    "steps_text": (LIST, 0),
    # columns the corrections work adds (amend/void/history, case place and group)
    "place": (TEXT, 1), "group": (ATOM, 2), "reason": (TEXT, 2), "supersedes": (ATOM, 3), "action_label": (ATOM, 0),
    "version": (ATOM, 0), "values_text": (LIST, 0), "changed_text": (LIST, 0), "summary": (TEXT, 0), "due_label": (TEXT, 0), "label": (TEXT, 0),
}
RIGHT = {"loss", "amount_saved", "deductions", "units", "grids", "audit_id", "entry_id", "at_count"}


def _table(title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
    from fanzha_cli.render.fit import Col, print_table

    cols = [Col(k, header, *TERMINAL.get(k, (ATOM, 0)), justify="right" if k in RIGHT else "left")
            for k, header in columns]
    print_table(title, cols, [{k: None if r.get(k) is None else _cell(r.get(k)) for k, _ in columns} for r in rows])


# --- cases ---

def case_rows(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for r in rows:
        yield {**r, "target_kind_label": TARGET_LABELS.get(r["target_kind"], r["target_kind"])}


def cases(rows: list[dict[str, Any]]) -> None:
    columns = [c for c in CASE_COLUMNS if c[0] not in ("entry_id", "operator", "recorded_at")]
    _table(f"发案登记（{len(rows)} 起）", columns, list(case_rows(rows)))


# --- zero-case ---

def _officers(officers: list[dict[str, Any]]) -> list[str]:
    return [f"{o['name']}（{o['badge']}）" if o.get("name") else o["badge"] for o in officers]


def zero_case_rows(result: dict[str, Any]) -> Iterator[dict[str, Any]]:
    span = {"from": result["from"], "to": result["to"]}
    for t in result["targets"]:
        yield {"level": TARGET_LABELS[t["target_kind"]], "department": t["department"], "target": t["target"],
               "officers": _officers(t["officers"]), **span}
    for d in result["departments"]:
        yield {"level": "科所队", "department": d["department"], "target": f"全部 {d['units']} 个单位、{d['grids']} 个网格",
               **span}


def zero_case(result: dict[str, Any]) -> None:
    out = console()
    out.print(f"零发案：{result['from']} 至 {result['to']}（每起案件按发案当日有效的包联计划归属）")
    units = [t for t in result["targets"] if t["target_kind"] == "unit"]
    grids = [t for t in result["targets"] if t["target_kind"] == "grid"]
    _table(f"零发案包联单位（{len(units)} 个）", [("department", "科所队"), ("target", "包联单位")], units)
    _table(f"零发案网格（{len(grids)} 个）", [("department", "派出所"), ("target", "网格"), ("officers", "结对民辅警")],
           [{**g, "officers": _officers(g["officers"])} for g in grids])
    _table(
        f"全部包联单位和网格均零发案的科所队（{len(result['departments'])} 个）",
        [("department", "科所队"), ("category", "类别"), ("units", "包联单位数"), ("grids", "网格数")],
        [{**d, "category": CATEGORY_LABELS.get(d["category"], d["category"])} for d in result["departments"]],
    )
    out.print(f"共判定包联关系 {result['pairings']} 项、科所队 {result['departments_judged']} 个。")


# --- audits ---

def audits(rows: list[dict[str, Any]]) -> None:
    columns = [c for c in AUDIT_COLUMNS if c[0] not in ("operator", "recorded_at", "case_date", "verified_on")]
    _table(f"回访记录（{len(rows)} 条）", columns, rows)


def audit_result(result: dict[str, Any], standings: list[dict[str, Any]]) -> None:
    labels = {
        "received": "受害人已收到面对面宣传，不扣分",
        "pending": "受害人反馈未收到面对面宣传，待核实（核实后用 fanzha audit verify 登记结论）",
        "not_negligent": "核实为非消极懈怠，不扣分",
        "negligent": "核实为消极懈怠，已通报扣分",
        "revoked": "扣分已撤销，不再计入累计次数；记录与原因保留",
    }
    entry = f"（记录编号 {result['entry_id']}）" if result.get("entry_id") else ""
    note(f"回访 #{result['audit_id']}（案件 {result['case_no']}）：{labels[result['status']]}{entry}。")
    charged = result.get("officer")
    if result["status"] == "negligent" and charged:
        who = [f"民辅警 {charged['name']}（{charged['badge']}）"] if charged.get("badge") else []
        who += [f"单位 {d}" for d in charged.get("departments") or [charged["department"]]]
        note(f"扣分对象：{'、'.join(who)}。")
        if result.get("verified_on"):
            note(f"核实日期 {result['verified_on']}：扣分在该日所在周的通报中通报。")
    for s in standings:
        due = f"，已达{DUE_LABELS[s['due']]}标准" if s["due"] else ""
        note(f"{s['subject']}：累计通报扣分 {s['deductions']} 次{due}。")


# --- discipline ---

def _steps_text(steps: list[dict[str, Any]]) -> str:
    return "；".join(
        f"{s['label']}：" + (f"已落实（{s['step_date']}）" if s["done"] else "未落实") for s in steps
    )


def discipline_rows(result: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for i in result["items"]:
        yield {**i, "kind_label": "民辅警" if i["subject_kind"] == "officer" else "单位负责人",
               "due_label": DUE_LABELS.get(i["due"], ""), "steps_text": _steps_text(i["steps"])}


def discipline(result: dict[str, Any]) -> None:
    w = result["window"]
    console().print(
        f"累计通报扣分（{w['label']} {w['start']} 至 {w['end']}）：{result['warning_talk_at']} 次约谈、责令再宣传，"
        f"{result['accountability_at']} 次严肃问责"
    )
    rows = list(discipline_rows(result))
    if not rows:
        console().print("目前没有应约谈或应问责的人员。")
        return
    _table("应约谈、应问责人员", [c for c in DISCIPLINE_COLUMNS if c[0] != "open"], rows)


def explain_rows(result: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for e in result["entries"]:
        yield {**e, "role_label": ROLE_LABELS.get(e["role"], e["role"])}


def explain(result: dict[str, Any]) -> None:
    out = console()
    w = result["window"]
    due = DUE_LABELS.get(result["due"] or "", "未达到处理标准")
    out.print(f"{result['name']}：{w['label']}（{w['start']} 至 {w['end']}）累计通报扣分 {result['deductions']} 次（{due}）")
    revoked = [d for d in result["deduction_items"] if not d["counts"]]
    if revoked:
        out.print(f"另有 {len(revoked)} 次扣分已撤销、作废或随更正移走，不计入：" + "、".join(f"回访 #{d['audit_id']}" for d in revoked))
    if result["entries"]:
        _table("扣分依据（按录入顺序）", EXPLAIN_COLUMNS[:2] + EXPLAIN_COLUMNS[3:], list(explain_rows(result)))
    if result["steps"]:
        _table("已落实的处理", [("entry_id", "记录编号"), ("label", "处理"), ("step_date", "落实日期"),
                           ("at_count", "当时扣分次数"), ("note", "说明"), ("operator", "录入人"),
                           ("recorded_at", "录入时间"), ("void_text", "作废")],
               [{**x, "void_text": f"已作废（第 {x['void_entry']} 条记录：{x['void_reason']}）" if x.get("voided") else ""}
                for x in result["steps"]])


# --- dissuasions ---

def dissuasions(rows: list[dict[str, Any]]) -> None:
    total = sum(r["amount_saved_fen"] for r in rows)
    from fanzha_cli.money import format_yuan

    columns = [c for c in DISSUASION_COLUMNS if c[0] not in ("operator", "recorded_at")]
    _table(f"劝阻登记（{len(rows)} 起，共避免损失 {format_yuan(total)} 元）", columns, rows)


# --- history of a record (case, call-back, dissuasion) ---

HISTORY_COLUMNS = [
    ("entry_id", "记录编号"), ("action_label", "操作"), ("values_text", "内容"), ("changed_text", "改动"),
    ("reason", "原因"), ("operator", "录入人"), ("recorded_at", "录入时间"),
]


def history_rows(result: dict[str, Any], labels: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The first version in full; each later one as what it changed (old → new)."""
    prev: dict[str, Any] | None = None
    for v in result["versions"]:
        values = v["values"] or {}
        if v["values"] is None:
            shown = "（作废）"
        elif prev is None:
            shown = "；".join(f"{labels.get(k, k)}：{_cell(x)}" for k, x in values.items() if x is not None and k in labels)
        else:
            shown = "；".join(f"{labels.get(k, k)}：{_cell(prev.get(k)) if prev.get(k) is not None else '（空）'} → "
                             f"{_cell(x) if x is not None else '（空）'}"
                             for k, x in values.items() if k in labels and prev.get(k) != x)
        yield {**v, "values_text": shown, "changed_text": "、".join(labels.get(k, k) for k in v.get("changed") or [])}
        prev = v["values"] or prev


def history(title: str, labels: dict[str, str]):
    def show(result: dict[str, Any]) -> None:
        status = "已作废" if result["status"] == "void" else "现行"
        _table(f"{title}（{status}）", HISTORY_COLUMNS, list(history_rows(result, labels)))
    return show


CASE_HISTORY_LABELS = {
    "case_date": "发案日期", "fraud_type": "诈骗类型", "target_kind": "发案地类型", "target": "发案地",
    "loss": "损失（元）", "group_name": "重点人群", "victim_name": "受害人", "victim_phone": "电话",
    "victim_id_number": "身份证号", "note": "备注",
}
AUDIT_HISTORY_LABELS = {"case_no": "案件编号", "audit_date": "回访日期", "publicity_received": "收到宣传（1 是 0 否）",
                        "officer": "民辅警", "note": "说明"}
DISSUASION_HISTORY_LABELS = {"officer": "警号", "department": "所属单位", "dissuasion_date": "劝阻日期",
                             "amount_saved": "避免损失（元）", "case_no": "编号", "note": "说明"}


def emit(fmt: str, data: Any, rows, columns: list[tuple[str, str]], table) -> None:
    """One --format switch for every read command here: JSON of `data`, CSV of `rows`, or the table."""
    from fanzha_cli.render import data as machine

    if fmt == "json":
        machine.emit_json(data)
    elif fmt == "csv":
        machine.emit_csv(rows, columns)
    else:
        table(data)
