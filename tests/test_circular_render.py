"""The weekly circular's renderers, over the sample contract and over a week where nothing happened.

Word and Excel files are read back (python-docx, openpyxl, and the raw XML where the standard's
details live); HTML is checked for self-containment; text formats for determinism.
"""

from __future__ import annotations

import copy
import json
import re
import zipfile
from pathlib import Path

import pytest

from fanzha_cli.render import circular_docx, circular_html, circular_text, circular_xlsx, layout

SAMPLE = Path(__file__).parent / "data" / "circular_sample.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def _emptied(value):
    """Every list in the contract emptied, however deep; numbers and names kept."""
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {k: _emptied(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def empty(sample) -> dict:
    c = _emptied(copy.deepcopy(sample))
    c["summary"].update(cases=0, loss="0.00", cases_previous=0, loss_previous="0.00", measures={},
                        measures_previous={}, reported=0, on_time=0, late=0, missing=0)
    return c


@pytest.fixture(scope="module", params=["sample", "empty"])
def circular(request, sample, empty) -> dict:
    return {"sample": sample, "empty": empty}[request.param]


def department_names(c: dict) -> set[str]:
    names = {r["department"] for r in c["ranking"]}
    names |= {r["department"] for key in ("missing_reports", "late_reports") for r in c[key]}
    return names


def section_titles() -> list[str]:
    return ([s.title for s in layout.SECTIONS] + [t.title for s in layout.SECTIONS for t in s.tables if t.title]
            + [a.title for a in layout.ATTACHMENTS] + [t.title for a in layout.ATTACHMENTS for t in a.tables if t.title])


# --- layout ---

def test_layout_header(sample):
    assert layout.title(sample) == "关于2022年第5周反电诈宣传工作情况的通报"
    assert layout.issue_line(sample) == "第2期"  # 2022-W04 is 第1期
    assert layout.issuer(sample) == "兴县公安局反诈中心"  # the full name, not 县局反诈中心
    assert "2022年1月31日至2月6日" in layout.opening(sample)
    # Amounts in sentences in 万元, exact yuan under ten thousand; no space around a number.
    assert "造成损失3.86万元，与上周相比发案减少2起、损失减少1.35万元。" in layout.opening(sample)


def test_layout_sections_in_circular_order():
    assert [s.title for s in layout.SECTIONS] == [
        "一、总体情况", "二、排名", "三、未报、迟报", "四、零发案单位和网格", "五、本周通报扣分", "六、约谈与问责", "七、拟表彰对象",
        "八、更正与补报", "九、考核规则说明"]
    sheets = [t.sheet for _, t in layout.tables({})]
    assert len(sheets) == len(set(sheets)) and all(len(name) <= 31 for name in sheets)


def test_layout_rows_translate_codes(sample):
    tables = {t.key: t for _, t in layout.tables(sample)}
    bureau = tables["ranking_bureau"].rows(sample)
    assert [(r["department"], r["status"], r["verdict"]) for r in bureau] == [
        ("网安大队", "按时", "表扬"), ("经侦大队", "迟报", ""), ("信访科", "未报", "通报批评")]
    assert tables["missing_reports"].rows(sample)[1]["category"] == "基层派出所"
    assert tables["zero_case_units"].rows(sample)[1]["departments"] == "刑侦大队、督察大队"
    assert tables["accountability_due"].rows(sample)[0]["done"] == "是"
    assert tables["warning_talks_due"].rows(sample)[0]["done"] == "否"
    assert tables["deductions"].rows(sample)[1]["subject"] == "单位负责人"


# --- terminal, Markdown, CSV ---

def test_console_shows_every_department_untruncated(circular):
    from rich.console import Console

    console = Console(record=True, width=160, color_system=None)
    circular_text.to_console(circular, console)
    text = console.export_text()
    assert "…" not in text
    for name in department_names(circular) | {layout.title(circular)}:
        assert name in text
    for title in section_titles():
        assert title in text


def test_markdown_and_csv_are_deterministic_and_complete(circular):
    for render in (circular_text.to_markdown, circular_text.to_csv):
        first = render(circular)
        assert first == render(copy.deepcopy(circular))
        for title in section_titles():
            assert title in first
        for name in department_names(circular):
            assert name in first


def test_empty_sections_say_none(empty):
    md = circular_text.to_markdown(empty)
    assert md.count(f"\n{layout.NONE_TEXT}\n") >= 10
    csv_rows = circular_text.to_csv(empty).splitlines()
    assert csv_rows.count(layout.NONE_TEXT) >= 10


def test_markdown_tables_are_github_tables(sample):
    md = circular_text.to_markdown(sample)
    assert "| 名次 | 单位 | 报送 |" in md
    assert "| 1 | 网安大队 | 按时 | 8 | 8 | 85 | 40.00 | 28.50 | 15.00 | 13.00 | 0.00 | 96.50 | 表扬 |" in md


def test_csv_keeps_formula_like_text_inert(sample):
    c = copy.deepcopy(sample)
    c["missing_reports"][0]["department"] = "=HYPERLINK(\"x\")"
    out = circular_text.to_csv(c)
    assert "'=HYPERLINK" in out
    assert "-10000.00" in out  # numbers keep their sign


# --- Word ---

def _xml(path: Path, member: str):
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(member))


def _write_both(tmp_path_factory, write, suffix: str, sample: dict, empty: dict) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp(suffix)
    return {name: write(c, folder / f"{name}.{suffix}") for name, c in (("sample", sample), ("empty", empty))}


@pytest.fixture(scope="module")
def docx_files(tmp_path_factory, sample, empty) -> dict[str, Path]:
    return _write_both(tmp_path_factory, circular_docx.to_docx, "docx", sample, empty)


@pytest.mark.parametrize("name", ["sample", "empty"])
def test_docx_page_setup(docx_files, name):
    from docx import Document

    section = Document(str(docx_files[name])).sections[0]
    expected = {"page_width": 210, "page_height": 297, "top_margin": 37, "left_margin": 28,
                "right_margin": 26, "bottom_margin": 35}
    for attr, mm in expected.items():
        assert abs(getattr(section, attr).mm - mm) < 0.5, attr
    grid = section._sectPr.find(f"{W}docGrid")
    # Lines only: a character pitch narrower than the 16 pt text makes LibreOffice give every
    # character two cells; the body styles draw characters 0.25 pt tighter instead.
    assert grid.get(f"{W}type") == "lines" and grid.get(f"{W}charSpace") is None
    assert int(grid.get(f"{W}linePitch")) == 579  # 225 mm / 22 lines
    styles = _xml(docx_files[name], "word/styles.xml")
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    for style_id in ("Normal", "Heading1", "Heading2"):
        spacing = int(by_id[style_id].find(f"{W}rPr/{W}spacing").get(f"{W}val"))
        assert 28 * (16 + spacing / 20) <= 156 / 25.4 * 72 < 29 * (16 + spacing / 20), style_id


def test_docx_title_and_body_sizes(docx_files, sample):
    from docx import Document

    doc = Document(str(docx_files["sample"]))
    title = next(p for p in doc.paragraphs if p.text.startswith("关于"))
    assert title.text.replace("\n", "") == layout.title(sample)
    assert (title.alignment or title.style.paragraph_format.alignment) == 1  # centred
    assert {r.font.size.pt for r in title.runs} == {22}
    opening = next(p for p in doc.paragraphs if p.text == layout.opening(sample))
    assert {r.font.size.pt for r in opening.runs} == {16}
    assert doc.styles["Normal"].font.size.pt == 16
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in headings] == [s.title for s in layout.SECTIONS]
    assert headings[0].runs[0]._element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia") == "黑体"


