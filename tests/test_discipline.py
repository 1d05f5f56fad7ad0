"""Discipline: thresholds walked exactly, officers and departments counted apart, steps carried
out, the entries behind a count; and dissuasions for the commendation rules."""

from __future__ import annotations

import csv
import io

import pytest

from fanzha_cli import discipline, dissuasion

from .casework import (  # noqa: F401
    GRID_NORTH, STATION, due, explain, failed, negligent, opened, plan_variant, scene, scene_template,
)

OFFICER = ("officer", "140101")
DEPT = ("department", STATION)


def _steps(item) -> dict[str, bool]:
    return {s["step"]: s["done"] for s in item["steps"]}


def test_thresholds_are_walked_exactly(cli, loaded):
    negligent(cli, "T1", "2022-02-01")
    assert due(cli) == {}  # one deduction: nothing due
    assert explain(cli, "--officer", "140101")["deductions"] == 1
    negligent(cli, "T2", "2022-02-02", GRID_NORTH)  # 140101 is the police officer of both grids
    items = due(cli)
    assert set(items) == {OFFICER, DEPT}
    for item in items.values():
        assert (item["deductions"], item["due"], _steps(item), item["open"]) == (
            2, "talk", {"talk": False, "re-publicity": False}, True)
    assert items[OFFICER]["name"] == "王建军" and items[OFFICER]["department"] == STATION
    third = negligent(cli, "T3", "2022-02-03")
    items = due(cli)
    assert {k: (i["deductions"], i["due"], _steps(i)) for k, i in items.items()} == {
        k: (3, "accountability", {"talk": False, "re-publicity": False, "accountability": False}) for k in (OFFICER, DEPT)
    }
    result = cli.ok("audit", "revoke", third, "--reason", "申诉成立：受害人系外地户籍，不属本网格")
    assert "王建军（140101）：累计通报扣分 2 次，已达约谈、责令再宣传标准" in result.stderr
    items = due(cli)
    assert {k: (i["deductions"], i["due"]) for k, i in items.items()} == {OFFICER: (2, "talk"), DEPT: (2, "talk")}
    table = cli.ok("discipline", "list").stdout
    assert "王建军" in table and "约谈、责令再宣传" in table and "约谈：未落实" in table
    cli.ok("db", "verify")


def test_officers_and_departments_are_counted_separately(cli, scene):
    # scene: 140101 one counting (one revoked), 140102 one; their station, two.
    items = due(cli)
    assert set(items) == {DEPT} and items[DEPT]["deductions"] == 2 and items[DEPT]["name"] == f"{STATION}负责人"
    assert explain(cli, "--officer", "140101")["deductions"] == 1
    assert explain(cli, "--officer", "140102")["deductions"] == 1
    assert explain(cli, "--dept", STATION)["deductions"] == 2
    assert explain(cli, "--officer", "140103")["deductions"] == 0  # known, never deducted


def test_counts_for_a_period(cli, scene, db_path):
    with opened(db_path) as led:
        assert discipline.counts(led, "2022-01-01", "2022-12-31") == {
            ("officer", "140101"): 1, ("officer", "140102"): 1, ("department", STATION): 2}
        assert discipline.counts(led, "2022-03-04", "2022-03-31") == {("officer", "140102"): 1, ("department", STATION): 1}


def test_steps_carried_out_leave_the_open_list(cli, scene):
    result = cli.ok("discipline", "record", "--dept", STATION, "--step", "talk", "--date", "2022-04-01",
                    "--note", "局领导约谈所长")
    assert "蔚汾派出所负责人 约谈（当时累计扣分 2 次）" in result.stderr
    item = due(cli)[DEPT]
    assert _steps(item) == {"talk": True, "re-publicity": False} and item["open"] is True
    assert item["steps"][0]["step_date"] == "2022-04-01"
    cli.ok("discipline", "record", "--dept", STATION, "--step", "再宣传", "--date", "2022-04-02", "--note", "全所入户再宣传")
    assert due(cli)[DEPT]["open"] is False
    assert cli.json("discipline", "list", "--open")["items"] == []
    rows = list(csv.DictReader(io.StringIO(cli.ok("discipline", "list", "--format", "csv").stdout)))
    assert [(r["警号或单位"], r["累计扣分次数"], r["尚有未落实"]) for r in rows] == [(STATION, "2", "否")]
    assert "已落实（2022-04-01）" in rows[0]["落实情况"]
    steps = explain(cli, "--dept", STATION)["steps"]
    assert [(s["step"], s["at_count"], s["operator"]) for s in steps] == [("talk", 2, "测试员"), ("re-publicity", 2, "测试员")]
    cli.ok("db", "verify")


