"""The circular as the bureau sends it out: red header, attachments, 版记, tables that hold together,
body text as a circular writes it, and the keys the issuing and plan rules add to the contract.

Every file is read back: the .docx with python-docx and its XML, the HTML as text.
"""

from __future__ import annotations

import copy
import json
import re
import zipfile
from pathlib import Path

import pytest

from fanzha_cli.render import circular_docx, circular_html, circular_text, circular_xlsx, docx_setup, docx_tables, layout
from fanzha_cli.render.values import tight, yuan_words

SAMPLE = Path(__file__).parent / "data" / "circular_sample.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def issued(sample) -> dict:
    """The sample with what the other parts of the contract add: issue date and issuer, the
    ledger anchor, corrections to an issued week, the rules note, and progress in the ranking."""
    c = copy.deepcopy(sample)
    c.update(status="issued", issued_on="2022-02-04", issuer="兴县公安局反诈中心",
             anchor={"entry_id": 812, "hash": "ab" * 32},
             corrections=[{"week": "2022-W04", "issue_no": 4, "entry_id": 790, "kind": "case_amend",
                           "what": "案件 A2022012801 的损失由 5000.00 元更正为 500.00 元", "operator": "张三",
                           "recorded_at": "2022-02-03T10:00:00+08:00", "reason": "报案人更正"}],
             rules_note=[{"text": "每周五报送宣传情况", "source": "plan", "quote": "每周五将宣传情况报县局反诈中心"},
                         {"text": "报送截止时间为18:00", "source": "local", "quote": None}])
    for i, r in enumerate(c["ranking"]):
        r["progress"] = None if r["status"] == "missing" else 80 + i
    items = c["cases"]["items"] if isinstance(c["cases"], dict) else c["cases"]
    c["cases"] = {"items": items,
                  "by_group": [{"group": "返乡外出务工人员", "code": "migrant_workers", "cases": 3, "loss": "38000.00"},
                               {"group": "未注明", "code": None, "cases": 1, "loss": "600.00"}]}
    return c


def _docx(c: dict, tmp_path: Path):
    from docx import Document

    path = circular_docx.to_docx(c, tmp_path / "c.docx")
    return path, Document(str(path))


def _xml(path: Path, member: str):
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(member))


# --- body text ---

@pytest.mark.parametrize("amount, words", [
    ("146600.00", "14.66万元"), ("150000.00", "15万元"), ("99900.00", "9.99万元"), ("10000", "1万元"),
    ("600.00", "600元"), ("7100.50", "7100.50元"), ("0", "0元"), ("123456.78", "12.35万元"), ("14600", "1.46万元"),
])
def test_amounts_in_sentences_read_in_wan_yuan(amount, words):
    assert yuan_words(amount) == words


def test_no_spaces_between_chinese_and_numbers():
    assert tight("劝阻 1 起，避免损失 29700.00 元") == "劝阻1起，避免损失29700.00元"
    assert tight("结对网格零发案（1 个）") == "结对网格零发案（1个）"
    assert tight("按时报送 8/8 周") == "按时报送8/8周"
    assert tight("使用 APP 安装 Word 和 WPS") == "使用APP安装Word和WPS"
    assert tight("Word and WPS") == "Word and WPS"  # spaces between Latin words stay


def test_body_sentences_have_no_loose_spaces_and_tables_keep_exact_yuan(sample):
    body = [layout.opening(sample)] + [s.lead(sample) for s in layout.sections(sample)]
    for text in body:
        assert not re.search(r"[\u4e00-\u9fff] +\d|\d +[\u4e00-\u9fff]", text), text
    assert "造成损失3.86万元" in layout.opening(sample)
    rows = {t.key: t for _, t in layout.tables(sample)}["cases_by_type"].rows(sample)
    assert layout.display(rows[-1]["loss"], layout.AMOUNT) == "38600.00"
    reasons = {t.key: t for _, t in layout.tables(sample)}["commendation_candidates"].rows(sample)[0]["reasons"]
    assert "劝阻2起，避免损失86000.00元" in reasons