@pytest.mark.parametrize("name", ["sample", "empty"])
def test_docx_east_asian_fonts_really_apply(docx_files, name):
    path = docx_files[name]
    document, styles = _xml(path, "word/document.xml"), _xml(path, "word/styles.xml")
    for root in (document, styles):
        for rFonts in root.iter(f"{W}rFonts"):
            assert not [a for a in THEME_ATTRS if rFonts.get(f"{W}{a}") is not None]
    runs = list(document.iter(f"{W}r"))
    assert runs
    for run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}eastAsia") and fonts.get(f"{W}ascii") and fonts.get(f"{W}hAnsi")
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    wanted = {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading1": "黑体", "Heading2": "楷体_GB2312",
              "TableGrid": "仿宋_GB2312"}
    for style_id, font in wanted.items():
        assert by_id[style_id].find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == font, style_id
    table_text = next(s for s in by_id.values() if s.find(f"{W}name").get(f"{W}val") == "表格文字")
    assert table_text.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(f"{W}eastAsia") == "仿宋_GB2312"


def test_docx_footer_has_page_field(docx_files):
    with zipfile.ZipFile(docx_files["sample"]) as z:
        footers = [n for n in z.namelist() if re.fullmatch(r"word/footer\d+\.xml", n)]
    assert len(footers) == 2  # odd and even pages: the number sits on the outer side
    for member in footers:
        footer = _xml(docx_files["sample"], member)
        assert any(t.text.strip() == "PAGE" for t in footer.iter(f"{W}instrText"))
        text = "".join(t.text for t in footer.iter(f"{W}t"))
        assert text.startswith("— ") and text.endswith(" —")
        assert {f.get(f"{W}eastAsia") for f in footer.iter(f"{W}rFonts")} == {"宋体"}


