"""Tables in the Word circular: sized to the 156 mm text block, rows that never split.

A table takes the largest of 小四, 五号 and 小五 at which every column gets what it wants:
numbers, dates, case numbers and names on one line, headers on at most two, free text (reasons)
at least LONG_MIN_EMS characters wide so it reads in a few lines, not a column of single
characters. Rows never break across a page (w:cantSplit) and the header row repeats on every
page (w:tblHeader).
"""

from __future__ import annotations

import math

from fanzha_cli.render import layout
from fanzha_cli.render.docx_setup import (BLOCK_W_MM, BODY_FONT, MM_PT, TABLE_HEADER_FONT, TABLE_PT, run)
from fanzha_cli.render.layout import LONG, NUMERIC

TABLE_SIZES = (TABLE_PT, 10.5, 9)  # 小四, else 五号, else 小五: the largest at which a table fits
CELL_MARGIN_MM = 0.6  # inside each cell, left and right
SHORT_HEADER_EMS = 2.7  # headers up to this wide stay on one line
LONG_MIN_EMS = 8  # free text (reasons, names of fraud types) is never squeezed narrower
LONG_MAX_LINES = 2  # … and takes a smaller size where that keeps it to two lines
TABLE_GAP_PT = 8


def _ems(text: str) -> float:
    """Printed width in ems. Digits and Latin letters count 0.6, not 0.5: where the Chinese font
    is missing its stand-in's digits are wider (Noto Sans CJK's: 0.57), and a number must never wrap."""
    return sum(1.0 if layout.is_wide(ch) else 0.6 for ch in text)


def _column_wants(table: layout.Table, rows: list[dict]) -> list[float]:
    """How many characters wide each column wants to be: every value but free text on one
    line, each header on at most two lines; free text (LONG) takes its layout width."""
    wants = []
    for col in table.columns:
        # The header on two lines; a short one (名次, 进度%) on one: broken it would stand one character a line.
        header = _ems(col.header) if _ems(col.header) <= SHORT_HEADER_EMS else math.ceil(_ems(col.header) / 2)
        if col.kind == LONG:
            wants.append(max(col.width, header))
            continue
        values = [_ems(layout.display(r.get(col.key), col.kind)) for r in rows]
        wants.append(max([header, 1, *values]) + 0.5)  # play for the font's side bearings
    return wants


def fit(table: layout.Table, rows: list[dict]) -> tuple[float, list[float]]:
    """The table's font size and each column's width in ems, filling the 156 mm text block.

    The largest size at which every column gets what it wants, free text at least LONG_MIN_EMS
    and, where a smaller size allows it, wrapping to no more than LONG_MAX_LINES lines (a list of
    sixty reasons at five lines each runs to pages); the room left over goes to the free text (or
    to every column when there is none). When even the smallest size is too narrow, the widest
    columns give way first, and wrap."""
    wants = _column_wants(table, rows)
    long = [i for i, col in enumerate(table.columns) if col.kind == LONG]
    growing = long or list(range(len(wants)))
    fixed = sum(w for i, w in enumerate(wants) if i not in growing)
    need = fixed + (LONG_MIN_EMS * len(long) if long else sum(wants))
    fitting = []
    for size in TABLE_SIZES:
        room = (BLOCK_W_MM - 2 * CELL_MARGIN_MM * len(wants)) * MM_PT / size
        if need <= room:
            fitting.append((size, room, _grown(wants, growing, fixed, room)))
    if not fitting:
        ems = list(wants)
        for i in long:
            ems[i] = LONG_MIN_EMS
        _narrow_widest(ems, room)
        return size, ems
    for size, room, ems in fitting:
        if _lines(table, rows, ems, long) <= LONG_MAX_LINES:
            return size, ems
    return fitting[0][0], fitting[0][2]


def _grown(wants: list[float], growing: list[int], fixed: float, room: float) -> list[float]:
    ems = list(wants)
    share = sum(wants[i] for i in growing)
    for i in growing:
        ems[i] = (room - fixed) * wants[i] / share
    return ems


