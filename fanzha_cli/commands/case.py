"""`fanzha case`: register fraud cases and list them (victims masked unless --show-pii)."""

from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, FromOption, OutputOption, ShowPiiOption, ToOption, edge, on_ledger, output_to

app = typer.Typer(no_args_is_help=True, help="发案登记：登记、查看、更正、作废案件。\n\n登记电信网络诈骗案件，查看、更正、作废案件（受害人信息默认脱敏）。")

CaseNo = Annotated[str, typer.Argument(help="案件编号（不分大小写、全角半角）。", metavar="案件编号")]
ReasonOption = Annotated[str, typer.Option("--reason", help="更正或作废的原因（必填）。", metavar="原因")]
PlaceOption = Annotated[Optional[str], typer.Option(
    "--place", help="发案地点：受害人不属于任何包联单位和网格时写明地点（计入全县发案，不计入任何包联的零发案，不扣分）。",
    metavar="地点")]
GroupOption = Annotated[Optional[str], typer.Option(
    "--group", help="受害人所属的重点人群：计划中的人群（如 学生群体、外出务工人员）或 其他。", metavar="人群")]

@app.command("add")
@edge
def add_cmd(
    ctx: typer.Context,
    case_no: Annotated[str, typer.Option("--case-no", help="案件编号（不可重复）。")],
    date: Annotated[str, typer.Option("--date", help="发案日期 YYYY-MM-DD，须在活动期内。")],
    type_: Annotated[str, typer.Option("--type", help="诈骗类型：计划中的代码或中文名称，如 online_loan 或 网络贷款诈骗。")],
    unit: Annotated[Optional[str], typer.Option("--unit", help="受害人所在的包联单位（单位案件）。", metavar="单位")] = None,
    grid: Annotated[Optional[str], typer.Option("--grid", help="受害人所在的网格（网格案件）。", metavar="网格")] = None,
    place: PlaceOption = None,
    loss: Annotated[Optional[str], typer.Option("--loss", help="损失金额（元），最多两位小数，如 12000.50。")] = None,
    group: GroupOption = None,
    victim: Annotated[Optional[str], typer.Option("--victim", help="受害人姓名。")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="受害人电话。")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number", help="受害人身份证号。")] = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="备注。")] = None,
) -> None:
    """登记一起案件。单位案件（--unit）：受害人是包联单位工作人员；网格案件（--grid）：受害人是网格群众。按发案当日有效的计划核对名称。"""
    from fanzha_cli import cases
    from fanzha_cli.render.console import note

    row = on_ledger(ctx, cases.add_case, case_no=case_no, date=date, type_=type_, unit=unit, grid=grid, place=place,
                    loss=loss, group=group, victim=victim, phone=phone, id_number=id_number, note=note_)
    where = cases.TARGET_LABELS[row["target_kind"]]
    note(f"已登记案件 {row['case_no']}（{row['case_date']}，{where}：{row['target']}），记录编号 {row['entry_id']}。")
    if row.get("same_victim_cases"):
        note(f"提示：该受害人（身份证号相同）已见于案件 {'、'.join(row['same_victim_cases'])}。")


@app.command("list")
@edge
def list_cmd(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="只看一种诈骗类型（代码或中文名称）。")] = None,
    show_pii: ShowPiiOption = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """列出期间内的案件（按发案日期）。受害人姓名、电话、身份证号在各种格式中均脱敏，除非加 --show-pii。"""
    from fanzha_cli import cases
    from fanzha_cli.render import cases as render

    rows = on_ledger(ctx, cases.list_cases, start, end, type_, show_pii)
    with output_to(output, fmt) as fmt:
        render.emit(fmt.value, rows, render.case_rows(rows), render.CASE_COLUMNS, render.cases)


@app.command("amend")
@edge
def amend_cmd(
    ctx: typer.Context,
    case_no: CaseNo,
    reason: ReasonOption = "",
    date: Annotated[Optional[str], typer.Option("--date", help="更正后的发案日期 YYYY-MM-DD。", metavar="日期")] = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="更正后的诈骗类型（代码或中文名称）。", metavar="类型")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="改为该包联单位的案件。", metavar="单位")] = None,
    grid: Annotated[Optional[str], typer.Option("--grid", help="改为该网格的案件。", metavar="网格")] = None,
    place: Annotated[Optional[str], typer.Option("--place", help="改为包联单位和网格之外的地点。", metavar="地点")] = None,
    loss: Annotated[Optional[str], typer.Option("--loss", help="更正后的损失金额（元）；写空字符串清除。", metavar="金额")] = None,
    group: GroupOption = None,
    victim: Annotated[Optional[str], typer.Option("--victim", help="更正后的受害人姓名。", metavar="姓名")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="更正后的受害人电话。", metavar="电话")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number", help="更正后的受害人身份证号。", metavar="身份证号")] = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="更正后的备注。", metavar="文本")] = None,
) -> None:
    """更正一起案件：只写要改的选项，写明 --reason。原记录保留；零发案、扣分对象随更正后的案件变化。"""
    from fanzha_cli import corrections
    from fanzha_cli.render.console import note

    r = on_ledger(ctx, corrections.amend_case, case_no, reason=reason, date=date, type_=type_, unit=unit, grid=grid,
                  place=place, loss=loss, group=group, victim=victim, phone=phone, id_number=id_number, note=note_)
    labels = "、".join(corrections.CASE_FIELD_LABELS[f] for f in r["changed"])
    moved = f"；回访 {'、'.join(f'#{n}' for n in r['moved'])} 的扣分随之改按更正后的案件计" if r["moved"] else ""
    note(f"已更正案件 {r['case_no']}（{labels}）{moved}，记录编号 {r['entry_id']}。")


@app.command("void")
@edge
def void_cmd(ctx: typer.Context, case_no: CaseNo, reason: ReasonOption = "") -> None:
    """作废一起登记错误的案件（如重复登记）。

    不再计入发案、零发案，其扣分不再计入。原记录保留，不能撤回。"""
    from fanzha_cli import corrections
    from fanzha_cli.render.console import note

    r = on_ledger(ctx, corrections.void_case, case_no, reason=reason)
    fallen = f"；回访 {'、'.join(f'#{n}' for n in r['fallen'])} 的扣分不再计入" if r["fallen"] else ""
    note(f"已作废案件 {r['case_no']}{fallen}，记录编号 {r['entry_id']}。")


@app.command("history")
@edge
def history_cmd(ctx: typer.Context, case_no: CaseNo, show_pii: ShowPiiOption = False, fmt: FormatOption = Format.table) -> None:
    """一起案件的全部版本。

    登记、每次更正（改了什么）、作废，录入人、时间和原因。受害人信息脱敏。"""
    from fanzha_cli import corrections
    from fanzha_cli.render import cases as render

    result = on_ledger(ctx, corrections.case_history, case_no, show_pii)
    render.emit(fmt.value, result, render.history_rows(result, render.CASE_HISTORY_LABELS), render.HISTORY_COLUMNS,
                render.history(f"案件 {result['case_no']} 的记录", render.CASE_HISTORY_LABELS))
