"""The weekly circular as a Word document, set out as a bureau issues it (GB/T 9704-2012).

The parts in the order they are printed, and where each is made here:
- 版头: the issuing mark in red 小标宋, 第N期 under it, the issuer's full name and the date over
  a red rule                                                                -> _masthead()
- the title in two lines, the addressee, the opening paragraph              -> _title(), _body()
- the sections; the long lists (zero-case units and grids, commendation candidates) are only
  summarised and referred to 附件1 and 附件2                                -> _body()
- 附件说明 (the list of attachments), the issuer and the date               -> _attachment_note(), _sign_off()
- each attachment on a new page: 附件N in 黑体, its title, its tables       -> _attachments()
- 版记 at the end: 抄送 and 印发 lines between rules                        -> _imprint()

Paper, grid, fonts, styles and page numbers are docx_setup's; tables are docx_tables'.
"""

from __future__ import annotations

from pathlib import Path

from fanzha_cli.render import docx_setup as setup
from fanzha_cli.render import docx_tables, layout
from fanzha_cli.render.docx_setup import (BLOCK_W_MM, BODY_FONT, BODY_PT, CHAR_PT, H1_FONT, H2_FONT, INDENT_PT,
                                          MARK_FONT, MARK_PT, NOTE_PT, RED, TITLE_FONT, TITLE_PT, run)
from fanzha_cli.render.layout import ATTACHMENTS, NONE_TEXT, text_width


def _paragraph(doc, text: str, font: str = BODY_FONT, size: float = BODY_PT, *, style: str | None = None,
               indent: bool = True, align=None):
    from docx.shared import Pt

    p = doc.add_paragraph(style=style)
    if align is not None:
        p.alignment = align
    p.paragraph_format.first_line_indent = Pt(INDENT_PT) if indent else Pt(0)
    if text:
        run(p, text, font, size)
    return p


def _rule(p, where: str, colour: str, eighths: int, space: int = 1) -> None:
    """A line above or below a paragraph, across the text block (w:pBdr; width in 1/8 pt)."""
    from docx.oxml.ns import qn

    pPr = p._element.get_or_add_pPr()
    border = pPr.find(qn("w:pBdr"))
    if border is None:
        border = pPr.makeelement(qn("w:pBdr"), {})
        pPr.insert_element_before(border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                                  "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                                  "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing",
                                  "w:ind", "w:jc")
    border.append(border.makeelement(qn(f"w:{where}"), {qn("w:val"): "single", qn("w:sz"): str(eighths),
                                                       qn("w:space"): str(space), qn("w:color"): colour}))


