"""How weekly reports look: tables, notes, CSV/JSON, the import progress bar, the Excel template."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

from fanzha_cli import reports as R
from fanzha_cli.commands.base import Format
from fanzha_cli.errors import FanzhaError
from fanzha_cli.render import data
from fanzha_cli.render.console import console, note

STATUS_LABELS = {"missing": "未报送", "pending": "未报送（未到截止时间）", "late": "迟报", "on_time": "按时"}
SHORT = {"leaflets": "折页", "notices": "告知书", "pledges": "承诺书", "app_installs": "装APP",
         "group_pushes": "推送天数", "lectures": "讲座", "attendees": "听讲人数", "events": "活动",
         "themes": "主题", "photos": "图片"}


def _kind(kind: str) -> str:
    return R.TARGET_KINDS.get(kind, kind)


def _target(row: dict[str, Any]) -> str:
    return R.target_label(row["target_kind"], row["target"] or "")


def _late(late: bool) -> str:
    return "迟报" if late else "按时"


# --- writes ---------------------------------------------------------------------------------


def written(verb: str, w) -> None:
    line = w.line
    for warning in w.warnings:
        note(f"警告：{warning}")
    when = "" if verb == "已作废" else (
        f"；报送 {line['submitted_at']}，{_late(line['late'])}（截止 {line['deadline']}）")
    version = f"（第 {line['version']} 版）" if line["version"] > 1 else ""
    note(f"{verb}第 {line['line_id']} 条报送{version}：{line['dept']} {line['week']} {_kind(line['target_kind'])}"
         f"“{_target(line)}”{when}。账本记录编号：{w.entry_id}")


# --- list -----------------------------------------------------------------------------------

# The CSV of `report list` uses the template's headers, so it can be imported again.
LIST_CSV_COLUMNS = (
    [("line_id", "编号"), ("dept", R.COL_DEPT), ("week", R.COL_WEEK), ("kind_label", R.COL_KIND),
     ("target_label", R.COL_TARGET)]
    + [(m[0], m[2]) for m in R.MEASURES]
    + [("progress", R.COL_PROGRESS), ("duties_text", "已完成行业职责"), ("note", R.COL_NOTE),
       ("submitted_at", R.COL_SUBMITTED), ("deadline", "截止时间"), ("late", "是否迟报"),
       ("version", "版本"), ("photo_files", "照片文件数"), ("operator", "录入人"), ("recorded_at", "录入时间")]
)


def _csv_row(row: dict[str, Any]) -> dict[str, Any]:
    # Duty texts contain 、 themselves: joined with ；, which the import splits on.
    return {**row, "kind_label": _kind(row["target_kind"]), "target_label": _target(row),
            "duties_text": "；".join(row["duties"])}


def lines(week: str, rows: list[dict[str, Any]], fmt: Format, by_week: bool = False) -> None:
    if fmt is Format.json:
        data.emit_json(rows)
        return
    if fmt is Format.csv:
        data.emit_csv((_csv_row(r) for r in rows), LIST_CSV_COLUMNS)
        return
    if not rows:
        note(f"{week} 没有报送记录。")
        return
    from fanzha_cli.render.fit import TEXT, Col, print_table

    cols = [Col("line_id", "编号", justify="right")] + ([Col("week", "周次")] if by_week else []) + [
        Col("dept", "科所队", priority=0 if not by_week else 3), Col("target", "对象", TEXT),
        Col("amounts", "数量（0 不列）", TEXT), Col("progress", "进度", priority=2, justify="right"),
        Col("submitted", "报送时间", priority=1), Col("status", "状态")]
    totals = {k: 0 for k in R.MEASURE_KEYS}
    table = []
    for r in rows:
        for k in R.MEASURE_KEYS:
            totals[k] += r[k]
        table.append({"line_id": str(r["line_id"]), "week": r["week"], "dept": r["dept"],
                      "target": "本人亲友" if r["target_kind"] == "self" else f"{_kind(r['target_kind'])}：{_target(r)}",
                      "amounts": _amounts(r), "progress": None if r["progress"] is None else f"{r['progress']}%",
                      "submitted": r["submitted_at"][5:16],
                      "status": _late(r["late"]) + ("，已更正" if r["version"] > 1 else "")})
    print_table(f"{week} 报送", cols, table)
    console().print(f"合计 {len(rows)} 条：{_amounts(totals) or '全部为 0'}")


def _amounts(r: dict[str, Any]) -> str:
    """Only the figures that are not zero, in one cell: narrow terminals stay readable."""
    parts = [f"{SHORT[k]} {r[k]}" for k in R.MEASURE_KEYS if r.get(k)]
    if r.get("duties"):
        parts.append(f"行业职责 {len(r['duties'])} 项")
    return "  ".join(parts)


# --- history --------------------------------------------------------------------------------

HISTORY_FIELDS = [(k, R.MEASURE_LABELS[k]) for k in R.MEASURE_KEYS] + [
    ("progress", "宣传进度"), ("duties", "已完成行业职责"), ("note", "备注"),
    ("submitted_at", "报送时间"), ("late", "迟报")]


def _value(key: str, v: Any) -> str:
    if key == "duties":
        return "；".join(v) or "无"
    if key == "late":
        return "是" if v else "否"
    return "" if v is None else str(v)


def history(hist: dict[str, Any], fmt: Format) -> None:
    if fmt is Format.json:
        data.emit_json(hist)
        return
    if fmt is Format.csv:
        columns = [("version", "版本"), ("action_label", "操作"), ("entry_id", "记录编号"),
                   ("operator", "操作人"), ("recorded_at", "录入时间"), ("reason", "原因")] + list(HISTORY_FIELDS)
        data.emit_csv(({**v, "action_label": R.ACTION_LABELS[v["action"]], "duties": "；".join(v["duties"])}
                       for v in hist["versions"]), columns)
        return
    from fanzha_cli.render.fit import TEXT, Col, print_table

    out = console()
    state = "已作废" if hist["voided"] else "有效"
    out.print(f"第 {hist['line_id']} 条报送：{hist['dept']} {hist['week']} {_kind(hist['target_kind'])}"
              f"“{R.target_label(hist['target_kind'], hist['target'] or '')}”（{state}）")
    # One row per version; a value an amendment changed is marked （改）. Too many columns for
    # any terminal side by side, so render/fit.py shows each version as a 「字段：值」 block.
    versions = hist["versions"]
    cols = [Col("version", "版本"), Col("action", "操作"), Col("entry_id", "记录编号"), Col("operator", "操作人"),
            Col("recorded_at", "录入时间"), Col("reason", "原因", TEXT)]
    cols += [Col(key, label, TEXT if key in ("duties", "note") else "atom") for key, label in HISTORY_FIELDS]
    rows = []
    for i, v in enumerate(versions):
        row = {"version": f"第 {v['version']} 版", "action": R.ACTION_LABELS[v["action"]], "entry_id": str(v["entry_id"]),
               "operator": v["operator"], "recorded_at": v["recorded_at"], "reason": v["reason"] or ""}
        for key, _ in HISTORY_FIELDS:
            text = _value(key, v[key])
            changed = i > 0 and v["action"] == "amend" and _value(key, versions[i - 1][key]) != text
            row[key] = f"{text}（改）" if changed else text
        rows.append(row)
    print_table("各版本", cols, rows)
    if hist["photos"]:
        out.print("所附照片：")
        for p in hist["photos"]:
            out.print(f"  {p['name']}（{p['size']} 字节，SHA-256 {p['sha256'][:16]}…，{p['recorded_at']} 登记）")


# --- missing --------------------------------------------------------------------------------

MISSING_COLUMNS = [("dept", "科所队"), ("status_label", "状态"), ("complete", "已报齐"), ("lines", "报送条数"),
                   ("late_lines", "迟报条数"), ("paired_targets", "包联对象数"),
                   ("reported_targets", "已报对象数"), ("unreported", "未报对象"),
                   ("first_submitted_at", "首次报送"), ("last_submitted_at", "最后报送")]


def missing(status: dict[str, Any], fmt: Format, show_all: bool = True) -> None:
    """Departments that have not reported on every paired target first (with their counts),
    then the complete ones."""
    rows = sorted(status["departments"], key=R.complete)  # stable: plan order within each part
    rows = [{**r, "complete": R.complete(r)} for r in rows]
    if fmt is Format.json:
        data.emit_json({**status, "departments": rows})
        return
    if fmt is Format.csv:
        data.emit_csv(({**r, "status_label": STATUS_LABELS[r["status"]], "complete": r["complete"],
                        "unreported": r["unreported_targets"]} for r in rows), MISSING_COLUMNS)
        return
    from fanzha_cli.render.fit import TEXT, Col, print_table

    out = console()
    counts = {s: sum(1 for r in status["departments"] if r["status"] == s) for s in STATUS_LABELS}
    out.print(f"{status['week']}（{status['monday']} 至 {status['sunday']}），截止 {status['deadline']}，"
              f"按 {status['plan_on']} 生效的计划：科所队 {len(status['departments'])} 个，按时 {counts['on_time']}，"
              f"迟报 {counts['late']}，未报送 {counts['missing'] + counts['pending']}。")
    cols = [Col("dept", "科所队"), Col("status", "状态"), Col("count", "已报/应报", justify="right"),
            Col("late", "迟报条数", priority=1, justify="right"), Col("last", "最后报送", priority=2),
            Col("unreported", "未报对象", TEXT)]

    def cells(r: dict[str, Any]) -> dict[str, Any]:
        return {"dept": r["dept"], "status": STATUS_LABELS[r["status"]],
                "count": f"{r['reported_targets']}/{r['paired_targets']}", "late": str(r["late_lines"]),
                "last": (r["last_submitted_at"] or "")[5:16], "unreported": _unreported(r)}

    open_rows = [cells(r) for r in rows if not r["complete"]]
    done_rows = [cells(r) for r in rows if r["complete"]]
    if open_rows:
        print_table(f"未报齐（{len(open_rows)} 个）", cols, open_rows)
    else:
        out.print("全部科所队都已报齐。")
    if done_rows:
        print_table(f"已报齐（{len(done_rows)} 个）", cols[:5], done_rows)


def _unreported(r: dict[str, Any]) -> str:
    names = r["unreported_targets"]
    if not names:
        return ""
    if not r["reported_targets"]:
        return f"全部 {len(names)} 个"
    shown = "、".join(names[:5])
    return shown + (f" 等 {len(names)} 个" if len(names) > 5 else "")


# --- import ---------------------------------------------------------------------------------


class _Bar:
    """A Rich progress bar on stderr, shown only for large imports."""

    THRESHOLD = 2000

    def __init__(self):
        self.bar = None
        self.task = None
        self.pending = 0

    def start(self, label: str, total: int | None) -> None:
        if self.bar is None:
            if not total or total < self.THRESHOLD:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=console(stderr=True), transient=True)
            self.bar.start()
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[self.task].total or 0)
            self.pending = 0
        self.task = self.bar.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.pending += n
            if self.pending >= 500:  # redrawing per row would cost more than the row
                self.bar.advance(self.task, self.pending)
                self.pending = 0

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextlib.contextmanager
def import_progress() -> Iterator[_Bar]:
    bar = _Bar()
    try:
        yield bar
    finally:
        bar.stop()


DRY_RUN_TABLE_MAX = 500


def import_report(result, fmt: Format) -> None:
    added = result.new_lines  # as stored: enough to count them (a large import need not show each)
    late = sum(1 for r in added if r["late"])
    verb = "将新增" if result.dry_run else "已新增"
    parts = [f"读取 {len(result.files)} 个文件 {result.rows} 行",
             f"{verb} {len(added)} 条报送（其中迟报 {late} 条）" if added else "没有新的报送"]
    if result.unchanged:
        parts.append(f"{result.unchanged} 行与账本中已登记的报送相同，跳过")
    if result.superseded:
        parts.append(f"{result.superseded} 行是已登记后又更正或作废的原数字，跳过")
    if result.blank:
        parts.append(f"{result.blank} 行未填写任何数字，视为未报送，跳过")
    note("；".join(parts) + "。")
    if result.dry_run:
        if fmt is Format.table and len(added) > DRY_RUN_TABLE_MAX:
            note("将新增的报送较多，不逐条列出；用 --format csv 或 --format json 查看明细。")
        elif added:
            weeks_seen = {r["week"] for r in added}
            lines(added[0]["week"] if len(weeks_seen) == 1 else "将新增", result.added, fmt)
        note("（预演，未写入账本）")
    elif result.entry_id is not None:
        note(f"账本记录编号：{result.entry_id}")


# --- the Excel template ---------------------------------------------------------------------


def check_output(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".xlsx":
        raise FanzhaError(f"模板文件须以 .xlsx 结尾：{path}", hint="例如 -o 宣传科-2022-W05.xlsx。")
    if path.exists() and not force:
        raise FanzhaError(f"文件已存在：{path}（可能是已填好的报送表）", hint="换一个文件名，或加 --force 覆盖。")
    from fanzha_cli.outputs import check_file

    check_file(path, may_create_folder=True)  # missing folders are made; an unwritable place is said at once


def write_template(path: Path, t: dict[str, Any]) -> None:
    """One row per target; identity columns shaded, numbers validated, instructions on sheet 2."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "报送"
    headers = R.SHEET_COLUMNS
    col = {h: i for i, h in enumerate(headers, start=1)}
    shaded = PatternFill("solid", fgColor="DDDDDD")
    header_fill = PatternFill("solid", fgColor="BDD7EE")
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.cell(1, col[R.COL_DUTIES]).comment = Comment("填“行业职责清单”中已完成项的编号，多项用顿号或逗号隔开，如 1、3", "fanzha")
    ws.cell(1, col[R.COL_SUBMITTED]).comment = Comment("可不填：不填则按反诈中心收到表格的时间计", "fanzha")
    kind_words = {"unit": "单位", "grid": "网格", "self": "本人"}
    for r in t["rows"]:
        checklist = "\n".join(f"{i}. {d}" for i, d in enumerate(r["checklist"], start=1))
        values = {R.COL_DEPT: t["dept"], R.COL_WEEK: t["week"], R.COL_KIND: kind_words[r["target_kind"]],
                  R.COL_TARGET: r["target"], R.COL_WORKER: r["worker"] or None, R.COL_CHECKLIST: checklist or None}
        ws.append([values.get(h) for h in headers])
    last = ws.max_row
    for row in ws.iter_rows(min_row=2, max_row=last):
        for cell in row[:col[R.COL_WORKER]]:
            cell.fill = shaded
        row[col[R.COL_CHECKLIST] - 1].fill = shaded
        row[col[R.COL_CHECKLIST] - 1].alignment = Alignment(wrap_text=True, vertical="top")
    # Validation on every number cell, a few spare rows included.
    end = last + 20

    def validate(header: str, low: int, high: int, message: str) -> None:
        letter = get_column_letter(col[header])
        dv = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                            allow_blank=True, showErrorMessage=True, errorTitle="数字不对", error=message)
        dv.add(f"{letter}2:{letter}{end}")
        ws.add_data_validation(dv)
        for r in range(2, end + 1):
            ws.cell(r, col[header]).number_format = "0"

    for key, label, header in R.MEASURES:
        if key == "group_pushes":
            validate(header, 0, R.MAX_PUSH_DAYS, f"{label}填本周推送的天数：0 到 {R.MAX_PUSH_DAYS} 的整数。")
        else:
            validate(header, 0, R.MAX_COUNT - 1, f"{label}须为不小于 0 的整数。")
    validate(R.COL_PROGRESS, 0, 100, "宣传进度填 0 到 100 的整数（85 表示 85%）。")
    widths = {R.COL_DEPT: 12, R.COL_WEEK: 10, R.COL_KIND: 8, R.COL_TARGET: 26, R.COL_WORKER: 8,
              R.COL_DUTIES: 14, R.COL_CHECKLIST: 40, R.COL_NOTE: 24, R.COL_SUBMITTED: 18}
    for h, i in col.items():
        ws.column_dimensions[get_column_letter(i)].width = widths.get(h, 11)
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = ws.cell(2, col[R.COL_WORKER] + 1)

    info = wb.create_sheet("填写说明")
    for text in instructions(t):
        info.append([text])
    info.column_dimensions["A"].width = 110
    info["A1"].font = Font(bold=True, size=14)
    for sheet in (ws, info):
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # openpyxl takes any text starting with "=" for a formula
                    cell.data_type = "s"  # a name from the plan stays text: Excel never runs it
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    note(f"已生成 {path}：{t['dept']} {t['span']}，{len(t['rows'])} 行；截止 {t['deadline']}。")


def instructions(t: dict[str, Any]) -> list[str]:
    return [
        f"{t['dept']} {t['span']} 反电诈宣传每周报送表",
        f"请于 {t['deadline']} 前填好报回县局反诈中心。",
        "",
        "1. 灰色列（科所队、周次、对象类型、包联对象、网格员、行业职责清单）已按当周包联计划填好，请勿修改，也不要增删行。",
        "2. 数量填本周的整数（份、人、场、个、张），没有就不填；“微信群推送”填本周推送的天数（0—7）。",
        "3. “宣传进度”填 0—100 的整数，85 表示完成 85%。",
        "4. “已完成行业职责”填“行业职责清单”中本周已落实的编号，多项用顿号或逗号隔开（如 1、3）；没有清单的对象不填。",
        "5. 某一行一个数字都不填，视为该对象本周未报送。填 0 表示已报送、数量为 0。",
        "6. “报送时间”可不填，按反诈中心收到表格的时间计；晚于截止时间为迟报。",
        "7. 宣传图片请另行报送照片原件，表中只填张数。",
        "8. 只读取第一张工作表（“报送”）；请保存为 .xlsx 格式。",
    ]
