"""`fanzha report`: each department's weekly (Friday) report, by command and from Excel."""

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, OutputOption, ShowPiiOption, edge, output_to, settings

app = typer.Typer(
    no_args_is_help=True,
    help="每周报送：登记、导入、更正、查看。\n\n各科所队每周五报回包联单位、结对网格和民辅警本人亲友的宣传情况；可逐条登记，也可用 Excel 模板批量导入。",
)

Week = Annotated[str, typer.Option("--week", help="周次：2022-W05、某天的日期（取其所在周），或 current（本周）、last（上周）。")]
LineId = Annotated[int, typer.Argument(help="报送编号（report list 的“编号”列）。")]
Count = Optional[str]
Leaflets = Annotated[Count, typer.Option("--leaflets", help="宣传折页（份）。")]
Notices = Annotated[Count, typer.Option("--notices", help="告知书（份）。")]
Pledges = Annotated[Count, typer.Option("--pledges", help="签订承诺书（份）。")]
AppInstalls = Annotated[Count, typer.Option("--app-installs", help="指导安装国家反诈中心APP（人）。")]
GroupPushes = Annotated[Count, typer.Option("--group-pushes", help="向单位或网格微信群推送的天数（0–7）。")]
Lectures = Annotated[Count, typer.Option("--lectures", help="职工大会、专题讲座（场）。")]
Attendees = Annotated[Count, typer.Option("--attendees", help="讲座参加人数。")]
Events = Annotated[Count, typer.Option("--events", help="宣讲活动（演出、网红、问答测试等，场）。")]
Themes = Annotated[Count, typer.Option("--themes", help="宣传主题创建（个）。")]
Photos = Annotated[Count, typer.Option("--photos", help="宣传图片（张）。不写则按 --photo 附上的照片数计。")]
PhotoFiles = Annotated[Optional[list[Path]], typer.Option("--photo", help="照片文件（可重复）：记下 SHA-256、大小和原文件名，并复制到账本旁的证据文件夹。")]
Progress = Annotated[Optional[str], typer.Option("--progress", help="宣传进度（%，0–100）。")]
Duties = Annotated[Optional[list[str]], typer.Option("--duty", help="本周完成的行业职责（可重复）：单位行业职责清单中的编号或原文。")]
Note = Annotated[Optional[str], typer.Option("--note", help="备注。")]
SubmittedAt = Annotated[Optional[str], typer.Option("--submitted-at", help="报送时间，如 \"2022-02-04 17:30\"（默认现在），用于补录；晚于截止时间即为迟报。")]
Reason = Annotated[Optional[str], typer.Option("--reason", help="原因（必填），与原记录一同保留。")]


def _values(args: dict[str, Any]):
    """The line content a command was given, from its own parameters."""
    from fanzha_cli import reports

    return reports.LineInput(
        measures={k: args[k] for k in reports.MEASURE_KEYS},
        progress=args["progress"],
        duties=args["duty"],
        note=args["note"],
    )


def _open(ctx: typer.Context):
    from fanzha_cli import ledger

    return ledger.open_ledger(settings(ctx))


@app.command("add")
@edge
def add_cmd(
    ctx: typer.Context,
    dept: Annotated[str, typer.Option("--dept", help="报送的科所队（科室、大队或派出所）。")],
    week: Week,
    unit: Annotated[Optional[str], typer.Option("--unit", help="包联单位（别名也可）。")] = None,
    grid: Annotated[Optional[str], typer.Option("--grid", help="结对网格（派出所）。")] = None,
    self_target: Annotated[bool, typer.Option("--self", help="民辅警本人向亲属、朋友及居住小区的宣传。")] = False,
    leaflets: Leaflets = None,
    notices: Notices = None,
    pledges: Pledges = None,
    app_installs: AppInstalls = None,
    group_pushes: GroupPushes = None,
    lectures: Lectures = None,
    attendees: Attendees = None,
    events: Events = None,
    themes: Themes = None,
    photos: Photos = None,
    photo: PhotoFiles = None,
    progress: Progress = None,
    duty: Duties = None,
    note: Note = None,
    submitted_at: SubmittedAt = None,
) -> None:
    """登记一条报送。

    一个科所队、一周、一个包联对象（--unit、--grid 或 --self 三选一）。同一对象同一周只能登记一次，之后用 amend 更正。"""
    from fanzha_cli import reports
    from fanzha_cli.render import report as render

    values = _values(locals())
    led = _open(ctx)
    try:
        written = reports.add_line(led, dept=dept, week=week, unit=unit, grid=grid, self_target=self_target,
                                   values=values, photos=photo or [], submitted_at=submitted_at)
    finally:
        led.close()
    render.written("已登记", written)


@app.command("template")
@edge
def template_cmd(
    ctx: typer.Context,
    dept: Annotated[str, typer.Option("--dept", help="科所队。")],
    week: Week,
    output: Annotated[Path, typer.Option("--output", "-o", help="要生成的 .xlsx 文件。")],
    force: Annotated[bool, typer.Option("--force", help="文件已存在时覆盖。")] = False,
) -> None:
    """生成某科所队某周的 Excel 报送表。

    每个包联单位、结对网格一行，外加民辅警本人亲友一行；数量格带数据校验。"""
    from fanzha_cli import reports
    from fanzha_cli.render import report as render

    render.check_output(output, force)
    led = _open(ctx)
    try:
        data = reports.template(led, dept, week)
    finally:
        led.close()
    render.write_template(output, data)