def test_docx_tables_and_sign_off(docx_files, sample):
    from docx import Document

    doc = Document(str(docx_files["sample"]))
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert department_names(sample) <= cells
    texts = [p.text for p in doc.paragraphs if p.text]
    # Signed on the issue date, the ledger anchor under it; the attachments follow.
    at = texts.index("附件1")
    assert texts[at - 3:at] == ["兴县公安局反诈中心", "2022年2月4日", layout.anchor_line(sample)]
    assert "1311:9f2c4e1a7b3d5f60" in texts[at - 1]
    sign = [p for p in doc.paragraphs if p.text == "2022年2月4日"][0]
    assert sign.alignment == 2  # right


def test_docx_is_deterministic(tmp_path, docx_files, sample):
    from docx import Document

    assert circular_docx.to_docx(sample, tmp_path / "again.docx").read_bytes() == docx_files["sample"].read_bytes()
    props = Document(str(docx_files["sample"])).core_properties
    assert props.created.date().isoformat() == "2022-02-04" and props.modified == props.created  # issued_on


# --- Excel ---

@pytest.fixture(scope="module")
def xlsx_files(tmp_path_factory, sample, empty) -> dict[str, Path]:
    return _write_both(tmp_path_factory, circular_xlsx.to_xlsx, "xlsx", sample, empty)


@pytest.mark.parametrize("name", ["sample", "empty"])
def test_xlsx_sheets_headers_and_frozen_panes(xlsx_files, name, sample, empty):
    from openpyxl import load_workbook

    c = {"sample": sample, "empty": empty}[name]
    wb = load_workbook(xlsx_files[name])
    tables = layout.tables(c)
    assert wb.sheetnames == [t.sheet for _, t in tables]
    for heading, table in tables:
        ws = wb[table.sheet]
        # A title row (the circular and the table), then the header row, frozen under it.
        assert ws["A1"].value.endswith(heading) and ws["A1"].value.startswith("关于2022年第5周") and ws["A1"].font.b
        shown = table.for_rows(table.rows(c))
        assert [c.value for c in ws[3]] == [col.header for col in shown.columns]
        assert all(c.font.b for c in ws[3])
        assert ws.freeze_panes == "A4"
        assert ws.column_dimensions["A"].width >= 4
        # Thin borders round every table cell; printed landscape, one page wide, header and footer.
        for row in ws.iter_rows(min_row=3, max_row=3 + len(table.rows(c)), max_col=len(shown.columns)):
            for cell in row:
                assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$3:$3"
        assert ws.oddHeader.center.text.startswith("关于2022年第5周") and "&P" in ws.oddFooter.center.text
        assert "&N" in ws.oddFooter.center.text


def test_xlsx_cells_are_typed(xlsx_files):
    import datetime as dt

    from openpyxl import load_workbook

    wb = load_workbook(xlsx_files["sample"])
    ranking = wb["排名（科室、大队）"]
    headers = [c.value for c in ranking[3]]
    first = {h: c for h, c in zip(headers, ranking[4])}
    assert first["名次"].value == 1 and first["单位"].value == "网安大队"
    assert first["总分"].value == pytest.approx(96.5) and first["总分"].number_format == "0.00"
    cases = wb["发案情况"]
    loss = cases.cell(row=4, column=5)
    assert loss.value == pytest.approx(30000.0) and loss.data_type == "n" and loss.number_format == "0.00"
    deductions = wb["通报扣分"]
    assert deductions["A4"].is_date and deductions["A4"].value.date() == dt.date(2022, 2, 2)
    assert wb["迟报单位"]["C4"].value == dt.datetime(2022, 2, 5, 10, 0)
    assert wb["应约谈"]["E4"].value == 2