def test_last_placed_department_carries_its_verdict_even_when_it_did_not_report(sample):
    c = copy.deepcopy(sample)
    c["summary"]["bottom"] = {"bureau": ["经侦大队"], "station": []}  # the non-reporters not named
    tables = {t.key: t for _, t in layout.tables(c)}
    for key in ("ranking_bureau", "ranking_station"):
        last = tables[key].rows(c)[-1]
        assert last["status"] == "未报" and last["verdict"] == "通报批评", key
    lead = layout.SECTIONS[1].lead(c)
    assert "经侦大队排名靠后，信访科未报送，予以通报批评" in lead and "圪垯上派出所未报送，予以通报批评" in lead


def test_cases_by_focus_group_table_reads_either_form_of_cases(issued, sample):
    table = {t.key: t for _, t in layout.tables(issued)}["cases_by_group"]
    assert [(r["group"], r["cases"]) for r in table.rows(issued)] == [("返乡外出务工人员", 3), ("未注明", 1)]
    old = copy.deepcopy(sample)
    old["cases"] = old["cases"]["items"] if isinstance(old["cases"], dict) else old["cases"]
    assert table.rows(old) == []  # an older circular: cases is a list


def test_zero_case_and_commendation_are_summarised_in_the_body(sample):
    zero = layout.SECTIONS[3].lead(sample)
    assert "零发案包联单位2个、零发案网格1个（名单见附件1）" in zero and "科室、大队1个：宣传科" in zero
    commend = layout.SECTIONS[6].lead(sample)
    assert "民辅警1名、单位1个" in commend and "蔚汾派出所王建军" in commend and "附件2" in commend
    assert not layout.SECTIONS[3].tables and not layout.SECTIONS[6].tables
    assert [a.label for a in layout.ATTACHMENTS] == ["附件1", "附件2", "附件3"]


# --- Word: the red header, attachments, 版记 ---

def test_docx_red_header(tmp_path, issued):
    _, doc = _docx(issued, tmp_path)
    mark, issue, line = doc.paragraphs[:3]
    assert mark.text == "反电诈宣传工作通报" and mark.alignment == 1
    run = mark.runs[0]
    assert str(run.font.color.rgb) == docx_setup.RED and run.font.size.pt >= 22
    assert run._element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia") == "方正小标宋简体"
    assert issue.text == "第2期" and issue.alignment == 1
    assert line.text == "兴县公安局反诈中心\t2022年2月4日"  # the issuer's full name, the issue date
    rule = line._element.pPr.find(f"{W}pBdr/{W}bottom")
    assert rule.get(f"{W}color") == docx_setup.RED and int(rule.get(f"{W}sz")) >= 12


def test_docx_preview_says_so(tmp_path, issued):
    c = copy.deepcopy(issued)
    c["status"] = "preview"
    _, doc = _docx(c, tmp_path)
    assert doc.paragraphs[1].text == "第2期（预览稿）"


def test_docx_attachments_after_the_body_and_imprint_last(tmp_path, sample):
    _, doc = _docx(sample, tmp_path)
    texts = [p.text for p in doc.paragraphs]
    note = texts.index("附件：1.零发案单位和网格名单")
    assert texts[note + 1] == "2.拟表彰对象名单"
    assert texts.index("兴县公安局反诈中心") > note  # the sign-off follows the 附件说明
    labels = [p for p in doc.paragraphs if p.text in ("附件1", "附件2")]
    assert [p.text for p in labels] == ["附件1", "附件2"]
    assert all(p.paragraph_format.page_break_before for p in labels)
    assert texts[texts.index("附件1") + 2] == "零发案单位和网格名单"
    # 版记 at the very end: 抄送, then the printing office and the date it was printed.
    tail = [t for t in texts if t][-2:]
    assert tail == ["抄送：反网络电信诈骗宣传攻坚行动领导小组。", "兴县公安局反诈中心\t2022年2月4日印发"]
    last = doc.paragraphs[-1]._element.pPr.find(f"{W}pBdr")
    assert last.find(f"{W}bottom") is not None
    # The full lists are in the attachments' tables, not in the body.
    body_end = doc.element.body.index(labels[0]._element)
    tables = [t for t in doc.tables]
    in_body = [t for t in tables if doc.element.body.index(t._element) < body_end]
    body_cells = {c.text for t in in_body for row in t.rows for c in row.cells}
    all_cells = {c.text for t in tables for row in t.rows for c in row.cells}
    assert "宣传部" not in body_cells and "宣传部" in all_cells
    assert "蔚汾镇东关社区网格" in all_cells and "王建军" in all_cells


