"""`report import` checks a sheet's rows as a set (reports/sheet_set.py, issue 15): the rows it
accepts, and the files it refuses with which messages in which order, are exactly those of
the import as it was, every row through the row validator against the whole plan index.

The reference below is that import (commit fe4746f), kept here only as a reference: it uses
the row validator (`sheet._check_row`, unchanged) and the old loop word for word. Sheets are
generated with planted bad rows (unknown department, unit or grid not paired, negative or
non-integer counts, bad times, duplicates, late lines, a re-pairing in force on the date,
aliases, blank rows, lines already recorded, amended or voided), and both imports must give
the same answer.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fanzha_cli import ledger, plan_store, queries, reports, weeks
from fanzha_cli.cli import app
from fanzha_cli.reports import sheet as S
from fanzha_cli.reports import sheet_set
from fanzha_cli.reports.cells import CONTENT_FIELDS, COL_TARGET, SHEET_COLUMNS
from fanzha_cli.reports.week_plan import WeekPlans
from fanzha_cli.reports.write import _row, target_label
from fanzha_cli.settings import Settings

from .casework import plan_variant
from .conftest import PLAN, snapshot

W05, W06 = "2022-W05", "2022-W06"
NOW = dt.datetime(2022, 3, 1, 12, 0)
COLUMNS = [c for c in SHEET_COLUMNS if c not in ("网格员", "行业职责清单")]
MEASURE_COLUMNS = COLUMNS[4:14]


# --- the import as it was ---------------------------------------------------------------------------


def reference_import(led, paths, *, submitted_at=None, now=NOW) -> S.ImportResult:
    """`import_files(dry_run=True)` of commit fe4746f: each row through `_check_row` against
    the whole plan (WeekPlans without point look-ups), then duplicates and recorded lines."""
    default_submitted = weeks.parse_datetime(submitted_at, "--submitted-at") if submitted_at else None
    result = S.ImportResult(files=[str(p) for p in paths], dry_run=True)
    problems: list[S.ImportProblem] = []
    progress = S.Progress()
    sheets = [s for s in (S._read_sheet(p, problems, progress) for p in paths) if s is not None]
    result.rows = sum(len(s.rows) for s in sheets)
    with led.write():
        plans = WeekPlans(led, now.date())
        stamp = functools.lru_cache(maxsize=None)(weeks.stamp)
        existing: dict = {}
        seen: dict = {}
        new_rows: list = []
        for sheet in sheets:
            source = S._source(sheet.rows[0]) if sheet.rows else ""
            for row in sheet.rows:
                checked = S._check_row(row, sheet.fields, plans, now, default_submitted)
                if isinstance(checked, list):
                    problems += checked
                    continue
                if checked is None:
                    result.blank += 1
                    continue
                ident, content, submitted, plan = checked
                key = (ident["dept"], ident["week"], ident["target_kind"], ident["target"])
                if key in seen:
                    problems.append(S.ImportProblem(row.file, row.sheet, row.number, COL_TARGET,
                                                    f"与 {seen[key]}重复（同一科所队、周次、对象只能报送一次）"))
                    continue
                seen[key] = f"{source} 第 {row.number} 行"
                if ident["week"] not in existing:
                    existing[ident["week"]] = S._recorded(led, ident["week"])
                old, earlier = existing[ident["week"]].get(key, (None, set()))
                figures = tuple(content[k] for k in CONTENT_FIELDS)
                if old is not None and figures in S._as_listed(tuple(old[k] for k in CONTENT_FIELDS)):
                    result.unchanged += 1
                    continue
                if figures in earlier:
                    result.superseded += 1
                    continue
                if old is not None:
                    diff = [k for k in CONTENT_FIELDS if old[k] != content[k]]
                    k = diff[0]
                    problems.append(S.ImportProblem(
                        row.file, row.sheet, row.number, S._header_in(sheet.fields, k),
                        f"{ident['dept']} {ident['week']} “{target_label(ident['target_kind'], ident['target'])}”"
                        f"已登记为第 {old['line_id']} 条，{S._what(k)}已登记为 {S._shown(old, k)}，表中为 {S._shown(content, k)}"
                        f"{'（另有 ' + str(len(diff) - 1) + ' 项不同）' if len(diff) > 1 else ''}；导入不覆盖已登记的报送",
                    ))
                    continue
                new_rows.append(_row(0, 1, "add", ident, content, stamp(submitted),
                                     stamp(plan.deadline), plan.is_late(submitted), source, row.number))
        if problems:
            raise S.ImportRejected(problems)
        first = led.query(queries.REPORT_MAX_LINE_ID)[0]["n"] + 1
        for i, r in enumerate(new_rows):
            r["line_id"] = first + i
        result.new_lines = new_rows
    return result


def outcome(run) -> tuple:
    """What an import answers: the refusal word for word, or every new line and each count."""
    try:
        r = run()
    except S.ImportRejected as exc:
        return ("refused", exc.message, exc.hint)
    return ("accepted", r.rows, r.new_lines, r.unchanged, r.superseded, r.blank)


# --- the ledger: the shipped plan, a re-pairing from W06, a few lines recorded ----------------------


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    folder = tmp_path_factory.mktemp("importset")
    path = folder / "ledger.db"
    run = CliRunner()

    def ok(*args):
        result = run.invoke(app, ["--db", str(path), *map(str, args)])
        assert result.exit_code == 0, result.stderr
        return result

    ok("plan", "load", PLAN)
    moved = plan_variant(folder, "moved.yaml", {
        "      - 文联\n": "",  # 宣传科 -> 办公室 from W06
        "      - 公积金中心\n": "      - 公积金中心\n      - 文联\n",
        "      - 晋绥边区革命纪念馆\n": "",  # ended from W06
        # a grid moves from 蔚汾派出所 to 魏家滩派出所 from W06
        '      - name: 蔚汾镇城内社区网格\n        worker: 郝海燕\n        officers: ["140102", "FJ0103"]\n': "",
        '      - name: 魏家滩镇魏家滩村网格\n': ('      - name: 蔚汾镇城内社区网格\n        worker: 郝海燕\n'
                                          '        officers: ["140201", "FJ0201"]\n      - name: 魏家滩镇魏家滩村网格\n'),
    })
    ok("plan", "load", moved, "--effective", "2022-02-07", "--reason", "调整包联")
    recorded = folder / "recorded.csv"
    write_sheet(recorded, [
        row("宣传科", W05, "单位", "宣传部", counts={"宣传折页（份）": "5"}, submitted="2022-02-04 10:00"),
        row("宣传科", W05, "单位", "融媒体中心", counts={"宣传折页（份）": "8"}, submitted="2022-02-04 10:00"),
        row("办公室", W05, "单位", "县委办", counts={"告知书（份）": "3"}, note="联系人 13800138000",
            submitted="2022-02-04 10:00"),
    ])
    ok("report", "import", recorded)
    ok("report", "amend", "1", "--leaflets", "50", "--reason", "少填一个 0")
    ok("report", "void", "2", "--reason", "未开展")
    return path


@pytest.fixture
def led(scene, tmp_path):
    path = tmp_path / "ledger.db"
    shutil.copyfile(scene, path)
    opened = ledger.open_ledger(Settings(path, "测试员"))
    yield opened
    opened.close()


def row(dept, week, kind, target, *, counts=None, progress="", duties="", note="", submitted=""):
    out = dict.fromkeys(COLUMNS, "")
    out.update({"科所队": dept, "周次": week, "对象类型": kind, "包联对象": target, "宣传进度（%）": progress,
                "已完成行业职责（填编号）": duties, "备注": note, "报送时间": submitted})
    out.update(counts or {})
    return out


def write_sheet(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        w.writerows([[r[c] for c in COLUMNS] for r in rows])
    return path


# --- generated sheets -----------------------------------------------------------------------------

# Targets as the plan has them (W05; from W06 文联 is 办公室's, 晋绥边区革命纪念馆 is gone, and
# 蔚汾镇城内社区网格 is 魏家滩派出所's), with a few that are wrong on purpose.
TARGETS = [
    ("宣传科", "单位", "宣传部"), ("宣传科", "单位", "融媒体中心"), ("宣传科", "单位", "文联"),
    ("宣传科", "单位", "晋绥边区革命纪念馆"), ("办公室", "单位", "文联"), ("办公室", "单位", "县委办"),
    ("办公室", "单位", "行政审批服务管理局"), ("办公室", "单位", "政务信息管理局"),  # its alias
    ("办公室", "单位", "财政局"), ("宣传科", "单位", "财政局"),  # not 宣传科's
    ("蔚汾派出所", "网格", "蔚汾镇东关社区网格"), ("蔚汾派出所", "网格", "蔚汾镇城内社区网格"),
    ("魏家滩派出所", "网格", "蔚汾镇城内社区网格"), ("魏家滩派出所", "网格", "魏家滩镇阳坡村网格"),
    ("蔚汾派出所", "单位", "蔚汾镇党政机关"), ("蔚汾派出所", "网格", "魏家滩镇阳坡村网格"),  # another station's
    ("宣传科", "网格", "蔚汾镇东关社区网格"),  # not a station
    ("宣传科", "本人", ""), ("蔚汾派出所", "本人亲友", "民辅警本人（亲属、朋友、居住小区）"),
    ("宣传课", "单位", "宣传部"), ("宣传科", "单位", "不存在的单位"), ("蔚汾派出所", "网格", "不存在的网格"),
    ("宣传科", "", "宣传部"), ("蔚汾派出所", "", "蔚汾镇东关社区网格"), ("宣传科", "", ""),
    ("宣传科", "unit", "宣传部"), ("宣传科", "UNIT", "融媒体中心"), ("宣传科", "单元", "宣传部"),
    ("宣传科", "单位", ""), ("", "单位", "宣传部"), (" 宣传科 ", "单位", " 宣传部 "),
]
WEEKS = [W05, W05, W06, W06, "2022-W5", "2022-W99", "", "2022-W20", "2021-W50"]
COUNTS = ["", "", "0", "3", "12", "120", "1,200", "-3", "-0", "2.0", "abc", "８", "8", "999999999", " 7"]
PROGRESS = ["", "", "85", "100", "007", "85%", "101", "-1", "x", "0"]
DUTIES = ["", "", "", "1", "1、2", "2；1", "3", "开设法制宣传专栏", "宣传", "无关"]
NOTES = ["", "", "", "已完成", "电话 13900139000"]
TIMES = ["", "", "2022-02-04 12:00", "2022-02-04 18:00:01", "2022-02-10 09:00", "2022-01-01 08:00",
         "2031-01-01 00:00", "明天", "2022-02-11 09:00"]


GOOD = {  # what a clerk usually types; the lists above add what goes wrong
    "targets": TARGETS[:2] + TARGETS[5:7] + TARGETS[8:9] + TARGETS[10:11] + TARGETS[13:14] + TARGETS[17:19],
    "weeks": [W05, W06], "counts": ["", "0", "3", "7"], "progress": ["", "85", "100"],
    "duties": [""], "notes": ["", "已完成"], "times": ["", "2022-02-10 09:00"],
}


@st.composite
def sheets(draw):
    """A sheet of 1 to 14 rows: most rows as a clerk usually fills them in (GOOD), some with
    mistakes planted (any value of the lists above), now and then a row repeating another."""
    planted = False

    def pick(name, anything):
        return draw(st.sampled_from(anything if planted and draw(st.booleans()) else GOOD[name]))

    # Right rows name each target once a week (a duplicate is a mistake planted on purpose).
    fresh = iter(draw(st.permutations([(t, w) for t in GOOD["targets"] for w in GOOD["weeks"]])))
    rows = []
    for _ in range(draw(st.integers(1, 14))):
        if rows and draw(st.integers(0, 14)) == 0:
            rows.append(dict(draw(st.sampled_from(rows))))  # a row twice
            continue
        planted = draw(st.integers(0, 8)) == 0
        (dept, kind, target), week = next(fresh)
        if planted and draw(st.booleans()):
            dept, kind, target = draw(st.sampled_from(TARGETS))
        if planted and draw(st.booleans()):
            week = draw(st.sampled_from(WEEKS))
        filled = draw(st.sampled_from([0, 1, 1, 2, 3, 10]))
        counts = {c: pick("counts", COUNTS) for c in draw(st.permutations(MEASURE_COLUMNS))[:filled]}
        rows.append(row(dept, week, kind, target, counts=counts,
                        progress=pick("progress", PROGRESS), duties=pick("duties", DUTIES),
                        note=pick("notes", NOTES), submitted=pick("times", TIMES)))
    recorded = [  # as recorded, amended (the old figures), voided, and a changed figure
        row("宣传科", W05, "单位", "宣传部", counts={"宣传折页（份）": "5"}),
        row("宣传科", W05, "单位", "宣传部", counts={"宣传折页（份）": "50"}),
        row("宣传科", W05, "单位", "融媒体中心", counts={"宣传折页（份）": "8"}),
        row("办公室", W05, "单位", "县委办", counts={"告知书（份）": "3"}, note="联系人 138****8000"),
        row("办公室", W05, "单位", "县委办", counts={"告知书（份）": "4"}),
    ]
    if draw(st.integers(0, 2)) == 0:
        rows.insert(draw(st.integers(0, len(rows))), dict(draw(st.sampled_from(recorded))))
    return rows


SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(rows=sheets(), submitted_at=st.sampled_from([None, None, "2022-02-05 09:00"]))
def test_the_set_check_accepts_and_refuses_exactly_as_the_row_validator(led, tmp_path, rows, submitted_at):
    sheet = write_sheet(tmp_path / "表.csv", rows)
    new = outcome(lambda: reports.import_files(led, [sheet], dry_run=True, submitted_at=submitted_at, now=NOW))
    old = outcome(lambda: reference_import(led, [sheet], submitted_at=submitted_at))
    assert new == old
    event(old[0])


@SLOW
@given(first=sheets(), second=sheets())
def test_two_files_at_once_are_judged_as_before(led, tmp_path, first, second):
    # Duplicates across files name the first file's row; problems come file by file, row by row.
    paths = [write_sheet(tmp_path / "甲.csv", first), write_sheet(tmp_path / "乙.csv", second)]
    new = outcome(lambda: reports.import_files(led, paths, dry_run=True, now=NOW))
    old = outcome(lambda: reference_import(led, paths))
    assert new == old


def _open(path: Path):
    return contextlib.closing(ledger.open_ledger(Settings(path, "测试员")))


def catalogue() -> list[tuple[str, dict]]:
    """Each planted mistake (and each unusual but right way of writing a value) on its own row."""
    base = dict(counts={"宣传折页（份）": "3"}, submitted="2022-02-10 09:00")
    out = [(f"{d}/{k}/{t}/{w}", row(d, w, k, t, **base)) for d, k, t in TARGETS for w in (W05, W06)]
    out += [(f"周次={w}", row("宣传科", w, "单位", "宣传部", **base)) for w in WEEKS]
    for c in MEASURE_COLUMNS:
        out += [(f"{c}={v}", row("宣传科", W05, "单位", "宣传部", counts={c: v}, submitted="2022-02-10 09:00"))
                for v in COUNTS]
    for target in ("宣传部", "县委办", ""):
        kind = "本人" if not target else "单位"
        dept = "办公室" if target == "县委办" else "宣传科"
        out += [(f"{target} 职责={v}", row(dept, W05, kind, target, duties=v, **base)) for v in DUTIES]
    out += [(f"进度={v}", row("宣传科", W05, "单位", "宣传部", progress=v, **base)) for v in PROGRESS]
    out += [(f"备注={v}", row("宣传科", W05, "单位", "宣传部", note=v)) for v in NOTES]
    out += [(f"时间={v}@{w}", row("宣传科", w, "单位", "宣传部", counts={"宣传折页（份）": "3"}, submitted=v))
            for v in TIMES for w in (W05, W06)]
    return out


@pytest.mark.parametrize("name_row", catalogue(), ids=lambda c: c[0])
def test_each_planted_mistake_is_judged_as_before(led, tmp_path, name_row):
    _, planted = name_row
    good = row("办公室", W05, "单位", "财政局", counts={"告知书（份）": "2"}, submitted="2022-02-04 12:00")
    for rows in ([planted], [good, planted, good]):  # the second good row: a duplicate
        sheet = write_sheet(tmp_path / "表.csv", rows)
        new = outcome(lambda: reports.import_files(led, [sheet], dry_run=True, now=NOW))
        assert new == outcome(lambda: reference_import(led, [sheet]))


def good_rows(path: Path) -> list[dict]:
    """Every target of every department in W05, each with figures: a sheet with nothing wrong
    (some lines late, some with duties)."""
    out = []
    with _open(path) as led:
        wp = reports.week_plan(led, weeks.resolve(W05))
        for dept in wp.index.departments:
            for kind, target in wp.targets_of(dept):
                label = {"unit": "单位", "grid": "网格", "self": "本人"}[kind]
                out.append(row(dept, W05, label, target, counts={"宣传折页（份）": "3", "微信群推送（天）": "7"},
                               progress="60", duties="1" if wp.checklist(kind, target) else "",
                               submitted="2022-02-04 12:00" if len(out) % 3 else "2022-02-05 09:00"))
    return out


@pytest.fixture
def whole(scene, tmp_path):
    recorded = {("宣传科", "宣传部"), ("办公室", "县委办")}
    rows = [r for r in good_rows(scene) if (r["科所队"], r["包联对象"]) not in recorded]
    return write_sheet(tmp_path / "全县.csv", rows), rows


def test_a_whole_county_sheet_is_accepted_as_before_and_stored_as_write_row_makes_it(led, whole):
    sheet, rows = whole
    old = reference_import(led, [sheet])
    assert len(old.new_lines) == len(rows) > 100
    assert any(r["duties"] != "[]" for r in old.new_lines) and any(r["late"] for r in old.new_lines)
    new = reports.import_files(led, [sheet], now=NOW)
    assert new.new_lines == old.new_lines
    stored = led.query("SELECT * FROM report_lines WHERE entry_id = ? ORDER BY line_id", (new.entry_id,))
    assert [{k: r[k] for k in old.new_lines[0]} for r in stored] == old.new_lines


def test_a_good_sheet_never_builds_the_whole_plan(led, whole, monkeypatch):
    sheet, _ = whole
    built = []
    real = plan_store._build_index
    monkeypatch.setattr(plan_store, "_build_index", lambda *a: built.append(a) or real(*a))
    plan_store._BUILT.clear()
    result = reports.import_files(led, [sheet], dry_run=True, now=NOW)
    assert len(result.new_lines) > 100 and built == []
    # A wrong row is judged by the row validator, against the whole plan, as before.
    bad = write_sheet(sheet.parent / "错.csv", [row("宣传课", W05, "单位", "宣传部", counts={"宣传折页（份）": "1"})])
    with pytest.raises(S.ImportRejected, match="没有名为“宣传课”的科所队"):
        reports.import_files(led, [bad], dry_run=True, now=NOW)
    assert len(built) == 1


def screened_and_checked(led, sheet: Path) -> tuple[list, list]:
    """A sheet's rows through the set check and through the row validator (as `compact` puts it)."""
    problems: list = []
    read = S._read_sheet(sheet, problems, S.Progress())
    with led.write():
        screened = sheet_set.screen(led, read.fields, read.names, read.rows, WeekPlans(led, NOW.date(), point=True),
                                    NOW, None)
        checked = [sheet_set.compact(S._check_row(r, read.fields, WeekPlans(led, NOW.date()), NOW, None))
                   for r in read.rows]
    assert problems == []
    return screened, checked