def _off_grid(p, line_pt: float) -> None:
    """A paragraph with its own exact line height (the mark, the 版记), not snapped to the grid."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    pPr = p._element.get_or_add_pPr()
    pPr.insert_element_before(pPr.makeelement(qn("w:snapToGrid"), {qn("w:val"): "0"}),
                              "w:spacing", "w:ind", "w:jc", "w:outlineLvl")
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(line_pt)


def _both_ends(doc, left: str, right: str, size: float = BODY_PT, inset_chars: float = 0):
    """One line with `left` at the left and `right` at the right edge (a right tab stop)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt

    p = _paragraph(doc, "", indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    inset = Pt(inset_chars * size)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = inset
    p.paragraph_format.tab_stops.add_tab_stop(Mm(BLOCK_W_MM) - 2 * inset, WD_TAB_ALIGNMENT.RIGHT)
    run(p, f"{left}\t{right}", BODY_FONT, size)
    return p


# --- 版头 ---

def _masthead(doc, c: dict) -> None:
    """The red issuing mark, 第N期 under it, the issuer and the date over a red rule."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    doc_info = layout.document(c)
    if doc_info["mark"]:
        p = _paragraph(doc, "", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        _off_grid(p, MARK_PT * 1.5)
        run(p, doc_info["mark"], MARK_FONT, MARK_PT).font.color.rgb = RGBColor.from_string(RED)
    issue = layout.issue_line(c) + ("（预览稿）" if layout.is_preview(c) else "")
    if issue:
        _paragraph(doc, issue, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    line = _both_ends(doc, layout.issuer(c), layout.cn_date(layout.issued_on(c)))
    _rule(line, "bottom", RED, 18, space=4)  # 2.25 pt
    _paragraph(doc, "", indent=False)


def _title(doc, c: dict) -> None:
    """The title in the two lines layout.title_lines gives: at 22 pt it is too long for one line,
    and GB/T 9704 wants a break between words, not wherever the line happens to end."""
    p = doc.add_paragraph(style="Title")
    lines = layout.title_lines(c)
    for i, line in enumerate(lines):
        r = run(p, line, TITLE_FONT, TITLE_PT)
        if i < len(lines) - 1:
            r.add_break()
    _paragraph(doc, "", indent=False)


# --- 主体 ---

def _tables(doc, c: dict, tables) -> None:
    for table in tables:
        if table.title:
            _paragraph(doc, table.title, H2_FONT, style="Heading 2")
        rows = table.rows(c)
        if rows:
            docx_tables.table(doc, table, rows)
        else:
            _paragraph(doc, f"{NONE_TEXT}。")


def _body(doc, c: dict) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _paragraph(doc, layout.ADDRESSEE, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph(doc, layout.opening(c))
    for section in layout.sections(c):
        _paragraph(doc, section.title, H1_FONT, style="Heading 1")
        _paragraph(doc, section.lead(c))
        # A section whose only table has nothing to list says so in its lead already.
        if len(section.tables) == 1 and not section.tables[0].title and not section.tables[0].rows(c):
            continue
        _tables(doc, c, section.tables)


def _attachment_note(doc, c: dict) -> None:
    """附件：1.零发案单位和网格名单 / 2.…, two characters in, later lines under the first title
    (GB/T 9704 §7.3.4)."""
    from docx.shared import Pt

    _paragraph(doc, "", indent=False)
    for i, a in enumerate(ATTACHMENTS):
        p = _paragraph(doc, f"{'附件：' if i == 0 else ''}{a.number}.{a.title}", indent=False)
        p.paragraph_format.left_indent = Pt(INDENT_PT + (0 if i == 0 else 3 * CHAR_PT))


def _sign_off(doc, c: dict) -> None:
    """Issuer above the date, both on the right: the date four characters in from the edge and
    the issuer centred over the date (GB/T 9704 §7.3.5.1)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    date = layout.cn_date(layout.issued_on(c))
    _paragraph(doc, "", indent=False)
    for text, right in ((layout.issuer(c), 4 + max(0, text_width(date) - text_width(layout.issuer(c))) / 4),
                        (date, 4)):
        p = _paragraph(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(right * CHAR_PT)
    if layout.anchor_line(c):  # ties the paper to the ledger (fanzha db verify --anchor)
        _off_grid(_paragraph(doc, layout.anchor_line(c), size=NOTE_PT, indent=False), NOTE_PT * 1.5)


# --- 附件 ---

def _attachments(doc, c: dict) -> None:
    """Each attachment on a new page: 附件N at the top left in 黑体, its title centred in 小标宋."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for a in ATTACHMENTS:
        p = _paragraph(doc, a.label, H1_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
        p.paragraph_format.page_break_before = True
        _paragraph(doc, "", indent=False)
        title = doc.add_paragraph(style="Title")
        run(title, a.title, TITLE_FONT, TITLE_PT)
        _paragraph(doc, "", indent=False)
        _tables(doc, c, a.tables)


# --- 版记 ---

def _imprint(doc, c: dict) -> None:
    """抄送 and 印发 lines in 4号 仿宋 between rules, one character in from each side, at the end
    (GB/T 9704 §7.4): a heavier rule first and last, a thin one between."""
    from docx.shared import Pt

    info = layout.document(c)
    lines = []
    if info["copy_to"]:
        lines.append(("抄送：" + "，".join(info["copy_to"]) + "。", None))
    lines.append((info["printed_by"], f"{layout.cn_date(info['printed_on'])}印发"))
    _paragraph(doc, "", indent=False)
    for i, (left, right) in enumerate(lines):
        if right is None:
            p = _paragraph(doc, left, size=NOTE_PT, indent=False)
            p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(NOTE_PT)
        else:
            p = _both_ends(doc, left, right, NOTE_PT, inset_chars=1)
        _off_grid(p, NOTE_PT * 2)
        p.paragraph_format.keep_with_next = i < len(lines) - 1
        if i == 0:
            _rule(p, "top", "000000", 8, space=6)  # 1 pt: the first rule
        _rule(p, "bottom", "000000", 8 if i == len(lines) - 1 else 4, space=6)


def to_docx(c: dict, path: str | Path) -> Path:
    """Write the circular as a .docx at `path` and return the path."""
    from docx import Document

    doc = Document()
    section = doc.sections[0]
    setup.page(section)
    setup.grid(section)
    setup.styles(doc)
    _masthead(doc, c)
    _title(doc, c)
    _body(doc, c)
    _attachment_note(doc, c)
    _sign_off(doc, c)
    _attachments(doc, c)
    _imprint(doc, c)
    setup.footers(doc)
    setup.properties(doc, c)
    setup.font_table(doc)
    setup.chinese_settings(doc)
    setup.strip_theme_fonts(doc.element)
    setup.drop_template_leftovers(doc)
    path = Path(path)
    doc.save(str(path))
    layout.stable_zip(path, layout.fixed_time(c))
    return path
