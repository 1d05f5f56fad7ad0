"""Hostile and broken input: the plan loader, the CSV/Excel importer and every command's
options, given random bytes, wrong encodings, huge and damaged files, zip bombs, formulas,
SQL and control characters. Never a traceback: a Chinese message, exit 1, ledger unchanged.

Property tests run a few dozen examples in CI (the same ones every run); FANZHA_FUZZ=long
runs twenty times as many, with fresh seeds (see RELIABILITY.md).
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from fanzha_cli import tabular

from .casework import GRID, scene_template  # noqa: F401 (fixture)
from .conftest import PLAN, snapshot
from .reliawork import assert_clean, examples, fresh_copy, record, write_report_csv
from .reportwork import W05, seeded  # noqa: F401 (fixture)

TRIED: dict[str, int] = {}


def tried(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def figures(request):
    failed = request.session.testsfailed
    yield
    if TRIED:
        record("fuzz", inputs_tried=sum(TRIED.values()), by_property=dict(sorted(TRIED.items())),
               failures=request.session.testsfailed - failed)


# --- what hostile text looks like -------------------------------------------------------------

NASTY = [
    "'; DROP TABLE entries; --", "\" OR 1=1 --", "Robert'); DELETE FROM cases;--", "%s%s%n", "{0}{1}",
    "\x1b[2J\x1b[31m红\x1b[0m", "\x1b]0;标题被改\x07", "[/]", "[bold]粗[/bold]", "[link=http://x]点[/link]",
    ":cn:", "=1+1", "=HYPERLINK(\"http://evil\",\"点我\")", "@SUM(1)", "+1", "-1", "１２３", "Ⅻ", "9" * 40,
    "-0", "1e9", "0x10", "NaN", "inf", "", " ", "\t", "\u202e反转\u202c", "\ufeff宣传科", "宣传科\u200b",
    "𠀀𠀁", "😀", "第一行\r\n第二行", "../../etc/passwd", "2022-02-30", "2022-W53", "2022-W00", "9999-12-31",
    "0001-01-01", "2022/2/4 17:30", "2022年2月4日", "current", "last", "99999999999999999999",
]
ARGV_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=24),
)
CELL_TEXT = st.one_of(st.sampled_from(NASTY + ["a\x00b", "\x00"]),
                      st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))


def _unchanged_unless_ok(cli, db_path, args, allowed=(0, 1)):
    before = snapshot(db_path)
    result = cli(*args)
    assert_clean(result, allowed)
    if result.exit_code != 0:
        assert snapshot(db_path) == before, f"a failed command changed the ledger: {args}"
    return result


# --- the plan loader ----------------------------------------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | CELL_TEXT | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(CELL_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=examples(25))
@given(raw=st.binary(max_size=3000))
@example(raw=b"\xff\xfe\x00\x00")
@example(raw="键: [".encode("gbk"))
@example(raw=b"a: &a [1,1,1]\nb: [*a,*a]\n")
@example(raw=b"x: 2022-13-45\n")
@example(raw=b"[" * 3000)
def test_plan_loader_survives_random_bytes(cli, tmp_path, raw):
    f = tmp_path / "plan.yaml"
    f.write_bytes(raw)
    tried("plan_bytes")
    assert_clean(cli("plan", "check", f), allowed=(1,))


@settings(max_examples=examples(20))
@given(doc=JSONISH)
def test_plan_loader_survives_random_documents(cli, tmp_path, doc):
    f = tmp_path / "plan.yaml"
    try:
        f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    except (yaml.YAMLError, UnicodeEncodeError):
        assume(False)
    tried("plan_documents")
    assert_clean(cli("plan", "check", f), allowed=(1,))


_REAL_PLAN = yaml.safe_load(PLAN.read_text(encoding="utf-8"))


def _paths(node, here=()):
    yield here
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, here + (i,))


_PLAN_PATHS = [p for p in _paths(_REAL_PLAN) if p]


@settings(max_examples=examples(12))
@given(where=st.sampled_from(_PLAN_PATHS), value=JSONISH | st.just("__delete__"))
@example(where=("stations", 3, "officers", 3, "role"), value=[])  # found by the long run
@example(where=("fraud_types", 0, "group"), value={"a": 1})
@example(where=("rules", "discipline", "window"), value=[1])
def test_plan_loader_survives_mutated_plans(cli, seeded, db_path, tmp_path, where, value):  # noqa: F811
    """The real plan with one value anywhere replaced by anything (or removed): loading it for
    real, as a dry run, is a clean result or a clean refusal, and never writes."""
    import copy

    fresh_copy(seeded, db_path)
    doc = copy.deepcopy(_REAL_PLAN)
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    if value == "__delete__":
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    f = tmp_path / "changed.yaml"
    f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    tried("plan_mutations")
    before = snapshot(db_path)
    assert_clean(cli("plan", "load", f, "--dry-run", "--effective", "2022-06-01", "--reason", "模糊测试"))
    assert snapshot(db_path) == before


# --- the importer ---------------------------------------------------------------------------

HEADERS = ["科所队", "周次", "对象类型", "包联对象", "宣传折页（份）", "微信群推送（天）", "宣传进度（%）",
           "已完成行业职责（填编号）", "备注", "报送时间"]
VALID = ["宣传科", W05, "单位", "宣传部", "12", "3", "50", "1", "正常", "2022-02-04 10:00"]


ROWS = st.lists(
    st.lists(st.one_of(CELL_TEXT, st.sampled_from(VALID)), min_size=0, max_size=len(HEADERS) + 2),
    max_size=6,
)


def _encode(text: str, encoding: str) -> bytes | None:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return None


@settings(max_examples=examples(20))
@given(rows=ROWS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"]),
       header=st.sampled_from(["template", "shuffled", "hostile"]), hostile_header=CELL_TEXT)
@example(rows=[["宣传科", "9999-12-31", "单位", "宣传部", "1"]], encoding="utf-8", header="template",
         hostile_header="")  # found by the long run
def test_report_import_survives_hostile_csv(cli, seeded, db_path, tmp_path, rows, encoding, header,
                                            hostile_header):  # noqa: F811
    fresh_copy(seeded, db_path)
    heads = list(HEADERS)
    if header == "shuffled":
        heads = heads[::-1]
    elif header == "hostile":
        heads[4] = hostile_header
    buffer = io.StringIO()
    csv.writer(buffer).writerows([heads, *rows])
    raw = _encode(buffer.getvalue(), encoding)
    assume(raw is not None)
    f = tmp_path / "报送.csv"
    f.write_bytes(raw)
    tried("import_csv")
    _unchanged_unless_ok(cli, db_path, ["report", "import", f])


@settings(max_examples=examples(20))
@given(raw=st.binary(max_size=4000), suffix=st.sampled_from([".csv", ".xlsx"]))
@example(raw=b"PK\x03\x04" + b"\x00" * 100, suffix=".xlsx")
@example(raw=b"\x00\x01\x02", suffix=".csv")
def test_report_import_survives_random_bytes(cli, seeded, db_path, tmp_path, raw, suffix):  # noqa: F811
    fresh_copy(seeded, db_path)
    f = tmp_path / f"报送{suffix}"
    f.write_bytes(raw)
    tried("import_bytes")
    _unchanged_unless_ok(cli, db_path, ["report", "import", f])


@pytest.fixture(scope="module")
def filled_template(seeded, tmp_path_factory) -> bytes:  # noqa: F811
    """宣传科's sheet for the week, one number typed in: a real .xlsx to damage."""
    from typer.testing import CliRunner

    from fanzha_cli.cli import app

    out = tmp_path_factory.mktemp("template") / "宣传科.xlsx"
    result = CliRunner().invoke(app, ["--db", str(seeded), "report", "template", "--dept", "宣传科", "--week", W05,
                                      "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    wb = load_workbook(out)
    wb["报送"]["F2"] = 12
    wb.save(out)
    return out.read_bytes()


@settings(max_examples=examples(10))
@given(hits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8))
def test_report_import_survives_damaged_xlsx(cli, seeded, filled_template, db_path, tmp_path, hits):  # noqa: F811
    fresh_copy(seeded, db_path)
    data = bytearray(filled_template)
    for where, value in hits:
        data[int(where * len(data))] = value
    f = tmp_path / "damaged.xlsx"
    f.write_bytes(bytes(data))
    tried("import_damaged_xlsx")
    _unchanged_unless_ok(cli, db_path, ["report", "import", f])


@settings(max_examples=examples(6))
@given(hits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=40))
def test_a_damaged_ledger_file_is_reported_never_a_crash(cli, scene_template, db_path, hits):  # noqa: F811
    """Bytes of the ledger itself overwritten (a failing disk, a bad copy): `db verify` and the
    read commands say the ledger is damaged, or read what is intact, without a traceback."""
    fresh_copy(scene_template[0], db_path)
    data = bytearray(db_path.read_bytes())
    for where, value in hits:
        data[int(where * len(data))] = value
    db_path.write_bytes(bytes(data))
    tried("damaged_ledger")
    for args in (["db", "verify"], ["case", "list", "--format", "json"], ["audit", "list"],
                 ["weekly-circular", "--week", "2022-W10", "--format", "json"]):
        assert_clean(cli(*args))


