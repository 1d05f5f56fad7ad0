"""`fanzha dissuasion`: frauds stopped in progress, and the amounts saved."""

from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, FromOption, OutputOption, ToOption, edge, on_ledger, output_to

app = typer.Typer(no_args_is_help=True, help="劝阻登记：民辅警劝阻正在被骗的群众、避免的损失。")


@app.command("add")
@edge
def add_cmd(
    ctx: typer.Context,
    officer: Annotated[str, typer.Option("--officer", help="劝阻的民辅警警号。")],
    date: Annotated[str, typer.Option("--date", help="劝阻日期 YYYY-MM-DD。")],
    amount_saved: Annotated[str, typer.Option("--amount-saved", help="避免的损失（元），最多两位小数。")],
    case_no: Annotated[Optional[str], typer.Option("--case-no", help="警情或案件编号（同一编号只登记一次）。")] = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="经过说明。")] = None,
) -> None:
    """登记一起劝阻。所属单位取劝阻当日计划中该民辅警所在的派出所。"""
    from fanzha_cli import dissuasion
    from fanzha_cli.money import format_yuan
    from fanzha_cli.render.console import note

    row = on_ledger(ctx, dissuasion.add, officer=officer, date=date, amount_saved=amount_saved, case_no=case_no, note=note_)
    note(f"已登记劝阻：{row['name']}（{row['officer']}，{row['department']}）{row['dissuasion_date']} 避免损失 "
         f"{format_yuan(row['amount_saved_fen'])} 元，记录编号 {row['entry_id']}。")


@app.command("list")
@edge
def list_cmd(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """列出期间内的劝阻登记。"""
    from fanzha_cli import dissuasion
    from fanzha_cli.render import cases as render

    rows = on_ledger(ctx, dissuasion.list_period, start, end)
    with output_to(output, fmt) as fmt:
        render.emit(fmt.value, rows, rows, render.DISSUASION_COLUMNS, render.dissuasions)
