"""The weekly circular as a Word document, set out as a bureau issues it (GB/T 9704-2012).

What the standard asks and where it is done here:
- A4 paper; top margin 37 mm, left 28 mm, text block 156 x 225 mm        -> _page()
- 22 lines of 28 characters per page                                       -> _grid()
- title 2号 (22 pt) 方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312;
  headings 一、 in 黑体 and （一） in 楷体_GB2312                          -> _styles()
- page numbers "— 1 —", 4号 宋体, on the outer side, 7 mm below the block  -> _footers()
- issuer and date at the end, on the right                                 -> _sign_off()

Chinese fonts only apply in Word and WPS when w:eastAsia names them and no theme font
attribute (w:asciiTheme, w:eastAsiaTheme …) overrides them, so every run and every style says
its fonts outright and the theme attributes of the default template are removed.
"""

from __future__ import annotations

import math
from pathlib import Path

from fanzha_cli.render import layout
from fanzha_cli.render.layout import LONG, NONE_TEXT, NUMERIC, SECTIONS, text_width

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TABLE_HEADER_FONT = "黑体"

TITLE_PT, BODY_PT, PAGE_NUMBER_PT = 22, 16, 14  # 2号, 3号, 4号
TABLE_PT = 12  # 小四, the table style's size
TABLE_SIZES = (TABLE_PT, 10.5, 9)  # 小四, else 五号, else 小五: the largest at which a table fits
CELL_MARGIN_MM = 1.0  # inside each cell, left and right
LONG_MIN_EMS = 5  # free text (reasons, names of fraud types) is never squeezed narrower
TABLE_GAP_PT = 8

PAGE_W_MM, PAGE_H_MM = 210, 297  # A4
TOP_MM, LEFT_MM = 37, 28
BLOCK_W_MM, BLOCK_H_MM = 156, 225
RIGHT_MM = PAGE_W_MM - LEFT_MM - BLOCK_W_MM  # 26 mm
BOTTOM_MM = PAGE_H_MM - TOP_MM - BLOCK_H_MM  # 35 mm
PAGE_NUMBER_GAP_MM = 7  # the page number's line sits 7 mm below the text block
LINES, CHARS = 22, 28

# The document grid in Word's units (1 pt = 20 twips; charSpace is in 1/4096 pt):
#   line pitch: 225 mm / 22 = 10.227 mm = 28.99 pt = 579.8 twips -> 579, rounded down so that
#               22 lines surely fit (exact line spacing 28.95 pt);
#   char pitch: 156 mm / 28 = 5.571 mm = 15.793 pt, stored as its difference from the 16 pt
#               body size: (15.793 - 16) x 4096 = -848.
MM_PT = 72 / 25.4
LINE_PITCH_TWIPS = int(BLOCK_H_MM * MM_PT * 20 / LINES)
CHAR_SPACE = round((BLOCK_W_MM * MM_PT / CHARS - BODY_PT) * 4096)
LINE_PT = LINE_PITCH_TWIPS / 20
INDENT_PT = 2 * BLOCK_W_MM * MM_PT / CHARS  # two characters on the grid: body's first line

THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
RED = "C00000"  # the masthead rule


# --- fonts ---

def _set_fonts(rPr, font: str) -> None:
    """Name `font` for every script on an rPr (run, style or default) and drop theme fonts."""
    from docx.oxml.ns import qn

    rFonts = rPr.find(qn("w:rFonts"))
    if rFonts is None:
        rFonts = rPr.makeelement(qn("w:rFonts"), {})
        rPr.insert(0, rFonts)  # rFonts comes first in CT_RPr's sequence
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rFonts.set(qn(f"w:{attr}"), font)
    for attr in THEME_ATTRS:
        rFonts.attrib.pop(qn(f"w:{attr}"), None)


def _strip_theme_fonts(element) -> None:
    """Remove every theme font attribute below `element` (styles we do not use included)."""
    from docx.oxml.ns import qn

    for rFonts in element.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            rFonts.attrib.pop(qn(f"w:{attr}"), None)


