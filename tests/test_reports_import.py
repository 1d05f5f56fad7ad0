"""Weekly reports from sheets: template -> fill -> import, whole-or-nothing, re-import; domain edges."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from fanzha_cli import ledger, reports
from fanzha_cli.settings import Settings

from .reportwork import W05, ready, seeded  # noqa: F401 (fixtures)

HEADERS = ["科所队", "周次", "对象类型", "包联对象", "宣传折页（份）", "微信群推送（天）", "宣传进度（%）",
           "已完成行业职责（填编号）", "备注", "报送时间"]


def template(cli, tmp_path, dept="网安大队", week=W05):
    out = tmp_path / f"{dept}.xlsx"
    cli.ok("report", "template", "--dept", dept, "--week", week, "-o", out)
    return out


def fill(path, values: dict[str, dict[str, object]]):
    """Type values into the template, as a clerk would: {包联对象: {header: value}}."""
    wb = load_workbook(path)
    ws = wb["报送"]
    col = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        target = row[col["包联对象"] - 1].value
        for header, value in values.get(target, {}).items():
            ws.cell(row[0].row, col[header], value)
    wb.save(path)
    return path


def write_csv(path, rows, encoding="utf-8"):
    import csv

    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerows(rows)
    return path


def week_lines(cli, week=W05):
    return cli.json("report", "list", "--week", week)


def test_template_has_one_row_per_paired_target_and_validation(cli, ready, tmp_path):
    path = template(cli, tmp_path, dept="蔚汾派出所")
    wb = load_workbook(path)
    ws = wb["报送"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    assert [(r[2], r[3]) for r in rows] == (
        [("单位", u) for u in ("蔚汾镇党政机关", "蔚汾镇各村（社区）", "蔚汾镇企事业单位", "蔚汾镇商贸场所")]
        + [("网格", g) for g in ("蔚汾镇东关社区网格", "蔚汾镇西关社区网格", "蔚汾镇南关社区网格",
                                 "蔚汾镇北坡社区网格", "蔚汾镇城内社区网格")]
        + [("本人", reports.SELF_LABEL)])
    assert rows[4][4] == "蒋佳慧"  # the grid worker
    assert [c.value for c in ws[1]] == reports.SHEET_COLUMNS
    rules = {str(dv.sqref).split(":")[0]: (dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert rules["F2"] == ("whole", "0", str(reports.MAX_COUNT - 1))
    assert rules["J2"] == ("whole", "0", "7")  # pushes are days
    assert rules["P2"] == ("whole", "0", "100")  # progress
    assert "填写说明" in wb.sheetnames
    assert "2022-02-04（星期五）18:00" in wb["填写说明"]["A2"].value


def test_template_checklist_and_output_rules(cli, ready, tmp_path, unchanged):
    path = template(cli, tmp_path)
    ws = load_workbook(path)["报送"]
    first = [c.value for c in ws[2]]
    assert first[3] == "教科局" and first[17].startswith("1. 通过各学校各班级微信群推送")
    with unchanged():
        again = cli("report", "template", "--dept", "网安大队", "--week", W05, "-o", path)
    assert again.exit_code == 1 and "文件已存在" in again.stderr and "--force" in again.stderr
    cli.ok("report", "template", "--dept", "网安大队", "--week", W05, "-o", path, "--force")
    bad = cli("report", "template", "--dept", "网安大队", "--week", W05, "-o", tmp_path / "x.xls")
    assert bad.exit_code == 1 and "须以 .xlsx 结尾" in bad.stderr


def test_template_fill_import_round_trip(cli, ready, tmp_path):
    path = fill(template(cli, tmp_path), {
        "教科局": {"宣传折页（份）": 200, "签订承诺书（份）": 150, "宣传进度（%）": 60,
                "已完成行业职责（填编号）": "1、2", "报送时间": dt.datetime(2022, 2, 4, 16, 0)},
        "电大": {"宣传折页（份）": 0, "备注": "寒假无人", "报送时间": "2022-02-05 09:00"},
        reports.SELF_LABEL: {"微信群推送（天）": 7},
    })
    result = cli.ok("report", "import", path, "--submitted-at", "2022-02-04 17:00")
    assert "已新增 3 条报送（其中迟报 1 条）" in result.stderr and "6 行未填写任何数字" in result.stderr
    got = {(r["target_kind"], r["target"]): r for r in week_lines(cli)}
    assert set(got) == {("unit", "教科局"), ("unit", "电大"), ("self", None)}
    edu = got[("unit", "教科局")]
    assert (edu["leaflets"], edu["pledges"], edu["progress"], edu["late"]) == (200, 150, 60, False)
    assert edu["duties"] == ["通过各学校各班级微信群推送防范电信网络诈骗知识", "向学生家长发放防骗手册"]
    assert edu["submitted_at"] == "2022-02-04 16:00:00"
    assert got[("unit", "电大")]["late"] is True and got[("unit", "电大")]["note"] == "寒假无人"
    assert got[("self", None)]["submitted_at"] == "2022-02-04 17:00:00"
    hist = cli.json("report", "history", str(edu["line_id"]))
    assert hist["versions"][0]["source"] == "网安大队.xlsx［报送］" and hist["versions"][0]["source_row"] == 2
    # importing the same sheet again adds nothing
    again = cli.ok("report", "import", path, "--submitted-at", "2022-02-04 17:00")
    assert "没有新的报送" in again.stderr and "3 行与账本中已登记的报送相同" in again.stderr
    assert len(week_lines(cli)) == 3
    cli.ok("db", "verify")


def test_a_bad_row_anywhere_writes_nothing_and_every_bad_row_is_listed(cli, ready, tmp_path, unchanged):
    good = fill(template(cli, tmp_path), {"教科局": {"宣传折页（份）": 10}})
    bad = write_csv(tmp_path / "宣传科.csv", [
        ["宣传科", W05, "单位", "宣传部", "5", "", "", "", "", "2022-02-04 10:00"],
        ["宣传科", W05, "单位", "文联", "-2", "9", "", "", "", ""],
        ["宣传科", W05, "单位", "财政局", "1", "", "", "", "", ""],
        ["宣传课", W05, "单位", "宣传部", "1", "", "", "", "", ""],
        ["宣传科", "2022-W99", "单位", "宣传部", "1", "", "", "", "", ""],
        ["宣传科", W05, "单位", "融媒体中心", "1", "", "120", "3", "", "明天"],
        ["宣传科", W05, "单位", "宣传部", "6", "", "", "", "", ""],
    ])
    with unchanged():
        result = cli("report", "import", good, bad)
    assert result.exit_code == 1
    err = result.stderr
    assert "导入被拒绝：6 行有错误（共 9 处），未写入任何内容。" in err
    assert "宣传科.csv 第 3 行，“宣传折页（份）”列：宣传折页不能为负数（-2）" in err
    assert "宣传科.csv 第 3 行，“微信群推送（天）”列：微信群推送按天计，一周最多 7 天，实际是 9" in err
    assert "宣传科.csv 第 4 行，“包联对象”列：宣传科 在 2022-W05 没有包联“财政局”" in err
    assert "宣传科.csv 第 5 行，“科所队”列：没有名为“宣传课”的科所队（是不是：宣传科" in err
    assert "宣传科.csv 第 6 行，“周次”列：周次不存在" in err
    assert "宣传科.csv 第 7 行，“宣传进度（%）”列：宣传进度应在 0 到 100 之间" in err
    assert "宣传科.csv 第 7 行，“已完成行业职责（填编号）”列：行业职责编号 3 不存在" in err
    assert "宣传科.csv 第 7 行，“报送时间”列：报送时间格式不对" in err
    assert "宣传科.csv 第 8 行，“包联对象”列：与 宣传科.csv 第 2 行重复" in err
    assert "网安大队.xlsx" not in err  # the good file had nothing wrong
    with unchanged():
        dry = cli("report", "import", good, bad, "--dry-run")
    assert dry.exit_code == 1


def test_a_changed_figure_on_reimport_is_a_conflict_not_an_overwrite(cli, ready, tmp_path, unchanged):
    sheet = write_csv(tmp_path / "a.csv", [["宣传科", W05, "单位", "宣传部", "5", "", "", "", "", "2022-02-04 10:00"]])
    cli.ok("report", "import", sheet)
    changed = write_csv(tmp_path / "b.csv", [["宣传科", W05, "单位", "宣传部", "50", "", "80", "", "", ""]])
    with unchanged():
        result = cli("report", "import", changed)
    assert result.exit_code == 1
    assert ("b.csv 第 2 行，“宣传折页（份）”列：宣传科 2022-W05 “宣传部”已登记为第 1 条，宣传折页已登记为 5，"
            "表中为 50（另有 1 项不同）；导入不覆盖已登记的报送") in result.stderr
    assert "fanzha report amend" in result.stderr


def test_dry_run_lists_what_would_be_added_and_writes_nothing(cli, ready, tmp_path, unchanged):
    sheet = write_csv(tmp_path / "a.csv", [["宣传科", W05, "单位", "宣传部", "5", "", "", "", "", "2022-02-04 10:00"]])
    with unchanged():
        out = cli.json("report", "import", sheet, "--dry-run")
    assert [(r["target"], r["leaflets"], r["late"]) for r in out] == [("宣传部", 5, False)]
    with unchanged():
        result = cli.ok("report", "import", sheet, "--dry-run")
    assert "将新增 1 条报送" in result.stderr and "预演，未写入账本" in result.stderr


def test_gbk_csv_and_list_csv_round_trip(cli, ready, tmp_path):
    sheet = write_csv(tmp_path / "gbk.csv", [
        ["蔚汾派出所", "2022-02-03", "网格", "蔚汾镇东关社区网格", "30", "3", "40%", "", "入户", "2022/2/4 18:00"],
        ["蔚汾派出所", W05, "", "蔚汾镇西关社区网格", "3", "", "", "", "", "2022年2月4日 9:30"],
        ["蔚汾派出所", W05, "本人", "", "", "7", "", "", "", "2022-02-04 09:00"],
    ], encoding="gbk")
    cli.ok("report", "import", sheet)
    got = {r["target"]: r for r in week_lines(cli)}
    assert got["蔚汾镇东关社区网格"]["progress"] == 40 and got["蔚汾镇东关社区网格"]["late"] is False
    assert got["蔚汾镇西关社区网格"]["target_kind"] == "grid"  # kind inferred from the name
    assert got[None]["group_pushes"] == 7
    listed = tmp_path / "list.csv"
    listed.write_text(cli.ok("report", "list", "--week", W05, "--format", "csv").stdout, encoding="utf-8")
    again = cli.ok("report", "import", listed)
    assert "没有新的报送；3 行与账本中已登记的报送相同" in again.stderr


def test_sheet_layout_problems(cli, ready, tmp_path, unchanged):
    import csv

    odd = tmp_path / "odd.csv"
    with open(odd, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["科所队", "周次", "包联对象", "宣传折叶", "备注", "备注"], ["宣传科", W05, "宣传部", "1", "", ""]])
    with unchanged():
        result = cli("report", "import", odd)
    assert "odd.csv 第 1 行，“宣传折叶”列：不认识的列；是不是“宣传折页（份）”？" in result.stderr
    assert "“备注”列：与“备注”列重复" in result.stderr
    short = tmp_path / "short.csv"
    short.write_text("科所队,宣传折页\n宣传科,1\n", encoding="utf-8")
    with unchanged():
        result = cli("report", "import", short)
    assert "表头缺少列：周次、包联对象" in result.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with unchanged():
        result = cli("report", "import", broken, tmp_path / "none.csv")
    assert result.exit_code == 1 and "已损坏或不是 .xlsx 格式" in result.stderr and "找不到文件" in result.stderr


# --- the domain, with "now" injected ---------------------------------------------------------


@pytest.fixture
def led(ready):
    opened = ledger.open_ledger(Settings(ready, "测试员"))
    yield opened
    opened.close()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_current_week_before_the_deadline_is_pending_then_missing(led):
    before = at("2022-02-04 18:00:00")
    reports.add_line(led, dept="宣传科", week="current", unit="宣传部", now=at("2022-02-02 09:00"))
    status = reports.missing(led, "current", now=before)
    by = {d["dept"]: d["status"] for d in status["departments"]}
    assert status["week"] == W05 and by["宣传科"] == "on_time" and by["办公室"] == "pending"
    after = reports.missing(led, "current", now=before + dt.timedelta(seconds=1))
    assert {d["dept"]: d["status"] for d in after["departments"]}["办公室"] == "missing"


def test_future_is_judged_against_today(led):
    with pytest.raises(reports.FanzhaError, match="还没有到"):
        reports.add_line(led, dept="宣传科", week="2022-W06", unit="宣传部", now=at("2022-02-06 23:59"))
    written = reports.add_line(led, dept="宣传科", week="2022-W06", unit="宣传部", now=at("2022-02-07 00:00"))
    assert written.line["late"] is False and written.line["submitted_at"] == "2022-02-07 00:00:00"
    with pytest.raises(reports.FanzhaError, match="在将来"):
        reports.add_line(led, dept="宣传科", week="2022-W06", unit="文联", submitted_at="2022-02-08",
                         now=at("2022-02-07 12:00"))


def test_import_reports_progress(led, tmp_path):
    sheet = write_csv(tmp_path / "a.csv", [["宣传科", W05, "单位", u, "1", "", "", "", "", ""]
                                          for u in ("宣传部", "文联", "融媒体中心")])
    seen = []

    class Spy(reports.Progress):
        def start(self, label, total):
            seen.append((label, total))

        def advance(self, n=1):
            seen.append(n)

    result = reports.import_files(led, [sheet], now=at("2022-02-04 12:00"), progress=Spy())
    assert [s for s in seen if isinstance(s, tuple)] == [("读取", 4), ("校验", 3), ("写入", None)]
    assert sum(s for s in seen if isinstance(s, int)) == 6
    assert len(result.added) == 3 and result.entry_id is not None


def test_reimport_after_amend_or_void_adds_nothing(cli, ready, tmp_path):
    sheet = write_csv(tmp_path / "a.csv", [
        ["宣传科", W05, "单位", "宣传部", "5", "", "", "", "", "2022-02-04 10:00"],
        ["宣传科", W05, "单位", "文联", "8", "", "", "", "", "2022-02-04 10:00"],
    ])
    cli.ok("report", "import", sheet)
    cli.ok("report", "amend", "1", "--leaflets", "50", "--reason", "表中少填一个 0")
    cli.ok("report", "void", "2", "--reason", "文联本周未开展")
    again = cli.ok("report", "import", sheet)
    assert "没有新的报送" in again.stderr and "2 行是已登记后又更正或作废的原数字，跳过" in again.stderr
    assert [(r["target"], r["leaflets"]) for r in cli.json("report", "list", "--week", W05)] == [("宣传部", 50)]
