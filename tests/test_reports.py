"""Weekly reports through the CLI: add, rules and their errors, amend/void/history, list, missing."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from .conftest import PLAN
from .reportwork import W05, ready, seeded  # noqa: F401 (fixtures)

ON_TIME = "2022-02-04 17:30"


def add(cli, *args, dept="宣传科", week=W05, at=ON_TIME):
    return cli.ok("report", "add", "--dept", dept, "--week", week, "--submitted-at", at, *args)


def lines(cli, week=W05, *more):
    return cli.json("report", "list", "--week", week, *more)


def refused(cli, unchanged, *args):
    with unchanged():
        result = cli(*args)
    assert result.exit_code == 1, result.stdout + result.stderr
    return result.stderr


def test_add_records_every_measure_and_list_shows_it(cli, ready):
    add(cli, "--unit", "宣传部", "--leaflets", "120", "--notices", "80", "--pledges", "60",
        "--app-installs", "45", "--group-pushes", "5", "--lectures", "2", "--attendees", "150",
        "--events", "1", "--themes", "1", "--photos", "6", "--progress", "85%",
        "--duty", "1", "--note", "走访宣传部")
    [line] = lines(cli)
    assert line == {
        "line_id": 1, "version": 1, "dept": "宣传科", "week": W05, "target_kind": "unit", "target": "宣传部",
        "leaflets": 120, "notices": 80, "pledges": 60, "app_installs": 45, "group_pushes": 5, "lectures": 2,
        "attendees": 150, "events": 1, "themes": 1, "photos": 6, "progress": 85,
        "duties": ["开设法制宣传专栏"], "note": "走访宣传部",
        "submitted_at": "2022-02-04 17:30:00", "deadline": "2022-02-04 18:00:00", "late": False,
        "photo_files": 0, "operator": "测试员", "recorded_at": line["recorded_at"],
    }
    cli.ok("db", "verify")


def test_absent_measures_are_zero_and_progress_is_not_reported(cli, ready):
    add(cli, "--self")
    [line] = lines(cli)
    assert line["target_kind"] == "self" and line["target"] is None
    assert all(line[k] == 0 for k in ("leaflets", "notices", "photos", "group_pushes"))
    assert line["progress"] is None and line["duties"] == []


def test_late_is_judged_at_the_deadline_to_the_second(cli, ready):
    add(cli, "--unit", "宣传部", at="2022-02-04 18:00")
    add(cli, "--unit", "文联", at="2022-02-04 18:00:01")
    late = {line["target"]: line["late"] for line in lines(cli)}
    assert late["宣传部"] is False and late["文联"] is True


def test_week_may_be_a_date_and_a_unit_its_alias(cli, ready):
    add(cli, "--unit", "政务信息管理局", dept="办公室", week="2022-02-02")
    [line] = lines(cli)
    assert line["target"] == "行政审批服务管理局" and line["week"] == W05


def test_station_reports_on_its_grids(cli, ready):
    add(cli, "--grid", "蔚汾镇东关社区网格", "--leaflets", "30", dept="蔚汾派出所")
    add(cli, "--unit", "蔚汾镇商贸场所", dept="蔚汾派出所")
    assert {(r["target_kind"], r["target"]) for r in lines(cli, W05, "--dept", "蔚汾派出所")} == {
        ("grid", "蔚汾镇东关社区网格"), ("unit", "蔚汾镇商贸场所")}


def test_second_add_for_the_same_target_is_refused_with_a_hint_to_amend(cli, ready, unchanged):
    add(cli, "--unit", "宣传部", "--leaflets", "10")
    err = refused(cli, unchanged, "report", "add", "--dept", "宣传科", "--week", W05, "--unit", "宣传部",
                  "--leaflets", "20")
    assert "宣传科 2022-W05 “宣传部”已有报送（第 1 条），不能重复登记。" in err
    assert "fanzha report amend 1" in err


@pytest.mark.parametrize("args, message", [
    (["--dept", "宣传科", "--unit", "财政局"], "宣传科 在 2022-W05 没有包联“财政局”（该单位由 办公室 包联）。"),
    (["--dept", "宣传", "--unit", "宣传部"], "没有名为“宣传”的科所队。\n提示：是不是：宣传科"),
    (["--dept", "宣传科", "--unit", "宣传布"], "没有名为“宣传布”的包联单位。\n提示：是不是：宣传部"),
    (["--dept", "宣传科", "--grid", "蔚汾镇东关社区网格"], "宣传科 不是派出所，没有结对网格。"),
    (["--dept", "魏家滩派出所", "--grid", "蔚汾镇东关社区网格"], "网格“蔚汾镇东关社区网格”是 蔚汾派出所 的结对网格，不是 魏家滩派出所 的。"),
    (["--dept", "宣传科", "--unit", "宣传部", "--self"], "报送对象须且只能写一个"),
    (["--dept", "宣传科"], "报送对象须且只能写一个"),
])
def test_pairing_and_names_are_checked_against_the_plan(cli, ready, unchanged, args, message):
    err = refused(cli, unchanged, "report", "add", "--week", W05, *args)
    assert message in err


@pytest.mark.parametrize("args, message", [
    (["--leaflets", "-5"], "宣传折页不能为负数（-5）"),
    (["--notices", "很多"], "告知书应为整数，实际是“很多”"),
    (["--pledges", "2.5"], "承诺书应为整数，实际是“2.5”"),
    (["--progress", "101"], "宣传进度应在 0 到 100 之间，实际是 101"),
    (["--progress", "0.85"], "宣传进度应为 0 到 100 的整数"),
    (["--group-pushes", "8"], "微信群推送按天计，一周最多 7 天，实际是 8"),
    (["--duty", "9"], "行业职责编号 9 不存在；“宣传部”的清单为：1. 开设法制宣传专栏；2. 播报典型案例、微视频、警情动态等"),
    (["--duty", "发传单"], "“发传单”不是“宣传部”的行业职责"),
])
def test_wrong_numbers_are_refused(cli, ready, unchanged, args, message):
    err = refused(cli, unchanged, "report", "add", "--dept", "宣传科", "--week", W05, "--unit", "宣传部", *args)
    assert message in err


def test_every_wrong_number_is_listed_at_once(cli, ready, unchanged):
    err = refused(cli, unchanged, "report", "add", "--dept", "宣传科", "--week", W05, "--unit", "宣传部",
                  "--leaflets", "-1", "--progress", "200")
    assert "以下数值有误，未写入" in err and "宣传折页不能为负数" in err and "宣传进度应在 0 到 100 之间" in err


def test_duties_only_for_units_with_a_checklist(cli, ready, unchanged):
    err = refused(cli, unchanged, "report", "add", "--dept", "宣传科", "--week", W05, "--unit", "文联", "--duty", "1")
    assert "“文联”没有行业职责清单" in err
    add(cli, "--unit", "宣传部", "--duty", "播报典型案例", "--duty", "1")
    assert lines(cli)[0]["duties"] == ["开设法制宣传专栏", "播报典型案例、微视频、警情动态等"]


@pytest.mark.parametrize("args, message", [
    (["--week", "2999-W01"], "还没有到，不能登记将来的报送"),
    (["--week", "2021-W40"], "不在活动期 2022-01-01 至 2022-12-31 内"),
    (["--week", "2023-W10"], "不在活动期 2022-01-01 至 2022-12-31 内"),
    (["--week", "2022-W60"], "周次不存在"),
    (["--week", "下周"], "周次格式不对"),
    (["--week", W05, "--submitted-at", "2999-01-01 08:00"], "在将来"),
    (["--week", W05, "--submitted-at", "2022-01-30 23:59"], "早于 2022-W05（2022-01-31 至 2022-02-06）的开始"),
    (["--week", W05, "--submitted-at", "周五晚上"], "报送时间格式不对"),
])
def test_weeks_and_times_are_checked(cli, ready, unchanged, args, message):
    err = refused(cli, unchanged, "report", "add", "--dept", "宣传科", "--unit", "宣传部", *args)
    assert message in err


def test_without_a_ledger_nothing_is_created(cli, db_path):
    result = cli("report", "add", "--dept", "宣传科", "--week", W05, "--unit", "宣传部")
    assert result.exit_code == 1 and "账本文件不存在" in result.stderr
    assert not db_path.exists()


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_photo_evidence_is_fingerprinted_and_copied_privately(cli, ready, tmp_path):
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(JPEG)
    add(cli, "--unit", "宣传部", "--photo", photo, "--photo", photo)
    [line] = lines(cli)
    assert line["photos"] == 1 and line["photo_files"] == 1
    hist = cli.json("report", "history", "1")
    [p] = hist["photos"]
    import hashlib

    assert p["name"] == "现场.jpg" and p["size"] == len(JPEG)
    assert p["sha256"] == hashlib.sha256(JPEG).hexdigest()
    stored = ready.parent / "ledger-evidence" / p["stored"]
    assert stored.read_bytes() == JPEG
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(ready.parent / "ledger-evidence").st_mode) == 0o700
    # the same photo on another line is allowed, with a warning
    result = add(cli, "--unit", "文联", "--photo", photo, "--photos", "3")
    assert "已登记在第 1 条报送中" in result.stderr
    cli.ok("db", "verify")


def test_photo_that_is_not_an_image_or_outnumbers_photos_is_refused(cli, ready, unchanged, tmp_path):
    text = tmp_path / "说明.txt"
    text.write_text("不是照片")
    err = refused(cli, unchanged, "report", "add", "--dept", "宣传科", "--week", W05, "--unit", "宣传部",
                  "--photo", text)
    assert "说明.txt 不是照片" in err
    a, b = tmp_path / "a.png", tmp_path / "b.jpg"
    a.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 10)
    b.write_bytes(JPEG)
    err = refused(cli, unchanged, "report", "add", "--dept", "宣传科", "--week", W05, "--unit", "宣传部",
                  "--photo", a, "--photo", b, "--photos", "1")
    assert "宣传图片写了 1 张，但附了 2 个不同的照片文件" in err
    err = refused(cli, unchanged, "report", "add", "--dept", "宣传科", "--week", W05, "--unit", "宣传部",
                  "--photo", tmp_path / "无.jpg")
    assert "找不到照片文件" in err
    assert not (ready.parent / "ledger-evidence").exists()


def test_amend_supersedes_and_history_keeps_the_old_values(cli, ready, unchanged, db_path):
    add(cli, "--unit", "宣传部", "--leaflets", "120", "--progress", "50")
    cli.ok("report", "amend", "1", "--leaflets", "150", "--reason", "宣传科电话更正：多报了")
    cli.ok("report", "amend", "1", "--submitted-at", "2022-02-05 09:00", "--reason", "实际周六才报回")
    [line] = lines(cli)
    assert (line["version"], line["leaflets"], line["progress"], line["late"]) == (3, 150, 50, True)
    hist = cli.json("report", "history", "1")
    assert [(v["action"], v["leaflets"], v["late"], v["reason"]) for v in hist["versions"]] == [
        ("add", 120, False, None), ("amend", 150, False, "宣传科电话更正：多报了"),
        ("amend", 150, True, "实际周六才报回")]
    entries = [v["entry_id"] for v in hist["versions"]]
    assert [v["supersedes"] for v in hist["versions"]] == [None, entries[0], entries[1]]
    assert all(v["operator"] == "测试员" for v in hist["versions"])
    table = cli.ok("report", "history", "1").stdout
    assert "150（改）" in table and "宣传科电话更正：多报了" in table
    # the old rows are still there, untouched
    rows = sqlite3.connect(db_path).execute("SELECT version, leaflets FROM report_lines ORDER BY version").fetchall()
    assert rows == [(1, 120), (2, 150), (3, 150)]
    cli.ok("db", "verify")


@pytest.mark.parametrize("args, message", [
    (["1", "--leaflets", "5"], "更正报送须写明原因。"),
    (["1", "--reason", "无"], "没有指定要更正的内容。"),
    (["1", "--leaflets", "120", "--reason", "重复"], "更正内容与第 1 条报送的现有记录相同，未写入。"),
    (["1", "--progress", "120", "--reason", "错"], "宣传进度应在 0 到 100 之间"),
    (["9", "--leaflets", "5", "--reason", "错"], "没有编号为 9 的报送。"),
])
def test_amend_errors(cli, ready, unchanged, args, message):
    add(cli, "--unit", "宣传部", "--leaflets", "120")
    assert message in refused(cli, unchanged, "report", "amend", *args)


def test_void_removes_the_line_from_the_week_and_keeps_it_in_history(cli, ready, unchanged):
    add(cli, "--unit", "宣传部", "--leaflets", "120")
    assert "作废报送须写明原因" in refused(cli, unchanged, "report", "void", "1")
    cli.ok("report", "void", "1", "--reason", "报错了周次")
    assert lines(cli) == []
    hist = cli.json("report", "history", "1")
    assert hist["voided"] and [v["action"] for v in hist["versions"]] == ["add", "void"]
    assert hist["versions"][1]["reason"] == "报错了周次"
    assert "已于" in refused(cli, unchanged, "report", "amend", "1", "--leaflets", "5", "--reason", "x")
    assert "不能再次作废" in refused(cli, unchanged, "report", "void", "1", "--reason", "x")
    add(cli, "--unit", "宣传部", "--leaflets", "100")  # the right figures may now be added again
    assert [(r["line_id"], r["leaflets"]) for r in lines(cli)] == [(2, 100)]
    cli.ok("db", "verify")


def test_list_formats_and_dept_filter(cli, ready, unchanged):
    add(cli, "--unit", "宣传部", "--leaflets", "7", "--duty", "1", "--duty", "2")
    add(cli, "--unit", "县委办", dept="办公室")
    assert [r["dept"] for r in lines(cli, W05, "--dept", "办公室")] == ["办公室"]
    out = cli.ok("report", "list", "--week", W05, "--format", "csv").stdout.splitlines()
    assert out[0].startswith("编号,科所队,周次,对象类型,包联对象,宣传折页（份）")
    assert any("开设法制宣传专栏；播报典型案例、微视频、警情动态等" in row for row in out[1:])
    table = cli.ok("report", "list", "--week", W05).stdout
    assert "宣传部" in table and "合计 2 条" in table
    assert "没有名为“宣传”的科所队" in refused(cli, unchanged, "report", "list", "--week", W05, "--dept", "宣传")


def test_missing_lists_absent_and_late_departments(cli, ready):
    add(cli, "--unit", "宣传部", at="2022-02-04 18:00")
    add(cli, "--unit", "县委办", dept="办公室", at="2022-02-04 18:00:01")
    status = cli.json("report", "missing", "--week", W05, "--all")
    by = {d["dept"]: d for d in status["departments"]}
    assert status["deadline"] == "2022-02-04 18:00:00" and status["plan_on"] == "2022-01-31"
    assert by["宣传科"]["status"] == "on_time" and by["宣传科"]["reported_targets"] == 1
    assert by["宣传科"]["paired_targets"] == 5 and "文联" in by["宣传科"]["unreported_targets"]
    assert by["办公室"]["status"] == "late" and by["办公室"]["late_lines"] == 1
    assert by["考核科"]["status"] == "missing" and by["蔚汾派出所"]["status"] == "missing"
    assert by["蔚汾派出所"]["paired_targets"] == 4 + 5  # units and grids
    default = cli.json("report", "missing", "--week", W05)["departments"]
    assert len(default) == len(status["departments"])  # every department, the incomplete first
    flags = [d["complete"] for d in default]
    assert flags == sorted(flags) and not by["宣传科"].get("complete")
    assert {d["dept"]: d["complete"] for d in default}["宣传科"] is False  # 1 of 5: not complete though on time
    table = cli.ok("report", "missing", "--week", W05).stdout
    assert "迟报 1" in table and "未报送 35" in table
    assert "未报齐" in table and "宣传科" in table and "1/5" in table
    only = cli.json("report", "missing", "--week", W05, "--dept", "办公室")["departments"]
    assert [d["dept"] for d in only] == ["办公室"]


def test_missing_lists_the_complete_departments_after_the_rest(cli, ready):
    paired = cli.json("report", "missing", "--week", W05, "--dept", "宣传科")["departments"][0]
    for unit in paired["unreported_targets"]:
        add(cli, "--unit", unit)
    rows = cli.json("report", "missing", "--week", W05)["departments"]
    assert rows[-1]["dept"] == "宣传科" and rows[-1]["complete"] and rows[-1]["reported_targets"] == 5
    assert not any(r["complete"] for r in rows[:-1])
    table = cli.ok("report", "missing", "--week", W05).stdout
    assert table.index("未报齐") < table.index("已报齐（1 个）") < table.rindex("宣传科")


def test_list_of_one_department_across_the_campaign(cli, ready, unchanged):
    add(cli, "--unit", "宣传部")
    add(cli, "--unit", "文联", week="2022-W06", at="2022-02-11 10:00")
    rows = cli.json("report", "list", "--dept", "宣传科")
    assert [(r["week"], r["target"]) for r in rows] == [(W05, "宣传部"), ("2022-W06", "文联")]
    table = cli.ok("report", "list", "--dept", "宣传科").stdout
    assert "宣传科 活动期内" in table and "2022-W06" in table
    assert "请写明要看哪一周" in refused(cli, unchanged, "report", "list")
    assert "没有名为“宣传”的科所队" in refused(cli, unchanged, "report", "list", "--dept", "宣传")


def test_pairing_is_judged_by_the_plan_in_force_on_the_weeks_monday(cli, ready, tmp_path, unchanged):
    moved = tmp_path / "moved.yaml"
    text = PLAN.read_text(encoding="utf-8")
    assert text.count("      - 文联\n") == 1 and text.count("      - 团县委\n") == 1
    moved.write_text(text.replace("      - 文联\n", "").replace("      - 团县委\n", "      - 团县委\n      - 文联\n"),
                     encoding="utf-8")
    cli.ok("plan", "load", moved, "--effective", "2022-02-09", "--reason", "文联改由考核科包联")  # a Wednesday
    add(cli, "--unit", "文联", week="2022-W06", at="2022-02-11 10:00")  # W06 began under the old plan
    err = refused(cli, unchanged, "report", "add", "--dept", "考核科", "--week", "2022-W06", "--unit", "文联",
                  "--submitted-at", "2022-02-11 10:00")
    assert "考核科 在 2022-W06 没有包联“文联”（该单位由 宣传科 包联）" in err
    add(cli, "--unit", "文联", dept="考核科", week="2022-W07", at="2022-02-18 10:00")
    by = {d["dept"]: d for d in cli.json("report", "missing", "--week", "2022-W07", "--all")["departments"]}
    assert by["宣传科"]["paired_targets"] == 4 and by["考核科"]["paired_targets"] == 8


def test_report_tables_are_in_the_chain_and_refuse_update(cli, ready, db_path):
    add(cli, "--unit", "宣传部", "--leaflets", "120")
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="账本只可追加"):
        conn.execute("UPDATE report_lines SET leaflets = 12")
    with pytest.raises(sqlite3.DatabaseError, match="账本只可追加"):
        conn.execute("DELETE FROM report_lines")
    conn.execute("DROP TRIGGER report_lines_no_update")
    conn.execute("UPDATE report_lines SET leaflets = 12")
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1 and "内容与哈希不符" in result.stderr


def test_report_lines_schema(ready):
    conn = sqlite3.connect(ready)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(report_lines)")]
    assert cols == ["entry_id", "line_id", "version", "action", "dept", "week", "target_kind", "target",
                    "leaflets", "notices", "pledges", "app_installs", "group_pushes", "lectures", "attendees",
                    "events", "themes", "photos", "progress", "duties", "note", "submitted_at", "deadline",
                    "late", "source", "source_row"]
    plan = conn.execute("EXPLAIN QUERY PLAN SELECT * FROM report_lines WHERE week = '2022-W05'").fetchall()
    assert "report_lines_week" in str(plan)


def test_amend_attaches_photos_and_can_clear_duties(cli, ready, unchanged, tmp_path):
    add(cli, "--unit", "宣传部", "--duty", "1")
    photo = tmp_path / "a.jpg"
    photo.write_bytes(JPEG)
    cli.ok("report", "amend", "1", "--photo", photo, "--duty", "", "--reason", "补交照片，职责误填")
    [line] = lines(cli)
    assert (line["photos"], line["photo_files"], line["duties"]) == (1, 1, [])
    err = refused(cli, unchanged, "report", "amend", "1", "--photos", "0", "--reason", "x")
    assert "宣传图片写了 0 张，但附了 1 个不同的照片文件" in err
    # the same photo again is nothing new
    assert "现有记录相同" in refused(cli, unchanged, "report", "amend", "1", "--photo", photo, "--reason", "x")