def _run(paragraph, text: str, font: str, size: float):
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = False  # official documents use the typeface, never bold, for emphasis
    _set_fonts(run._element.get_or_add_rPr(), font)
    return run


# --- page set-up ---

def _page(section) -> None:
    from docx.shared import Mm, Pt

    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.header_distance = Mm(15)
    # The footer's bottom edge: its one line (4号) starts 7 mm below the text block.
    section.footer_distance = Mm(BOTTOM_MM - PAGE_NUMBER_GAP_MM) - Pt(PAGE_NUMBER_PT * 1.3)


def _grid(section) -> None:
    from docx.oxml.ns import qn

    sectPr = section._sectPr
    grid = sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = sectPr.makeelement(qn("w:docGrid"), {})
        sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))


# --- styles ---

def _defaults(doc) -> None:
    """docDefaults: the body font, size and Chinese language for anything not otherwise styled,
    and no space after paragraphs (the template's 10 pt would break the 22-line grid)."""
    from docx.oxml.ns import qn

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rPr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_fonts(rPr, BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        rPr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))  # half-points
    rPr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")


def _style(doc, name: str, font: str, size: float, *, indent: bool = False, centre: bool = False,
           exact: float | None = LINE_PT):
    """Give one style its font (all scripts), size, black colour, no bold, and GB spacing."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    style = doc.styles[name]
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element.get_or_add_rPr(), font)
    pf = style.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    if exact:
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(exact)
    pf.first_line_indent = Pt(INDENT_PT) if indent else None
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.JUSTIFY
    return style


def _drop(element, *tags: str) -> None:
    from docx.oxml.ns import qn

    for tag in tags:
        for found in element.findall(qn(tag)):
            element.remove(found)


def _styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    _defaults(doc)
    _style(doc, "Normal", BODY_FONT, BODY_PT)
    title = _style(doc, "Title", TITLE_FONT, TITLE_PT, centre=True)
    _drop(title.element.pPr, "w:pBdr", "w:contextualSpacing")  # the template underlines titles in blue
    _drop(title.element.rPr, "w:spacing")
    for name, font in (("Heading 1", H1_FONT), ("Heading 2", H2_FONT)):
        heading = _style(doc, name, font, BODY_PT, indent=True)
        _drop(heading.element.rPr, "w:bCs")  # 黑体 is heavy enough: headings are never bold
        heading.paragraph_format.keep_with_next = True
    footer = _style(doc, "Footer", PAGE_NUMBER_FONT, PAGE_NUMBER_PT, exact=None)
    _drop(footer.element.pPr, "w:tabs")  # the template's tab stops are for US Letter
    _style(doc, "Table Grid", BODY_FONT, TABLE_PT, exact=None)
    cell = doc.styles.add_style("表格文字", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = doc.styles["Normal"]
    _style(doc, "表格文字", BODY_FONT, TABLE_PT, centre=True, exact=None)
    _no_grid(cell.element.get_or_add_pPr())
    _strip_theme_fonts(doc.styles.element)


def _no_grid(pPr) -> None:
    """Table text keeps its own small line height instead of snapping to the 28.95 pt grid."""
    from docx.oxml.ns import qn

    snap = pPr.makeelement(qn("w:snapToGrid"), {qn("w:val"): "0"})
    pPr.insert_element_before(snap, "w:spacing", "w:ind", "w:jc", "w:outlineLvl")


# --- page numbers ---

def _field(paragraph, instruction: str, font: str, size: float) -> None:
    """A complex field (begin, instruction, separate, placeholder, end): Word and WPS both
    update it; the placeholder "1" is what a viewer that does not update fields shows."""
    from docx.oxml.ns import qn

    def char(kind: str):
        run = _run(paragraph, "", font, size)
        run._element.append(run._element.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))

    char("begin")
    run = _run(paragraph, "", font, size)
    instr = run._element.makeelement(qn("w:instrText"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    instr.text = f" {instruction} "
    run._element.append(instr)
    char("separate")
    _run(paragraph, "1", font, size)
    char("end")


def _page_number(footer, odd: bool) -> None:
    """'— N —' on the outer side, one character in from the edge of the text block."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = "Footer"
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        p.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        p.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    _run(p, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    _field(p, "PAGE", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    _run(p, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)


def _footers(doc) -> None:
    # Odd pages carry the number on the right, even pages on the left (GB/T 9704 §7.5).
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)


# --- paragraphs ---

def _paragraph(doc, text: str, font: str = BODY_FONT, size: float = BODY_PT, *, style: str | None = None,
               indent: bool = True, align=None):
    from docx.shared import Pt

    p = doc.add_paragraph(style=style)
    if align is not None:
        p.alignment = align
    p.paragraph_format.first_line_indent = Pt(INDENT_PT) if indent else Pt(0)
    if text:
        _run(p, text, font, size)
    return p


def _masthead(doc, c: dict) -> None:
    """期号, then the issuer on the left and the date on the right above a red rule."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Mm

    if layout.issue_line(c):
        _paragraph(doc, layout.issue_line(c), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    p = _paragraph(doc, "", indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(BLOCK_W_MM), WD_TAB_ALIGNMENT.RIGHT)
    _run(p, f"{layout.issuer(c)}\t{layout.cn_date(layout.issued_on(c))}", BODY_FONT, BODY_PT)
    pPr = p._element.get_or_add_pPr()
    border = pPr.makeelement(qn("w:pBdr"), {})
    border.append(border.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "12",
                                                      qn("w:space"): "1", qn("w:color"): RED}))
    pPr.insert_element_before(border, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")
    _paragraph(doc, "", indent=False)


def _title(doc, c: dict) -> None:
    """The title in the two lines layout.title_lines gives: at 22 pt it is too long for one line,
    and GB/T 9704 wants a break between words, not wherever the line happens to end."""
    p = doc.add_paragraph(style="Title")
    lines = layout.title_lines(c)
    for i, line in enumerate(lines):
        run = _run(p, line, TITLE_FONT, TITLE_PT)
        if i < len(lines) - 1:
            run.add_break()
    _paragraph(doc, "", indent=False)


def _sign_off(doc, c: dict) -> None:
    """Issuer above the date, both on the right: the date four characters in from the edge and
    the issuer centred over the date (GB/T 9704 §7.3.5.1)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    char = BLOCK_W_MM * MM_PT / CHARS
    date = layout.cn_date(layout.issued_on(c))
    _paragraph(doc, "", indent=False)
    for text, right in ((layout.issuer(c), 4 + max(0, text_width(date) - text_width(layout.issuer(c))) / 4),
                        (date, 4)):
        p = _paragraph(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(right * char)
    if layout.anchor_line(c):  # ties the paper to the ledger (fanzha db verify --anchor)
        _paragraph(doc, layout.anchor_line(c), indent=False)


# --- tables ---

def _ems(text: str) -> float:
    """Printed width in ems. Digits and Latin letters count 0.65, not 0.5: where the Chinese font
    is missing its stand-in's digits are wider, and a number must never wrap."""
    return sum(1.0 if layout.is_wide(ch) else 0.65 for ch in text)


def _column_wants(table: layout.Table, rows: list[dict]) -> list[float]:
    """How many characters wide each column wants to be: every value but free text on one
    line, each header on at most two lines; free text (LONG) takes its layout width."""
    wants = []
    for col in table.columns:
        header = math.ceil(_ems(col.header) / 2)  # the header on two lines
        if col.kind == LONG:
            wants.append(max(col.width, header))
            continue
        values = [_ems(layout.display(r.get(col.key), col.kind)) for r in rows]
        wants.append(max([header, 1, *values]) + 0.5)  # play for the font's side bearings
    return wants


def _fit(table: layout.Table, rows: list[dict]) -> tuple[float, list[float]]:
    """The table's font size and each column's width in ems, filling the 156 mm text block.

    The largest size at which every column gets what it wants, free text at least LONG_MIN_EMS;
    the room left over goes to the free text (or to every column when there is none). When
    even the smallest size is too narrow, the widest columns give way first, and wrap."""
    wants = _column_wants(table, rows)
    long = [i for i, col in enumerate(table.columns) if col.kind == LONG]
    growing = long or list(range(len(wants)))
    fixed = sum(w for i, w in enumerate(wants) if i not in growing)
    need = fixed + (LONG_MIN_EMS * len(long) if long else sum(wants))
    for size in TABLE_SIZES:
        room = (BLOCK_W_MM - 2 * CELL_MARGIN_MM * len(wants)) * MM_PT / size
        if need <= room:
            break
    ems = list(wants)
    if need <= room:
        share = sum(wants[i] for i in growing)
        for i in growing:
            ems[i] = (room - fixed) * wants[i] / share
    else:
        for i in long:
            ems[i] = LONG_MIN_EMS
        _narrow_widest(ems, room)
    return size, ems


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
    _run(p, text, font, size)


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
    trPr = t.rows[0]._tr.get_or_add_trPr()
    trPr.append(trPr.makeelement(qn("w:tblHeader"), {}))


def _alignment(kind: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if kind == LONG:
        return WD_ALIGN_PARAGRAPH.LEFT
    return WD_ALIGN_PARAGRAPH.RIGHT if kind in NUMERIC else WD_ALIGN_PARAGRAPH.CENTER


def _table(doc, table: layout.Table, rows: list[dict]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    size, ems = _fit(table, rows)
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


# --- the document ---

def _body(doc, c: dict) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _paragraph(doc, layout.ADDRESSEE, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph(doc, layout.opening(c))
    for section in SECTIONS:
        _paragraph(doc, section.title, H1_FONT, style="Heading 1")
        _paragraph(doc, section.lead(c))
        for table in section.tables:
            if table.title:
                _paragraph(doc, table.title, H2_FONT, style="Heading 2")
            rows = table.rows(c)
            if rows:
                _table(doc, table, rows)
            else:
                _paragraph(doc, f"{NONE_TEXT}。")


def _properties(doc, c: dict) -> None:
    """Core properties from the circular itself, never from the clock, so re-runs are identical."""
    when = layout.fixed_time(c)
    props = doc.core_properties
    props.title = layout.title(c)
    props.subject = (c["summary"].get("campaign") or {}).get("name", "")
    props.author = props.last_modified_by = layout.issuer(c)
    props.category = "每周通报"
    props.keywords = c["week"]
    props.comments = ""
    props.created = props.modified = when
    props.last_printed = when
    props.revision = 1


def _drop_template_leftovers(doc) -> None:
    """python-docx's template carries a Word 2010 copy of its styles (stylesWithEffects, full of
    theme fonts) and a thumbnail of an empty page: neither belongs in the circular."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    styles_with_effects = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
    for source, reltype in ((doc.part, styles_with_effects), (doc.part.package, RT.THUMBNAIL)):
        for rId, rel in list(source.rels.items()):
            if rel.reltype == reltype:
                source.rels.pop(rId)


def to_docx(c: dict, path: str | Path) -> Path:
    """Write the circular as a .docx at `path` and return the path."""
    from docx import Document

    doc = Document()
    section = doc.sections[0]
    _page(section)
    _grid(section)
    _styles(doc)
    _masthead(doc, c)
    _title(doc, c)
    _body(doc, c)
    _sign_off(doc, c)
    _footers(doc)
    _properties(doc, c)
    _strip_theme_fonts(doc.element)
    _drop_template_leftovers(doc)
    path = Path(path)
    doc.save(str(path))
    layout.stable_zip(path, layout.fixed_time(c))
    return path
