"""Commendation candidates (commend.py) called directly on one prepared ledger, with the local
limits switched on and off by substituting the rules in force. Every figure, reason and the
order of the list are pinned, so that a changed comparison, a lost merit or a reworded reason
fails a test. Written for mutation testing (TESTING.md).

The ledger: the shipped plan from 2022-01-21 (due weeks 2022-W04 and W05 up to 2022-02-06);
a case on 蔚汾镇东关社区网格 (140101, FJ0101) and one on 蔚汾镇北坡社区网格 (140101, FJ0102),
the latter verified negligent (a deduction for 140101 and for 蔚汾派出所); dissuasions of
20,000 (140101), 10,000 and 15,000 (140102), 9,999.99 (FJ0102), 30,000 (140201) and 0.01 元
(FJ0101);
蔚汾派出所 reported both weeks on time, 魏家滩派出所 only W05, one second late, 瓦塘派出所 W04 on
time and W05 not at all."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from fanzha_cli import cases, commend, rules
from tests.casework import GRID, GRID_NORTH, STATION, add_case, audit, opened
from tests.conftest import PLAN, Cli

FROM, TO = "2022-01-21", "2022-02-06"
_BUILT: list[tuple[Path, Path]] = []


def _build(cli: Cli) -> None:
    cli.ok("plan", "load", PLAN)
    add_case(cli, "C1", "2022-02-01", GRID)
    add_case(cli, "C2", "2022-02-02", GRID_NORTH)
    audit(cli, "C2", "2022-02-03", "no", "--verified-negligent")
    for officer, amount in [("140101", "20000"), ("140102", "10000"), ("140102", "15000"),
                            ("FJ0102", "9999.99"), ("140201", "30000"), ("FJ0101", "0.01")]:
        cli.ok("dissuasion", "add", "--officer", officer, "--date", "2022-02-03", "--amount-saved", amount)
    for week, day, dept, target, at in (
        ("2022-W04", "2022-01-28", STATION, GRID, "10:00"),
        ("2022-W05", "2022-02-04", STATION, GRID, "10:00"),
        ("2022-W05", "2022-02-04", "魏家滩派出所", "魏家滩镇阳坡村网格", "18:00:01"),
        ("2022-W04", "2022-01-28", "瓦塘派出所", "瓦塘镇瓦塘村网格", "17:59:59"),
    ):
        cli.ok("report", "add", "--dept", dept, "--week", week, "--grid", target,
               "--submitted-at", f"{day} {at}", "--leaflets", "5")


@pytest.fixture(scope="session")
def commend_template(tmp_path_factory, session_key_file):
    if _BUILT and (not _BUILT[0][0].exists() or _BUILT[0][1] != session_key_file):
        _BUILT.clear()
    if not _BUILT:
        path = tmp_path_factory.mktemp("commend") / "ledger.db"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("FANZHA_DB", str(path))
            mp.setenv("FANZHA_OPERATOR", "测试员")
            _build(Cli())
        _BUILT.append((path, session_key_file))
    return _BUILT[0][0]


@pytest.fixture
def led(commend_template, db_path):
    for suffix in ("", "-wal"):
        if Path(str(commend_template) + suffix).exists():
            shutil.copy(str(commend_template) + suffix, str(db_path) + suffix)
    with opened(db_path) as led:
        yield led


@pytest.fixture
def local(monkeypatch):
    """Run with some rules changed from those the plan states."""
    real = rules.of

    def change(**values):
        monkeypatch.setattr(commend.rules, "of", lambda settings: dataclasses.replace(real(settings), **values))
    return change


def _by_key(got) -> dict:
    return {(c["subject_kind"], c["badge"] or c["name"]): c for c in got["candidates"]}


def _keys(got) -> list[str]:
    return [c["badge"] or c["name"] for c in got["candidates"]]


STATIONS = ["蔚汾派出所", "魏家滩派出所", "瓦塘派出所", "康宁派出所", "高家村派出所", "罗峪口派出所", "蔡家会派出所",
            "交楼申派出所", "东会派出所", "固贤派出所", "奥家湾派出所", "蔡家崖派出所", "孟家坪派出所", "赵家坪派出所",
            "圪垯上派出所"]
BUREAU = ["办公室", "宣传科", "考核科", "人训科", "治安大队", "刑侦大队", "巡特警大队", "网安大队", "经侦大队", "信通大队",
          "国保大队", "法制大队", "禁毒大队", "食药侦大队", "反恐大队", "工会", "信访科", "督察大队", "交警大队", "城警大队",
          "森林派出所", "指挥中心"]
# Officers of the stations with no case, in plan order: two police and two auxiliaries each.
def _quiet() -> list[str]:
    out = []
    for n in range(3, 16):
        out += [f"14{n:02d}01", f"14{n:02d}02", f"FJ{n:02d}01", f"FJ{n:02d}02"]
    return out


def test_who_is_commended_and_in_what_order(led):
    got = commend.candidates(led, FROM, TO)
    assert {k: v for k, v in got.items() if k != "candidates"} == {
        "from": FROM, "to": TO, "weeks": 2,
        "criteria": {"zero_case": True, "dissuasion": True, "major_loss": "10000.00",
                     "max_deductions": None, "min_on_time_share": None}}
    # Two merits and the most saved first, then plan order; officers before departments.
    assert _keys(got) == (["140201", "140102", "140101", "140103", "FJ0103", "140202", "FJ0201", "FJ0202"]
                          + _quiet() + BUREAU[:20] + ["森林派出所", "指挥中心"] + STATIONS)


def test_the_reasons_and_evidence_of_each_kind_of_candidate(led):
    got = _by_key(commend.candidates(led, FROM, TO))
    assert got["officer", "140201"] == {
        "subject_kind": "officer", "badge": "140201", "name": "秦永刚", "department": "魏家滩派出所",
        "reasons": ["劝阻 1 起，避免重大损失 30000.00 元", "结对网格零发案（2 个）", "无通报扣分", "所在单位按时报送 0/2 周"],
        "evidence": {"dissuasion_entries": [10], "zero_case_grids": ["魏家滩镇魏家滩村网格", "魏家滩镇王家圪垛村网格"],
                     "deductions": 0, "on_time_weeks": 0, "weeks": 2}}
    assert got["officer", "140102"]["reasons"] == [
        "劝阻 2 起，避免重大损失 25000.00 元", "结对网格零发案（2 个）", "无通报扣分", "所在单位按时报送 2/2 周"]
    assert got["officer", "140102"]["evidence"] == {
        "dissuasion_entries": [7, 8], "zero_case_grids": ["蔚汾镇西关社区网格", "蔚汾镇城内社区网格"],
        "deductions": 0, "on_time_weeks": 2, "weeks": 2}
    # A deduction does not bar him (no limit is on); his grids had cases: only the dissuasion.
    assert got["officer", "140101"] == {
        "subject_kind": "officer", "badge": "140101", "name": "王建军", "department": "蔚汾派出所",
        "reasons": ["劝阻 1 起，避免重大损失 20000.00 元", "通报扣分 1 次", "所在单位按时报送 2/2 周"],
        "evidence": {"dissuasion_entries": [6], "deductions": 1, "on_time_weeks": 2, "weeks": 2}}
    assert got["officer", "FJ0103"]["reasons"] == ["结对网格零发案（2 个）", "无通报扣分", "所在单位按时报送 2/2 周"]
    # FJ0101 (a grid with a case) and FJ0102 (a case, and 9,999.99 元 is no major loss): none.
    assert ("officer", "FJ0101") not in got and ("officer", "FJ0102") not in got
    assert got["department", "蔚汾派出所"] == {
        "subject_kind": "department", "badge": None, "name": "蔚汾派出所", "department": "蔚汾派出所",
        "reasons": ["民辅警劝阻 3 起，避免重大损失 45000.00 元", "通报扣分 1 次", "按时报送 2/2 周"],
        "evidence": {"dissuasion_entries": [6, 7, 8], "deductions": 1, "on_time_weeks": 2, "weeks": 2}}
    assert got["department", "魏家滩派出所"] == {
        "subject_kind": "department", "badge": None, "name": "魏家滩派出所", "department": "魏家滩派出所",
        "reasons": ["包联单位、网格全部零发案", "民辅警劝阻 1 起，避免重大损失 30000.00 元", "无通报扣分", "按时报送 0/2 周"],
        "evidence": {"zero_case_targets": ["魏家滩镇企事业单位", "魏家滩镇党政机关", "魏家滩镇各村（社区）", "魏家滩镇商贸场所",
                                           "魏家滩镇王家圪垛村网格", "魏家滩镇阳坡村网格", "魏家滩镇魏家滩村网格"],
                     "dissuasion_entries": [10], "deductions": 0, "on_time_weeks": 0, "weeks": 2}}
    assert got["department", "办公室"]["reasons"] == ["包联单位、网格全部零发案", "无通报扣分", "按时报送 0/2 周"]
    assert got["department", "办公室"]["evidence"]["zero_case_targets"][:2] == ["公积金中心", "县人大各工作委员会"]


def test_without_evidence_only_the_reasons(led):
    full = commend.candidates(led, FROM, TO)
    bare = commend.candidates(led, FROM, TO, with_evidence=False)
    assert bare["candidates"] == [{k: v for k, v in c.items() if k != "evidence"} for c in full["candidates"]]
    # The circular prints these rows as they are: their keys, in this order, are its JSON's.
    assert bare["candidates"] and all(list(c) == ["subject_kind", "badge", "name", "department", "reasons"]
                                      for c in bare["candidates"])
    assert {k: v for k, v in bare.items() if k != "candidates"} == {k: v for k, v in full.items() if k != "candidates"}


@pytest.mark.parametrize("limit, barred", [(0, True), (1, False)])
def test_at_most_so_many_deductions(led, local, limit, barred):
    local(max_deductions=limit)
    got = commend.candidates(led, FROM, TO)
    keys = _by_key(got)
    assert got["criteria"]["max_deductions"] == limit
    assert (("officer", "140101") not in keys) is barred
    assert (("department", "蔚汾派出所") not in keys) is barred
    assert ("officer", "140102") in keys and ("department", "魏家滩派出所") in keys


WATANG = ["140301", "140302", "FJ0301", "FJ0302"]


@pytest.mark.parametrize("share, kept", [(1.0, {"蔚汾派出所"}), (0.6, {"蔚汾派出所"}), (0.0, None),
                                         (0.5, {"蔚汾派出所", "瓦塘派出所"})])
def test_at_least_such_a_share_of_weeks_on_time(led, local, share, kept):
    local(min_on_time_share=share)
    got = commend.candidates(led, FROM, TO)
    assert got["criteria"]["min_on_time_share"] == share
    depts = {c["department"] for c in got["candidates"]}
    if kept is None:
        assert len(got["candidates"]) == 97
    elif len(kept) == 1:
        assert depts == kept
        assert _keys(got) == ["140102", "140101", "140103", "FJ0103", "蔚汾派出所"]
    else:
        assert depts == kept
        assert _keys(got) == ["140102", "140101", "140103", "FJ0103", *WATANG, "蔚汾派出所", "瓦塘派出所"]
        assert _by_key(got)["officer", "140301"]["reasons"][-1] == "所在单位按时报送 1/2 周"
        assert _by_key(got)["department", "瓦塘派出所"]["reasons"][-1] == "按时报送 1/2 周"


def test_a_share_over_a_period_with_no_due_week_bars_no_one(led, local):
    local(min_on_time_share=1.0)
    got = commend.candidates(led, "2022-01-29", "2022-02-03")   # Saturday to Thursday
    assert got["weeks"] == 0
    keys = _by_key(got)
    assert keys["officer", "140201"]["reasons"][-1] == "期内无应报周次"
    assert keys["officer", "140201"]["evidence"]["weeks"] == 0
    assert keys["department", "办公室"]["reasons"][-1] == "按时报送 0/0 周"


def test_without_the_zero_case_ground(led, local):
    local(commend_zero_case=False)
    got = commend.candidates(led, FROM, TO)
    assert got["criteria"]["zero_case"] is False
    assert _keys(got) == ["140201", "140102", "140101", "蔚汾派出所", "魏家滩派出所"]
    assert _by_key(got)["department", "魏家滩派出所"]["reasons"] == [
        "民辅警劝阻 1 起，避免重大损失 30000.00 元", "无通报扣分", "按时报送 0/2 周"]


def test_without_the_dissuasion_ground(led, local):
    local(commend_dissuasion=False)
    got = commend.candidates(led, FROM, TO)
    assert got["criteria"]["dissuasion"] is False
    keys = _by_key(got)
    assert ("officer", "140101") not in keys and ("department", "蔚汾派出所") not in keys
    assert keys["officer", "140201"]["reasons"] == ["结对网格零发案（2 个）", "无通报扣分", "所在单位按时报送 0/2 周"]
    assert "dissuasion_entries" not in keys["officer", "140201"]["evidence"]
    assert _keys(got)[:4] == ["140102", "140103", "FJ0103", "140201"]  # plan order once merits tie


@pytest.mark.parametrize("yuan, who", [(30000, ["140201"]), (30000.01, []), (15000, ["140201", "140101", "140102"])])
def test_a_major_loss_is_at_least_the_local_amount(led, local, yuan, who):
    local(major_loss_fen=round(yuan * 100), commend_zero_case=False)
    got = commend.candidates(led, FROM, TO)
    assert [c["badge"] for c in got["candidates"] if c["subject_kind"] == "officer"] == who
    assert got["criteria"]["major_loss"] == f"{yuan:.2f}"
    if yuan == 15000:   # 140102: only the 15,000 counts
        assert _by_key(got)["officer", "140102"]["reasons"][0] == "劝阻 1 起，避免重大损失 15000.00 元"


def test_weeks_before_the_first_due_week_do_not_count(led):
    got = commend.candidates(led, "2022-01-01", TO)
    assert got["weeks"] == 2 and got["from"] == "2022-01-01"
    assert _by_key(got)["department", "蔚汾派出所"]["reasons"][-1] == "按时报送 2/2 周"


def test_a_zero_case_judgement_handed_in_is_used(led):
    """The circular's own judgement (since the campaign's start) instead of the period's."""
    before = cases.pairings(led, "2022-01-21", "2022-01-31")   # before the cases
    got = _by_key(commend.candidates(led, FROM, TO, zero=before))
    assert got["officer", "FJ0101"]["reasons"][0] == "结对网格零发案（1 个）"
    assert got["department", "蔚汾派出所"]["reasons"][0] == "包联单位、网格全部零发案"


