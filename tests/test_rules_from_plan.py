"""Issue 17: the rules come from the plan, and each rule tells right from wrong.

Each test loads a plan with other numbers than the shipped ones (thresholds 3 / 4, a Thursday
12:00 deadline, other weights and caps, other commendation limits) and sees the figures
follow; the rest pin the rules a reviewer broke by planting one small bug at a time (photos per
paired target, zero-case departments, each tie-break on its own, the on-time share for
officers)."""

from __future__ import annotations

import pytest

from fanzha_cli import scoring

from .casework import GRID, GRID_NORTH, STATION, due, negligent, plan_variant
from .conftest import PLAN

WEEK = "2022-W05"  # shipped deadline Friday 2022-02-04 18:00
OFFICER = ("officer", "140101")
DEPT = ("department", STATION)
OTHER_STATION = "魏家滩派出所"  # grids paired with 140201, 140202, FJ0201, FJ0202

SCORING = """      coverage: 40
      activity: 30
      timeliness: {on_time: 15, late: 6, missing: 0}
      photos: {points: 15, full_at_per_target: 2}
      activity_weights: {leaflets: 1, notices: 1, pledges: 2, app_installs: 3, group_pushes: 2, lectures: 10, attendees: 0.5, events: 10, themes: 5}
      activity_caps: {leaflets: 200, notices: 200, pledges: 100, app_installs: 100, group_pushes: 7, lectures: 3, attendees: 300, events: 3, themes: 2}
      activity_full_at: 300"""
OTHER_SCORING = """      coverage: 50
      activity: 20
      timeliness: {on_time: 20, late: 4, missing: 0}
      photos: {points: 10, full_at_per_target: 1}
      activity_weights: {leaflets: 2, notices: 1, pledges: 2, app_installs: 3, group_pushes: 2, lectures: 10, attendees: 0.5, events: 10, themes: 5}
      activity_caps: {leaflets: 50, notices: 200, pledges: 100, app_installs: 100, group_pushes: 7, lectures: 3, attendees: 300, events: 3, themes: 2}
      activity_full_at: 100"""
MIN_SHARE = ("最低比例（空为不限）, value: null}", "最低比例（空为不限）, value: {}}}")
MAX_DEDUCTIONS = ("（空为不限）, value: null}\n  commendation_min", "（空为不限）, value: {}}}\n  commendation_min")


def report(cli, dept, kind, target, week=WEEK, at="2022-02-04 10:00", **measures):
    args = ["report", "add", "--dept", dept, "--week", week, kind, target, "--submitted-at", at]
    for k, v in measures.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    cli.ok(*args)


def ranked(cli, dept: str, week: str = WEEK) -> dict:
    return next(r for r in cli.json("rank", "--week", week)["ranking"] if r["department"] == dept)


def officers(cli, *args) -> set[str]:
    return {c["badge"] for c in cli.json("commend", "candidates", *args)["candidates"] if c["subject_kind"] == "officer"}


def departments(cli, *args) -> dict[str, dict]:
    return {c["name"]: c for c in cli.json("commend", "candidates", *args)["candidates"]
            if c["subject_kind"] == "department"}


# --- thresholds ------------------------------------------------------------------------------


def test_thresholds_three_and_four_come_from_the_plan(cli, db_path, tmp_path):
    plan = plan_variant(tmp_path, "34.yaml", {"    warning_talk_at: 2\n    accountability_at: 3":
                                               "    warning_talk_at: 3\n    accountability_at: 4"})
    cli.ok("plan", "load", plan)
    negligent(cli, "T1", "2022-02-01")
    negligent(cli, "T2", "2022-02-02", GRID_NORTH)
    assert due(cli) == {}  # two deductions: below 3
    # a step is refused below the plan's threshold, not the shipped one
    got = cli("discipline", "record", "--officer", "140101", "--step", "talk", "--date", "2022-12-05", "--note", "约谈")
    assert got.exit_code == 1 and "（3 次）" in got.stderr
    negligent(cli, "T3", "2022-02-03")
    assert {k: (i["deductions"], i["due"]) for k, i in due(cli).items()} == {OFFICER: (3, "talk"), DEPT: (3, "talk")}
    listed = cli.json("discipline", "list")
    assert (listed["warning_talk_at"], listed["accountability_at"]) == (3, 4)
    negligent(cli, "T4", "2022-02-04")
    assert {k: i["due"] for k, i in due(cli).items()} == {OFFICER: "accountability", DEPT: "accountability"}


# --- the weekly deadline -----------------------------------------------------------------------