# --- encodings: read faithfully, or refused ---------------------------------------------------

COMMON_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)  # all of them are in GBK
NOTE_TEXT = st.text(st.one_of(COMMON_HAN, st.sampled_from(list("abcXYZ019，。、；：（）《》“”—…·％ "))),
                    min_size=1, max_size=40).map(str.strip).filter(bool)


@settings(max_examples=examples(15))
@given(note=NOTE_TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]))
@example(note="反电诈·护万家“宣传”周报，已完成", encoding="gbk")
def test_chinese_round_trips_in_every_encoding_excel_writes(cli, seeded, db_path, tmp_path, note, encoding):  # noqa: F811
    """A GBK file from Windows Excel (CRLF, no BOM), UTF-8 with or without BOM, UTF-16: the
    note comes back character for character, never as mojibake."""
    fresh_copy(seeded, db_path)
    f = write_report_csv(tmp_path / "报送.csv", [["宣传科", W05, "单位", "宣传部", "5", "1", note]], encoding)
    tried("encodings")
    cli.ok("report", "import", f)
    assert [r["note"] for r in cli.json("report", "list", "--week", W05)] == [note]


def test_a_file_mixing_utf8_and_gbk_is_refused_not_guessed(cli, seeded, db_path, tmp_path, unchanged):  # noqa: F811
    fresh_copy(seeded, db_path)
    f = write_report_csv(tmp_path / "拼接.csv", [["宣传科", W05, "单位", "宣传部", "5", "1", "UTF-8 的备注"]])
    f.write_bytes(f.read_bytes() + "宣传科,2022-W05,单位,融媒体中心,3,1,GBK 的备注\r\n".encode("gbk"))
    with unchanged():
        result = cli("report", "import", f)
    assert_clean(result, allowed=(1,))
    assert "编码混杂" in result.stderr