@pytest.mark.parametrize("kinds", ["written", "left empty"])
def test_every_right_row_of_a_sheet_is_settled_by_the_set_check(led, whole, kinds):
    sheet, rows = whole
    if kinds == "left empty":  # a unit or a grid, told apart by the plan
        sheet = write_sheet(sheet, [{**r, "对象类型": ""} for r in rows])
    screened, checked = screened_and_checked(led, sheet)
    assert sheet_set.ASK not in screened

    def same(c):  # the plan as the deadline it sets (one looks names up, the other is the index)
        return c[:3] + (c[3].week, c[3].deadline, c[3].checklists)

    assert [same(c) for c in screened] == [same(c) for c in checked]


def test_a_bad_file_leaves_the_ledger_unchanged_and_lists_the_same_first_problems(scene, tmp_path, monkeypatch):
    path = tmp_path / "ledger.db"
    shutil.copyfile(scene, path)
    rows = good_rows(scene)[:60]
    rows[17] = row("宣传科", W06, "单位", "文联", counts={"宣传折页（份）": "1"})  # re-paired to 办公室 from W06
    rows[40]["微信群推送（天）"] = "9"
    sheet = write_sheet(tmp_path / "县.csv", rows)
    with _open(path) as led:
        expected = outcome(lambda: reference_import(led, [sheet]))
    assert expected[0] == "refused"
    before = snapshot(path)
    result = CliRunner().invoke(app, ["--db", str(path), "report", "import", str(sheet)])
    assert result.exit_code == 1
    assert expected[1] in result.stderr
    assert "宣传科 在 2022-W06 没有包联“文联”（该单位由 办公室 包联）" in result.stderr
    assert "微信群推送按天计，一周最多 7 天，实际是 9" in result.stderr
    assert snapshot(path) == before
    with _open(path) as led:  # the set check's temporary table goes, whatever the outcome
        for sheet_ in (sheet, write_sheet(tmp_path / "好.csv", good_rows(scene)[:5])):
            outcome(lambda: reports.import_files(led, [sheet_], dry_run=True, now=NOW))
            assert led.conn.execute("SELECT name FROM sqlite_temp_master").fetchall() == []


