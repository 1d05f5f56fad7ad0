"""The weekly score on hand-made weeks whose right order is known."""

from __future__ import annotations

from fanzha_cli import plan, rules
from fanzha_cli.scoring import DeptWeek, rank, score, tally

from .conftest import PLAN

RULES = rules.of(plan.parse_plan(PLAN).settings).scoring
FULL = {"leaflets": 200, "notices": 200, "pledges": 100, "app_installs": 100, "group_pushes": 7,
        "lectures": 3, "attendees": 300, "events": 3, "themes": 2, "photos": 2}


def week(dept, targets, lines, status="on_time", category="bureau", order=1, deductions=0, first="2022-02-04T10:00:00+08:00"):
    return DeptWeek(dept=dept, category=category, order=order, targets=len(targets), tally=tally(lines, targets, RULES), status=status,
                    first_submitted=None if status == "missing" else first, deductions=deductions)


def test_a_full_week_earns_every_point():
    s = score(week("A", ["u1", "u2"], {"u1": FULL, "u2": FULL}), RULES)
    assert (s.coverage, s.activity, s.timeliness, s.photos, s.deduction) == (40, 30, 15, 15, 0)
    assert s.total == 100


def test_activity_is_per_target_so_two_units_are_not_outranked_by_thirteen():
    small = week("小", ["a", "b"], {t: {"leaflets": 50, "photos": 2} for t in ["a", "b"]}, order=2)
    big_targets = [f"u{i}" for i in range(13)]
    big = week("大", big_targets, {t: {"leaflets": 50, "photos": 2} for t in big_targets}, order=1)
    s_small, s_big = score(small, RULES), score(big, RULES)
    assert s_small.total == s_big.total
    assert s_small.activity_per_target == s_big.activity_per_target == 50


def test_a_huge_number_cannot_buy_rank():
    capped = score(week("A", ["u"], {"u": {"leaflets": 1_000_000}}), RULES)
    modest = score(week("B", ["u"], {"u": {"leaflets": 200}}), RULES)
    assert capped.activity == modest.activity


def test_coverage_counts_targets_with_activity_only():
    s = score(week("A", ["u1", "u2", "u3", "u4"], {"u1": {"leaflets": 1}, "u2": {}, "x": {"leaflets": 9}}), RULES)
    assert s.covered == 1 and s.coverage == 10  # 40 × 1/4; "x" is not a paired target


def test_late_and_missing_and_deductions():
    lines = {"u": FULL}
    on_time = score(week("A", ["u"], lines), RULES)
    late = score(week("B", ["u"], lines, status="late"), RULES)
    missing = score(week("C", ["u"], {}, status="missing"), RULES)
    docked = score(week("D", ["u"], lines, deductions=2), RULES)
    assert on_time.total - late.total == 15 - 6
    assert missing.total == 0
    assert on_time.total - docked.total == 20


def test_ranking_by_category_with_missing_last_and_deterministic_ties():
    scores = [
        score(week("缺报科", ["u"], {}, status="missing", order=1), RULES),
        score(week("好队", ["u"], {"u": FULL}, order=5), RULES),
        score(week("负分队", ["u"], {}, status="late", deductions=3, order=6), RULES),
        score(week("并列甲", ["u"], {"u": {"leaflets": 10}}, order=4, first="2022-02-04T09:00:00+08:00"), RULES),
        score(week("并列乙", ["u"], {"u": {"leaflets": 10}}, order=3, first="2022-02-04T08:00:00+08:00"), RULES),
        score(week("并列丙", ["u"], {"u": {"leaflets": 10}}, order=2, first="2022-02-04T08:00:00+08:00"), RULES),
        score(week("一所", ["g"], {"g": FULL}, category="station", order=7), RULES),
        score(week("二所", ["g"], {}, status="missing", category="station", order=8), RULES),
    ]
    ranked = rank(scores)
    bureau = [s.dept for s in ranked if s.category == "bureau"]
    # the missing report ranks below even a negative score
    assert bureau == ["好队", "并列丙", "并列乙", "并列甲", "负分队", "缺报科"]
    assert [(s.dept, s.rank) for s in ranked if s.category == "station"] == [("一所", 1), ("二所", 2)]
    assert [s.rank for s in ranked if s.category == "bureau"] == [1, 2, 3, 4, 5, 6]