def test_candidates_in_defaults_to_the_plans_start(led):
    got = commend.candidates_in(led, None, TO)
    assert got["from"] == FROM and got == commend.candidates(led, FROM, TO)
    later = commend.candidates_in(led, "2022-01-29", TO)
    assert later["from"] == "2022-01-29" and later["weeks"] == 1


def test_weeks_between():
    assert commend.weeks_between("2022-01-21", "2022-02-06") == ["2022-W03", "2022-W04", "2022-W05"]
    assert commend.weeks_between("2022-01-22", "2022-02-04") == ["2022-W04", "2022-W05"]
    assert commend.weeks_between("2022-01-22", "2022-02-03") == ["2022-W04"]
    assert commend.weeks_between("2022-01-22", "2022-02-03", 4) == ["2022-W04", "2022-W05"]


def test_on_time_weeks(led):
    assert commend.on_time_weeks(led, []) == {}
    assert commend.on_time_weeks(led, ["2022-W04", "2022-W05"]) == {STATION: 2, "瓦塘派出所": 1}
    assert commend.on_time_weeks(led, ["2022-W05"]) == {STATION: 1}


def test_due_weeks_follow_the_plans_weekday(led, local):
    assert commend.candidates(led, FROM, "2022-02-01")["weeks"] == 1   # Friday 2022-01-28
    local(due_weekday=1)
    assert commend.candidates(led, FROM, "2022-02-01")["weeks"] == 2   # Mondays 01-24 and 01-31



@pytest.mark.parametrize("start, end", [("2022-02-03", TO), (FROM, "2022-01-31")])
def test_zero_case_is_judged_over_the_period_asked(led, start, end):
    """The cases of 2022-02-01 and 02-02 fall outside both periods: their grids are case-free."""
    got = _by_key(commend.candidates(led, start, end))
    assert got["officer", "FJ0101"]["reasons"][0] == "结对网格零发案（1 个）"
    assert got["department", "蔚汾派出所"]["reasons"][0] == "包联单位、网格全部零发案"


def test_among_equals_the_most_saved_first_and_no_dissuasion_last(led, local):
    """With every dissuasion a major loss, 0.01 元 saved still ranks FJ0101 before the officers
    commended for zero-case alone (plan order would put 140103 first)."""
    local(major_loss_fen=1)
    keys = _keys(commend.candidates(led, FROM, TO))
    assert keys[:6] == ["140201", "140102", "140101", "FJ0102", "FJ0101", "140103"]
