"""Zero-case and the campaign's dates (cases.py) pinned down for mutation testing: the period
cut where the plan changed, pairings judged piece by piece, officers gathered over the
pieces, the departments all of whose pairings are case-free, and the messages word for word.

The functions are called directly on a ledger prepared once per run (`moved`)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from fanzha_cli import cases, queries
from fanzha_cli.cases import Pairings
from fanzha_cli.errors import FanzhaError

from .casework import GRID, GRID_WEST, STATION, opened, plan_variant
from .conftest import PLAN, Cli

EAST = (STATION, "grid", GRID)
WEST = (STATION, "grid", GRID_WEST)
OFFICE_FINANCE = ("办公室", "unit", "财政局")
PUBLICITY_FINANCE = ("宣传科", "unit", "财政局")


def _cli(path: Path, *args) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FANZHA_DB", str(path))
        mp.setenv("FANZHA_OPERATOR", "测试员")
        result = Cli()(*args)
        assert result.exit_code == 0, result.stderr


def _build(path: Path) -> dict[str, int]:
    """The shipped plan (in force from 2022-01-21), then from 2022-06-01 财政局 moved from 办公室
    to 宣传科 and the east grid paired with 140101 and FJ0102 instead of
    140101 and FJ0101. Cases: Z1 财政局 2022-03-01 (办公室's then), Z2 east grid 2022-07-01,
    P1 a place (no pairing)."""
    _cli(path, "plan", "load", PLAN)
    moved = plan_variant(path.parent, "moved.yaml", {
        "      - 财政局\n": "", "      - 宣传部\n": "      - 宣传部\n      - 财政局\n",
        'officers: ["140101", "FJ0101"]': 'officers: ["FJ0102", "140101"]'})
    _cli(path, "plan", "load", moved, "--effective", "2022-06-01", "--reason", "财政局改由宣传科包联")
    ids = {}
    with opened(path) as led:
        for no, date, where in (("Z1", "2022-03-01", {"unit": "财政局"}),
                                ("P1", "2022-02-01", {"place": "某商场"}), ("Z2", "2022-07-01", {"grid": GRID})):
            ids[no] = cases.add_case(led, case_no=no, date=date, type_="online_loan", **where)["entry_id"]
    return ids


_BUILT: list = []


@pytest.fixture(scope="session")
def moved_template(tmp_path_factory, session_key_file):
    if _BUILT and (not _BUILT[0][0].exists() or _BUILT[0][2] != session_key_file):
        _BUILT.clear()
    if not _BUILT:
        path = tmp_path_factory.mktemp("moved") / "ledger.db"
        _BUILT.append((path, _build(path), session_key_file))
    return _BUILT[0][:2]


@pytest.fixture
def moved(moved_template, db_path):
    path, ids = moved_template
    for suffix in ("", "-wal"):
        if Path(str(path) + suffix).exists():
            shutil.copy(str(path) + suffix, str(db_path) + suffix)
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
    assert len(p.had_case) == 260  # 259 pairings, and 财政局 with 宣传科 from June
    assert (p.had_case[OFFICE_FINANCE], p.had_case[PUBLICITY_FINANCE], p.had_case[EAST], p.had_case[WEST]) == (
        True, False, True, False)
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
    assert len(p.had_case) == 259 and OFFICE_FINANCE not in p.had_case
    assert not any(p.had_case.values())
    early = cases.pairings(led, "2022-01-21", "2022-05-31")
    assert PUBLICITY_FINANCE not in early.had_case and early.had_case[OFFICE_FINANCE] is True
    assert [k for k, had in early.had_case.items() if had] == [OFFICE_FINANCE]


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
    assert (z["from"], z["to"], z["pairings"], z["departments_judged"]) == ("2022-01-21", "2022-12-31", 260, 37)
    targets = {(t["department"], t["target_kind"], t["target"]): t for t in z["targets"]}
    assert len(targets) == 260 - 2 and OFFICE_FINANCE not in targets and EAST not in targets
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
    assert station == {"department": STATION, "category": "station", "units": 4, "grids": 5}
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