@app.command("import")
@edge
def import_cmd(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="填好的报送表（.xlsx 或 .csv，模板格式），可多个。")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验并列出将新增的报送，不写入账本。")] = False,
    submitted_at: Annotated[Optional[str], typer.Option("--submitted-at", help="表中“报送时间”为空的行按此时间计（收到表格的时间），默认现在。")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """导入报送表（.xlsx 或 .csv）。

    先校验全部文件的每一行，有任何错误则逐行列出（文件、工作表、行号、列、原因）且不写入；无误则一次写入。重复导入同一文件不会新增。"""
    from fanzha_cli import reports
    from fanzha_cli.bulk import no_cycle_collection
    from fanzha_cli.render import report as render

    led = _open(ctx)
    try:
        with render.import_progress() as progress:
            with no_cycle_collection():
                result = reports.import_files(led, files, dry_run=dry_run, submitted_at=submitted_at, progress=progress)
    finally:
        led.close()
    render.import_report(result, fmt)


@app.command("amend")
@edge
def amend_cmd(
    ctx: typer.Context,
    line_id: LineId,
    leaflets: Leaflets = None,
    notices: Notices = None,
    pledges: Pledges = None,
    app_installs: AppInstalls = None,
    group_pushes: GroupPushes = None,
    lectures: Lectures = None,
    attendees: Attendees = None,
    events: Events = None,
    themes: Themes = None,
    photos: Photos = None,
    photo: PhotoFiles = None,
    progress: Progress = None,
    duty: Duties = None,
    note: Note = None,
    submitted_at: SubmittedAt = None,
    reason: Reason = None,
) -> None:
    """更正一条报送。

    只写要改的字段（--duty 给出则替换整张清单，--photo 追加照片）。新记录取代旧记录，旧值保留，可用 history 查看。"""
    from fanzha_cli import reports
    from fanzha_cli.render import report as render

    values = _values(locals())
    led = _open(ctx)
    try:
        written = reports.amend_line(led, line_id, values=values, photos=photo or [],
                                     submitted_at=submitted_at, reason=reason)
    finally:
        led.close()
    render.written("已更正", written)


@app.command("void")
@edge
def void_cmd(ctx: typer.Context, line_id: LineId, reason: Reason = None) -> None:
    """作废一条报送（如报错了对象或周次）。原记录保留，可用 history 查看；作废后可重新 add。"""
    from fanzha_cli import reports
    from fanzha_cli.render import report as render

    led = _open(ctx)
    try:
        written = reports.void_line(led, line_id, reason=reason)
    finally:
        led.close()
    render.written("已作废", written)


@app.command("history")
@edge
def history_cmd(ctx: typer.Context, line_id: LineId, show_pii: ShowPiiOption = False,
                fmt: FormatOption = Format.table, output: OutputOption = None) -> None:
    """一条报送的全部版本。

    登记、每次更正和作废的数值、操作人、时间、原因，以及所附照片。"""
    from fanzha_cli import reports
    from fanzha_cli.render import report as render

    led = _open(ctx)
    try:
        hist = reports.history(led, line_id, show_pii=show_pii)
    finally:
        led.close()
    with output_to(output, fmt) as fmt:
        render.history(hist, fmt)


@app.command("list")
@edge
def list_cmd(
    ctx: typer.Context,
    week: Annotated[Optional[str], typer.Option("--week", help="周次：2022-W05、某天的日期、current 或 last。不写且写了 --dept 时，列出该科所队整个活动期的报送。")] = None,
    dept: Annotated[Optional[str], typer.Option("--dept", help="只看一个科所队。")] = None,
    show_pii: ShowPiiOption = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """列出现行报送。

    已更正的显示最新数值，已作废的不列。--week 看一周；只写 --dept 看该科所队整个活动期的报送。csv 格式可直接再导入。"""
    from fanzha_cli import reports
    from fanzha_cli.errors import FanzhaError
    from fanzha_cli.render import report as render

    if week is None and dept is None:
        raise FanzhaError("请写明要看哪一周（--week），或哪个科所队（--dept）。",
                          hint="例如 fanzha report list --week current，或 fanzha report list --dept 宣传科。")
    led = _open(ctx)
    try:
        if week is None:
            label, rows = reports.list_department(led, dept, show_pii=show_pii)
            label = f"{label} 活动期内"
        else:
            wk, rows = reports.list_lines(led, week, dept, show_pii=show_pii)
            label = wk.label
    finally:
        led.close()
    with output_to(output, fmt) as fmt:
        render.lines(label, rows, fmt, by_week=week is None)


@app.command("missing")
@edge
def missing_cmd(
    ctx: typer.Context,
    week: Week,
    dept: Annotated[Optional[str], typer.Option("--dept", help="只看一个科所队。")] = None,
    show_all: Annotated[bool, typer.Option("--all", hidden=True, help="（已不需要：默认即列出全部科所队。）")] = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """谁还没报齐：某周各科所队的报送进度。

    按当周生效的计划，先列出没有报齐全部包联对象的科所队（如“已报 3/5”）、未报送和迟报的，再列出已报齐的。"""
    from fanzha_cli import reports
    from fanzha_cli.render import report as render

    led = _open(ctx)
    try:
        status = reports.missing(led, week)
        if dept:
            from fanzha_cli import plan_store

            names = [d["dept"] for d in status["departments"]]
            if dept not in names:
                raise plan_store.unknown_name("科所队", dept, names)
            status = {**status, "departments": [d for d in status["departments"] if d["dept"] == dept]}
    finally:
        led.close()
    with output_to(output, fmt) as fmt:
        render.missing(status, fmt)
