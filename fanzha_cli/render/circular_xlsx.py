"""The weekly circular as an Excel workbook: one sheet per table of the layout, typed cells.

Each sheet: a title row (the circular's title and the table), the header row, the rows, thin
borders, wrapped free text in rows tall enough to show it; printed landscape, one page wide,
with the title in the page header and page numbers in the footer.

Numbers are numbers, scores and amounts carry a 0.00 format, dates are dates, so a clerk can
sum, sort and filter without retyping. Nothing is ever written as a formula: a name that
happens to start with "=" stays text (Excel would otherwise run it).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

from fanzha_cli.render import layout
from fanzha_cli.render.layout import (AMOUNT, AMOUNT_CHANGE, CHANGE, DATE, DATETIME, INT, LONG, NONE_TEXT,
                                      PERCENT, PERCENT_CHANGE, PROGRESS, SCORE, TEXT)

FORMATS = {
    INT: "0", PROGRESS: '0"%"', CHANGE: "+0;-0;0", SCORE: "0.00", AMOUNT: "0.00", AMOUNT_CHANGE: "+0.00;-0.00;0.00",
    PERCENT: "0.0%", PERCENT_CHANGE: "+0.0%;-0.0%;0.0%", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm",
}
MAX_WIDTH = 60  # characters; longer free text wraps inside its cell
LONG_WIDTH = 40


def _typed(value, kind: str):
    """The cell value for Excel: numbers as numbers, ISO strings as dates, the rest as text."""
    if value is None:
        return None
    if kind in (INT, CHANGE, PROGRESS):
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


HEADER_ROW = 3  # row 1: the circular's title and the table; row 2 left empty; then the table
ROW_PT = 15  # one line of 11 pt text


def _put(ws, row: int, column: int, value, kind: str):
    from openpyxl.styles import Alignment, Border, Side

    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if kind in FORMATS and value is not None:
        cell.number_format = FORMATS[kind]
    thin = Side(style="thin", color="000000")
    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    if kind == LONG:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    else:
        cell.alignment = Alignment(vertical="top")
    return cell


def _title(ws, c: dict, heading: str) -> None:
    """Row 1: the circular's title and which table this is, across the table, in bold."""
    from openpyxl.styles import Alignment, Font

    cell = ws.cell(row=1, column=1, value=f"{layout.title(c)}　{heading}")
    cell.data_type = "s"
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="left", vertical="center")
    ws.row_dimensions[1].height = 24  # not merged: the title runs on over the empty cells beside it


def _header(ws, table: layout.Table) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    for i, col in enumerate(table.columns, start=1):
        cell = _put(ws, HEADER_ROW, i, col.header, TEXT)
        cell.font, cell.fill = bold, grey
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def _widths(ws, table: layout.Table, rows: list[dict]) -> list[int]:
    """Each column as wide as its header or longest value (Chinese counts double), free text capped."""
    from openpyxl.utils import get_column_letter

    widths = []
    for i, col in enumerate(table.columns, start=1):
        texts = [col.header] + [layout.display(r.get(col.key), col.kind) for r in rows]
        # 1.2: digits and Latin letters in the stand-in fonts of LibreOffice and WPS run wider than Calibri's.
        width = min(math.ceil(max(layout.text_width(t) for t in texts) * 1.2) + 2,
                    LONG_WIDTH if col.kind == LONG else MAX_WIDTH)
        ws.column_dimensions[get_column_letter(i)].width = width
        widths.append(width)
    return widths


def _heights(ws, table: layout.Table, rows: list[dict], widths: list[int]) -> None:
    """Rows with wrapped free text tall enough to show all of it: Excel does not grow a row
    height for wrapped text written by a program, LibreOffice and WPS only sometimes."""
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        lines = 1
        for col, width in zip(table.columns, widths):
            if col.kind == LONG:
                text = layout.display(row.get(col.key), col.kind)
                lines = max(lines, -(-layout.text_width(text) // max(width - 1, 1)))
        if lines > 1:
            ws.row_dimensions[r].height = ROW_PT * lines


def _print_setup(ws, c: dict, heading: str) -> None:
    """Printed on A4, one page wide, landscape, the header rows repeated on every page, the title
    in the page header and 第 N 页 / 共 M 页 in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddHeader.center.text = f"{layout.title(c)}　{heading}".replace("&", "&&")
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.text = layout.cn_date(layout.issued_on(c))


def _sheet(wb, c: dict, heading: str, table: layout.Table, rows: list[dict]) -> None:
    table = table.for_rows(rows)
    ws = wb.create_sheet(title=table.sheet[:31])
    _title(ws, c, heading)
    _header(ws, table)
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        for i, col in enumerate(table.columns, start=1):
            _put(ws, r, i, _typed(row.get(col.key), col.kind), col.kind)
    if not rows:
        _put(ws, HEADER_ROW + 1, 1, NONE_TEXT, TEXT)
    widths = _widths(ws, table, rows)
    _heights(ws, table, rows, widths)
    _print_setup(ws, c, heading)


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
    for heading, table in layout.tables(c):
        _sheet(wb, c, heading, table, table.rows(c))
    _properties(wb, c)
    path = Path(path)
    # ExcelWriter rather than wb.save(): save() stamps "modified" with the current time.
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    layout.stable_zip(path, layout.fixed_time(c))
    return path
