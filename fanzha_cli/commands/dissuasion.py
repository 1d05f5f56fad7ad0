"""`fanzha dissuasion`: frauds stopped in progress, and the amounts saved."""

from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, FromOption, OutputOption, ShowPiiOption, ToOption, edge, on_ledger, output_to

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
    show_pii: ShowPiiOption = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """列出期间内的劝阻登记。备注中的电话、身份证号脱敏，除非加 --show-pii。"""
    from fanzha_cli import dissuasion
    from fanzha_cli.render import cases as render

    rows = on_ledger(ctx, dissuasion.list_period, start, end, show_pii=show_pii)
    with output_to(output, fmt) as fmt:
        render.emit(fmt.value, rows, rows, render.DISSUASION_COLUMNS, render.dissuasions)


DissuasionId = Annotated[str, typer.Argument(help="劝阻的记录编号（fanzha dissuasion list 中的“记录编号”）。", metavar="编号")]
ReasonOption = Annotated[str, typer.Option("--reason", help="更正或作废的原因（必填）。", metavar="原因")]


@app.command("amend")
@edge
def amend_cmd(
    ctx: typer.Context,
    dissuasion_id: DissuasionId,
    reason: ReasonOption = "",
    officer: Annotated[Optional[str], typer.Option("--officer", help="更正后的民辅警警号。", metavar="警号")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="更正后的劝阻日期 YYYY-MM-DD。", metavar="日期")] = None,
    amount_saved: Annotated[Optional[str], typer.Option("--amount-saved", help="更正后的避免损失（元）。", metavar="金额")] = None,
    case_no: Annotated[Optional[str], typer.Option("--case-no", help="更正后的警情或案件编号；写空字符串清除。", metavar="编号")] = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="更正后的经过说明。", metavar="文本")] = None,
) -> None:
    """更正一起劝阻登记：只写要改的选项，写明 --reason。原记录保留。"""
    from fanzha_cli import dissuasion
    from fanzha_cli.render.console import note

    r = on_ledger(ctx, dissuasion.amend, dissuasion_id, reason=reason, officer=officer, date=date,
                  amount_saved=amount_saved, case_no=case_no, note=note_)
    note(f"已更正劝阻 #{r['dissuasion_id']}，记录编号 {r['entry_id']}。")


@app.command("void")
@edge
def void_cmd(ctx: typer.Context, dissuasion_id: DissuasionId, reason: ReasonOption = "") -> None:
    """作废一起登记错误的劝阻：不再计入劝阻成效和表彰。原记录保留，不能撤回。"""
    from fanzha_cli import dissuasion
    from fanzha_cli.render.console import note

    r = on_ledger(ctx, dissuasion.void, dissuasion_id, reason=reason)
    note(f"已作废劝阻 #{r['dissuasion_id']}，记录编号 {r['entry_id']}。")


@app.command("history")
@edge
def history_cmd(ctx: typer.Context, dissuasion_id: DissuasionId, show_pii: ShowPiiOption = False,
                fmt: FormatOption = Format.table) -> None:
    """一起劝阻的全部版本。

    登记、每次更正、作废，录入人、时间和原因。"""
    from fanzha_cli import dissuasion
    from fanzha_cli.render import cases as render

    result = on_ledger(ctx, dissuasion.history, dissuasion_id, show_pii)
    render.emit(fmt.value, result, render.history_rows(result, render.DISSUASION_HISTORY_LABELS), render.HISTORY_COLUMNS,
                render.history(f"劝阻 #{result['dissuasion_id']} 的记录", render.DISSUASION_HISTORY_LABELS))