def test_excel_unicode_text_is_read(cli, seeded, db_path, tmp_path):  # noqa: F811
    """Excel's "Unicode text" (UTF-16, tab-separated) saved with a .csv name."""
    fresh_copy(seeded, db_path)
    f = tmp_path / "unicode.csv"
    lines = ["\t".join(["科所队", "周次", "对象类型", "包联对象", "宣传折页（份）", "备注"]),
             "\t".join(["宣传科", W05, "单位", "宣传部", "7", "制表符分隔"])]
    f.write_bytes("\r\n".join(lines).encode("utf-16"))
    cli.ok("report", "import", f)
    assert [(r["leaflets"], r["note"]) for r in cli.json("report", "list", "--week", W05)] == [(7, "制表符分隔")]


# --- huge files and zip bombs ------------------------------------------------------------------


def test_a_huge_csv_is_refused_before_it_is_read(cli, seeded, db_path, tmp_path, unchanged):  # noqa: F811
    fresh_copy(seeded, db_path)
    f = tmp_path / "huge.csv"
    with open(f, "wb") as fh:
        fh.truncate(tabular.MAX_CSV_BYTES + 1)  # sparse: costs no disk and no time
    started = time.monotonic()
    with unchanged():
        result = cli("report", "import", f)
    assert_clean(result, allowed=(1,))
    assert "超出一次导入的上限" in result.stderr and time.monotonic() - started < 5


