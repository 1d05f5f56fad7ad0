"""The score at its edges (found by mutation testing, TESTING.md): a rule left out of the plan
counts nothing, a figure left off a line is 0, a department paired with nothing scores 0, a
missing report earns nothing but its deductions, and every figure is rounded to the cent."""

from __future__ import annotations

import pytest

from fanzha_cli import scoring
from fanzha_cli.scoring import ACTIVITY_MEASURES, DeptWeek, Tally, rank, score, tally

ONE = dict.fromkeys(ACTIVITY_MEASURES, 1)


def test_nothing_reported_is_a_tally_of_nothing():
    assert Tally() == Tally(0, (0,) * len(ACTIVITY_MEASURES), 0)
    w = DeptWeek(dept="甲", category="bureau", order=1, targets=2)
    assert (w.tally, w.status, w.first_submitted, w.deductions) == (Tally(), "missing", None, 0)


def test_a_tally_reads_only_paired_targets_and_missing_figures_are_zero():
    rules = {"activity_caps": {"leaflets": 10}}
    lines = {"a": {"leaflets": 12}, "c": {"notices": 3, "photos": 2}, "x": {"leaflets": 5, "photos": 9}}
    t = tally(lines, ["a", "b", "c"], rules)  # "b" sent nothing, "x" is not paired
    assert t.covered == 2 and t.photos == 2
    assert t.capped == (10, 3) + (0,) * (len(ACTIVITY_MEASURES) - 2)  # leaflets capped, notices uncapped


def test_a_line_of_zeros_covers_nothing_and_photos_alone_cover():
    t = tally({"a": dict.fromkeys(ACTIVITY_MEASURES, 0), "b": {"photos": 1}}, ["a", "b", "c"], {})
    assert (t.covered, t.photos, t.capped) == (1, 1, (0,) * len(ACTIVITY_MEASURES))


def test_a_figure_at_its_cap_counts_whole():
    t = tally({"a": {"lectures": 3}, "b": {"lectures": 4}}, ["a", "b"], {"activity_caps": {"lectures": 3}})
    assert t.capped[ACTIVITY_MEASURES.index("lectures")] == 6


def test_weights_left_out_weigh_nothing():
    assert scoring.weighted_activity([1] * len(ACTIVITY_MEASURES), {"activity_weights": {"leaflets": 2, "attendees": 0.5}}) == 2.5
    assert scoring.weighted_activity([1] * len(ACTIVITY_MEASURES), {}) == 0


def test_rules_left_out_of_the_plan_score_nothing():
    w = DeptWeek(dept="甲", category="bureau", order=1, targets=1, tally=tally({"a": {**ONE, "photos": 1}}, ["a"], {}),
                 status="on_time", first_submitted="2022-02-04T10:00:00", deductions=1)
    s = score(w, {})
    assert (s.coverage, s.activity, s.timeliness, s.photos, s.deduction, s.total) == (0, 0, 0, 0, 0, 0)
    # full marks at 1 per target where the plan names no full mark
    s = score(w, {"activity": 30, "activity_weights": {"leaflets": 1}, "photos": {"points": 15}})
    assert (s.activity, s.photos) == (30, 15)


def test_full_marks_are_reached_not_passed():
    rules = {"activity": 30, "activity_weights": {"leaflets": 1}, "activity_full_at": 4,
             "photos": {"points": 15, "full_at_per_target": 2}}
    half = DeptWeek(dept="甲", category="bureau", order=1, targets=2, status="on_time",
                    tally=tally({"a": {"leaflets": 4, "photos": 2}}, ["a", "b"], rules))
    over = DeptWeek(dept="乙", category="bureau", order=2, targets=1, status="on_time",
                    tally=tally({"a": {"leaflets": 40, "photos": 20}}, ["a"], rules))
    assert (score(half, rules).activity, score(half, rules).photos) == (15, 7.5)
    assert (score(over, rules).activity, score(over, rules).photos) == (30, 15)
    assert (score(over, rules).activity_per_target, score(over, rules).photos_per_target) == (40, 20)


def test_a_department_paired_with_nothing_scores_only_its_timeliness():
    w = DeptWeek(dept="甲", category="bureau", order=1, targets=0, status="on_time")
    s = score(w, {"coverage": 40, "activity": 30, "timeliness": {"on_time": 15}, "photos": {"points": 15}})
    assert (s.coverage, s.activity, s.photos, s.activity_per_target, s.photos_per_target, s.total) == (0, 0, 0, 0, 0, 15)


def test_a_missing_report_keeps_only_its_deductions():
    rules = {"coverage": 40, "activity": 30, "timeliness": {"missing": 0, "late": 6}, "photos": {"points": 15},
             "deduction": 10, "activity_weights": {"leaflets": 1}}
    t = tally({"a": {"leaflets": 9, "photos": 9}}, ["a"], rules)
    s = score(DeptWeek(dept="甲", category="bureau", order=1, targets=1, tally=t, status="missing", deductions=2), rules)
    assert (s.coverage, s.activity, s.photos, s.deduction, s.total) == (0, 0, 0, -20, -20)
    s = score(DeptWeek(dept="甲", category="bureau", order=1, targets=1, tally=t, status="late"), rules)
    assert s.timeliness == 6 and str(s.deduction) == "0.0"  # never -0.0