@pytest.fixture
def thursday_noon(cli, db_path, tmp_path):
    plan = plan_variant(tmp_path, "thu.yaml", {"    due_weekday: 5   # 每周星期五": "    due_weekday: 4",
                                                'value: "18:00"}': 'value: "12:00"}'})
    cli.ok("plan", "load", plan)


def test_a_thursday_noon_deadline_comes_from_the_plan(cli, thursday_noon):
    report(cli, "信访科", "--unit", "信访局", at="2022-02-03 11:59", leaflets=5)
    report(cli, "宣传科", "--unit", "宣传部", at="2022-02-03 12:01", leaflets=5)
    report(cli, "考核科", "--unit", "统战部", at="2022-02-04 10:00", leaflets=5)  # on time by Friday 18:00
    c = cli.json("weekly-circular", "--week", WEEK)
    assert c["period"]["deadline"] == "2022-02-03T12:00:00"
    assert [r["department"] for r in c["late_reports"]] == ["宣传科", "考核科"]
    status = {d["dept"]: d["status"] for d in cli.json("report", "missing", "--week", WEEK, "--all")["departments"]}
    assert (status["信访科"], status["宣传科"], status["考核科"]) == ("on_time", "late", "late")
    assert ranked(cli, "信访科")["status"] == "on_time" and ranked(cli, "考核科")["status"] == "late"


def test_on_time_share_counts_by_the_plans_deadline(cli, tmp_path, thursday_noon):
    plan = plan_variant(tmp_path, "thu-share.yaml", {
        "    due_weekday: 5   # 每周星期五": "    due_weekday: 4", 'value: "18:00"}': 'value: "12:00"}',
        MIN_SHARE[0]: MIN_SHARE[1].format(1)})
    cli.ok("plan", "load", plan, "--effective", "2022-01-21", "--reason", "启用按时报送比例")
    for week, day in (("2022-W04", "2022-01-27"), (WEEK, "2022-02-03")):
        report(cli, STATION, "--grid", GRID, week=week, at=f"{day} 11:00", leaflets=5)
        report(cli, OTHER_STATION, "--grid", "魏家滩镇阳坡村网格", week=week, at=f"{day} 13:00", leaflets=5)
    people = officers(cli, "--to", "2022-02-06")
    assert "140101" in people and "140201" not in people  # 13:00 Thursday is late under this plan


# --- scoring weights, caps, photos ------------------------------------------------------------


def test_scoring_weights_and_caps_come_from_the_plan(cli, db_path, tmp_path):
    plan = plan_variant(tmp_path, "w.yaml", {SCORING: OTHER_SCORING, "扣减的分数, value: 10}": "扣减的分数, value: 7}"})
    cli.ok("plan", "load", plan)
    # 信访科 is paired with 信访局 and 退役军人事务局: one of two covered
    report(cli, "信访科", "--unit", "信访局", leaflets=60, photos=1)
    report(cli, "宣传科", "--unit", "宣传部", at="2022-02-05 09:00", leaflets=1)
    row = ranked(cli, "信访科")
    # coverage 50 × 1/2; activity: min(60, cap 50) × weight 2 / 2 targets = 50 of full 100 → 20 × 0.5;
    # on time 20; photos 1 / 2 targets = 0.5 of full 1 → 10 × 0.5
    assert row["components"] == {"coverage": 25.0, "activity": 10.0, "timeliness": 20.0, "photos": 5.0, "deduction": 0.0}
    assert (row["score"], row["activity_per_target"], row["photos_per_target"]) == (60.0, 50.0, 0.5)
    assert ranked(cli, "宣传科")["components"]["timeliness"] == 4.0
    assert ranked(cli, "办公室")["components"]["timeliness"] == 0.0
    circ = {r["department"]: r for r in cli.json("weekly-circular", "--week", WEEK)["ranking"]}
    assert circ["信访科"]["score"] == 60.0


def test_photos_are_per_paired_target_not_per_covered_one():
    lines = {"a": {"leaflets": 10, "photos": 2}}
    rules = {"photos": {"points": 15, "full_at_per_target": 2}}
    week = scoring.DeptWeek(dept="甲", category="bureau", order=1, targets=4,
                            tally=scoring.tally(lines, ["a", "b", "c", "d"], rules), status="on_time")
    s = scoring.score(week, rules)
    assert (s.covered, s.photos_per_target, s.photos) == (1, 0.5, 3.75)


# --- zero-case departments ---------------------------------------------------------------------