def _lines(table: layout.Table, rows: list[dict], ems: list[float], long: list[int]) -> int:
    """How many lines the longest free text of the table wraps to at these widths."""
    most = 1
    for i in long:
        col = table.columns[i]
        for r in rows:
            most = max(most, math.ceil(_ems(layout.display(r.get(col.key), col.kind)) / max(ems[i] - 0.5, 1)))
    return most


def _narrow_widest(ems: list[float], room: float) -> None:
    """Take width from the widest columns, down to the next widest, until the table fits."""
    while sum(ems) > room + 1e-6:
        widest = max(ems)
        at_widest = [i for i, e in enumerate(ems) if e >= widest - 1e-6]
        below = max((e for e in ems if e < widest - 1e-6), default=0)
        cut = min(widest - below, (sum(ems) - room) / len(at_widest))
        for i in at_widest:
            ems[i] -= cut


def _header(text: str, ems: float) -> str:
    """A header too wide for its column, broken into two even lines (before a unit in （）)."""
    if _ems(text) <= ems:
        return text
    cut = text.find("（")
    cut = cut if cut > 0 else math.ceil(len(text) / 2)
    return f"{text[:cut]}\n{text[cut:]}"


def _cell(cell, text: str, font: str, size: float, align, style_id: str) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Pt

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    # By id: python-docx looks a style name up among all 160 styles each time, per cell.
    p._p.get_or_add_pPr().style = style_id
    p.alignment = align
    p.paragraph_format.line_spacing = Pt(size * 1.35)
    run(p, text, font, size)


def _table_properties(t, width_mm: float) -> None:
    """Fixed total width, narrow cell margins (so more fits on a line), and a header row
    repeated on every page."""
    from docx.oxml.ns import qn

    tblPr = t._tbl.tblPr
    tblW = tblPr.find(qn("w:tblW"))
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(round(width_mm * MM_PT * 20)))
    margins = tblPr.makeelement(qn("w:tblCellMar"), {})
    for side in ("left", "right"):
        margins.append(margins.makeelement(qn(f"w:{side}"), {qn("w:w"): str(round(CELL_MARGIN_MM * MM_PT * 20)),
                                                             qn("w:type"): "dxa"}))
    tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for i, row in enumerate(t.rows):
        trPr = row._tr.get_or_add_trPr()
        trPr.append(trPr.makeelement(qn("w:cantSplit"), {}))  # a row never breaks across pages
        if i == 0:
            trPr.append(trPr.makeelement(qn("w:tblHeader"), {}))  # repeated at the top of each page


def _alignment(kind: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if kind == LONG:
        return WD_ALIGN_PARAGRAPH.LEFT
    return WD_ALIGN_PARAGRAPH.RIGHT if kind in NUMERIC else WD_ALIGN_PARAGRAPH.CENTER


def table(doc, table: layout.Table, rows: list[dict]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    table = table.for_rows(rows)
    size, ems = fit(table, rows)
    widths = [e * size / MM_PT + 2 * CELL_MARGIN_MM for e in ems]
    t = doc.add_table(rows=1 + len(rows), cols=len(table.columns))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _table_properties(t, sum(widths))
    style_id = doc.styles["表格文字"].style_id
    for r, cells in enumerate(row.cells for row in t.rows):
        for i, (col, cell) in enumerate(zip(table.columns, cells)):
            if r == 0:
                _cell(cell, _header(col.header, ems[i]), TABLE_HEADER_FONT, size, WD_ALIGN_PARAGRAPH.CENTER, style_id)
            else:
                text = layout.display(rows[r - 1].get(col.key), col.kind)
                _cell(cell, text, BODY_FONT, size, _alignment(col.kind), style_id)
            cell.width = Mm(widths[i])  # Word reads the cells' widths …
    for column, width in zip(t.columns, widths):
        column.width = Mm(width)  # … LibreOffice and WPS the grid's
    spacer = doc.add_paragraph(style="表格文字")  # a little air between a table and what follows
    spacer.paragraph_format.line_spacing = Pt(TABLE_GAP_PT)