def test_figures_are_rounded_to_the_cent():
    rules = {"coverage": 40, "activity": 30, "activity_weights": {"leaflets": 1}, "activity_full_at": 3,
             "photos": {"points": 10, "full_at_per_target": 3}, "timeliness": {"on_time": 1.005}, "deduction": 0.333}
    t = tally({"a": {"leaflets": 1, "photos": 1}}, ["a", "b", "c"], rules)
    s = score(DeptWeek(dept="甲", category="bureau", order=1, targets=3, tally=t, status="on_time", deductions=1), rules)
    assert (s.coverage, s.activity, s.photos, s.deduction) == (13.33, 3.33, 1.11, -0.33)
    assert (s.activity_per_target, s.photos_per_target) == (0.33, 0.33)
    assert s.total == round(40 / 3 + 30 / 9 + 10 / 9 + 1.005 - 0.333, 2)


def test_a_score_as_json():
    t = tally({"a": {"leaflets": 3, "photos": 1}}, ["a"], {})
    w = DeptWeek(dept="甲", category="station", order=4, targets=1, tally=t, status="late",
                 first_submitted="2022-02-05T10:00:00", deductions=1)
    s = score(w, {"coverage": 40, "timeliness": {"late": 6}, "deduction": 10})
    s.rank = 2
    assert s.as_dict() == {
        "rank": 2, "department": "甲", "category": "station", "status": "late", "targets": 1, "covered": 1,
        "score": 36.0, "components": {"coverage": 40.0, "activity": 0.0, "timeliness": 6.0, "photos": 0.0,
                                      "deduction": -10.0},
        "activity_per_target": 0.0, "photos_per_target": 1.0, "first_submitted": "2022-02-05T10:00:00",
    }
    assert (s.order, s.category) == (4, "station")


def _s(dept, total, category="bureau", status="on_time", order=1, first="2022-02-04T10:00:00"):
    return scoring.Score(dept=dept, category=category, status=status, targets=1, covered=1, coverage=0, activity=0,
                         timeliness=0, photos=0, deduction=0, total=total, activity_per_target=0, photos_per_target=0,
                         first_submitted=first, order=order)


def test_ranks_start_at_one_in_each_category_bureau_first():
    got = rank([_s("所乙", 50, "station", order=3), _s("科甲", 10, order=2), _s("所甲", 60, "station", order=4),
                _s("科乙", 20, order=1)])
    assert [(s.dept, s.rank) for s in got] == [("科乙", 1), ("科甲", 2), ("所甲", 1), ("所乙", 2)]


def test_a_missing_report_ranks_last_even_above_a_negative_total():
    got = rank([_s("缺", 0, status="missing", order=1, first=None), _s("扣", -20, order=2)])
    assert [s.dept for s in got] == ["扣", "缺"]


def test_no_submission_time_sorts_after_any():
    got = rank([_s("甲", 10, order=1, first=None), _s("乙", 10, order=2, first="2999-12-31T23:59:59")],
               ["first_submitted"])
    assert [s.dept for s in got] == ["乙", "甲"]


def test_an_unknown_category_is_not_ranked():
    assert rank([_s("甲", 10, category="other")]) == []


@pytest.mark.parametrize("breaks, first", [(["plan_order"], "甲"), (["activity"], "乙"), ([], "甲")])
def test_the_last_word_is_plan_order_then_name(breaks, first):
    a = _s("甲", 10, order=1)
    b = _s("乙", 10, order=2)
    b.activity = 5
    assert rank([b, a], breaks)[0].dept == first
    # same order too (a plan never gives two the same): by name, as Python orders text
    assert [s.dept for s in rank([_s("甲", 10, order=1), _s("乙", 10, order=1)], [])] == sorted(["甲", "乙"])


def test_a_weight_left_out_of_the_plan_scores_nothing_however_much_was_done():
    rules = {"activity_weights": {"leaflets": 1}, "activity_full_at": 1, "coverage": 0}
    w = DeptWeek(dept="甲", category="bureau", order=1, targets=1, status="on_time",
                 tally=tally({"a": {"leaflets": 5}}, ["a"], rules))
    s = score(w, rules)
    assert (s.activity_per_target, s.activity, s.total) == (5, 0, 0)


def test_timeliness_points_are_rounded_to_the_cent_too():
    w = DeptWeek(dept="甲", category="bureau", order=1, targets=1, status="late")
    s = score(w, {"timeliness": {"late": 6.666}})
    assert (s.timeliness, s.total) == (6.67, 6.67) and isinstance(s.timeliness, float)