def test_explain_lists_exactly_the_entries_behind_the_count(cli, scene):
    e = explain(cli, "--officer", "140101")
    assert (e["name"], e["deductions"], e["due"]) == ("王建军（140101）", 1, None)
    assert [(d["case_no"], d["counts"]) for d in e["deduction_items"]] == [("G3", True), ("G5", False)]
    assert [(x["entry_id"], x["role"], x["case_no"]) for x in e["entries"]] == [
        (scene["G3"], "case", "G3"),
        (scene["G5"], "case", "G5"),
        (scene["neg"], "audit", "G3"),
        (scene["neg"] + 1, "verification", "G3"),  # verified in the same transaction
        (scene["rev"], "audit", "G5"),
        (scene["rev"] + 1, "verification", "G5"),
        (scene["revocation"], "revocation", "G5"),
    ]
    assert all(x["operator"] == "测试员" and x["recorded_at"] for x in e["entries"])
    assert e["entries"][-1]["reason"] == "申诉成立：受害人记错" and "申诉成立" in e["entries"][-1]["summary"]
    # The department's count rests on the other officer's case too, and on nothing else.
    d = explain(cli, "--dept", STATION)
    assert {x["case_no"] for x in d["entries"]} == {"G3", "G4", "G5"} and len(d["entries"]) == 10
    table = cli.ok("discipline", "explain", "--officer", "140101").stdout
    assert "累计通报扣分 1 次" in table and "另有 1 次扣分已撤销" in table and "撤销" in table


def test_explain_masks_victims_in_every_format(cli, scene):
    e = explain(cli, "--officer", "140101")
    case = next(x for x in e["entries"] if x["case_no"] == "G3" and x["role"] == "case")
    assert (case["victim_name"], case["victim_phone"], case["victim_id_number"]) == ("张*三", "138****5678", "140123********1234")
    for fmt in ("table", "json", "csv"):
        out = cli.ok("discipline", "explain", "--officer", "140101", "--format", fmt).stdout
        assert "张*三" in out and "张小三" not in out and "13812345678" not in out
    assert "张小三" in cli.ok("discipline", "explain", "--officer", "140101", "--show-pii").stdout


def test_the_window_comes_from_the_plan(cli, loaded, tmp_path):
    negligent(cli, "W1", "2022-02-01")
    negligent(cli, "W2", "2022-05-01")
    assert due(cli)[OFFICER]["deductions"] == 2
    q1 = plan_variant(tmp_path, "q1.yaml", {"value: routine_period}": "value: concentrated_period}"})  # local_rules.discipline_window
    cli.ok("plan", "load", q1, "--effective", "2022-06-01", "--reason", "扣分只计集中宣传期")
    listed = cli.json("discipline", "list")
    assert listed["window"] == {"name": "concentrated_period", "label": "集中宣传期", "start": "2022-01-01", "end": "2022-03-31"}
    assert listed["items"] == []
    assert [x["case_no"] for x in explain(cli, "--officer", "140101")["deduction_items"]] == ["W1"]


STEP = ["discipline", "record", "--date", "2022-04-01", "--note", "约谈"]


@pytest.mark.parametrize("args, words", [
    (STEP + ["--officer", "140101", "--step", "talk"], ["王建军（140101）目前累计通报扣分 1 次，未达到约谈的标准（2 次）"]),
    (STEP + ["--dept", STATION, "--step", "accountability"], ["累计通报扣分 2 次，未达到严肃问责的标准（3 次）"]),
    (STEP + ["--step", "talk"], ["须指明一个对象"]),
    (STEP + ["--officer", "140101", "--dept", STATION, "--step", "talk"], ["须指明一个对象"]),
    (STEP + ["--officer", "999999", "--step", "talk"], ["没有名为“999999”的民辅警（警号）"]),
    (STEP + ["--dept", "蔚汾所", "--step", "talk"], ["没有名为“蔚汾所”的科所队", STATION]),
    (STEP + ["--dept", STATION, "--step", "scold"], ["没有“scold”这种处理步骤"]),
    (["discipline", "record", "--dept", STATION, "--step", "talk", "--date", "2021-12-31", "--note", "x"], ["落实日期 2021-12-31 不在活动期"]),
    (["discipline", "record", "--dept", STATION, "--step", "talk", "--date", "2022-04-01"], ["说明（--note）不能为空"]),
    (["discipline", "explain"], ["须指明一个对象"]),
    (["discipline", "explain", "--officer", "1401"], ["没有名为“1401”的民辅警（警号）"]),
])
def test_bad_discipline_input_is_refused_and_changes_nothing(cli, scene, unchanged, args, words):
    failed(cli, unchanged, args, *words)


