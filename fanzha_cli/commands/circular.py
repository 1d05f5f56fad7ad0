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
    from fanzha_cli import circular, issuing, ledger
    from fanzha_cli.bulk import no_cycle_collection
    from fanzha_cli.render import data, rank as render

    led = ledger.open_ledger(settings(ctx), read_only=True)
    try:
        wk = _week(led, week)
        with no_cycle_collection(), issuing.as_issued(led, wk):  # an issued week: as its circular
            plan, scores, summary, _ = circular.ranking(led, wk)
            rows = circular.ranking_rows(led, plan, scores, summary["progress"])
        from fanzha_cli import rules as plan_rules

        rules = plan_rules.of(plan.index.settings).scoring
    finally:
        led.close()
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
    """Write one format to `dest` atomically: a reader never sees half a file. A file that
    already holds exactly these bytes is left as it is (not even rewritten)."""
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
        if dest.is_file() and _same_bytes(tmp, dest):
            tmp.unlink()
            return
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


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


def _build(ctx: typer.Context, week: str | None, *, issue: bool = False, date: str | None = None,
           quiet: bool = False, check=None) -> dict:
    """The week's circular: issued now (`issue`), as issued (a week issued before), or else a
    preview dated today. Issuing writes one entry; nothing else here writes. `check(week)`
    runs once the week is known, before anything is issued (an output file's refusal)."""
    from fanzha_cli import issuing, ledger
    from fanzha_cli.bulk import no_cycle_collection
    from fanzha_cli.render import console

    led = ledger.open_ledger(settings(ctx), read_only=not issue)
    try:
        wk = _week(led, week)
        if check is not None:
            check(wk.label)
        with no_cycle_collection():
            if not issue:
                return issuing.preview(led, wk)
            done = issuing.issue(led, wk, date)
    finally:
        led.close()
    i = done.issue
    if quiet:
        return done.circular
    if done.new:
        console.note(f"已印发 {i.week} 每周通报（第 {i.issue_no} 期，印发日期 {i.issued_on}），"
                     f"记为第 {i.entry_id} 条记录；锚点：第 {i.anchor_id} 条记录 {i.anchor_hash[:issuing.HASH_SHOWN]}。")
    elif date is not None and date.strip() and date.strip() != i.issued_on:
        console.note(f"{i.week} 每周通报已于 {i.issued_on} 印发（第 {i.entry_id} 条记录），不再重新印发，--date 不起作用。")
    return done.circular


IssueOption = Annotated[bool, typer.Option("--issue", help="印发本周通报：在账本中记下一条印发记录（周次、期数、锚点、内容指纹），此后该周通报固定不变。不加则为预览。")]
DateOption = Annotated[Optional[str], typer.Option("--date", help="印发日期 YYYY-MM-DD，印在通报上，默认今天。只用于印发。")]


@edge
def circular_cmd(
    ctx: typer.Context,
    week: WeekOption = None,
    fmt: Annotated[CircularFormat, typer.Option("--format", "-f", help="table（终端表格，默认）、json、md、html、docx（Word 公文）、xlsx、csv。")] = CircularFormat.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="写入文件（不写 --format 时按文件扩展名定格式，如 通报.docx）。docx、xlsx 不写 -o 则存为当前目录下的“每周通报-周次.docx/xlsx”。")] = None,
    force: Annotated[bool, typer.Option("--force", help="-o 的文件已存在且不是本周的通报时，仍然覆盖。")] = False,
    issue: IssueOption = False,
    date: DateOption = None,
) -> None:
    """每周通报。

    总体情况、排名（点名表扬与批评）、未报迟报、零发案单位和网格、本周通报扣分、应约谈和应问责人员、拟表彰对象、更正与补报。加 --issue 为印发（该周从此固定），不加为预览；已印发的周次总是输出印发时的通报。受害人个人信息不会出现在任何格式中。"""
    from fanzha_cli import outputs
    from fanzha_cli.render import circular_text, console

    if date is not None and not issue:
        raise fail("错误：--date 是印发日期，只能与 --issue 一起使用。\n提示：预览的日期总是今天；印发时写 --issue --date YYYY-MM-DD。")
    if output is not None and fmt is CircularFormat.table:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in {f.value for f in CircularFormat} - {"table"}:
            fmt = CircularFormat(suffix)  # -o 通报.docx says the format
    if output is not None:
        if fmt is CircularFormat.table:
            raise fail("错误：终端表格不能写入文件。\n提示：用 --format 选择 docx、xlsx、html、md、csv 或 json。")
        outputs.check_file(output)  # before the work (and before issuing): a cron job learns at once
    given = output
    c = _build(ctx, week, issue=issue, date=date,
               check=lambda label: outputs.refuse_other_week(given, label, force) if given is not None else None)
    if output is None and fmt in (CircularFormat.docx, CircularFormat.xlsx):
        output = Path(f"每周通报-{c['week']}.{fmt.value}")
    if output is not None:
        outputs.check_file(output)
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
    date: DateOption = None,
) -> None:
    """印发并导出某周通报到文件夹（供定时任务使用）。

    尚未印发的周次先印发（账本中记一条印发记录），已印发的周次按印发时的账本重新生成，内容相同的文件不重写、不重复印发。原子写入。"""
    from fanzha_cli.render import console

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    allowed = {f.value for f in CircularFormat} - {"table"}
    bad = [f for f in wanted if f not in allowed]
    if bad or not wanted:
        raise fail(f"错误：不支持的导出格式：{'、'.join(bad) or '（空）'}\n提示：--formats 可选 {'、'.join(sorted(allowed))}，用逗号分隔。")
    from fanzha_cli import outputs

    outputs.make_folder(out)  # before the work (and before issuing): a cron job learns at once
    c = _build(ctx, week, issue=True, date=date, quiet=quiet)
    folder = out / c["week"]
    outputs.make_folder(folder)
    written = []
    for f in dict.fromkeys(wanted):
        dest = folder / f"每周通报-{c['week']}.{f}"
        _render_to(c, CircularFormat(f), dest)
        written.append(str(dest))
    if not quiet:
        console.note(f"已导出 {c['week']} 每周通报：\n" + "\n".join(f"  {w}" for w in written))