def test_too_many_rows_are_refused_not_held(cli, seeded, db_path, tmp_path, unchanged, monkeypatch):  # noqa: F811
    fresh_copy(seeded, db_path)
    monkeypatch.setattr(tabular, "MAX_ROWS", 30)
    rows = [["宣传科", f"2022-W{w:02d}", "单位", "宣传部", "1", "1", ""] for w in range(1, 41)]
    f = write_report_csv(tmp_path / "many.csv", rows)
    with unchanged():
        result = cli("report", "import", f)
    assert_clean(result, allowed=(1,))
    assert "超过 30 行" in result.stderr


def _xlsx_with(tmp_path: Path, name: str, part: str, payload: bytes) -> Path:
    """A real workbook with one part replaced by `payload` (deflated)."""
    wb = Workbook()
    wb.active.append(HEADERS)
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    out = tmp_path / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, payload if info.filename == part else src.read(info))
    return out


def _declare_size(path: Path, part: str, size: int) -> None:
    """Make the zip's central directory claim `size` bytes for `part` (a lying archive)."""
    data = bytearray(path.read_bytes())
    for header in re.finditer(rb"PK\x01\x02", bytes(data)):  # central directory entries
        at = header.start()
        n = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + n] == part.encode():
            data[at + 24:at + 28] = size.to_bytes(4, "little")  # its uncompressed size
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["ratio", "declared", "parts"])
def test_zip_bombs_posing_as_xlsx_are_refused_before_inflating(cli, seeded, db_path, tmp_path, unchanged,
                                                               kind):  # noqa: F811
    fresh_copy(seeded, db_path)
    sheet = "xl/worksheets/sheet1.xml"
    if kind == "ratio":  # 64 MB of one byte, deflated to some 60 KB
        bomb = _xlsx_with(tmp_path, "炸弹.xlsx", sheet, b"<" + b" " * (64 << 20))
    elif kind == "declared":  # a small part that says it is 4 GB: never trusted, never inflated
        bomb = _xlsx_with(tmp_path, "炸弹.xlsx", "xl/sharedStrings.xml", b"<sst/>")
        _declare_size(bomb, "xl/workbook.xml", 0xFFFFFFF0)
    else:  # thousands of tiny parts
        bomb = tmp_path / "炸弹.xlsx"
        with zipfile.ZipFile(bomb, "w") as z:
            for i in range(tabular.MAX_XLSX_PARTS + 1):
                z.writestr(f"xl/p{i}.xml", b"")
    assert bomb.stat().st_size < 2 << 20
    started = time.monotonic()
    with unchanged():
        result = cli("report", "import", bomb)
    assert_clean(result, allowed=(1,))
    assert re.search("压缩炸弹|超出上限", result.stderr), result.stderr
    assert time.monotonic() - started < 5


# --- formulas: never evaluated, never exported as formulas ----------------------------------------


