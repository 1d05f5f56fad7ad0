"""The Word circular's paper and type: page, grid, fonts, styles, page numbers (GB/T 9704-2012).

What the standard asks and where it is done here:
- A4 paper; top margin 37 mm, left 28 mm, text block 156 x 225 mm        -> page()
- 22 lines of 28 characters per page                                       -> grid(), styles()
- title 2号 (22 pt) 方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312;
  headings 一、 in 黑体 and （一） in 楷体_GB2312                          -> styles()
- page numbers "— 1 —", 4号 宋体, on the outer side, 7 mm below the block  -> footers()

28 characters a line, the same in Word, WPS and LibreOffice. A "lines and characters" document
grid (the usual way) snaps each Chinese character to a pitch of 156 mm / 28 = 15.79 pt; the
body text is 16 pt, wider than the pitch, and LibreOffice then gives every character two grid
cells (14 a line, letter-spaced). Here the grid is lines only (ECMA-376 §17.6.5 docGrid,
type="lines": line pitch 225 mm / 22, no character pitch), and the 16 pt body styles carry a
character spacing of −0.25 pt (§17.3.2.35 spacing, in twentieths of a point: −5), so a character
advances 15.75 pt in every program: 28 x 15.75 = 441 pt fits the 442.2 pt line, 29 do not.
Justification spreads the remaining 1.2 pt. Automatic spacing between Chinese and Latin text
or numbers (autoSpaceDE/autoSpaceDN, §17.3.1.2–3) is off: a circular writes 「2起」, not 「2 起」.

Chinese fonts only apply in Word and WPS when w:eastAsia names them and no theme font
attribute (w:asciiTheme, w:eastAsiaTheme …) overrides them, so every run and every style says
its fonts outright and the theme attributes of the default template are removed. The font
table names each font's stand-ins (§17.8.3.1 altName) and kind, so a machine without
仿宋_GB2312 shows 仿宋 / FangSong, not a default sans.
"""

from __future__ import annotations

from fanzha_cli.render import layout

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TABLE_HEADER_FONT = "黑体"
MARK_FONT = TITLE_FONT  # the red issuing mark: 小标宋, like the title

TITLE_PT, BODY_PT, PAGE_NUMBER_PT = 22, 16, 14  # 2号, 3号, 4号
MARK_PT = 36  # 小初: the issuing mark, 9 characters across most of the block
NOTE_PT = 14  # 4号: the 版记 (抄送, 印发)
TABLE_PT = 12  # 小四, the table style's size

PAGE_W_MM, PAGE_H_MM = 210, 297  # A4
TOP_MM, LEFT_MM = 37, 28
BLOCK_W_MM, BLOCK_H_MM = 156, 225
RIGHT_MM = PAGE_W_MM - LEFT_MM - BLOCK_W_MM  # 26 mm
BOTTOM_MM = PAGE_H_MM - TOP_MM - BLOCK_H_MM  # 35 mm
PAGE_NUMBER_GAP_MM = 7  # the page number's line sits 7 mm below the text block
LINES, CHARS = 22, 28

# The document grid in Word's units (1 pt = 20 twips):
#   line pitch: 225 mm / 22 = 10.227 mm = 28.99 pt = 579.8 twips -> 579, rounded down so that
#               22 lines surely fit (exact line spacing 28.95 pt);
#   characters: 156 mm / 28 = 15.793 pt a character; the 16 pt body is drawn 0.25 pt tighter
#               (CHAR_SPACING_TWIPS = -5), 15.75 pt, so 28 fit and 29 do not.
MM_PT = 72 / 25.4
LINE_PITCH_TWIPS = int(BLOCK_H_MM * MM_PT * 20 / LINES)
CHAR_PT = BLOCK_W_MM * MM_PT / CHARS
CHAR_SPACING_TWIPS = -5
assert CHARS * (BODY_PT + CHAR_SPACING_TWIPS / 20) <= BLOCK_W_MM * MM_PT < (CHARS + 1) * (BODY_PT + CHAR_SPACING_TWIPS / 20)
LINE_PT = LINE_PITCH_TWIPS / 20
INDENT_PT = 2 * CHAR_PT  # two characters: the body's first line

THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
RED = "FF0000"  # the issuing mark and the rule under it (GB/T 9704 §7.2.3: 红色)

# Each font's stand-ins, in order, and its kind (w:family: roman = serif, modern = sans, script).
FONT_TABLE = (
    (BODY_FONT, "仿宋,FangSong,STFangsong,Noto Serif CJK SC", "roman"),
    (TITLE_FONT, "方正小标宋_GBK,华文中宋,STZhongsong,宋体,SimSun,Noto Serif CJK SC", "roman"),
    (H1_FONT, "SimHei,微软雅黑,Microsoft YaHei,STHeiti,Noto Sans CJK SC", "modern"),
    (H2_FONT, "楷体,KaiTi,STKaiti,Noto Serif CJK SC", "script"),
    (PAGE_NUMBER_FONT, "SimSun,NSimSun,STSong,Noto Serif CJK SC", "roman"),
)


# --- fonts ---

def set_fonts(rPr, font: str) -> None:
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


def strip_theme_fonts(element) -> None:
    """Remove every theme font attribute below `element` (styles we do not use included)."""
    from docx.oxml.ns import qn

    for rFonts in element.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            rFonts.attrib.pop(qn(f"w:{attr}"), None)


def run(paragraph, text: str, font: str, size: float):
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = False  # official documents use the typeface, never bold, for emphasis
    set_fonts(run._element.get_or_add_rPr(), font)
    return run


# --- page set-up ---

def page(section) -> None:
    from docx.shared import Mm, Pt

    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.header_distance = Mm(15)
    # The footer's bottom edge: its one line (4号) starts 7 mm below the text block.
    section.footer_distance = Mm(BOTTOM_MM - PAGE_NUMBER_GAP_MM) - Pt(PAGE_NUMBER_PT * 1.3)


def grid(section) -> None:
    """Lines only: 22 lines of 28.95 pt; characters keep their own (tightened) advance."""
    from docx.oxml.ns import qn

    sectPr = section._sectPr
    found = sectPr.find(qn("w:docGrid"))
    if found is None:
        found = sectPr.makeelement(qn("w:docGrid"), {})
        sectPr.append(found)
    found.attrib.pop(qn("w:charSpace"), None)
    found.set(qn("w:type"), "lines")
    found.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))


# --- styles ---

def _defaults(doc) -> None:
    """docDefaults: the body font, size and Chinese language for anything not otherwise styled,
    and no space after paragraphs (the template's 10 pt would break the 22-line grid)."""
    from docx.oxml.ns import qn

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rPr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(rPr, BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        rPr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))  # half-points
    rPr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    pPr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    spacing = pPr.find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    # No automatic gap between Chinese and Latin text or numbers: 「2起」, not 「2 起」.
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):  # CT_PPrBase order: autoSpaceDE, autoSpaceDN, …, spacing
        spacing.addprevious(pPr.makeelement(qn(tag), {qn("w:val"): "0"}))


