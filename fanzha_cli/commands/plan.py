"""`fanzha plan`: check, load and show the pairing plan (包联分工)."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, OutputOption, edge, output_to, settings

app = typer.Typer(no_args_is_help=True, help="包联计划：检查、载入、查看。\n\n科所队与包联单位、派出所网格与结对民辅警。")

PlanFile = Annotated[Path, typer.Argument(help="计划文件（YAML），随工具提供的是 data/assignments.yaml。")]


@app.command("check")
@edge
def check_cmd(file: PlanFile) -> None:
    """检查计划文件，不写入账本。有错误时逐条列出（文件、行号或键路径）并以退出码 1 结束；警告（如一个单位由多个科所队包联、疑似同一单位的两种写法）只提示。"""
    from fanzha_cli import plan, plan_checks
    from fanzha_cli.render import plan as render

    parsed = plan.parse_plan(file)
    render.check_report(str(file), plan_checks.warnings(parsed), plan.counts(parsed))


@app.command("load")
@edge
def load_cmd(
    ctx: typer.Context,
    file: Annotated[Optional[Path], typer.Argument(help="计划文件（YAML）。不写则载入随工具提供的计划（安装包中的 assignments.yaml），并显示其路径。")] = None,
    effective: Annotated[Optional[str], typer.Option("--effective", help="变动生效日期 YYYY-MM-DD。首次载入默认活动开始日，之后默认今天。")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="变动原因（首次载入之后的变动必填）。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示将要发生的变动，不写入账本。")] = False,
) -> None:
    """把计划载入账本（一个事务，要么全部写入，要么不写）。同一文件重复载入不产生任何变化；计划变动只追加“结束旧包联、开始新包联”，历史保留。"""
    from fanzha_cli import ledger, plan, plan_checks, plan_store
    from fanzha_cli.render import plan as render

    if file is None:
        from fanzha_cli import shipped
        from fanzha_cli.render.console import note

        file = shipped.plan_path()
        note(f"未指定计划文件，载入随工具提供的计划：{file}")
    parsed = plan.parse_plan(file)
    conf = settings(ctx)
    if dry_run and not conf.db_path.exists():
        led = ledger.open_scratch(conf.operator)  # a dry run never creates the ledger file
    else:
        led = ledger.open_ledger(conf, create=True)
    try:
        result = plan_store.load(led, parsed, effective=effective, reason=reason, dry_run=dry_run)
    finally:
        led.close()
    render.load_report(result, plan_store.summary(result), plan_checks.warnings(parsed))


@app.command("show")
@edge
def show_cmd(
    ctx: typer.Context,
    dept: Annotated[Optional[str], typer.Option("--dept", help="只看一个科所队或派出所。")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="查看某天生效的计划（YYYY-MM-DD），默认现行计划。")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """查看账本中的计划。

    活动概况、各科所队包联单位、派出所网格与结对民辅警。"""
    from fanzha_cli import ledger, plan_store
    from fanzha_cli.dates import iso_date
    from fanzha_cli.render import data, plan as render

    day = iso_date(on, "查看日期") if on else plan_store.FAR_FUTURE
    led = ledger.open_ledger(settings(ctx))
    try:
        state = plan_store.state_on(led, day)
    finally:
        led.close()
    if dept:
        state = plan_store.select_department(state, dept)
    with output_to(output, fmt) as fmt:
        if fmt is Format.json:
            data.emit_json(state)
        elif fmt is Format.csv:
            data.emit_csv(render.csv_rows(state), render.CSV_COLUMNS)
        else:
            render.show(state)
            if dept and state["stations"]:
                render.show_station_units(state)


@app.command("history")
@edge
def history_cmd(ctx: typer.Context, fmt: FormatOption = Format.table, output: OutputOption = None) -> None:
    """每次载入计划的记录。

    生效日期、变动数、操作人和原因。"""
    from fanzha_cli import ledger, queries
    from fanzha_cli.render import data, plan as render

    led = ledger.open_ledger(settings(ctx))
    try:
        rows = led.query(queries.PLAN_HISTORY)
    finally:
        led.close()
    columns = [("entry_id", "记录编号"), ("effective", "生效日期"), ("source", "来源文件"),
               ("started", "新增或变更"), ("ended", "结束"), ("operator", "操作人"),
               ("recorded_at", "录入时间"), ("reason", "原因")]
    with output_to(output, fmt) as fmt:
        if fmt is Format.json:
            data.emit_json(rows)
        elif fmt is Format.csv:
            data.emit_csv(rows, columns)
        else:
            render.history(rows)