def test_the_names_are_joined_with_the_plan_through_its_index(led):
    conn = led.conn
    conn.execute(queries.IMPORT_NAMES_CREATE)
    try:
        conn.execute(queries.IMPORT_NAMES_ADD, {"kind": "department", "keys": '["宣传科"]'})
        conn.execute(queries.IMPORT_NAMES_ADD, {"kind": "unit", "keys": '["宣传部", "无此单位"]'})
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + queries.IMPORT_NAMES_FACTS, {"on": "2022-02-01"})]
        facts = conn.execute(queries.IMPORT_NAMES_FACTS, {"on": "2022-02-01"}).fetchall()
    finally:
        conn.execute(queries.IMPORT_NAMES_DROP)
    assert any(s.startswith("SEARCH p USING") and "plan_items_identity" in s for s in plan), plan
    assert not any(s.startswith("SCAN p") for s in plan), plan
    assert sorted((k, key, parent, action, category) for k, key, parent, action, _, _, category in facts) == [
        ("department", "宣传科", "", "start", "bureau"), ("unit", "宣传部", "", "start", None)]


def test_short_rows_reference_columns_and_excel_sheets_are_read_as_before(led, tmp_path):
    from openpyxl import Workbook

    header = COLUMNS + ["序号", "网格员"]  # columns read past
    rows = [
        ["宣传科", W05, "单位", "融媒体中心", "4", "", "", "", "", "", "", "", "", "", "", "", "", "2022-02-04 12:00", "1", "某"],
        ["宣传科", W05, "单位", "文联", "2"],  # a short row: the cells it lacks are empty
        ["办公室", W05, "", "财政局", "1", "", "", "", "", "", "", "", "", "", "90"],
        ["宣传科", W05, "单位", "宣传部"],  # nothing filled in: not a report
    ]
    short = tmp_path / "短.csv"
    with open(short, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    book = tmp_path / "表.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "报送"
    for r in [header, *rows]:
        ws.append([int(c) if c.isdigit() else c for c in r])
    wb.save(book)
    for paths in ([short], [book], [short, book]):
        new = outcome(lambda: reports.import_files(led, paths, dry_run=True, now=NOW))
        assert new == outcome(lambda: reference_import(led, paths))
    assert outcome(lambda: reports.import_files(led, [book], dry_run=True, now=NOW))[2][1]["target"] == "文联"
    refused = outcome(lambda: reports.import_files(led, [short, book], dry_run=True, now=NOW))
    assert "表.xlsx［报送］ 第 2 行，“包联对象”列：与 短.csv 第 2 行重复" in refused[1]
