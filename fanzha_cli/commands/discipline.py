"""`fanzha discipline`: who is due a warning talk or accountability, steps taken, and why."""

from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, OutputOption, ShowPiiOption, edge, on_ledger, output_to

app = typer.Typer(no_args_is_help=True, help="通报扣分的处理：约谈、再宣传、问责。\n\n累计 2 次约谈、责令再宣传，3 次严肃问责（次数以计划为准）。")

OfficerOption = Annotated[Optional[str], typer.Option("--officer", help="民辅警警号。")]
DeptOption = Annotated[Optional[str], typer.Option("--dept", help="科所队名称（单位负责人）。")]


@app.command("list")
@edge
def list_cmd(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="只列出尚有处理步骤未落实的人员。")] = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """应约谈、应问责的人员及落实情况。

    累计扣分达到约谈或问责标准的民辅警和单位负责人，以及各处理步骤是否已落实。"""
    from fanzha_cli import discipline
    from fanzha_cli.render import cases as render

    result = on_ledger(ctx, discipline.due_list, open_only)
    with output_to(output, fmt) as fmt:
        render.emit(fmt.value, result, render.discipline_rows(result), render.DISCIPLINE_COLUMNS, render.discipline)


@app.command("record")
@edge
def record_cmd(
    ctx: typer.Context,
    step: Annotated[str, typer.Option("--step", help="处理步骤：talk（约谈）、re-publicity（责令再宣传）、accountability（严肃问责）。")],
    date: Annotated[str, typer.Option("--date", help="落实日期 YYYY-MM-DD。")],
    note_: Annotated[str, typer.Option("--note", help="落实情况（必填）。")] = "",
    officer: OfficerOption = None,
    dept: DeptOption = None,
) -> None:
    """记录已落实的处理步骤（--officer 或 --dept 二者选一）。只能记录已达标准的步骤，同一步骤只记一次。"""
    from fanzha_cli import discipline
    from fanzha_cli.render.console import note

    result = on_ledger(ctx, discipline.record_step, officer=officer, dept=dept, step=step, date=date, note=note_)
    note(f"已记录：{result['subject']} {result['label']}（当时累计扣分 {result['deductions']} 次），记录编号 {result['entry_id']}。")


@app.command("explain")
@edge
def explain_cmd(
    ctx: typer.Context,
    officer: OfficerOption = None,
    dept: DeptOption = None,
    show_pii: ShowPiiOption = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """累计扣分背后的每一条记录。

    案件、回访、核实、撤销，按录入顺序，附录入人和录入时间。受害人信息脱敏。"""
    from fanzha_cli import discipline
    from fanzha_cli.render import cases as render

    result = on_ledger(ctx, discipline.explain, officer=officer, dept=dept, show_pii=show_pii)
    with output_to(output, fmt) as fmt:
        render.emit(fmt.value, result, render.explain_rows(result), render.EXPLAIN_COLUMNS, render.explain)


@app.command("void")
@edge
def void_cmd(
    ctx: typer.Context,
    step_id: Annotated[str, typer.Argument(help="处理记录编号（fanzha discipline explain 中“已落实的处理”的记录编号）。", metavar="编号")],
    reason: Annotated[str, typer.Option("--reason", help="作废原因（必填），如误记。", metavar="原因")] = "",
) -> None:
    """作废一条误记的约谈、责令再宣传或问责记录。

    该步骤重新列为未落实。原记录和原因保留，可在 explain 中查看。"""
    from fanzha_cli import discipline
    from fanzha_cli.render.console import note

    r = on_ledger(ctx, discipline.void_step, step_id, reason=reason)
    note(f"已作废处理记录 {r['step_id']}（{r['subject']} {r['label']}），记录编号 {r['entry_id']}。")
