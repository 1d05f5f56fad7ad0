"""Zero-case and the campaign's dates (cases.py) pinned down for mutation testing: the period
cut where the plan changed, pairings judged piece by piece, officers gathered over the
pieces, the departments all of whose pairings are case-free, and the messages word for word.

The functions are called directly on a ledger prepared once per run (`moved`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fanzha_cli import cases, queries
from fanzha_cli.cases import Pairings
from fanzha_cli.errors import FanzhaError

from .casework import GRID, GRID_WEST, STATION, Prepared, copy_ledger, opened, plan_variant
from .conftest import PLAN, Cli

EAST = (STATION, "grid", GRID)
WEST = (STATION, "grid", GRID_WEST)
OFFICE_FINANCE = ("办公室", "unit", "财政局")
PUBLICITY_FINANCE = ("宣传科", "unit", "财政局")
OFFICE_AUDIT = ("办公室", "unit", "审计局")
NEW = (STATION, "grid", "蔚汾镇新区网格")
SOUTH = (STATION, "grid", "蔚汾镇南关社区网格")


def _cli(path: Path, *args) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FANZHA_DB", str(path))
        mp.setenv("FANZHA_OPERATOR", "测试员")
        result = Cli()(*args)
        assert result.exit_code == 0, result.stderr


def _build(path: Path) -> dict[str, int]:
    """The shipped plan (in force from 2022-01-21), then from 2022-06-01 财政局 moved from 办公室
    to 宣传科, the east grid paired with 140101 and FJ0102 instead of 140101 and FJ0101,
    the south grid left without officers, and a new grid (蔚汾镇新区网格, 140103 and FJ0101). Cases: Z1 财政局 2022-03-01 (办公室's
    then), Z3 审计局 2022-04-01 (办公室's throughout), Z2 east grid 2022-07-01, P1 a place."""
    _cli(path, "plan", "load", PLAN)
    moved = plan_variant(path.parent, "moved.yaml", {
        "      - 财政局\n": "", "      - 宣传部\n": "      - 宣传部\n      - 财政局\n",
        'officers: ["140101", "FJ0101"]': 'officers: ["FJ0102", "140101"]',
        'officers: ["140103", "FJ0103"]': "officers: []",
        '        officers: ["140102", "FJ0103"]\n  - name: 魏家滩派出所': (
            '        officers: ["140102", "FJ0103"]\n      - name: 蔚汾镇新区网格\n        worker: 刘新\n'
            '        officers: ["140103", "FJ0101"]\n  - name: 魏家滩派出所')})
    _cli(path, "plan", "load", moved, "--effective", "2022-06-01", "--reason", "财政局改由宣传科包联")
    ids = {}
    with opened(path) as led:
        for no, date, where in (("Z1", "2022-03-01", {"unit": "财政局"}),
                                ("P1", "2022-02-01", {"place": "某商场"}), ("Z3", "2022-04-01", {"unit": "审计局"}),
                                ("Z2", "2022-07-01", {"grid": GRID})):
            ids[no] = cases.add_case(led, case_no=no, date=date, type_="online_loan", **where)["entry_id"]
    return ids


_PREPARED = Prepared("moved", _build)


@pytest.fixture(scope="session")
def moved_template(tmp_path_factory, session_key_file):
    return _PREPARED.template(tmp_path_factory, session_key_file)


@pytest.fixture
def moved(moved_template, db_path):
    path, ids = moved_template
    copy_ledger(path, db_path)
    return ids


@pytest.fixture
def led(moved, db_path):
    with opened(db_path) as led:
        yield led


# --- the period cut where the plan changed ---

@pytest.mark.parametrize("start, end, pieces", [
    ("2022-01-21", "2022-12-31", [("2022-01-21", "2022-05-31"), ("2022-06-01", "2022-12-31")]),
    ("2022-05-31", "2022-06-01", [("2022-05-31", "2022-05-31"), ("2022-06-01", "2022-06-01")]),
    ("2022-06-01", "2022-06-30", [("2022-06-01", "2022-06-30")]),
    ("2022-02-01", "2022-05-31", [("2022-02-01", "2022-05-31")]),
])
def test_segments(led, start, end, pieces):
    assert cases._segments(led, start, end) == pieces


# --- pairings, judged piece by piece ---

def test_pairings_over_a_plan_change(led):
    p = cases.pairings(led, "2022-01-01", "2022-12-31")
    assert len(p.had_case) == 261  # 259 pairings, and 财政局 with 宣传科 and the new grid from June
    assert p.had_case[NEW] is False and p.officers[NEW] == ["140103", "FJ0101"]
    assert (p.had_case[OFFICE_FINANCE], p.had_case[PUBLICITY_FINANCE], p.had_case[EAST], p.had_case[WEST]) == (
        True, False, True, False)
    assert p.had_case[OFFICE_AUDIT] is True  # hit in the first piece, none in the second
    assert p.officers[EAST] == ["140101", "FJ0101", "FJ0102"]  # the first piece's order, then the newcomer
    assert p.officers[WEST] == ["140102", "FJ0102"]
    assert (p.officer_names["140101"], p.officer_names["FJ0102"]) == ("王建军", "董晓峰")
    assert (p.categories["办公室"], p.categories[STATION]) == ("bureau", "station")
    assert (p.order["办公室"], p.order["宣传科"], len(p.order)) == (0, 1, 37)
    # The index's own lists are left as they were.
    assert cases.pairings(led, "2022-06-01", "2022-12-31").officers[EAST] == ["140101", "FJ0102"]
    assert cases.pairings(led, "2022-01-21", "2022-05-31").officers[EAST] == ["140101", "FJ0101"]


def test_pairings_of_one_piece(led):
    p = cases.pairings(led, "2022-06-01", "2022-06-30")
    assert len(p.had_case) == 260 and OFFICE_FINANCE not in p.had_case
    assert not any(p.had_case.values())
    early = cases.pairings(led, "2022-01-21", "2022-05-31")
    assert PUBLICITY_FINANCE not in early.had_case and early.had_case[OFFICE_FINANCE] is True
    assert [k for k, had in early.had_case.items() if had] == [OFFICE_FINANCE, OFFICE_AUDIT]


def test_pairings_cases_on_the_last_and_first_day_of_a_piece(led):
    assert cases.pairings(led, "2022-01-21", "2022-03-01").had_case[OFFICE_FINANCE] is True
    assert cases.pairings(led, "2022-03-01", "2022-03-01").had_case[OFFICE_FINANCE] is True
    assert cases.pairings(led, "2022-03-02", "2022-05-31").had_case[OFFICE_FINANCE] is False
    assert cases.pairings(led, "2022-07-01", "2022-07-01").had_case[EAST] is True


def test_no_pairing_before_the_first_plan(led):
    p = cases.pairings(led, "2022-01-01", "2022-01-20")
    assert (p.had_case, p.officers, p.categories, p.order, p.officer_names) == ({}, {}, {}, {}, {})
    assert cases.pairings(led, "2022-01-01", "2022-01-21").had_case[WEST] is False


def test_cases_entered_later_are_left_out_with_upto(led, moved):
    assert cases.pairings(led, "2022-01-21", "2022-12-31", upto=moved["Z2"] - 1).had_case[EAST] is False
    assert cases.pairings(led, "2022-01-21", "2022-12-31", upto=moved["Z2"]).had_case[EAST] is True


def _pairings() -> Pairings:
    had = {("乙", "grid", "g1"): False, ("甲", "grid", "g2"): False, ("甲", "unit", "u1"): True,
           ("丙", "unit", "u3"): False, ("乙", "unit", "u2"): False, ("甲", "unit", "u4"): False}
    return Pairings(had, {}, {}, {"甲": 0, "乙": 1}, {})


def test_pairings_in_plan_order_units_before_grids():
    p = _pairings()
    assert p.keys() == [("甲", "unit", "u1"), ("甲", "unit", "u4"), ("甲", "grid", "g2"), ("乙", "unit", "u2"),
                        ("乙", "grid", "g1"), ("丙", "unit", "u3")]
    assert p.free() == [("甲", "unit", "u4"), ("甲", "grid", "g2"), ("乙", "unit", "u2"), ("乙", "grid", "g1"),
                        ("丙", "unit", "u3")]
    assert p.free_departments() == {"乙", "丙"}
    assert p.per_department(p.keys()) == {"甲": {"unit": 2, "grid": 1}, "乙": {"unit": 1, "grid": 1},
                                          "丙": {"unit": 1, "grid": 0}}
    assert cases.free_of(p) == (set(p.free()), {"乙", "丙"})


def test_case_free_as_sets(led):
    pairs, depts = cases.case_free(led, "2022-01-21", "2022-12-31")
    assert OFFICE_FINANCE not in pairs and EAST not in pairs and WEST in pairs and PUBLICITY_FINANCE in pairs
    assert "办公室" not in depts and STATION not in depts and "宣传科" in depts
    pairs, depts = cases.case_free(led, "2022-01-21", "2022-06-30")
    assert EAST in pairs and STATION in depts


# --- zero-case ---

def test_zero_case(led):
    z = cases.zero_case(led, "2022-01-01", "2022-12-31")
    assert (z["from"], z["to"], z["pairings"], z["departments_judged"]) == ("2022-01-21", "2022-12-31", 261, 37)
    targets = {(t["department"], t["target_kind"], t["target"]): t for t in z["targets"]}
    assert len(targets) == 261 - 3 and OFFICE_AUDIT not in targets and OFFICE_FINANCE not in targets and EAST not in targets
    assert targets[WEST] == {"department": STATION, "category": "station", "target_kind": "grid", "target": GRID_WEST,
                             "officers": [{"badge": "140102", "name": "黄桂兰"}, {"badge": "FJ0102", "name": "董晓峰"}]}
    assert targets[PUBLICITY_FINANCE] == {"department": "宣传科", "category": "bureau", "target_kind": "unit",
                                          "target": "财政局", "officers": []}
    assert [tuple(t[k] for k in ("department", "target_kind")) for t in z["targets"][:2]] == [
        ("办公室", "unit"), ("办公室", "unit")]
    depts = z["departments"]
    assert depts[0] == {"department": "宣传科", "category": "bureau", "units": 6, "grids": 0}
    assert "办公室" not in {d["department"] for d in depts} and STATION not in {d["department"] for d in depts}
    assert [d["department"] for d in depts] == sorted((d["department"] for d in depts),
                                                     key=lambda d: cases.pairings(led, "2022-01-21", "2022-12-31").order[d])
    assert len(depts) == 35


def test_zero_case_of_a_station_with_grids(led):
    z = cases.zero_case(led, "2022-01-21", "2022-06-30")
    station = next(d for d in z["departments"] if d["department"] == STATION)
    assert station == {"department": STATION, "category": "station", "units": 4, "grids": 6}
    east = next(t for t in z["targets"] if t["target"] == GRID)
    assert east["officers"] == [{"badge": "140101", "name": "王建军"}, {"badge": "FJ0101", "name": "宋金凤"},
                                {"badge": "FJ0102", "name": "董晓峰"}]


def test_zero_case_as_entered_up_to_an_entry(led, moved):
    z = cases.zero_case(led, "2022-01-21", "2022-12-31", upto=moved["Z2"] - 1)
    assert GRID in {t["target"] for t in z["targets"]}
    z = cases.zero_case(led, "2022-01-21", "2022-12-31", upto=moved["Z2"])
    assert GRID not in {t["target"] for t in z["targets"]}


def test_zero_case_by_default_from_the_plan_to_today(led):
    z = cases.zero_case(led, None, None, today=dt.date(2022, 2, 15))
    assert (z["from"], z["to"]) == ("2022-01-21", "2022-02-15")
    assert OFFICE_FINANCE[2] in {t["target"] for t in z["targets"] if t["department"] == "办公室"}
    z = cases.zero_case(led, None, None, today=dt.date(2030, 1, 1))
    assert (z["from"], z["to"]) == ("2022-01-21", "2022-12-31")


# --- the campaign's dates ---

def test_the_campaign_period(led):
    assert cases.campaign_period(led) == ("2022-01-01", "2022-12-31")
    assert cases.campaign_date(led, "2022-01-01") == "2022-01-01"
    assert cases.campaign_date(led, "2022-12-31") == "2022-12-31"


@pytest.mark.parametrize("value, what, message", [
    ("2021-12-31", "发案日期", "发案日期 2021-12-31 不在活动期 2022-01-01 至 2022-12-31 内。"),
    ("2023-01-01", "日期", "日期 2023-01-01 不在活动期 2022-01-01 至 2022-12-31 内。"),
])
def test_a_date_outside_the_campaign_is_refused_word_for_word(led, value, what, message):
    with pytest.raises(FanzhaError) as e:
        cases.campaign_date(led, value, *([what] if what != "日期" else []))
    assert e.value.message == message
    assert e.value.hint == "只能登记活动期内的日期；活动期见 fanzha plan show。"


@pytest.mark.parametrize("start, end, today, from_plan, expected", [
    (None, None, dt.date(2022, 3, 5), False, ("2022-01-01", "2022-03-05")),
    (None, None, dt.date(2022, 3, 5), True, ("2022-01-21", "2022-03-05")),
    (None, None, dt.date(2023, 3, 5), False, ("2022-01-01", "2022-12-31")),
    (None, None, dt.date(2021, 3, 5), False, ("2022-01-01", "2022-01-01")),
    ("2022-04-01", None, dt.date(2022, 3, 5), False, ("2022-04-01", "2022-04-01")),
    ("2022-01-05", None, None, True, ("2022-01-05", "2022-12-31")),
    (None, "2022-02-01", None, False, ("2022-01-01", "2022-02-01")),
    ("2022-02-01", "2022-02-01", None, False, ("2022-02-01", "2022-02-01")),
])
def test_periods(led, start, end, today, from_plan, expected):
    assert cases.period(led, start, end, today, from_plan=from_plan) == expected


def test_a_period_that_ends_before_it_starts_is_refused_word_for_word(led):
    with pytest.raises(FanzhaError) as e:
        cases.period(led, "2022-03-02", "2022-03-01")
    assert (e.value.message, e.value.hint) == ("起始日期 2022-03-02 晚于截止日期 2022-03-01。", "--from 应不晚于 --to。")
    with pytest.raises(FanzhaError) as e:
        cases.period(led, "2022-00-01", None)
    assert "起始日期" in e.value.message
    with pytest.raises(FanzhaError) as e:
        cases.period(led, None, "2023-01-01")
    assert e.value.message == "截止日期 2023-01-01 不在活动期 2022-01-01 至 2022-12-31 内。"


def test_the_first_plan_effective(led):
    assert led.query(queries.FIRST_PLAN_EFFECTIVE, {"upto": None})[0]["effective"] == "2022-01-21"


# --- case numbers, places, types and groups ---

SETTINGS = {
    "fraud_types": [{"code": "online_loan", "name": "网络贷款诈骗"}, {"code": "brushing", "name": "兼职刷单、刷信誉诈骗"}],
    "focus_groups": [{"code": "returning_students", "name": "返乡学生群体"},
                     {"code": "migrant_workers", "name": "返乡外出务工人员"}],
}


@pytest.mark.parametrize("typed, stored", [
    ("xg2022001", "XG2022001"), (" ＸＧ２０２２００１ ", "XG2022001"), ("ab-1", "AB-1"), ("a" * 64, "A" * 64),
])
def test_case_numbers_as_stored(typed, stored):
    assert cases.normalize_case_no(typed) == stored


@pytest.mark.parametrize("typed, message, hint", [
    ("", "案件编号不能为空。", "用 --case-no 写明案件编号，如 XG2022001。"),
    (None, "案件编号不能为空。", "用 --case-no 写明案件编号，如 XG2022001。"),
    ("　 ", "案件编号不能为空。", "用 --case-no 写明案件编号，如 XG2022001。"),
    ("XG\t1", "案件编号 'XG\\t1' 中含有控制字符。", "案件编号只写字母、数字和连字符等可见字符。"),
    ("XG\u200b1", "案件编号 'XG\\u200b1' 中含有控制字符。", "案件编号只写字母、数字和连字符等可见字符。"),
    ("XG\u20281", "案件编号 'XG\\u20281' 中含有控制字符。", "案件编号只写字母、数字和连字符等可见字符。"),
    ("XG\u20291", "案件编号 'XG\\u20291' 中含有控制字符。", "案件编号只写字母、数字和连字符等可见字符。"),
    ("a" * 65, "案件编号太长（65 个字符），最多 64 个字符。", "核对案件编号。"),
])
def test_bad_case_numbers_word_for_word(typed, message, hint):
    with pytest.raises(FanzhaError) as e:
        cases.normalize_case_no(typed)
    assert (e.value.message, e.value.hint) == (message, hint)


def test_case_keys():
    assert cases.case_key(" ＸＧ２０２２００１ ") == cases.case_key("xg2022001") == "xg2022001"
    assert cases.case_key(None) == cases.case_key("") == ""
    assert cases.case_key("ß") == "ss"  # casefold, not lower


def test_required_text_word_for_word():
    assert cases.required_text("  说明 ", "说明", "提示") == "说明"
    for value in (None, "", "  "):
        with pytest.raises(FanzhaError) as e:
            cases.required_text(value, "说明（--note）", "写明说明。")
        assert (e.value.message, e.value.hint) == ("说明（--note）不能为空。", "写明说明。")


def test_fraud_types():
    assert cases.fraud_type(SETTINGS, "online_loan")["name"] == "网络贷款诈骗"
    assert cases.fraud_type(SETTINGS, " 兼职刷单、刷信誉诈骗 ")["code"] == "brushing"
    with pytest.raises(FanzhaError) as e:
        cases.fraud_type(SETTINGS, "网络贷款")
    assert e.value.message == "没有名为“网络贷款”的诈骗类型。"
    assert "网络贷款诈骗" in e.value.hint
    with pytest.raises(FanzhaError):
        cases.fraud_type({}, "online_loan")
    assert cases.type_names(SETTINGS) == {"online_loan": "网络贷款诈骗", "brushing": "兼职刷单、刷信誉诈骗"}
    assert cases.type_names({}) == {}


@pytest.mark.parametrize("typed, code", [
    (None, None), ("", None), ("  ", None), ("其他", "other"), (" other ", "other"),
    ("returning_students", "returning_students"), ("返乡学生群体", "returning_students"), ("学生", "returning_students"),
    ("务工", "migrant_workers"),
])
def test_focus_groups(typed, code):
    assert cases.focus_group(SETTINGS, typed) == code


@pytest.mark.parametrize("typed", ["返乡", "老人"])
def test_a_focus_group_matching_none_or_two_is_refused_word_for_word(typed):
    with pytest.raises(FanzhaError) as e:
        cases.focus_group(SETTINGS, typed)
    assert (e.value.message, e.value.hint) == (
        f"没有“{typed}”这个重点人群。", "可选：返乡学生群体、返乡外出务工人员、其他（也可写计划中的代码）。")


def test_group_names():
    assert cases.group_names(SETTINGS) == {"returning_students": "返乡学生群体", "migrant_workers": "返乡外出务工人员",
                                           "other": "其他"}
    assert cases.group_names({}) == {"other": "其他"}


def test_places(led):
    idx = cases.plan_lookup.lookup_on(led, "2022-03-01")
    assert cases.place_of(idx, " 财政局 ", None, None) == ("unit", "财政局")
    assert cases.place_of(idx, "政务信息管理局", "", "  ") == ("unit", "行政审批服务管理局")
    assert cases.place_of(idx, None, f" {GRID} ", None) == ("grid", GRID)
    assert cases.place_of(idx, "", None, " 某商场 ") == ("place", "某商场")
    for given in ((None, None, None), ("财政局", GRID, None), (" ", "", None), ("财政局", None, "某地")):
        with pytest.raises(FanzhaError) as e:
            cases.place_of(idx, *given)
        assert e.value.message == "须指明案件发生在哪里：--unit 包联单位、--grid 网格或 --place 地点，三者选一。"
        assert e.value.hint == (
            "受害人是包联单位工作人员用 --unit；是网格群众用 --grid；都不是用 --place 写明地点（不计入任何包联的零发案）。")
    with pytest.raises(FanzhaError, match="没有名为“不存在网格”的"):
        cases.place_of(idx, None, "不存在网格", None)


def test_charged_departments(led):
    idx = cases.plan_lookup.lookup_on(led, "2022-03-01")
    assert cases.charged_departments(idx, {"target_kind": "unit", "target": "检察院"}) == ["刑侦大队", "督察大队"]
    assert cases.charged_departments(idx, {"target_kind": "unit", "target": "不存在"}) == []
    assert cases.charged_departments(idx, {"target_kind": "grid", "target": GRID}) == [STATION]
    assert cases.charged_departments(idx, {"target_kind": "grid", "target": "不存在"}) == []
    assert cases.charged_departments(idx, {"target_kind": "place", "target": GRID}) == []


# --- registering and finding cases ---

def test_a_case_row_as_typed(led):
    row = cases.case_row(led, case_no=" xg-9 ", date="2022-03-05", type_="网络贷款诈骗", grid=GRID, loss=" 1200.5 ",
                         group="学生", victim=" 张小三 ", phone="138 1234 5678", id_number="140123199001011234",
                         note="  备注 ")
    assert {k: v for k, v in row.items() if not k.startswith("victim_")} == {
        "case_no": "XG-9", "case_date": "2022-03-05", "fraud_type": "online_loan", "target_kind": "grid",
        "target": GRID, "loss_fen": 120050, "group_name": "returning_students", "note": "备注"}
    assert row["victim_name"] == "张小三"
    bare = cases.case_row(led, case_no="XG-10", date="2022-03-05", type_="online_loan", place="某地", loss="  ",
                          note="   ")
    assert (bare["loss_fen"], bare["group_name"], bare["note"], bare["victim_name"], bare["victim_phone"],
            bare["victim_id_number"]) == (None, None, None, None, None, None)
    assert cases.case_row(led, case_no="XG-11", date="2022-03-05", type_="online_loan", place="某地",
                          loss="0")["loss_fen"] == 0


def test_registering_cases_in_one_go(led, moved):
    out = cases.add_cases(led, [
        {"case_no": "n1", "date": "2022-03-05", "type_": "online_loan", "grid": GRID},
        {"case_no": "N2", "date": "2022-03-06", "type_": "online_loan", "unit": "财政局"},
    ])
    assert [(o["case_no"], o["target_kind"], o["same_victim_cases"]) for o in out] == [
        ("N1", "grid", []), ("N2", "unit", [])]
    assert out[1]["entry_id"] == out[0]["entry_id"] + 1 > moved["Z2"]
    one = cases.add_case(led, case_no="N3", date="2022-03-07", type_="online_loan", place="某地")
    assert (one["case_no"], one["entry_id"]) == ("N3", out[1]["entry_id"] + 1)
    assert cases.find_case(led, "n1")["case_date"] == "2022-03-05"


def _refused_as_taken(error, led, typed: str, stored: str, entry: int) -> None:
    """The refusal of a number already registered (as `stored`), word for word."""
    first = cases.case_versions(led, stored)[0]
    shown = "" if typed == stored else f"为 {stored}"
    assert error.message == (
        f"案件编号 {typed} 已登记{shown}（第 {entry} 条记录，测试员 于 {first['recorded_at']} 录入），"
        "不能重复登记。编号比较时不分大小写、全角半角。")
    assert error.hint == (
        f"核对案件编号。已登记的案件有误时用 fanzha case amend {stored} … --reason 原因 更正，"
        f"登记错了用 fanzha case void {stored} --reason 原因 作废；fanzha case history {stored} 查看全部记录。")


def test_a_registered_number_is_refused_word_for_word(led, moved):
    with pytest.raises(FanzhaError) as e:
        cases.add_case(led, case_no="z1", date="2022-03-05", type_="online_loan", place="某地")
    _refused_as_taken(e.value, led, "Z1", "Z1", moved["Z1"])
    with pytest.raises(FanzhaError, match="案件编号 N4 已登记（第"):
        cases.add_cases(led, [{"case_no": "N4", "date": "2022-03-05", "type_": "online_loan", "place": "某地"},
                              {"case_no": "n4", "date": "2022-03-05", "type_": "online_loan", "place": "某地"}])
    assert cases.resolve_case_no(led, "N4") is None  # one bad case writes nothing


def test_a_voided_number_is_still_taken_word_for_word(led, moved):
    from fanzha_cli import corrections

    void = corrections.void_case(led, "P1", reason="误登")
    with pytest.raises(FanzhaError) as e:
        cases.add_case(led, case_no="P1", date="2022-03-05", type_="online_loan", place="某地")
    assert "录入，已作废），不能重复登记" in e.value.message
    with pytest.raises(FanzhaError) as e:
        cases.find_case(led, "p1")
    assert (e.value.message, e.value.hint) == (
        f"案件 P1 已于第 {void['entry_id']} 条记录作废（误登）。", "用 fanzha case history 查看该案件的全部记录。")
    assert [v["action"] for v in cases.case_versions(led, "P1")] == ["add", "void"]
    assert cases.find_case(led, "P1", upto=moved["P1"])["target"] == "某商场"


def test_an_unknown_number_word_for_word(led):
    for typed, shown in (("X9", "X9"), (" x9 ", "x9")):
        with pytest.raises(FanzhaError) as e:
            cases.case_versions(led, typed)
        assert (e.value.message, e.value.hint) == (
            f"没有编号为“{shown}”的案件。", "用 fanzha case list 查看已登记的案件，或先用 fanzha case add 登记。")


def test_numbers_of_an_older_ledger_differing_only_in_case(led, moved):
    # An older ledger may hold `xg1` and `XG1` apart: each is reached as stored; typed
    # otherwise, the normalised one is meant, and with none stored so, it is ambiguous.
    row = cases.case_row(led, case_no="XX", date="2022-03-05", type_="online_loan", place="某地")
    with led.write() as w:
        for no in ("ab1", "Ab1", "cd1"):
            w.append("case", {"cases": [{**row, "case_no": no}]})
    assert cases.resolve_case_no(led, "ab1") == "ab1"
    assert cases.resolve_case_no(led, " Ab1 ") == "Ab1"
    assert cases.resolve_case_no(led, "cd1") == "cd1"
    assert cases.resolve_case_no(led, "CD1") == "cd1"
    assert cases.resolve_case_no(led, "ｃｄ１") == "cd1"
    assert cases.resolve_case_no(led, "zz9") is None
    with pytest.raises(FanzhaError) as e:
        cases.resolve_case_no(led, "aB1")
    assert e.value.message == "案件编号“aB1”对应多起已登记的案件：ab1、Ab1（旧账本中只有大小写或全半角不同的编号）。"
    assert e.value.hint == "按账本中的原样输入其中一个编号；重复登记的一起可用 fanzha case void 编号 --reason 原因 作废。"
    assert cases.resolve_case_no(led, "aB1", upto=moved["Z2"]) is None


def test_a_period_is_by_default_from_the_campaigns_start(led):
    assert cases.period(led, None, None, dt.date(2022, 3, 5)) == ("2022-01-01", "2022-03-05")
    assert cases.period(led, None, None) == ("2022-01-01", min(dt.date.today().isoformat(), "2022-12-31"))


def test_focus_groups_of_a_plan_without_any():
    with pytest.raises(FanzhaError) as e:
        cases.focus_group({}, "学生")
    assert (e.value.message, e.value.hint) == ("没有“学生”这个重点人群。", "可选：其他（也可写计划中的代码）。")
    assert cases.focus_group({}, "其他") == "other"


def test_case_free_as_entered_up_to_an_entry(led, moved):
    assert EAST in cases.case_free(led, "2022-01-21", "2022-12-31", upto=moved["Z2"] - 1)[0]
    assert EAST not in cases.case_free(led, "2022-01-21", "2022-12-31", upto=moved["Z2"])[0]


def test_zero_case_asked_before_the_plan_took_effect(led):
    z = cases.zero_case(led, None, None, today=dt.date(2022, 1, 10))
    assert (z["from"], z["to"], z["pairings"]) == ("2022-01-21", "2022-01-21", 259)


def test_zero_case_of_a_department_without_category_or_place_in_the_plan(led, monkeypatch):
    had = {("乙", "grid", "g1"): False, ("甲", "unit", "u1"): False, ("丙", "unit", "u2"): False}
    monkeypatch.setattr(cases, "pairings", lambda *a: Pairings(had, {}, {"甲": "bureau"}, {"甲": 0}, {}))
    z = cases.zero_case(led, "2022-03-01", "2022-03-31")
    assert [(t["department"], t["category"]) for t in z["targets"]] == [("甲", "bureau"), ("丙", ""), ("乙", "")]
    assert z["departments"] == [
        {"department": "甲", "category": "bureau", "units": 1, "grids": 0},
        {"department": "丙", "category": "", "units": 1, "grids": 0},
        {"department": "乙", "category": "", "units": 0, "grids": 1},
    ]


def test_a_grid_left_without_officers(led):
    assert cases.pairings(led, "2022-06-01", "2022-06-30").officers[SOUTH] == []
    assert cases.pairings(led, "2022-01-21", "2022-12-31").officers[SOUTH] == ["140103", "FJ0103"]
    south = next(t for t in cases.zero_case(led, "2022-06-01", "2022-06-30")["targets"] if t["target"] == SOUTH[2])
    assert south["officers"] == []


def test_pairings_are_worked_out_once_per_plan_version(led):
    cases.pairings(led, "2022-06-01", "2022-06-30")
    idx = cases.plan_store.index_on(led, "2022-06-01")
    assert "pairings" in idx.derived
    keys = idx.derived["pairings"][0]
    cases.pairings(led, "2022-06-01", "2022-06-30")
    assert cases.plan_store.index_on(led, "2022-06-01").derived["pairings"][0] is keys


class _Changes:
    """A ledger as `_segments` reads it: the days plan changes took effect."""

    def __init__(self, *days):
        self.days, self.asked = days, []

    def query(self, sql, params):
        self.asked.append((sql, params))
        return [{"effective": d} for d in self.days]


def test_segments_at_three_plan_changes():
    led = _Changes("2022-03-01", "2022-06-01", "2022-06-02")
    assert cases._segments(led, "2022-01-01", "2022-12-31") == [
        ("2022-01-01", "2022-02-28"), ("2022-03-01", "2022-05-31"), ("2022-06-01", "2022-06-01"),
        ("2022-06-02", "2022-12-31")]
    assert led.asked == [(queries.PLAN_CHANGE_DAYS, {"start": "2022-01-01", "end": "2022-12-31"})]
    assert cases._segments(_Changes(), "2022-01-01", "2022-12-31") == [("2022-01-01", "2022-12-31")]


def test_a_start_outside_the_campaign_word_for_word(led):
    with pytest.raises(FanzhaError) as e:
        cases.period(led, "2023-01-01", None)
    assert e.value.message == "起始日期 2023-01-01 不在活动期 2022-01-01 至 2022-12-31 内。"


# --- what mutmut found loose in registration and listing (second run, 2026-11-30) ---

def test_an_empty_fraud_type_is_refused_quoting_nothing():
    for typed in (None, "", "  "):
        with pytest.raises(FanzhaError) as e:
            cases.fraud_type(SETTINGS, typed)
        assert e.value.message == "没有名为“”的诈骗类型。"


def test_a_case_row_without_a_note_stores_none(led):
    row = cases.case_row(led, case_no="XG-12", date="2022-03-05", type_="online_loan", place="某地")
    assert row["note"] is None


def test_case_versions_as_of_an_entry_before_the_case_was_registered(led, moved):
    with pytest.raises(FanzhaError) as e:
        cases.case_versions(led, "Z2", upto=moved["Z1"])
    assert e.value.message == "没有编号为“Z2”的案件。"
    assert [v["case_no"] for v in cases.case_versions(led, "z2", upto=moved["Z2"])] == ["Z2"]


def test_a_number_an_older_ledger_holds_in_lower_case_is_refused_naming_it_as_stored(led):
    row = cases.case_row(led, case_no="XX", date="2022-03-05", type_="online_loan", place="某地")
    with led.write() as w:
        old = w.append("case", {"cases": [{**row, "case_no": "xg7"}]})
    with pytest.raises(FanzhaError) as e:
        cases.add_case(led, case_no="XG7", date="2022-03-05", type_="online_loan", place="某地")
    _refused_as_taken(e.value, led, "XG7", "xg7", old)


def test_a_registered_case_is_an_entry_of_kind_case_and_names_the_same_victims_cases(led):
    victim = {"type_": "online_loan", "grid": GRID, "victim": "张小三", "id_number": "140123199001011234"}
    a = cases.add_case(led, case_no="V1", date="2022-03-05", **victim)
    b, c = cases.add_cases(led, [{"case_no": "V2", "date": "2022-03-06", **victim},
                                 {"case_no": "V3", "date": "2022-03-07", **victim}])
    assert (a["same_victim_cases"], b["same_victim_cases"], c["same_victim_cases"]) == ([], ["V1"], ["V1", "V2"])
    kinds = led.conn.execute("SELECT kind FROM entries WHERE id IN (?, ?, ?)",
                             (a["entry_id"], b["entry_id"], c["entry_id"])).fetchall()
    assert [k[0] for k in kinds] == ["case", "case", "case"]


_ROW = {"case_no": "K1", "case_date": "2022-03-01", "fraud_type": "online_loan", "target_kind": "place",
        "target": "某商场", "group_name": "returning_students", "loss_fen": 120050, "victim_name": None,
        "victim_phone": None, "victim_id_number": None, "note": "备注", "entry_id": 7, "version_entry": 9,
        "operator": "测试员", "recorded_at": "2022-03-01T10:00:00+08:00"}


def test_a_case_as_every_output_shows_it():
    names, groups = {"online_loan": "网络贷款诈骗"}, {"returning_students": "返乡学生群体"}
    assert cases.case_view(_ROW, names, False, groups) == {
        "case_no": "K1", "case_date": "2022-03-01", "fraud_type": "online_loan", "fraud_type_name": "网络贷款诈骗",
        "target_kind": "place", "target": "某商场", "place": "某商场", "group": "returning_students",
        "group_name": "返乡学生群体", "loss": "1200.50", "loss_fen": 120050, "victim_name": None, "victim_phone": None,
        "victim_id_number": None, "note": "备注", "entry_id": 7, "version_entry": 9, "operator": "测试员",
        "recorded_at": "2022-03-01T10:00:00+08:00"}
    # A grid case: no place; a type and a group the plan does not name: their codes; no
    # version entry given: the entry itself; no operator or time given: None.
    bare = {k: v for k, v in _ROW.items() if k not in ("version_entry", "operator", "recorded_at")}
    view = cases.case_view({**bare, "target_kind": "grid", "fraud_type": "odd", "group_name": "odd"}, names, False)
    assert (view["place"], view["fraud_type_name"], view["group"], view["group_name"], view["version_entry"],
            view["operator"], view["recorded_at"]) == (None, "odd", "odd", "odd", 7, None, None)
    assert cases.case_view({**bare, "group_name": "odd"}, names, False, groups)["group_name"] == "odd"
    none = cases.case_view({**_ROW, "group_name": None}, names, False, groups)
    assert (none["group"], none["group_name"]) == (None, None)
    assert "group" in cases.case_view({k: v for k, v in _ROW.items() if k != "group_name"}, names, False)


def test_the_case_list_masks_by_default_honours_today_and_names_groups_and_same_victims(led):
    victim = {"type_": "online_loan", "grid": GRID, "victim": "张小三", "id_number": "140123199001011234"}
    cases.add_case(led, case_no="V1", date="2022-03-05", group="学生", **victim)
    cases.add_case(led, case_no="V2", date="2022-03-20", **victim)
    got = cases.list_cases(led, None, None, None, today=dt.date(2022, 3, 10))
    assert [r["case_no"] for r in got] == ["P1", "Z1", "V1"]
    v1 = got[-1]
    assert (v1["victim_name"], v1["group"], v1["group_name"], v1["same_victim_cases"]) == (
        "张*三", "returning_students", "返乡学生群体", ["V2"])
    assert got[0]["same_victim_cases"] == [] and got[0]["place"] == "某商场"
    assert set(v1) == {*cases.case_view(_ROW, {}, False), "same_victim_cases"}