def test_a_department_with_one_case_is_not_zero_case(cli, loaded):
    cli.ok("case", "add", "--case-no", "Z1", "--date", "2022-02-01", "--type", "online_loan", "--grid", GRID)
    zc = cli.json("zero-case", "--to", "2022-02-28")
    names = {d["department"] for d in zc["departments"]}
    assert STATION not in names and OTHER_STATION in names
    assert any(t["department"] == STATION for t in zc["targets"])  # its other grids are still case-free
    depts = departments(cli, "--to", "2022-02-28")
    assert "包联单位、网格全部零发案" in depts[OTHER_STATION]["reasons"]
    assert STATION not in depts
    listed = {d["department"] for d in cli.json("weekly-circular", "--week", "2022-W08")["zero_case_departments"]}
    assert STATION not in listed and OTHER_STATION in listed


# --- tie-breaks, one at a time -------------------------------------------------------------------


def _tied(dept, order, coverage=20.0, activity=30.0, first="2022-02-04T10:00:00"):
    return scoring.Score(dept=dept, category="bureau", status="on_time", targets=1, covered=1, coverage=coverage,
                         activity=activity, timeliness=15, photos=0, deduction=0, total=65, activity_per_target=0,
                         photos_per_target=0, first_submitted=first, order=order)


def test_coverage_alone_breaks_a_tie():
    got = scoring.rank([_tied("甲", 1, coverage=20, activity=30), _tied("乙", 2, coverage=21, activity=30)])
    assert [s.dept for s in got] == ["乙", "甲"]


def test_activity_alone_breaks_a_tie():
    got = scoring.rank([_tied("甲", 1, activity=30), _tied("乙", 2, activity=31)])
    assert [s.dept for s in got] == ["乙", "甲"]


def test_first_submission_alone_breaks_a_tie():
    got = scoring.rank([_tied("甲", 1, first="2022-02-04T10:00:01"), _tied("乙", 2, first="2022-02-04T10:00:00")])
    assert [s.dept for s in got] == ["乙", "甲"]


def test_plan_order_alone_breaks_a_tie():
    got = scoring.rank([_tied("乙", 2), _tied("甲", 1)])
    assert [(s.dept, s.rank) for s in got] == [("甲", 1), ("乙", 2)]


# --- commendation limits ---------------------------------------------------------------------------


def test_the_on_time_share_bars_officers_of_a_late_station(cli, db_path, tmp_path):
    plan = plan_variant(tmp_path, "share.yaml", {MIN_SHARE[0]: MIN_SHARE[1].format(0.5)})
    cli.ok("plan", "load", plan)
    # 蔚汾派出所 on time both due weeks (1.0); 魏家滩派出所 one of two (0.5); 瓦塘派出所 none
    for week, day in (("2022-W04", "2022-01-28"), (WEEK, "2022-02-04")):
        report(cli, STATION, "--grid", GRID, week=week, at=f"{day} 10:00", leaflets=5)
    report(cli, OTHER_STATION, "--grid", "魏家滩镇阳坡村网格", week="2022-W04", at="2022-01-28 10:00", leaflets=5)
    report(cli, OTHER_STATION, "--grid", "魏家滩镇阳坡村网格", week=WEEK, at="2022-02-04 18:00:01", leaflets=5)
    got = cli.json("commend", "candidates", "--to", "2022-02-06")
    assert got["criteria"]["min_on_time_share"] == 0.5 and got["weeks"] == 2
    people = {c["badge"] for c in got["candidates"] if c["subject_kind"] == "officer"}
    assert {"140101", "140201"} <= people  # 1.0 and exactly 0.5: both allowed
    assert "140301" not in people  # its station never reported: zero-case alone is not enough
    strict = plan_variant(tmp_path, "share-6.yaml", {MIN_SHARE[0]: MIN_SHARE[1].format(0.6)})
    cli.ok("plan", "load", strict, "--effective", "2022-01-21", "--reason", "提高比例")
    people = officers(cli, "--to", "2022-02-06")
    assert "140101" in people and "140201" not in people


def test_max_deductions_is_counted_from_the_plan(cli, db_path, tmp_path):
    cli.ok("plan", "load", plan_variant(tmp_path, "max1.yaml", {MAX_DEDUCTIONS[0]: MAX_DEDUCTIONS[1].format(1)}))
    cli.ok("dissuasion", "add", "--officer", "140101", "--date", "2022-02-03", "--amount-saved", "20000")
    negligent(cli, "M1", "2022-02-01")
    assert "140101" in officers(cli)  # one deduction: within the limit of 1
    negligent(cli, "M2", "2022-02-02", GRID_NORTH)
    assert "140101" not in officers(cli)
    assert cli.json("commend", "candidates")["criteria"]["max_deductions"] == 1


