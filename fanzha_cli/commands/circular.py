"""`fanzha rank`, `fanzha weekly-circular` and `fanzha export`: the weekly circular."""

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, OutputOption, edge, fail, output_to, settings


class CircularFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"
    docx = "docx"
    xlsx = "xlsx"
    csv = "csv"


WeekOption = Annotated[
    Optional[str],
    typer.Option("--week", "-w", help="周次：2022-W05、某天的日期、current（本周）或 last（上周）。默认本周；本周不在活动期内时为账本中最近有报送的一周。"),
]


def _week(led, value: str | None):
    from fanzha_cli import circular, weeks

    return weeks.resolve(value) if value else circular.default_week(led)


@edge
def rank_cmd(
    ctx: typer.Context,
    week: WeekOption = None,
    explain: Annotated[Optional[str], typer.Option("--explain", help="逐项说明某科所队的得分是怎样算出来的。")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """每周排名。

    按科室、大队和基层派出所分别排名，未报者列各自类别最后。"""
    from fanzha_cli import circular, ledger
    from fanzha_cli.bulk import no_cycle_collection
    from fanzha_cli.render import data, rank as render

    led = ledger.open_ledger(settings(ctx), read_only=True)
    try:
        wk = _week(led, week)
        with no_cycle_collection():
            plan, scores, _, _ = circular.ranking(led, wk)
        rules = plan.index.settings.get("rules", {}).get("scoring", {})
    finally:
        led.close()
    rows = [s.as_dict() for s in scores]
    if explain:
        chosen = [r for r in rows if r["department"] == explain]
        if not chosen:
            plan.index.dept(explain)  # raises with suggestions
        rows = chosen
    with output_to(output, fmt) as fmt:
        if fmt is Format.json:
            data.emit_json({"week": wk.label, "ranking": rows} if not explain else {"week": wk.label, **rows[0], "rules": rules})
        elif fmt is Format.csv:
            data.emit_csv(render.csv_rows(rows), render.CSV_COLUMNS)
        elif explain:
            render.explain(wk.label, rows[0], rules)
        else:
            render.table(wk.label, rows)


def _render_to(c: dict, fmt: CircularFormat, dest: Path) -> None:
    """Write one format to `dest` atomically: a reader never sees half a file."""
    import os

    from fanzha_cli.render import circular_docx, circular_xlsx

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        if fmt is CircularFormat.docx:
            circular_docx.to_docx(c, tmp)
        elif fmt is CircularFormat.xlsx:
            circular_xlsx.to_xlsx(c, tmp)
        elif fmt is CircularFormat.json:
            from fanzha_cli.render import data

            with open(tmp, "wb") as fh:
                fh.writelines(data.json_chunks(c))
        else:
            text = _text(c, fmt)
            # CSV with a BOM so that Excel on Windows reads the Chinese correctly.
            tmp.write_text(text, encoding="utf-8-sig" if fmt is CircularFormat.csv else "utf-8")
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _text(c: dict, fmt: CircularFormat) -> str:
    """The other text formats, as one string each."""
    from fanzha_cli.render import circular_html, circular_text

    if fmt is CircularFormat.md:
        return circular_text.to_markdown(c)
    if fmt is CircularFormat.html:
        return circular_html.to_html(c)
    if fmt is CircularFormat.csv:
        return circular_text.to_csv(c)
    raise ValueError(fmt)


def _build(ctx: typer.Context, week: str | None) -> dict:
    from fanzha_cli import circular, ledger
    from fanzha_cli.bulk import no_cycle_collection

    led = ledger.open_ledger(settings(ctx), read_only=True)
    try:
        with no_cycle_collection():
            return circular.build(led, _week(led, week))
    finally:
        led.close()


@edge
def circular_cmd(
    ctx: typer.Context,
    week: WeekOption = None,
    fmt: Annotated[CircularFormat, typer.Option("--format", "-f", help="table（终端表格，默认）、json、md、html、docx（Word 公文）、xlsx、csv。")] = CircularFormat.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="写入文件（不写 --format 时按文件扩展名定格式，如 通报.docx）。docx、xlsx 不写 -o 则存为当前目录下的“每周通报-周次.docx/xlsx”。")] = None,
    force: Annotated[bool, typer.Option("--force", help="-o 的文件已存在且不是本周的通报时，仍然覆盖。")] = False,
) -> None:
    """每周通报。

    总体情况、排名（点名表扬与批评）、未报迟报、零发案单位和网格、本周通报扣分、应约谈和应问责人员、拟表彰对象。受害人个人信息不会出现在任何格式中。"""
    from fanzha_cli import outputs
    from fanzha_cli.render import circular_text, console

    if output is not None and fmt is CircularFormat.table:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in {f.value for f in CircularFormat} - {"table"}:
            fmt = CircularFormat(suffix)  # -o 通报.docx says the format
    if output is not None:
        if fmt is CircularFormat.table:
            raise fail("错误：终端表格不能写入文件。\n提示：用 --format 选择 docx、xlsx、html、md、csv 或 json。")
        outputs.check_file(output)  # before the work: a cron job learns at once
    c = _build(ctx, week)
    if output is None and fmt in (CircularFormat.docx, CircularFormat.xlsx):
        output = Path(f"每周通报-{c['week']}.{fmt.value}")
    if output is not None:
        outputs.check_file(output)
        outputs.refuse_other_week(output, c["week"], force)
        _render_to(c, fmt, output)
        console.note(f"已生成 {c['week']} 每周通报：{output}")
    elif fmt is CircularFormat.table:
        circular_text.to_console(c)
    elif fmt is CircularFormat.json:
        import sys

        from fanzha_cli.render import data

        data.write_json(c, sys.stdout)
    else:
        import sys

        sys.stdout.write(_text(c, fmt))


EXPORT_FORMATS = ("docx", "xlsx", "html", "json")


@edge
def export_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="输出文件夹；通报写入其中的“周次”子文件夹。")],
    week: Annotated[str, typer.Option("--week", "-w", help="周次，如 2022-W05；last 为上周（定时任务常用）。")] = "last",
    formats: Annotated[str, typer.Option("--formats", help="逗号分隔的格式：docx、xlsx、html、json、md、csv。")] = ",".join(EXPORT_FORMATS),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出错误（供 cron 定时任务使用）。")] = False,
) -> None:
    """导出某周通报到文件夹（供定时任务使用）。

    原子写入，同一账本重复导出结果相同，从不写入账本。"""
    from fanzha_cli.render import console

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    allowed = {f.value for f in CircularFormat} - {"table"}
    bad = [f for f in wanted if f not in allowed]
    if bad or not wanted:
        raise fail(f"错误：不支持的导出格式：{'、'.join(bad) or '（空）'}\n提示：--formats 可选 {'、'.join(sorted(allowed))}，用逗号分隔。")
    from fanzha_cli import outputs

    outputs.make_folder(out)  # before the work: a cron job learns at once
    c = _build(ctx, week)
    folder = out / c["week"]
    outputs.make_folder(folder)
    written = []
    for f in dict.fromkeys(wanted):
        dest = folder / f"每周通报-{c['week']}.{f}"
        _render_to(c, CircularFormat(f), dest)
        written.append(str(dest))
    if not quiet:
        console.note(f"已导出 {c['week']} 每周通报：\n" + "\n".join(f"  {w}" for w in written))
