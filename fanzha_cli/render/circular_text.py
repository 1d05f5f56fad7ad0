"""The weekly circular as text: Rich tables for the terminal, Markdown for e-mail, CSV for Excel.

All three walk `layout.sections(c)` and `layout.ATTACHMENTS`; this module only decides how a heading, a paragraph and a
table look in each medium. Markdown and CSV are pure functions of the circular: the same dict
gives the same bytes, so a cron export can be compared with yesterday's.
"""

from __future__ import annotations

import csv
import io
import re

from fanzha_cli.render import layout
from fanzha_cli.render.console import plain
from fanzha_cli.render.data import csv_text
from fanzha_cli.render.layout import ATTACHMENTS, LONG, NONE_TEXT, NUMERIC, display

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _cells(table: layout.Table, row: dict) -> list[str]:
    return [display(row.get(col.key), col.kind) for col in table.columns]


def _sign_off(c: dict) -> list[str]:
    """The issuer and the date that close the circular, as separate lines."""
    return [line for line in (layout.issuer(c), layout.cn_date(layout.issued_on(c))) if line]


def _masthead(c: dict) -> str:
    """The red header's words on one line: mark, issue (and 预览稿 for a preview), issuer, date."""
    doc = layout.document(c)
    issue = layout.issue_line(c) + ("（预览稿）" if layout.is_preview(c) else "")
    return "　".join(p for p in (doc["mark"], issue, layout.issuer(c), layout.cn_date(layout.issued_on(c))) if p)


def _parts(c: dict):
    """(heading, lead, [(part title, table)]) for each section, then each attachment."""
    for section in layout.sections(c):
        yield section.title, section.lead(c), [(t.title, t) for t in section.tables]
    for a in ATTACHMENTS:
        yield f"{a.label}　{a.title}", "", [(t.title, t) for t in a.tables]


# --- terminal ---

# Columns left out first on a narrow terminal (the score's parts; the total stays), and the
# formats that show every column.
_OPTIONAL = {"coverage": 1, "activity": 1, "timeliness": 1, "photos": 1, "deduction": 1, "targets": 2,
             "covered": 2, "cases_previous": 1, "loss_previous": 1, "done_on": 1}
_MORE = "--format md、csv 或 xlsx"
_LISTS = {"departments", "officers", "reasons"}


def _print_table(table: layout.Table, heading: str, rows: list[dict], console) -> None:
    from fanzha_cli.render.fit import ATOM, LIST, TEXT, Col, print_table

    # Names and numbers are never broken (render/fit.py); only free text (LONG) folds, and a
    # list of names only between its items.
    kinds = {col.key: (LIST if col.key in _LISTS else TEXT) if col.kind == LONG else ATOM for col in table.columns}
    cols = [Col(col.key, col.header, kinds[col.key], _OPTIONAL.get(col.key, 0),
                "right" if col.kind in NUMERIC else "left") for col in table.columns]
    print_table(heading or None, cols, [dict(zip((c.key for c in table.columns), _cells(table, row))) for row in rows],
                more=_MORE, console=console)


def to_console(c: dict, console=None) -> None:
    """Print the circular to the terminal (or to `console`, e.g. one with record=True in tests)."""
    from rich.text import Text

    from fanzha_cli.render.console import console as default_console

    def _text(value: str, **style) -> Text:
        return Text(plain(value), **style)  # names come from the plan file: shown, never obeyed

    def _paragraph(value: str) -> Text:
        # broken where Chinese may break: never a line that starts with ，or 。 (fanzha_cli/cjk.py)
        from fanzha_cli.cjk import wrap

        return _text("\n".join(wrap("　　" + value, out.width)))

    out = console or default_console()
    out.print(_text(layout.title(c), style="bold"), justify="center")
    out.print(_text(_masthead(c)), justify="center")
    out.print(_text(layout.ADDRESSEE))
    out.print(_paragraph(layout.opening(c)))
    for heading, lead, parts in _parts(c):
        out.print()
        out.print(_text(heading, style="bold"))
        if lead:
            out.print(_paragraph(lead))
        for title, table in parts:
            rows = table.rows(c)
            table = table.for_rows(rows)
            empty = f"{title}：{NONE_TEXT}" if title else NONE_TEXT
            if rows:
                _print_table(table, title, rows, out)
            else:
                out.print(_text(empty))
    out.print()
    for line in _sign_off(c):
        out.print(_text(line), justify="right")
    if layout.anchor_line(c):
        out.print(_text(layout.anchor_line(c)))


# --- Markdown ---

def _md(text: str) -> str:
    """Escape what Markdown would read as markup, and keep a cell on one line."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def _md_table(table: layout.Table, rows: list[dict]) -> list[str]:
    if not rows:
        return [NONE_TEXT]
    lines = ["| " + " | ".join(_md(col.header) for col in table.columns) + " |",
             "| " + " | ".join("---:" if col.kind in NUMERIC else "---" for col in table.columns) + " |"]
    lines += ["| " + " | ".join(_md(cell) for cell in _cells(table, row)) + " |" for row in rows]
    return lines


def to_markdown(c: dict) -> str:
    """GitHub-flavoured Markdown: one heading per section, one pipe table per part."""
    out = [f"# {_md(layout.title(c))}", "",
           _md(_masthead(c)), "",
           _md(layout.ADDRESSEE), "", _md(layout.opening(c)), ""]
    for heading, lead, parts in _parts(c):
        out += [f"## {_md(heading)}", ""] + ([_md(lead), ""] if lead else [])
        for title, table in parts:
            if title:
                out += [f"### {_md(title)}", ""]
            rows = table.rows(c)
            out += _md_table(table.for_rows(rows), rows) + [""]
    out += [_md(line) + "  " for line in _sign_off(c)]  # two spaces: a line break, not a paragraph
    if layout.anchor_line(c):
        out += ["", _md(layout.anchor_line(c))]
    return "\n".join(out).rstrip() + "\n"


# --- CSV ---

def _csv_safe(text: str, kind: str) -> str:
    """A name that starts like a formula would be run by Excel: make it plain text with a quote.
    Numbers are left alone ("-2" is a change, not a formula)."""
    return text if kind in NUMERIC else csv_text(text)


def to_csv(c: dict) -> str:
    """One stream for Excel: per part, a heading row, the Chinese header row, then the rows
    (or 无). Write it with encoding utf-8-sig so that Excel reads the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([layout.title(c)])
    for heading, lead, parts in _parts(c):
        if not parts:  # a section that only summarises (its lists are attachments): its words
            writer.writerow([heading])
            writer.writerow([csv_text(lead)])
        for title, table in parts:
            rows = table.rows(c)
            table = table.for_rows(rows)
            writer.writerow([f"{heading}{title}"])
            writer.writerow([col.header for col in table.columns])
            for row in rows:
                writer.writerow([_csv_safe(display(row.get(col.key), col.kind), col.kind) for col in table.columns])
            if not rows:
                writer.writerow([NONE_TEXT])
    if layout.anchor_line(c):
        writer.writerow([layout.anchor_line(c)])
    return buffer.getvalue()