def _sheet(tmp_path: Path, rows: list[list], patch: tuple[bytes, bytes] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    out = tmp_path / "公式.xlsx"
    wb.save(out)
    if patch:
        with zipfile.ZipFile(out) as z:
            parts = {i.filename: z.read(i) for i in z.infolist()}
        sheet = parts["xl/worksheets/sheet1.xml"]
        assert patch[0] in sheet
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(*patch)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
    return out


def test_a_formula_without_a_saved_result_is_refused(cli, seeded, db_path, tmp_path, unchanged):  # noqa: F811
    fresh_copy(seeded, db_path)
    f = _sheet(tmp_path, [["宣传科", W05, "单位", "宣传部", "=10*10", None, None, None, "公式", None]])
    with unchanged():
        result = cli("report", "import", f)
    assert_clean(result, allowed=(1,))
    assert "第 2 行 E 列是公式" in result.stderr and "不计算公式" in result.stderr


def test_a_formula_is_read_as_its_saved_result_never_evaluated(cli, seeded, db_path, tmp_path):  # noqa: F811
    """Excel saved 7 as the result of =10*10 (say, before a cell it used changed): fanzha takes
    what the clerk saw, 7, and never computes anything itself."""
    fresh_copy(seeded, db_path)
    f = _sheet(tmp_path, [["宣传科", W05, "单位", "宣传部", "=10*10", None, None, None, "公式", None]],
               patch=(b"<f>10*10</f><v></v>", b"<f>10*10</f><v>7</v>"))
    cli.ok("report", "import", f)
    assert [r["leaflets"] for r in cli.json("report", "list", "--week", W05)] == [7]


FORMULAS = ["=HYPERLINK(\"http://evil\",\"点我\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "=1+1"]


def test_formula_text_is_stored_verbatim_and_never_exported_as_a_formula(cli, seeded, db_path, tmp_path):  # noqa: F811
    fresh_copy(seeded, db_path)
    rows = [["宣传科", f"2022-W{5 + i:02d}", "单位", "宣传部", "1", "1", text] for i, text in enumerate(FORMULAS)]
    cli.ok("report", "import", write_report_csv(tmp_path / "in.csv", rows))
    stored = [r[0] for r in _query(db_path, "SELECT note FROM report_lines ORDER BY line_id")]
    assert stored == FORMULAS
    for i, text in enumerate(FORMULAS):
        out = cli.ok("report", "list", "--week", f"2022-W{5 + i:02d}", "--format", "csv").stdout
        header, row = list(csv.reader(io.StringIO(out)))
        assert row[header.index("备注")] == "'" + text  # the apostrophe: Excel keeps it text
        again = tmp_path / f"again{i}.csv"
        again.write_text(out, encoding="utf-8")
        result = cli.ok("report", "import", again)  # the export imports back unchanged
        assert "相同，跳过" in result.stderr


def test_plan_names_that_look_like_formulas_stay_text_in_every_sheet(cli, tmp_path):
    name = "=HYPERLINK(\"http://evil\",\"点我\")"
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.read_text(encoding="utf-8").replace("      - 文联\n", f"      - '{name}'\n", 1),
                    encoding="utf-8")
    cli.ok("plan", "load", plan)
    out = tmp_path / "template.xlsx"
    cli.ok("report", "template", "--dept", "宣传科", "--week", W05, "-o", out)
    cells = [c for row in load_workbook(out)["报送"].iter_rows() for c in row if c.value == name]
    assert cells and all(c.data_type == "s" for c in cells)
    cli.ok("report", "add", "--dept", "宣传科", "--week", W05, "--unit", name, "--leaflets", "3",
           "--submitted-at", "2022-02-04 10:00")
    export = tmp_path / "export"
    cli.ok("export", "--week", W05, "--out", export, "--formats", "xlsx,csv")
    book = load_workbook(export / W05 / f"每周通报-{W05}.xlsx")
    found = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert found and all(c.data_type == "s" for c in found)
    with open(export / W05 / f"每周通报-{W05}.csv", encoding="utf-8-sig") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert "'" + name in cells
    assert not [c for c in cells if c.startswith(tabular.FORMULA_START) and not re.fullmatch(r"[+-][\d.,%]+", c)]


# --- SQL and control characters: stored verbatim, shown safely -------------------------------------


def _query(db_path: Path, sql: str):
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_sql_and_control_characters_are_stored_verbatim_and_rendered_inert(cli, seeded, db_path, tmp_path):  # noqa: F811
    fresh_copy(seeded, db_path)
    case_no = "X'); DROP TABLE cases; --"
    note = "[/]\x1b[2J\x1b]0;标题\x07[bold]粗[/bold] :cn: \u202e反"
    cli.ok("case", "add", "--case-no", case_no, "--date", "2022-03-01", "--type", "online_loan", "--grid", GRID,
           "--note", note, "--victim", "张[/]三")
    cli.ok("report", "add", "--dept", "宣传科", "--week", W05, "--unit", "宣传部", "--note", note,
           "--submitted-at", "2022-02-04 10:00")
    cli.ok("report", "amend", "1", "--leaflets", "2", "--reason", note)
    # The note verbatim; the case number as normalised (letters upper case, issue 12).
    assert _query(db_path, "SELECT case_no, note FROM cases") == [(case_no.upper(), note)]
    assert _query(db_path, "SELECT DISTINCT note FROM report_lines") == [(note,)]
    assert cli.json("case", "list", "--show-pii")[0]["note"] == note  # JSON: exact, escaped by JSON
    for args in (["case", "list"], ["case", "list", "--show-pii"], ["report", "history", "1"],
                 ["report", "list", "--week", W05], ["audit", "list"]):
        result = cli.ok(*args)
        shown = result.stdout + result.stderr
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown, args
    assert "\\x1b" in cli.ok("case", "list").stdout  # shown as an escape, not obeyed
    result = cli("case", "add", "--case-no", case_no, "--date", "2022-03-01", "--type", "online_loan",
                 "--grid", GRID)
    assert result.exit_code == 1 and "\x1b" not in result.stderr and "已登记" in result.stderr


# --- every command's options --------------------------------------------------------------------

REAL = {
    "dept": ["宣传科", "蔚汾派出所", "网安大队"], "unit": ["宣传部", "财政局"], "grid": [GRID],
    "week": [W05, "2022-W10", "current", "last"], "date": ["2022-03-01", "2022-12-01"],
    "num": ["0", "1", "12000.50", "3"], "case": ["G1", "G2", "U1"], "officer": ["140101", "FJ0101"],
    "type": ["online_loan", "网络贷款诈骗"], "fmt": ["table", "json", "csv"], "id": ["1", "2", "7"],
}


def _v(kind: str):
    return st.one_of(st.sampled_from(REAL[kind]), ARGV_TEXT)


COMMANDS = {
    "report add": lambda: st.tuples(_v("dept"), _v("week"), _v("unit"), _v("num"), _v("num"), ARGV_TEXT, _v("date")).map(
        lambda v: ["report", "add", "--dept", v[0], "--week", v[1], "--unit", v[2], "--leaflets", v[3],
                   "--progress", v[4], "--note", v[5], "--submitted-at", v[6]]),
    "report amend": lambda: st.tuples(_v("id"), _v("num"), ARGV_TEXT).map(
        lambda v: ["report", "amend", v[0], "--leaflets", v[1], "--reason", v[2]]),
    "report void": lambda: st.tuples(_v("id"), ARGV_TEXT).map(lambda v: ["report", "void", v[0], "--reason", v[1]]),
    "report read": lambda: st.tuples(st.sampled_from(["list", "missing"]), _v("week"), _v("fmt")).map(
        lambda v: ["report", v[0], "--week", v[1], "--format", v[2]]),
    "report history": lambda: _v("id").map(lambda v: ["report", "history", v]),
    "case add": lambda: st.tuples(ARGV_TEXT, _v("date"), _v("type"), _v("grid"), _v("num"), ARGV_TEXT, ARGV_TEXT,
                                  ARGV_TEXT).map(
        lambda v: ["case", "add", "--case-no", v[0], "--date", v[1], "--type", v[2], "--grid", v[3], "--loss", v[4],
                   "--victim", v[5], "--phone", v[6], "--id-number", v[7]]),
    "case list": lambda: st.tuples(_v("date"), _v("date"), _v("type"), _v("fmt")).map(
        lambda v: ["case", "list", "--from", v[0], "--to", v[1], "--type", v[2], "--format", v[3]]),
    "audit record": lambda: st.tuples(_v("case"), _v("date"), st.sampled_from(["yes", "no", "是", "否"]) | ARGV_TEXT,
                                      _v("officer")).map(
        lambda v: ["audit", "record", "--case", v[0], "--date", v[1], "--publicity-received", v[2],
                   "--officer", v[3], "--verified-negligent"]),
    "audit verify": lambda: st.tuples(_v("id"), ARGV_TEXT, _v("officer")).map(
        lambda v: ["audit", "verify", v[0], "--negligent", "--note", v[1], "--officer", v[2]]),
    "audit revoke": lambda: st.tuples(_v("id"), ARGV_TEXT).map(lambda v: ["audit", "revoke", v[0], "--reason", v[1]]),
    "audit list": lambda: st.tuples(ARGV_TEXT, _v("fmt")).map(lambda v: ["audit", "list", "--status", v[0], "--format", v[1]]),
    "discipline record": lambda: st.tuples(_v("officer"), st.sampled_from(["talk", "约谈"]) | ARGV_TEXT, _v("date"),
                                           ARGV_TEXT).map(
        lambda v: ["discipline", "record", "--officer", v[0], "--step", v[1], "--date", v[2], "--note", v[3]]),
    "discipline explain": lambda: st.tuples(_v("dept"), _v("fmt")).map(
        lambda v: ["discipline", "explain", "--dept", v[0], "--format", v[1]]),
    "dissuasion add": lambda: st.tuples(_v("officer"), _v("date"), _v("num"), ARGV_TEXT).map(
        lambda v: ["dissuasion", "add", "--officer", v[0], "--date", v[1], "--amount-saved", v[2], "--case-no", v[3]]),
    "zero-case": lambda: st.tuples(_v("date"), _v("date")).map(lambda v: ["zero-case", "--from", v[0], "--to", v[1]]),
    "rank": lambda: st.tuples(_v("week"), _v("dept")).map(lambda v: ["rank", "--week", v[0], "--explain", v[1]]),
    "weekly-circular": lambda: st.tuples(_v("week"), st.sampled_from(["json", "md", "csv", "table"])).map(
        lambda v: ["weekly-circular", "--week", v[0], "--format", v[1]]),
    "export": lambda: st.tuples(_v("week"), ARGV_TEXT).map(
        lambda v: ["export", "--week", v[0], "--out", "导出", "--formats", v[1] or "json"]),
    "plan show": lambda: st.tuples(_v("dept"), _v("date")).map(lambda v: ["plan", "show", "--dept", v[0], "--on", v[1]]),
    "commend": lambda: _v("date").map(lambda v: ["commend", "candidates", "--from", v]),
}


@settings(max_examples=examples(60))
@given(data=st.data(), name=st.sampled_from(sorted(COMMANDS)))
def test_every_command_survives_hostile_options(cli, scene_template, db_path, data, name):  # noqa: F811
    """Any value in any option: the command does its work, or says in Chinese why not (exit 1,
    ledger untouched), or is a usage error (exit 2) — never an internal error or a traceback."""
    fresh_copy(scene_template[0], db_path)
    args = data.draw(COMMANDS[name](), label="argv")
    tried("command_options")
    _unchanged_unless_ok(cli, db_path, args, allowed=(0, 1, 2))


FOUND_BY_LONG_RUNS = [
    # a record number beyond SQLite's 64 bits; a digit that int() refuses
    (["report", "history", "9" * 20], "没有编号为"), (["report", "void", "9" * 20, "--reason", "x"], "没有编号为"),
    (["audit", "revoke", "9" * 20, "--reason", "x"], "没有编号为"),
    (["audit", "verify", "²", "--negligent", "--note", "x"], "应为数字"),
    # a week whose Sunday (or the weeks of its trend) falls off the calendar
    (["weekly-circular", "--week", "9999-12-31", "--format", "json"], "不在 1970 年至 2999 年之间"),
    (["report", "list", "--week", "0001-01-01"], "不在 1970 年至 2999 年之间"),
]


@pytest.mark.parametrize("args, says", FOUND_BY_LONG_RUNS)
def test_what_the_long_runs_found_stays_fixed(cli, seeded, db_path, args, says):  # noqa: F811
    fresh_copy(seeded, db_path)
    result = _unchanged_unless_ok(cli, db_path, args)
    assert result.exit_code == 1 and says in result.stderr, result.stderr


# --- an unexpected internal error ----------------------------------------------------------------


def test_an_internal_error_is_short_logged_privately_and_masks_victims(cli, seeded, db_path, monkeypatch):  # noqa: F811
    from fanzha_cli import cases

    fresh_copy(seeded, db_path)

    def boom(*args, **kwargs):
        raise RuntimeError("模拟的程序错误")

    monkeypatch.setattr(cases, "add_case", boom)
    monkeypatch.setattr("sys.argv", ["fanzha", "case", "add", "--case-no", "A1", "--victim", "王小明",
                                     "--phone", "13912345678", "--id-number=140123199001011234"])
    before = snapshot(db_path)
    result = cli("case", "add", "--case-no", "A1", "--date", "2022-03-01", "--type", "online_loan",
                 "--grid", GRID, "--victim", "王小明", "--phone", "13912345678")
    assert result.exit_code == 1 and snapshot(db_path) == before
    assert "内部错误" in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    log = Path(result.stderr.split("详细信息已写入 ")[1].split("，")[0])
    text = log.read_text(encoding="utf-8")
    assert "RuntimeError: 模拟的程序错误" in text and "Traceback" in text
    assert "王小明" not in text and "13912345678" not in text and "140123199001011234" not in text
    assert "王*明" in text and "139****5678" in text
    assert log.stat().st_mode & 0o077 == 0 and log.parent.stat().st_mode & 0o077 == 0
