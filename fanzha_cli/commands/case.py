"""`fanzha case`: register fraud cases and list them (victims masked unless --show-pii)."""

from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, FromOption, OutputOption, ShowPiiOption, ToOption, edge, on_ledger, output_to

app = typer.Typer(no_args_is_help=True, help="发案登记：登记、查看案件。\n\n登记电信网络诈骗案件、查看案件（受害人信息默认脱敏）。")

@app.command("add")
@edge
def add_cmd(
    ctx: typer.Context,
    case_no: Annotated[str, typer.Option("--case-no", help="案件编号（不可重复）。")],
    date: Annotated[str, typer.Option("--date", help="发案日期 YYYY-MM-DD，须在活动期内。")],
    type_: Annotated[str, typer.Option("--type", help="诈骗类型：计划中的代码或中文名称，如 online_loan 或 网络贷款诈骗。")],
    unit: Annotated[Optional[str], typer.Option("--unit", help="受害人所在的包联单位（单位案件）。")] = None,
    grid: Annotated[Optional[str], typer.Option("--grid", help="受害人所在的网格（网格案件）。")] = None,
    loss: Annotated[Optional[str], typer.Option("--loss", help="损失金额（元），最多两位小数，如 12000.50。")] = None,
    victim: Annotated[Optional[str], typer.Option("--victim", help="受害人姓名。")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="受害人电话。")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number", help="受害人身份证号。")] = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="备注。")] = None,
) -> None:
    """登记一起案件。单位案件（--unit）：受害人是包联单位工作人员；网格案件（--grid）：受害人是网格群众。按发案当日有效的计划核对名称。"""
    from fanzha_cli import cases
    from fanzha_cli.render.console import note

    row = on_ledger(ctx, cases.add_case, case_no=case_no, date=date, type_=type_, unit=unit, grid=grid, loss=loss,
                    victim=victim, phone=phone, id_number=id_number, note=note_)
    where = cases.TARGET_LABELS[row["target_kind"]]
    note(f"已登记案件 {row['case_no']}（{row['case_date']}，{where}：{row['target']}），记录编号 {row['entry_id']}。")


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
