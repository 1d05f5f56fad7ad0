"""The weekly circular as an Excel workbook: one sheet per table of the layout, typed cells.

Numbers are numbers, scores and amounts carry a 0.00 format, dates are dates, so a clerk can
sum, sort and filter without retyping. Nothing is ever written as a formula: a name that
happens to start with "=" stays text (Excel would otherwise run it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from fanzha_cli.render import layout
from fanzha_cli.render.layout import (AMOUNT, AMOUNT_CHANGE, CHANGE, DATE, DATETIME, INT, LONG, NONE_TEXT,
                                      PERCENT, PERCENT_CHANGE, SCORE, SECTIONS, TEXT)

FORMATS = {
    INT: "0", CHANGE: "+0;-0;0", SCORE: "0.00", AMOUNT: "0.00", AMOUNT_CHANGE: "+0.00;-0.00;0.00",
    PERCENT: "0.0%", PERCENT_CHANGE: "+0.0%;-0.0%;0.0%", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm",
}
MAX_WIDTH = 60  # characters; longer free text wraps inside its cell
LONG_WIDTH = 40


def _typed(value, kind: str):
    """The cell value for Excel: numbers as numbers, ISO strings as dates, the rest as text."""
    if value is None:
        return None
    if kind in (INT, CHANGE):
        return int(value)
    if kind in (SCORE, PERCENT, PERCENT_CHANGE):
        return float(value)
    if kind in (AMOUNT, AMOUNT_CHANGE):
        return float(Decimal(str(value)))  # yuan to two decimals: exact enough as a double
    if kind == DATE:
        return dt.date.fromisoformat(str(value)[:10])
    if kind == DATETIME:
        # The clerk's wall-clock time; Excel has no time zones.
        return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)
    return str(value)


def _put(ws, row: int, column: int, value, kind: str):
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if kind in FORMATS and value is not None:
        cell.number_format = FORMATS[kind]
    if kind == LONG:
        from openpyxl.styles import Alignment

        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _header(ws, table: layout.Table) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for i, col in enumerate(table.columns, start=1):
        _put(ws, 1, i, col.header, TEXT).font = bold
    ws.freeze_panes = "A2"


def _widths(ws, table: layout.Table, rows: list[dict]) -> None:
    """Each column as wide as its header or longest value (Chinese counts double), free text capped."""
    from openpyxl.utils import get_column_letter

    for i, col in enumerate(table.columns, start=1):
        texts = [col.header] + [layout.display(r.get(col.key), col.kind) for r in rows]
        width = max(layout.text_width(t) for t in texts) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(width, LONG_WIDTH if col.kind == LONG else MAX_WIDTH)


def _print_setup(ws) -> None:
    """Printed on A4, one page wide, landscape, header row repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"


def _sheet(wb, table: layout.Table, rows: list[dict]) -> None:
    ws = wb.create_sheet(title=table.sheet[:31])
    _header(ws, table)
    for r, row in enumerate(rows, start=2):
        for i, col in enumerate(table.columns, start=1):
            _put(ws, r, i, _typed(row.get(col.key), col.kind), col.kind)
    if not rows:
        _put(ws, 2, 1, NONE_TEXT, TEXT)
    _widths(ws, table, rows)
    _print_setup(ws)


def _properties(wb, c: dict) -> None:
    """Document properties from the circular, not the clock, so that re-runs give the same file."""
    props = wb.properties
    props.title = layout.title(c)
    props.creator = props.lastModifiedBy = layout.issuer(c)
    props.subject = (c["summary"].get("campaign") or {}).get("name", "")
    props.category = "每周通报"
    props.keywords = c["week"]
    props.created = props.modified = layout.fixed_time(c)
    props.description = layout.anchor_line(c) or None  # the ledger anchor (fanzha db verify --anchor)


def to_xlsx(c: dict, path: str | Path) -> Path:
    """Write the circular as an .xlsx at `path` and return the path."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.remove(wb.active)
    for section in SECTIONS:
        for table in section.tables:
            _sheet(wb, table, table.rows(c))
    _properties(wb, c)
    path = Path(path)
    # ExcelWriter rather than wb.save(): save() stamps "modified" with the current time.
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    layout.stable_zip(path, layout.fixed_time(c))
    return path
