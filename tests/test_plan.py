"""The plan: the shipped transcription against the document, checks, loads, history, show."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from fanzha_cli.plan import parse_plan
from fanzha_cli.plan_checks import probably_same, warnings

from .conftest import PLAN, ROOT

SEED = ROOT.parent / "shared" / "seed" / "000_a4bb49f6d7e814e9.txt"

# Counted by hand from section 五 of 兴公发〔2022〕6号, items 1-22.
DOCUMENT_UNITS_PER_ITEM = {
    "办公室": 11, "宣传科": 5, "考核科": 7, "人训科": 8, "治安大队": 13, "刑侦大队": 7,
    "巡特警大队": 7, "网安大队": 8, "经侦大队": 12, "信通大队": 4, "国保大队": 5, "法制大队": 10,
    "禁毒大队": 5, "食药侦大队": 5, "反恐大队": 5, "工会": 5, "信访科": 2, "督察大队": 4,
    "交警大队": 9, "城警大队": 2, "森林派出所": 8, "指挥中心": 10,
}


def test_shipped_plan_has_every_department_and_unit_of_the_document():
    plan = parse_plan(PLAN)
    bureau = [d for d in plan.departments if d.category == "bureau"]
    assert [d.name for d in bureau] == list(DOCUMENT_UNITS_PER_ITEM)
    assert {d.name: len(d.units) for d in bureau} == DOCUMENT_UNITS_PER_ITEM
    assert sum(DOCUMENT_UNITS_PER_ITEM.values()) == 152
    assert [d.item for d in bureau] == list(range(1, 23))
    stations = [d for d in plan.departments if d.category == "station"]
    assert len(stations) == 15 and all(d.sample for d in stations)
    assert {d.jurisdiction for d in stations} == {
        "蔚汾镇", "魏家滩镇", "瓦塘镇", "康宁镇", "高家村镇", "罗峪口镇", "蔡家会镇", "交楼申乡",
        "东会乡", "固贤乡", "奥家湾乡", "蔡家崖乡", "孟家坪乡", "赵家坪乡", "圪垯上乡"}
    assert {o.role for o in plan.officers} == {"police", "auxiliary"}
    assert all(g.officers for g in plan.grids)


@pytest.mark.skipif(not SEED.exists(), reason="the source document is not beside this checkout")
def test_shipped_units_are_exactly_as_written_in_the_document():
    text = SEED.read_text(encoding="utf-8")
    written = {}
    for m in re.finditer(r"^\d+、(\S+?)包联单位：(.+?)[；。]\s*$", text, re.M):
        if m[1].startswith("各基层派出所"):
            continue
        written[m[1]] = m[2].split("、")
    plan = parse_plan(PLAN)
    shipped = {d.name: [u.written or u.name for u in d.units] for d in plan.departments if d.category == "bureau"}
    assert shipped == written


def test_collective_aliases_and_notes_are_split_from_names():
    plan = parse_plan(PLAN)
    units = {u.name: u for d in plan.departments for u in d.units}
    assert units["城区各中小学"].collective and units["各宾馆"].collective
    assert units["行政审批服务管理局"].aliases == ("政务信息管理局",)
    assert "12 类诈骗预警短信" in units["移动公司"].note
    assert not units["县委办"].collective


def test_campaign_header_fraud_types_and_rules_are_transcribed():
    s = parse_plan(PLAN).settings
    c = s["campaign"]
    assert (c["document_no"], c["issuer"], c["issued_on"]) == ("兴公发〔2022〕6号", "兴县公安局", "2022-01-21")
    assert c["concentrated_period"] == {"start": "2022-01-01", "end": "2022-03-31"}
    assert c["routine_period"] == {"start": "2022-01-01", "end": "2022-12-31"}
    assert s["leadership"]["leader"]["name"] == "钟连山"
    assert s["leadership"]["office"]["name"] == "县局反诈中心"
    groups = [t["group"] for t in s["fraud_types"]]
    assert groups.count("telecom") == 5 and groups.count("epidemic") == 7 and groups.count("other") == 1
    assert len({t["code"] for t in s["fraud_types"]}) == 13
    assert {g["code"] for g in s["focus_groups"]} == {"returning_students", "migrant_workers"}
    d = s["rules"]["discipline"]
    assert (d["warning_talk_at"], d["accountability_at"]) == (2, 3)
    assert s["rules"]["weekly_report"]["due_weekday"] == 5
    sectors = {x["sector"]: x for x in s["sector_duties"]}
    assert "人行" in sectors["银行业、保险业"]["units"] and "移动公司" in sectors["通信运营商"]["units"]


def test_check_finds_shared_units_and_lookalike_names_by_itself(cli):
    result = cli.ok("plan", "check", PLAN)
    err = result.stderr
    for unit in ("检察院", "司法局", "科协", "电力公司", "煤运公司"):
        assert f"单位“{unit}”同时由 2 个科所队包联" in err
    assert "“人民法院”（督察大队）与“法院”（刑侦大队）可能是同一单位" in err
    assert "“市场监督管理局”（治安大队）与“市场监管局”（食药侦大队）可能是同一单位" in err
    assert "检查通过" in err and result.stdout == ""


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("法院", "人民法院", True),
        ("市场监管局", "市场监督管理局", True),
        ("县人民医院", "人民医院", True),
        ("农行", "农发行", False),
        ("农行", "农商行", False),
        ("工行", "建行", False),
        ("民政局", "民族宗教事务局", False),
        ("公路段", "公路段", False),
    ],
)
def test_lookalike_rule(a, b, same):
    assert probably_same(a, b) is same


def test_warnings_are_found_in_any_plan_not_from_a_list(tmp_path):
    text = PLAN.read_text(encoding="utf-8").replace("      - 信访局\n", "      - 县信访局\n      - 检察院\n")
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    found = warnings(parse_plan(f))
    assert any("单位“检察院”同时由 3 个科所队包联" in w for w in found)


def _plan_text(**swaps) -> str:
    text = PLAN.read_text(encoding="utf-8")
    for old, new in swaps.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _write(tmp_path, text: str) -> Path:
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    return f


BAD_PLANS = [
    # (what is broken, the replacement, words the message must contain)
    ("malformed YAML", {"  issuer: 兴县公安局\n": "  issuer: [兴县公安局\n"}, ["YAML 格式有误", "第 ", "行"]),
    ("missing key", {"  document_no: 兴公发〔2022〕6号\n": ""}, ["campaign.document_no", "缺少必填项"]),
    ("mistyped key", {"warning_talk_at: 2": "warning_talk_at: 两次"}, ["rules.discipline.warning_talk_at", "应为整数"]),
    ("empty name", {"  - name: 宣传科\n": "  - name: ''\n"}, ["departments[2]", "不能为空"]),
    ("grid officer points at nothing", {'officers: ["140101", "FJ0101"]': 'officers: ["140101", "999999"]'},
     ["stations[1]（蔚汾派出所）.grids[1]（蔚汾镇东关社区网格）.officers[2]", "999999", "不在本所 officers 名单中"]),
    ("sector duty points at nothing", {"units: [民政局]": "units: [民政总局]"}, ["sector_duties[2]", "民政总局", "不在任何科所队的包联名单中"]),
    ("duplicate badge", {'{badge: "140102"': '{badge: "140101"'}, ["警号 140101 重复"]),
    ("unit twice in one department", {"      - 县政府办\n": "      - 县政府办\n      - 县政府办\n"}, ["县政府办", "重复出现"]),
    ("unknown role", {"role: auxiliary}": "role: 协警}"}, ["身份应为 police（民警）或 auxiliary（辅警）"]),
    ("bad period", {"routine_period: {start: 2022-01-01, end: 2022-12-31}": "routine_period: {start: 2022-12-31, end: 2022-01-01}"},
     ["campaign.routine_period", "晚于结束日期"]),
    ("document without mark", {"    mark: 反电诈宣传工作通报\n": ""}, ["campaign.document.mark", "缺少必填项"]),
    ("document copy_to not a list", {"    copy_to: [反网络电信诈骗宣传攻坚行动领导小组]": "    copy_to: 领导小组"},
     ["campaign.document.copy_to", "应为列表"]),
    ("document copy_to blank", {"    copy_to: [反网络电信诈骗宣传攻坚行动领导小组]": "    copy_to: [领导小组, '']"},
     ["campaign.document.copy_to[2]", "应为单位名称"]),
]


@pytest.mark.parametrize("what, swaps, words", BAD_PLANS, ids=[b[0] for b in BAD_PLANS])
def test_bad_plans_are_refused_with_the_place_named(cli, loaded, unchanged, tmp_path, what, swaps, words):
    bad = _write(tmp_path, _plan_text(**swaps))
    for command in (["plan", "check", bad], ["plan", "load", bad, "--effective", "2022-05-01", "--reason", "x"]):
        with unchanged():
            result = cli(*command)
        assert result.exit_code == 1, result.stdout + result.stderr
        assert "bad.yaml" in result.stderr
        for word in words:
            assert word in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_unreadable_plan_files(cli, tmp_path, db_path):
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("campaign: 兴县".encode("gbk"))
    for f, words in ((tmp_path / "none.yaml", "找不到计划文件"), (gbk, "不是 UTF-8"), (tmp_path, "是文件夹")):
        result = cli("plan", "load", f)
        assert result.exit_code == 1 and words in result.stderr
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    result = cli("plan", "check", empty)
    assert result.exit_code == 1 and "应为键值表" in result.stderr
    assert not db_path.exists()


def test_loading_the_same_file_twice_changes_nothing(cli, loaded):
    before = sqlite3.connect(loaded).execute("SELECT count(*) FROM entries").fetchone()
    result = cli.ok("plan", "load", PLAN)
    assert "未写入任何内容" in result.stderr
    assert sqlite3.connect(loaded).execute("SELECT count(*) FROM entries").fetchone() == before == (1,)


def test_show_lists_every_pairing_of_the_document(cli, loaded):
    state = cli.json("plan", "show")
    assert state["campaign"]["document_no"] == "兴公发〔2022〕6号"
    assert {d["name"]: len(d["units"]) for d in state["departments"]} == DOCUMENT_UNITS_PER_ITEM
    assert len(state["stations"]) == 15
    wf = next(s for s in state["stations"] if s["name"] == "蔚汾派出所")
    assert wf["grids"][0] == {"name": "蔚汾镇东关社区网格", "worker": "蒋佳慧", "officers": ["140101", "FJ0101"]}
    mobile = next(u for d in state["departments"] for u in d["units"] if u["name"] == "移动公司")
    assert {x["sector"] for x in mobile["duties"]} == {"通信运营商"}

    table = cli.ok("plan", "show").stdout
    plan = parse_plan(PLAN)
    for d in plan.departments:
        assert d.name in table
        if d.category == "bureau":
            for u in d.units:
                assert u.name in table, u.name
    for g in plan.grids:
        assert g.name in table

    rows = cli.ok("plan", "show", "--format", "csv").stdout.splitlines()
    assert rows[0].startswith("科所队,类别,包联对象类型,包联对象")
    assert len(rows) - 1 == 152 + 15 * 4 + len(plan.grids)


def test_show_one_department_and_unknown_department(cli, loaded, unchanged):
    state = cli.json("plan", "show", "--dept", "刑侦大队")
    assert [d["name"] for d in state["departments"]] == ["刑侦大队"] and state["stations"] == []
    with unchanged():
        result = cli("plan", "show", "--dept", "刑侦")
    assert result.exit_code == 1
    assert "没有名为“刑侦”的科所队" in result.stderr and "刑侦大队" in result.stderr


def _moved_plan(tmp_path) -> Path:
    """重点办 moves from 刑侦大队 to 督察大队; a grid is re-paired to another officer."""
    text = _plan_text(**{
        "      - 重点办\n": "",
        "      - 纪委监委\n": "      - 纪委监委\n      - 重点办\n",
        'officers: ["140101", "FJ0101"]': 'officers: ["140103", "FJ0101"]',
    })
    f = tmp_path / "moved.yaml"
    f.write_text(text, encoding="utf-8")
    return f


def test_a_changed_plan_ends_old_pairings_and_keeps_history(cli, loaded, tmp_path):
    moved = _moved_plan(tmp_path)
    dry = cli.ok("plan", "load", moved, "--effective", "2022-03-01", "--reason", "局党委会调整", "--dry-run")
    assert "预演" in dry.stderr and "- 单位包联关系：重点办（刑侦大队）" in dry.stderr
    assert sqlite3.connect(loaded).execute("SELECT count(*) FROM entries").fetchone() == (1,)

    cli.ok("plan", "load", moved, "--effective", "2022-03-01", "--reason", "局党委会调整")

    def units(on, dept):
        return [u["name"] for u in cli.json("plan", "show", "--on", on, "--dept", dept)["departments"][0]["units"]]

    def grid_officers(on):
        wf = cli.json("plan", "show", "--on", on, "--dept", "蔚汾派出所")["stations"][0]
        return wf["grids"][0]["officers"]

    assert "重点办" in units("2022-02-28", "刑侦大队") and "重点办" not in units("2022-02-28", "督察大队")
    assert "重点办" not in units("2022-03-01", "刑侦大队") and "重点办" in units("2022-03-01", "督察大队")
    assert grid_officers("2022-02-28") == ["140101", "FJ0101"]
    assert grid_officers("2022-03-01") == ["140103", "FJ0101"]

    history = cli.json("plan", "history")
    assert [(h["effective"], h["reason"]) for h in history] == [("2022-01-21", "首次载入计划"), ("2022-03-01", "局党委会调整")]
    assert history[1]["ended"] == 2 and history[1]["started"] == 2
    # Loading the changed plan again changes nothing.
    cli.ok("plan", "load", moved, "--effective", "2022-04-01", "--reason", "重复")
    assert len(cli.json("plan", "history")) == 2
    cli.ok("db", "verify")


@pytest.mark.parametrize(
    "args, words",
    [
        ([], ["变更须写明原因", "--reason"]),
        (["--effective", "2021-12-01", "--reason", "x"], ["不在活动期"]),
        (["--effective", "2022-13-01", "--reason", "x"], ["生效日期格式不对"]),
        (["--reason", "x"], ["不在活动期", "--effective"]),  # today (2026) is outside the 2022 campaign
    ],
)
def test_changed_plan_without_reason_or_with_bad_date_is_refused(cli, loaded, unchanged, tmp_path, args, words):
    moved = _moved_plan(tmp_path)
    with unchanged():
        result = cli("plan", "load", moved, *args)
    assert result.exit_code == 1
    for w in words:
        assert w in result.stderr


def test_a_change_cannot_take_effect_before_the_plan_in_force(cli, loaded, unchanged, tmp_path):
    moved = _moved_plan(tmp_path)
    cli.ok("plan", "load", moved, "--effective", "2022-06-01", "--reason", "调整")
    with unchanged():
        result = cli("plan", "load", PLAN, "--effective", "2022-05-01", "--reason", "回退")
    assert result.exit_code == 1 and "早于现行计划的生效日期 2022-06-01" in result.stderr


def test_dry_run_on_a_fresh_machine_creates_no_ledger(cli, db_path):
    result = cli.ok("plan", "load", PLAN, "--dry-run")
    assert "将首次载入计划" in result.stderr
    assert not db_path.exists()


def test_roster_import_replaces_sample_stations(cli, tmp_path):
    plan = tmp_path / "assignments.yaml"
    plan.write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "派出所,辖区,网格,网格员,警号,姓名,身份\n"
        "城关派出所,蔚汾镇,东关一网格,刘芳,150001,陈刚,民警\n"
        "城关派出所,蔚汾镇,东关一网格,刘芳,F50001,周丽,辅警\n"
        "城关派出所,蔚汾镇,东关二网格,王敏,150001,陈刚,民警\n"
        "魏家滩派出所,魏家滩镇,魏家滩村网格,李强,150002,赵勇,民警\n",
        encoding="gbk",  # as saved by Excel on Windows
    )
    cli.ok("roster", "import", roster, "--plan", plan)
    assert (tmp_path / "assignments.yaml.bak").read_text(encoding="utf-8") == PLAN.read_text(encoding="utf-8")
    new = parse_plan(plan)
    stations = [d for d in new.departments if d.category == "station"]
    assert [s.name for s in stations] == ["城关派出所", "魏家滩派出所"]
    assert not any(s.sample for s in stations)
    assert stations[1].units[0].name == "魏家滩镇党政机关"  # kept from the plan for a known station
    assert [(g.name, g.officers) for g in new.grids][:2] == [("东关一网格", ("150001", "F50001")), ("东关二网格", ("150001",))]
    text = plan.read_text(encoding="utf-8")
    assert text.startswith("# 兴县公安局") and "sector_duties:" in text and "# 本局细则" in text
    assert [d.name for d in new.departments if d.category == "bureau"] == list(DOCUMENT_UNITS_PER_ITEM)
    cli.ok("plan", "load", plan)


def test_bad_roster_changes_nothing(cli, tmp_path):
    plan = tmp_path / "assignments.yaml"
    plan.write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("派出所,辖区,网格,网格员,警号,姓名,身份\n城关派出所,蔚汾镇,东关一网格,刘芳,150001,陈刚,协警\n", encoding="utf-8")
    result = cli("roster", "import", roster, "--plan", plan)
    assert result.exit_code == 1 and "第 2 行" in result.stderr and "“身份”应为 民警 或 辅警" in result.stderr
    assert plan.read_text(encoding="utf-8") == PLAN.read_text(encoding="utf-8")
    broken = tmp_path / "roster.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = cli("roster", "import", broken, "--plan", plan)
    assert result.exit_code == 1 and "已损坏或不是 .xlsx 格式" in result.stderr
    missing_cols = tmp_path / "cols.csv"
    missing_cols.write_text("派出所,网格\nA,B\n", encoding="utf-8")
    result = cli("roster", "import", missing_cols, "--plan", plan)
    assert result.exit_code == 1 and "缺少列" in result.stderr
    assert not (tmp_path / "assignments.yaml.bak").exists()