def test_docx_corrections_rules_note_and_progress(tmp_path, issued):
    _, doc = _docx(issued, tmp_path)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[-2:] == ["八、更正与补报", "九、考核规则说明"]
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "案件A2022012801的损失由5000.00元更正为500.00元" in cells and "790" in cells
    assert {"方案规定", "本局细则（非方案原文）", "进度%", "80"} <= cells
    assert "812:abababababababab" in doc.core_properties.comments  # the ledger anchor, to check a printed copy


def test_docx_rows_never_split_and_headers_repeat(tmp_path, sample):
    path, doc = _docx(sample, tmp_path)
    assert doc.tables
    for table in doc.tables:
        rows = table._tbl.findall(f"{W}tr")
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert not any(r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows[1:])


def test_docx_deductions_table_fits_and_never_breaks_numbers_or_dates(tmp_path, sample):
    c = copy.deepcopy(sample)
    c["deductions"][0]["case_no"] = "J20220220017"
    table = {t.key: t for _, t in layout.tables(c)}["deductions"]
    rows = table.rows(c)
    size, ems = docx_tables.fit(table, rows)
    widths_mm = [e * size * 25.4 / 72 + 2 * docx_tables.CELL_MARGIN_MM for e in ems]
    assert sum(widths_mm) <= docx_setup.BLOCK_W_MM + 0.01
    by_key = dict(zip((col.key for col in table.columns), ems))
    for key in ("date", "case_no", "who", "department"):
        longest = max(docx_tables._ems(layout.display(r[key])) for r in rows)
        assert by_key[key] >= longest, key  # on one line
    assert by_key["reason"] >= docx_tables.LONG_MIN_EMS  # the reason reads in a few lines