def test_xlsx_never_stores_formulas(tmp_path, sample):
    from openpyxl import load_workbook

    c = copy.deepcopy(sample)
    c["missing_reports"][0]["department"] = "=1+1"
    c["commendation_candidates"][0]["reasons"] = ["@SUM(A1)", "+1"]
    path = circular_xlsx.to_xlsx(c, tmp_path / "f.xlsx")
    wb = load_workbook(path)
    assert wb["未报单位"]["A4"].value == "=1+1" and wb["未报单位"]["A4"].data_type == "s"
    for ws in wb:
        for row in ws.iter_rows():
            assert not any(cell.data_type == "f" for cell in row)
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_xlsx_wrapped_cells_get_rows_tall_enough(tmp_path, sample):
    from openpyxl import load_workbook

    c = copy.deepcopy(sample)
    c["deductions"][0]["reason"] = "受害人称未收到面对面宣传，经核实宣传未到位" * 4  # far wider than the column
    wb = load_workbook(circular_xlsx.to_xlsx(c, tmp_path / "tall.xlsx"))
    ws = wb["通报扣分"]
    reason = [cell for cell in ws[3] if cell.value == "扣分原因"][0]
    assert ws.cell(row=4, column=reason.column).alignment.wrap_text
    width = ws.column_dimensions[reason.column_letter].width
    lines = layout.text_width(c["deductions"][0]["reason"]) / width
    assert ws.row_dimensions[4].height >= 15 * lines  # every wrapped line has its height
    assert ws.row_dimensions[5].height is None or ws.row_dimensions[5].height < ws.row_dimensions[4].height


def test_xlsx_empty_sheets_say_none(xlsx_files):
    from openpyxl import load_workbook

    wb = load_workbook(xlsx_files["empty"])
    assert wb["通报扣分"]["A4"].value == layout.NONE_TEXT


def test_xlsx_is_deterministic(tmp_path, xlsx_files, sample):
    assert circular_xlsx.to_xlsx(sample, tmp_path / "again.xlsx").read_bytes() == xlsx_files["sample"].read_bytes()


# --- HTML ---

EXTERNAL = [
    re.compile(r"""\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"<script\b", re.I),
    re.compile(r"<link\b", re.I),
]


def test_html_is_self_contained(circular):
    page = circular_html.to_html(circular)
    for pattern in EXTERNAL:
        assert not pattern.search(page), pattern.pattern
    # The only http(s) addresses left are the SVG namespace names, which are never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", page)) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "<!--" not in page


def test_html_has_charts_and_chinese_text(sample):
    page = circular_html.to_html(sample)
    # The weekly trend as two SVG charts (cases in 起, losses in 万元: one quantity per axis);
    # rankings and cases by type as HTML bars, whose labels wrap like text.
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 2 and "发案（起）" in svgs[0] and "损失（万元）" in svgs[1]
    assert page.count('<div class="bars">') == 3
    assert "@page" in page and "A4" in page
    for name in department_names(sample):
        assert f">{name}<" in page  # as table text and as chart text, not as paths
    bars = re.findall(r'<div class="bars">.*?</div>', page, re.S)
    assert any("网安大队" in b for b in bars) and any("网络贷款诈骗" in b for b in bars)
    for title in section_titles():
        assert title in page
    assert page == circular_html.to_html(copy.deepcopy(sample))


def test_html_escapes_text(sample):
    c = copy.deepcopy(sample)
    c["missing_reports"][0]["department"] = "<b>信访科</b>"
    page = circular_html.to_html(c)
    assert "&lt;b&gt;信访科&lt;/b&gt;" in page and "<b>信访科" not in page


def test_html_empty_week_has_no_charts(empty):
    page = circular_html.to_html(empty)
    assert "<svg" not in page and f"<p>{layout.NONE_TEXT}</p>" in page


# --- start-up cost ---

def test_renderer_modules_import_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys; import fanzha_cli.render.circular_text, fanzha_cli.render.circular_docx, "
            "fanzha_cli.render.circular_xlsx, fanzha_cli.render.circular_html; "
            "print(sorted(m for m in ('rich', 'docx', 'openpyxl', 'pygal') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