def _style(doc, name: str, font: str, size: float, *, indent: bool = False, centre: bool = False,
           exact: float | None = LINE_PT, tracking: int = 0):
    """Give one style its font (all scripts), size, black colour, no bold, and GB spacing."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    style = doc.styles[name]
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element.get_or_add_rPr(), font)
    _tracking(style.element.get_or_add_rPr(), tracking)
    pf = style.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    if exact:
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(exact)
    pf.first_line_indent = Pt(INDENT_PT) if indent else None
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.JUSTIFY
    return style


def _tracking(rPr, twips: int) -> None:
    """Character spacing (w:spacing in an rPr), in twentieths of a point; 0 removes it."""
    from docx.oxml.ns import qn

    for found in rPr.findall(qn("w:spacing")):
        rPr.remove(found)
    if twips:
        rPr.insert_element_before(rPr.makeelement(qn("w:spacing"), {qn("w:val"): str(twips)}),
                                  "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                                  "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                                  "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _drop(element, *tags: str) -> None:
    from docx.oxml.ns import qn

    for tag in tags:
        for found in element.findall(qn(tag)):
            element.remove(found)


def styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    _defaults(doc)
    normal = _style(doc, "Normal", BODY_FONT, BODY_PT, tracking=CHAR_SPACING_TWIPS)
    # Also on Normal, where Word and WPS look first (LibreOffice 7.4 ignores both on import).
    _no_auto_space(normal.element.get_or_add_pPr())
    title = _style(doc, "Title", TITLE_FONT, TITLE_PT, centre=True)
    _drop(title.element.pPr, "w:pBdr", "w:contextualSpacing")  # the template underlines titles in blue
    for name, font in (("Heading 1", H1_FONT), ("Heading 2", H2_FONT)):
        heading = _style(doc, name, font, BODY_PT, indent=True, tracking=CHAR_SPACING_TWIPS)
        _drop(heading.element.rPr, "w:bCs")  # 黑体 is heavy enough: headings are never bold
        heading.paragraph_format.keep_with_next = True
    footer = _style(doc, "Footer", PAGE_NUMBER_FONT, PAGE_NUMBER_PT, exact=None)
    _drop(footer.element.pPr, "w:tabs")  # the template's tab stops are for US Letter
    _style(doc, "Table Grid", BODY_FONT, TABLE_PT, exact=None)
    cell = doc.styles.add_style("表格文字", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = doc.styles["Normal"]
    _style(doc, "表格文字", BODY_FONT, TABLE_PT, centre=True, exact=None)
    _no_grid(cell.element.get_or_add_pPr())
    strip_theme_fonts(doc.styles.element)


def _no_auto_space(pPr) -> None:
    from docx.oxml.ns import qn

    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        pPr.insert_element_before(pPr.makeelement(qn(tag), {qn("w:val"): "0"}),
                                  "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                                  "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                                  "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                                  "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


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
        r = run(paragraph, "", font, size)
        r._element.append(r._element.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))

    char("begin")
    r = run(paragraph, "", font, size)
    instr = r._element.makeelement(qn("w:instrText"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    instr.text = f" {instruction} "
    r._element.append(instr)
    char("separate")
    run(paragraph, "1", font, size)
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
    run(p, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    _field(p, "PAGE", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    run(p, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)


def footers(doc) -> None:
    # Odd pages carry the number on the right, even pages on the left (GB/T 9704 §7.5).
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)


def properties(doc, c: dict) -> None:
    """Core properties from the circular itself, never from the clock, so re-runs are identical."""
    when = layout.fixed_time(c)
    props = doc.core_properties
    props.title = layout.title(c)
    props.subject = (c["summary"].get("campaign") or {}).get("name", "")
    props.author = props.last_modified_by = layout.issuer(c)
    props.category = "每周通报"
    props.keywords = c["week"]
    props.comments = layout.anchor_line(c)  # the ledger entry it covers (fanzha db verify --anchor)
    props.created = props.modified = when
    props.last_printed = when
    props.revision = 1


def drop_template_leftovers(doc) -> None:
    """python-docx's template carries a Word 2010 copy of its styles (stylesWithEffects, full of
    theme fonts) and a thumbnail of an empty page: neither belongs in the circular."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    styles_with_effects = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
    for source, reltype in ((doc.part, styles_with_effects), (doc.part.package, RT.THUMBNAIL)):
        for rId, rel in list(source.rels.items()):
            if rel.reltype == reltype:
                source.rels.pop(rId)




# --- the font table and the document's language ---

def font_table(doc) -> None:
    """Replace the template's font table (Times, Cambria, MS Mincho …) with the circular's fonts,
    each with its stand-ins (w:altName), GB2312 character set (86) and kind, so Word and WPS
    substitute a font of the same kind where one is missing."""
    from docx.oxml.ns import qn
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = doc.part.part_related_by(RT.FONT_TABLE)
    from lxml import etree

    root = etree.fromstring(part.blob)
    for font in list(root):
        root.remove(font)
    for name, alternatives, family in FONT_TABLE:
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): alternatives})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})
        etree.SubElement(font, qn("w:family"), {qn("w:val"): family})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def chinese_settings(doc) -> None:
    """The template says its East Asian theme language is Japanese (ja-JP), which makes
    LibreOffice pick Japanese glyphs for missing fonts: the circular is Chinese (zh-CN)."""
    from docx.oxml.ns import qn

    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