def test_docx_fonts_have_fallbacks_and_the_text_no_auto_spacing(tmp_path, sample):
    path, _ = _docx(sample, tmp_path)
    fonts = {f.get(f"{W}name"): f for f in _xml(path, "word/fontTable.xml").iter(f"{W}font")}
    assert set(fonts) == {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"}
    assert fonts["仿宋_GB2312"].find(f"{W}altName").get(f"{W}val").split(",")[:2] == ["仿宋", "FangSong"]
    assert fonts["楷体_GB2312"].find(f"{W}altName").get(f"{W}val").startswith("楷体,KaiTi")
    assert fonts["黑体"].find(f"{W}family").get(f"{W}val") == "modern"
    assert fonts["仿宋_GB2312"].find(f"{W}family").get(f"{W}val") == "roman"
    styles = _xml(path, "word/styles.xml")
    pPr = styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
    assert pPr.find(f"{W}autoSpaceDE").get(f"{W}val") == "0" and pPr.find(f"{W}autoSpaceDN").get(f"{W}val") == "0"
    assert _xml(path, "word/settings.xml").find(f"{W}themeFontLang").get(f"{W}eastAsia") == "zh-CN"


def test_docx_of_an_old_circular_without_the_new_keys(tmp_path, sample):
    c = {k: v for k, v in sample.items() if k not in ("document", "zero_case_departments")}
    _, doc = _docx(c, tmp_path)
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[0] == "第2期" and "兴县公安局反诈中心\t2022年2月4日印发" in texts


# --- HTML ---

def test_html_red_header_attachments_and_imprint(issued):
    page = circular_html.to_html(issued)
    assert '<div class="mark">反电诈宣传工作通报</div>' in page and "第2期" in page
    assert "兴县公安局反诈中心" in page and "2022年2月4日" in page
    assert page.index("附件：1.零发案单位和网格名单") < page.index('id="attachment-1"') < page.index('id="attachment-2"')
    assert page.index('id="attachment-2"') < page.index("抄送：反网络电信诈骗宣传攻坚行动领导小组。")
    assert "2022年2月4日印发" in page and "--anchor 812:abababababababab" in page
    assert "八、更正与补报" in page and "九、考核规则说明" in page and "<td class=\"num\">80</td>" in page


def test_html_tables_scroll_in_their_own_box_never_the_page(sample):
    page = circular_html.to_html(sample)
    tables = re.findall(r"<table\b", page)
    assert len(tables) == page.count('<div class="table-box"><table')
    css = circular_html.CSS
    assert re.search(r"\.table-box \{[^}]*overflow-x: auto", css)
    assert re.search(r"td\.long \{[^}]*min-width: \d+em", css)  # free text never collapses to a sliver
    assert "@media print" in css and re.search(r"@media print \{ body \{[^}]*\} \.table-box \{ overflow: visible", css)


def test_html_charts_one_quantity_each_readable_and_no_stray_zeros(sample):
    c = copy.deepcopy(sample)
    c["summary"]["trend"][1]["cases"] = 0
    c["summary"]["trend"][1]["loss"] = "0.00"
    c["summary"]["trend"][-1]["loss"] = "146600.00"
    page = circular_html.to_html(c)
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 2
    cases, loss = svgs
    assert "发案（起）" in cases and "万元" not in cases and "损失（万元）" in loss
    drawn = r'<text[^>]*class="value[^"]*"[^>]*>([^<]*)<'  # the labels drawn (not the tooltips' <desc>)
    values = re.findall(drawn, loss)
    assert "14.66" in values and "0.00" not in values  # the whole label, and no 0 drawn for a zero bar
    first = str(c["summary"]["trend"][0]["cases"])
    assert "0" not in re.findall(drawn, cases) and first in re.findall(drawn, cases)
    # Chart text at least 12 px: drawn at CHART_PX in a CHART_W box shown at most that wide, and on
    # a 420 px phone at MIN_PHONE_W.
    assert circular_html.CHART_PX * circular_html.MIN_PHONE_W / circular_html.CHART_W >= 12
    assert f'width="{circular_html.CHART_W}"' in cases or f'viewBox="0 0 {circular_html.CHART_W}' in cases
    assert re.search(r"figure svg \{[^}]*max-width: %dpx" % circular_html.CHART_W, circular_html.CSS)
    # Rankings and cases by type as HTML bars: a zero draws no value.
    bars = re.findall(r'<div class="bars">.*?</div>', page, re.S)
    assert len(bars) == 3 and not any(re.search(r"</i>0</span>", b) for b in bars)


# --- the other formats carry the new parts too ---

def test_text_formats_and_excel_carry_attachments_corrections_and_rules(tmp_path, issued):
    from openpyxl import load_workbook

    md = circular_text.to_markdown(issued)
    assert "反电诈宣传工作通报　第2期　兴县公安局反诈中心　2022年2月4日" in md
    assert "## 附件1　零发案单位和网格名单" in md and "## 八、更正与补报" in md and "| 本局细则（非方案原文） |" in md
    csv = circular_text.to_csv(issued)
    assert "附件2　拟表彰对象名单" in csv and "九、考核规则说明" in csv
    wb = load_workbook(circular_xlsx.to_xlsx(issued, tmp_path / "c.xlsx"))
    assert {"零发案单位", "零发案网格", "拟表彰对象", "更正与补报", "考核规则说明"} <= set(wb.sheetnames)
    ranking = wb["排名（科室、大队）"]
    headers = [cell.value for cell in ranking[3]]
    assert "进度%" in headers
    assert ranking.cell(row=4, column=headers.index("进度%") + 1).value == 80


def test_docx_long_reasons_take_a_smaller_size_rather_than_many_lines(sample):
    c = copy.deepcopy(sample)
    reasons = ["劝阻1起，避免损失29700.00元", "结对网格零发案（1个）", "无通报扣分", "所在单位按时报送8/8周"]
    c["commendation_candidates"] = [dict(c["commendation_candidates"][0], reasons=reasons)] * 20
    table = {t.key: t for _, t in layout.tables(c)}["commendation_candidates"]
    rows = table.rows(c)
    size, ems = docx_tables.fit(table, rows)
    assert size < docx_tables.TABLE_SIZES[0]  # at 小四 the reasons would wrap to four lines
    long = [i for i, col in enumerate(table.columns) if col.kind == layout.LONG]
    assert docx_tables._lines(table, rows, ems, long) <= docx_tables.LONG_MAX_LINES
