"""`fanzha commend`: commendation candidates (先进、嘉奖) with the evidence for each."""

import typer

from fanzha_cli.commands.base import Format, FormatOption, FromOption, OutputOption, ToOption, edge, on_ledger, output_to

app = typer.Typer(no_args_is_help=True, help="表彰：按计划中的评选条件列出拟表彰的民辅警和单位。")


@app.command("candidates")
@edge
def candidates_cmd(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """拟表彰对象及每人的依据。

    无通报扣分、按时报送达标，并且有劝阻成效或包联单位、网格零发案的民辅警和单位，附每人的依据。"""
    from fanzha_cli import commend
    from fanzha_cli.render import commend as render, data

    result = on_ledger(ctx, commend.candidates_in, start, end)
    with output_to(output, fmt) as fmt:
        if fmt is Format.json:
            data.emit_json(result)
        elif fmt is Format.csv:
            data.emit_csv(render.csv_rows(result), render.CSV_COLUMNS)
        else:
            render.table(result)