def test_a_step_is_recorded_once(cli, scene, unchanged):
    cli.ok("discipline", "record", "--dept", STATION, "--step", "talk", "--date", "2022-04-01", "--note", "约谈所长")
    failed(cli, unchanged, STEP + ["--dept", STATION, "--step", "约谈"], "蔚汾派出所负责人的约谈已于 2022-04-01 记录", "不能重复记录")


# --- dissuasion ---

def test_dissuasions_are_recorded_and_summed_per_officer_and_department(cli, loaded, db_path):
    cli.ok("dissuasion", "add", "--officer", "FJ0101", "--date", "2022-03-01", "--amount-saved", "50000", "--case-no", "J1")
    cli.ok("dissuasion", "add", "--officer", "FJ0101", "--date", "2022-04-01", "--amount-saved", "0.5")
    result = cli.ok("dissuasion", "add", "--officer", "140201", "--date", "2022-05-01", "--amount-saved", "1,000.25", "--note", "银行柜台劝阻")
    assert "秦永刚（140201，魏家滩派出所）2022-05-01 避免损失 1000.25 元" in result.stderr
    rows = cli.json("dissuasion", "list")
    assert [(r["officer"], r["name"], r["department"], r["amount_saved"], r["amount_saved_fen"]) for r in rows] == [
        ("FJ0101", "宋金凤", STATION, "50000.00", 5000000), ("FJ0101", "宋金凤", STATION, "0.50", 50),
        ("140201", "秦永刚", "魏家滩派出所", "1000.25", 100025),
    ]
    assert [r["officer"] for r in cli.json("dissuasion", "list", "--to", "2022-03-31")] == ["FJ0101"]
    assert "共避免损失 51000.75 元" in cli.ok("dissuasion", "list").stdout
    with opened(db_path) as led:
        officers = dissuasion.per_officer(led, "2022-01-01", "2022-12-31")
        depts = dissuasion.per_department(led, "2022-01-01", "2022-04-30")
    assert [(o["officer"], o["department"], o["dissuasions"], o["amount_saved"], len(o["entry_ids"])) for o in officers] == [
        ("FJ0101", STATION, 2, "50000.50", 2), ("140201", "魏家滩派出所", 1, "1000.25", 1)]
    assert [(d["department"], d["dissuasions"], d["amount_saved_fen"]) for d in depts] == [(STATION, 2, 5000050)]
    cli.ok("db", "verify")


DISSUADE = ["dissuasion", "add", "--date", "2022-03-01"]


@pytest.mark.parametrize("args, words", [
    (DISSUADE + ["--officer", "FJ9999", "--amount-saved", "1"], ["没有名为“FJ9999”的民辅警（警号）"]),
    (DISSUADE + ["--officer", "FJ0101", "--amount-saved", "-1"], ["避免损失金额不能为负数"]),
    (DISSUADE + ["--officer", "FJ0101", "--amount-saved", "1.001"], ["最多两位小数"]),
    (["dissuasion", "add", "--date", "2023-03-01", "--officer", "FJ0101", "--amount-saved", "1"], ["劝阻日期 2023-03-01 不在活动期"]),
    (DISSUADE + ["--officer", "FJ0101", "--amount-saved", "1", "--case-no", "J1"], ["编号 J1 的劝阻已登记"]),
])
def test_bad_dissuasions_are_refused_and_change_nothing(cli, loaded, unchanged, args, words):
    cli.ok("dissuasion", "add", "--officer", "140101", "--date", "2022-02-01", "--amount-saved", "10", "--case-no", "J1")
    failed(cli, unchanged, args, *words)
