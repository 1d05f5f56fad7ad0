"""`fanzha zero-case`: paired units, grids and departments with no case in a period."""

import typer

from fanzha_cli.commands.base import Format, FormatOption, FromOption, OutputOption, ToOption, edge, on_ledger, output_to


@edge
def zero_case_cmd(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """零发案的包联单位、网格和科所队。

    期间内没有发案的包联单位和网格，以及全部包联单位和网格都零发案的科所队。每起案件按发案当日有效的包联计划归属。"""
    from fanzha_cli import cases
    from fanzha_cli.bulk import no_cycle_collection
    from fanzha_cli.render import cases as render

    with no_cycle_collection():
        result = on_ledger(ctx, cases.zero_case, start, end)
    with output_to(output, fmt) as fmt:
        render.emit(fmt.value, result, render.zero_case_rows(result), render.ZERO_CASE_COLUMNS, render.zero_case)