def test_the_shipped_plan_is_the_reference(cli, loaded):
    # the variants above all start from the shipped numbers
    text = PLAN.read_text(encoding="utf-8")
    assert SCORING in text and MIN_SHARE[0] in text and MAX_DEDUCTIONS[0] in text


# --- plan rules validated strictly ---------------------------------------------------------------


@pytest.mark.parametrize("swap, words", [
    ({"      coverage: 40": "      coverag: 40"}, ["local_rules.scoring.value.coverag", "是不是 coverage"]),
    ({"{on_time: 15, late: 6": "{on_tme: 15, late: 6"}, ["local_rules.scoring.value.timeliness.on_tme", "是不是 on_time"]),
    ({"{points: 15, full_at_per_target: 2}": "{points: 15, full_at: 2}"},
     ["local_rules.scoring.value.photos.full_at", "是不是 full_at_per_target"]),
    ({"activity_weights: {leaflets: 1,": "activity_weights: {leaflet: 1,"},
     ["local_rules.scoring.value.activity_weights.leaflet", "是不是 leaflets"]),
    ({"activity_caps: {leaflets: 200,": "activity_caps: {leaflets: 200.5,"},
     ["local_rules.scoring.value.activity_caps.leaflets", "应为整数", "200.5"]),
    ({"      coverage: 40": "      coverage: true"}, ["local_rules.scoring.value.coverage", "应为数字"]),
    ({"      coverage: 40": "      coverage: -40"}, ["local_rules.scoring.value.coverage", "不能为负数"]),
    ({"      activity_full_at: 300": "      activity_full_at: {value: 300}"},
     ["local_rules.scoring.value.activity_full_at", "应为数字"]),
    ({"      timeliness: {on_time: 15, late: 6, missing: 0}": "      timeliness: 15"},
     ["local_rules.scoring.value.timeliness", "应为键值表"]),
    ({MIN_SHARE[0]: MIN_SHARE[1].format(8)}, ["local_rules.commendation_min_on_time_share.value", "0 至 1", "8"]),
    ({MIN_SHARE[0]: MIN_SHARE[1].format(-0.1)}, ["local_rules.commendation_min_on_time_share.value", "0 至 1"]),
    ({MAX_DEDUCTIONS[0]: MAX_DEDUCTIONS[1].format(1.5)}, ["local_rules.commendation_max_deductions.value", "整数"]),
    ({"    warning_talk_at: 2\n    accountability_at: 3": "    warning_talk_at: 3\n    accountability_at: 3"},
     ["rules.discipline.accountability_at", "应大于约谈次数"]),
    ({"    warning_talk_at: 2\n    accountability_at: 3": "    warning_talk_at: 4\n    accountability_at: 3"},
     ["rules.discipline.accountability_at", "应大于约谈次数"]),
    ({"    warning_talk_at: 2\n": "    warning_talk_at: 2.5\n"}, ["rules.discipline.warning_talk_at", "应为整数"]),
    ({"    due_weekday: 5   # 每周星期五": "    due_weekday: 8"}, ["rules.weekly_report.due_weekday", "应在 1至 7"]),
    ({"每类点名表扬、通报批评各至多几个科所队, value: 3}": "每类点名表扬、通报批评各至多几个科所队, value: 2.0}"},
     ["local_rules.named.value", "整数"]),
])
def test_plan_rules_are_checked_strictly(cli, db_path, tmp_path, unchanged, swap, words):
    cli.ok("plan", "load", PLAN)
    bad = plan_variant(tmp_path, "bad.yaml", swap)
    for command in ("check", "load"):
        with unchanged():
            got = cli("plan", command, bad)
        assert got.exit_code == 1, (command, got.stdout, got.stderr)
        for w in words:
            assert w in got.stderr, (command, w, got.stderr)


def test_a_share_of_one_and_a_cap_written_whole_are_accepted(cli, db_path, tmp_path):
    fine = plan_variant(tmp_path, "fine.yaml", {MIN_SHARE[0]: MIN_SHARE[1].format(1),
                                                "activity_caps: {leaflets: 200,": "activity_caps: {leaflets: 0,"})
    cli.ok("plan", "check", fine)
    cli.ok("plan", "load", fine)
    assert cli.json("commend", "candidates")["criteria"]["min_on_time_share"] == 1
