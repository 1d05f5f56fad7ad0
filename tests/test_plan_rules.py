"""Issue 11 §1, §3 (station units, progress) and §4: the campaign's clock, the plan's rules
and the bureau's local rules, commendation by the plan's conditions, praise and criticism
limits, the issuer's name, and ledgers whose stored plan predates local rules."""

from __future__ import annotations

import json

import pytest

from fanzha_cli import circular, clock, rules, scoring

from .casework import plan_variant
from .conftest import PLAN

WEEK = "2022-W05"  # deadline Friday 2022-02-04 18:00
GRID = "蔚汾镇东关社区网格"


def report(cli, dept, kind, target, week=WEEK, at="2022-02-04 10:00", **measures):
    args = ["report", "add", "--dept", dept, "--week", week, kind, target, "--submitted-at", at]
    for k, v in measures.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    cli.ok(*args)


def local(tmp_path, name: str, swaps: dict[str, str]):
    return plan_variant(tmp_path, name, swaps)


# --- 1. the campaign's clock --------------------------------------------------------------


def test_first_load_takes_effect_on_the_plans_issue_date(cli, loaded):
    history = cli.json("plan", "history")
    assert [h["effective"] for h in history] == ["2022-01-21"]


@pytest.mark.parametrize("command", [
    ["report", "missing", "--week", "2022-W03"],
    ["rank", "--week", "2022-W03"],
    ["weekly-circular", "--week", "2022-W03"],
    ["weekly-circular", "--week", "2022-W01", "--format", "json"],
    ["export", "--week", "2022-W03", "--out", "out"],
])
def test_a_week_before_the_first_due_week_is_refused(cli, loaded, unchanged, command):
    with unchanged():
        got = cli(*command)
    assert got.exit_code == 1
    assert "不是应报周" in got.stderr and "2022-01-21" in got.stderr and "2022-W04" in got.stderr
    assert "未报送" not in got.stdout and got.stdout == ""


def test_nothing_is_entered_for_a_day_before_the_plan(cli, loaded, unchanged):
    with unchanged():
        got = cli("report", "add", "--dept", "宣传科", "--week", "2022-W03", "--unit", "宣传部",
                  "--submitted-at", "2022-01-21 10:00", "--leaflets", "5")
    assert got.exit_code == 1 and "不是应报周" in got.stderr
    with unchanged():
        got = cli("case", "add", "--case-no", "E1", "--date", "2022-01-10", "--type", "online_loan", "--grid", GRID)
    assert got.exit_code == 1 and "早于计划生效日期 2022-01-21" in got.stderr and "plan load" not in got.stderr


def test_the_first_due_week_is_issue_one(cli, loaded):
    c = cli.json("weekly-circular", "--week", "2022-W04")
    assert c["summary"]["issue_no"] == 1
    assert cli.json("weekly-circular", "--week", "2022-W07")["summary"]["issue_no"] == 4
    missing = cli.json("report", "missing", "--week", "2022-W04")
    assert len(missing["departments"]) == 37  # due: the deadline 2022-01-28 is after the plan's day


def test_a_week_before_the_campaign_is_not_in_the_campaign(cli, loaded, unchanged):
    for command in (["report", "missing", "--week", "2021-W50"], ["weekly-circular", "--week", "2021-W50"]):
        with unchanged():
            got = cli(*command)
        assert got.exit_code == 1 and "不在活动期" in got.stderr and "plan load" not in got.stderr


@pytest.mark.parametrize("effective, first, refused", [
    ("2022-01-21", "2022-W04", "2022-W03"),  # a Friday: that day's deadline is not after it
    ("2022-01-20", "2022-W03", "2022-W02"),  # a Thursday: Friday's deadline is after it
    ("2022-02-09", "2022-W06", "2022-W05"),
])
def test_every_command_works_with_any_effective_date(cli, db_path, tmp_path, effective, first, refused):
    cli.ok("plan", "load", PLAN, "--effective", effective)
    c = cli.json("weekly-circular", "--week", first)
    assert c["summary"]["issue_no"] == 1 and c["summary"]["zero_case_since"] == effective
    assert cli.json("zero-case")["from"] == effective
    assert cli.json("commend", "candidates")["from"] == effective
    cli.json("zero-case", "--from", "2022-01-01", "--to", "2022-03-31")  # before the plan: counts from it
    cli.json("commend", "candidates", "--from", "2022-01-01", "--to", "2022-03-31")
    cli.json("rank", "--week", first)
    cli.json("report", "missing", "--week", first)
    cli.ok("export", "--week", first, "--out", tmp_path / "out", "--formats", "json", "--quiet")
    assert cli(*["weekly-circular", "--week", refused]).exit_code == 1


def test_a_thursday_deadline_plan_is_due_from_its_first_thursday_after_the_plan(cli, db_path, tmp_path):
    thursday = local(tmp_path, "thu.yaml", {"due_weekday: 5": "due_weekday: 4"})
    cli.ok("plan", "load", thursday, "--effective", "2022-01-20")  # a Thursday
    c = cli.json("weekly-circular", "--week", "2022-W04")
    assert c["summary"]["issue_no"] == 1 and c["period"]["deadline"] == "2022-01-27T18:00:00"
    assert cli("rank", "--week", "2022-W03").exit_code == 1


def test_clock_first_due_week():
    assert clock.first_due_week("2022-01-21", 5).label == "2022-W04"
    assert clock.first_due_week("2022-01-01", 5).label == "2022-W01"
    assert clock.first_due_week("2022-01-19", 4).label == "2022-W03"
    assert clock.first_due_week("2022-01-20", 4).label == "2022-W04"


def test_zero_case_counts_from_the_plans_day(cli, db_path):
    cli.ok("plan", "load", PLAN)
    z = cli.json("zero-case", "--to", "2022-01-31")
    assert z["from"] == "2022-01-21"
    early = cli.json("zero-case", "--from", "2022-01-01", "--to", "2022-01-10")  # before any pairing
    assert early["targets"] == [] and early["departments"] == []


# --- 3. a station's paired units are paired targets -------------------------------------------


def test_a_stations_units_score_like_any_departments(cli, loaded):
    report(cli, "蔚汾派出所", "--unit", "蔚汾镇党政机关", leaflets=200, photos=10)
    row = next(r for r in cli.json("rank", "--week", WEEK)["ranking"] if r["department"] == "蔚汾派出所")
    assert row["targets"] == 4 + 5  # four paired units and five grids
    assert row["covered"] == 1
    assert row["components"]["coverage"] > 0 and row["components"]["activity"] > 0 and row["components"]["photos"] > 0
    missing = next(d for d in cli.json("report", "missing", "--week", WEEK, "--all")["departments"] if d["dept"] == "蔚汾派出所")
    assert missing["paired_targets"] == 9 and missing["reported_targets"] == 1


def test_progress_is_each_departments_latest(cli, loaded):
    report(cli, "宣传科", "--unit", "宣传部", week="2022-W04", at="2022-01-28 10:00", leaflets=1, progress=20)
    report(cli, "宣传科", "--unit", "融媒体中心", week="2022-W04", at="2022-01-28 10:00", leaflets=1, progress=45)
    report(cli, "宣传科", "--unit", "宣传部", leaflets=1, progress=60)  # W05
    report(cli, "宣传科", "--unit", "融媒体中心", leaflets=1)  # no progress stated on this line
    report(cli, "信访科", "--unit", "信访局", leaflets=1)
    cli.ok("report", "add", "--dept", "信访科", "--week", WEEK, "--self", "--submitted-at", "2022-02-04 10:00",
           "--leaflets", "1", "--progress", "90")  # not a paired target
    rows = {r["department"]: r for r in cli.json("weekly-circular", "--week", WEEK)["ranking"]}
    assert rows["宣传科"]["progress"] == 60
    assert rows["信访科"]["progress"] is None and rows["办公室"]["progress"] is None
    w4 = {r["department"]: r for r in cli.json("weekly-circular", "--week", "2022-W04")["ranking"]}
    assert w4["宣传科"]["progress"] == 33  # (20 + 45) / 2, rounded half up
    cli.ok("report", "amend", "1", "--progress", "80", "--reason", "电话更正")
    w4 = {r["department"]: r for r in cli.json("weekly-circular", "--week", "2022-W04")["ranking"]}
    assert w4["宣传科"]["progress"] == 63  # the current version counts
    assert "| 进度% |" in cli.ok("weekly-circular", "--week", WEEK, "--format", "md").stdout


# --- 4. the plan's rules and the local rules ---------------------------------------------------


@pytest.mark.parametrize("swap, words", [
    ({"  named: {label": "  namd: {label"}, ["local_rules.namd", "是不是 named"]),
    ({"  major_loss: {label": "  major_los: {label"}, ["local_rules.major_los", "是不是 major_loss"]),
    ({"  discipline:\n    warning_talk_at": "  disciplin:\n    warning_talk_at"}, ["rules.disciplin", "是不是 discipline"]),
    ({"    due_weekday: 5": "    due_weekday: 5\n    due_time: \"18:00\""}, ["rules.weekly_report.due_time", "local_rules.deadline_time"]),
    ({"{label: 每类点名表扬、通报批评各至多几个科所队, value: 3}": "{value: 3}"}, ["local_rules.named.label", "缺少必填项"]),
    ({"value: 3}\n  praise_one_in": "value: 0}\n  praise_one_in"}, ["local_rules.named.value", "不小于 1 的整数"]),
    ({'value: "18:00"}': 'value: "6pm"}'}, ["local_rules.deadline_time.value", "HH:MM"]),
    ({"value: [coverage, activity": "value: [coverag, activity"}, ["local_rules.tie_breaks.value[1]"]),
    ({"    quote: \"分局对累计": "    quot: \"分局对累计"}, ["rules.discipline.quot", "是不是 quote"]),
])
def test_rule_keys_are_checked(cli, db_path, tmp_path, unchanged, swap, words):
    bad = local(tmp_path, "bad.yaml", swap)
    with unchanged():
        got = cli("plan", "load", bad)
    assert got.exit_code == 1
    for w in words:
        assert w in got.stderr, got.stderr


def test_plan_show_lists_local_rules_apart(cli, loaded):
    shown = cli.ok("plan", "show", "--dept", "宣传科").stdout
    assert "本局细则（非方案原文）" in shown and "方案规定" in shown
    assert "劝阻避免的损失达到多少元算“重大损失”" in shown
    state = cli.json("plan", "show")
    assert {r["key"] for r in state["local_rules"]} >= {"deadline_time", "named", "major_loss", "scoring"}
    assert all(r["label"] for r in state["local_rules"])
    assert "星期五" in state["rules"]["weekly_report"]["quote"]


def test_the_circular_says_which_rules_are_the_plans(cli, loaded):
    c = cli.json("weekly-circular", "--week", WEEK)
    plan_notes = [n for n in c["rules_note"] if n["source"] == "plan"]
    local_notes = [n for n in c["rules_note"] if n["source"] == "local"]
    assert plan_notes and local_notes and {n["source"] for n in c["rules_note"]} == {"plan", "local"}
    assert all(n["quote"] for n in plan_notes) and all(n["quote"] is None for n in local_notes)
    assert any("18:00" in n["text"] for n in local_notes)
    assert any("10,000 元" in n["text"] for n in local_notes)
    for fmt in ("md", "table", "csv"):
        out = cli.ok("weekly-circular", "--week", WEEK, "--format", fmt).stdout
        assert "方案规定" in out and "本局细则" in out, fmt


def test_the_deadline_hour_is_a_local_rule(cli, db_path, tmp_path):
    cli.ok("plan", "load", local(tmp_path, "17.yaml", {'value: "18:00"}': 'value: "17:00"}'}))
    report(cli, "信访科", "--unit", "信访局", at="2022-02-04 17:30", leaflets=5)
    c = cli.json("weekly-circular", "--week", WEEK)
    assert c["period"]["deadline"] == "2022-02-04T17:00:00"
    assert [r["department"] for r in c["late_reports"]] == ["信访科"]
    assert any("17:00" in n["text"] for n in c["rules_note"])


def test_late_by_first_line_when_so_ruled(cli, db_path, tmp_path):
    cli.ok("plan", "load", local(tmp_path, "first.yaml", {"该周即算迟报, value: true}": "该周即算迟报, value: false}"}))
    report(cli, "信访科", "--unit", "信访局", at="2022-02-04 10:00", leaflets=5)
    report(cli, "信访科", "--unit", "退役军人事务局", at="2022-02-05 10:00", leaflets=5)
    assert cli.json("weekly-circular", "--week", WEEK)["late_reports"] == []
    status = {d["dept"]: d["status"] for d in cli.json("report", "missing", "--week", WEEK, "--all")["departments"]}
    assert status["信访科"] == "on_time"


def test_deduction_points_are_a_local_rule(cli, db_path, tmp_path):
    cli.ok("plan", "load", local(tmp_path, "d5.yaml", {"扣减的分数, value: 10}": "扣减的分数, value: 5}"}))
    report(cli, "蔚汾派出所", "--grid", GRID, leaflets=5)
    cli.ok("case", "add", "--case-no", "A1", "--date", "2022-02-01", "--type", "online_loan", "--grid", GRID)
    cli.ok("audit", "record", "--case", "A1", "--date", "2022-02-02", "--publicity-received", "否",
           "--verified-negligent", "--verify-date", "2022-02-02", "--note", "核实宣传未到位")
    row = next(r for r in cli.json("rank", "--week", WEEK)["ranking"] if r["department"] == "蔚汾派出所")
    assert row["components"]["deduction"] == -5.0


def test_tie_breaks_follow_the_local_rule():
    def s(dept, coverage, activity, order):
        return scoring.Score(dept=dept, category="bureau", status="on_time", targets=1, covered=1, coverage=coverage,
                             activity=activity, timeliness=15, photos=0, deduction=0, total=50, activity_per_target=0,
                             photos_per_target=0, first_submitted="2022-02-04T10:00:00", order=order)
    by_coverage = scoring.rank([s("甲", 20, 30, 1), s("乙", 30, 20, 2)])
    assert [x.dept for x in by_coverage] == ["乙", "甲"]
    by_activity = scoring.rank([s("甲", 20, 30, 1), s("乙", 30, 20, 2)], ["activity", "coverage"])
    assert [x.dept for x in by_activity] == ["甲", "乙"]


# --- commendation by the plan's conditions --------------------------------------------------------


def _officers(cli, *args) -> dict[str, dict]:
    got = cli.json("commend", "candidates", *args)
    return {c["badge"]: c for c in got["candidates"] if c["subject_kind"] == "officer"}


def test_a_trifling_dissuasion_is_no_merit(cli, loaded):
    cli.ok("case", "add", "--case-no", "X1", "--date", "2022-02-01", "--type", "online_loan", "--grid", "魏家滩镇魏家滩村网格")
    cli.ok("dissuasion", "add", "--officer", "140201", "--date", "2022-02-03", "--amount-saved", "0.01")
    cli.ok("dissuasion", "add", "--officer", "FJ0201", "--date", "2022-02-03", "--amount-saved", "9999.99")
    cli.ok("dissuasion", "add", "--officer", "140202", "--date", "2022-02-03", "--amount-saved", "10000")
    people = _officers(cli, "--to", "2022-02-06")
    # 140201 and FJ0201 pair with the grid that had a case: only a major-loss dissuasion counts
    assert "140201" not in people and "FJ0201" not in people
    assert any("避免重大损失 10000.00 元" in r for r in people["140202"]["reasons"])


def test_the_major_loss_amount_comes_from_the_plan(cli, db_path, tmp_path):
    cli.ok("plan", "load", local(tmp_path, "5000.yaml", {"算“重大损失”, value: 10000}": "算“重大损失”, value: 5000}"}))
    cli.ok("case", "add", "--case-no", "X1", "--date", "2022-02-01", "--type", "online_loan", "--grid", "魏家滩镇魏家滩村网格")
    cli.ok("dissuasion", "add", "--officer", "140201", "--date", "2022-02-03", "--amount-saved", "6000")
    cli.ok("dissuasion", "add", "--officer", "FJ0201", "--date", "2022-02-03", "--amount-saved", "4999.99")
    people = _officers(cli, "--to", "2022-02-06")
    assert "140201" in people and "FJ0201" not in people
    assert cli.json("commend", "candidates")["criteria"]["major_loss"] == "5000.00"


def test_limits_the_plan_does_not_state_are_off_unless_turned_on(cli, db_path, tmp_path):
    cli.ok("plan", "load", PLAN)
    depts = {c["name"] for c in cli.json("commend", "candidates", "--to", "2022-02-28")["candidates"]
             if c["subject_kind"] == "department"}
    assert "办公室" in depts  # never reported, but its units had no case: the plan's ground holds
    strict = local(tmp_path, "strict.yaml", {
        "（空为不限）, value: null}\n  commendation_min": "（空为不限）, value: 0}\n  commendation_min",
        "最低比例（空为不限）, value: null}": "最低比例（空为不限）, value: 0.8}",
    })
    cli.ok("plan", "load", strict, "--effective", "2022-01-21", "--reason", "本局启用表彰附加条件")
    got = cli.json("commend", "candidates", "--to", "2022-02-28")
    assert "办公室" not in {c["name"] for c in got["candidates"] if c["subject_kind"] == "department"}
    assert got["criteria"]["max_deductions"] == 0 and got["criteria"]["min_on_time_share"] == 0.8


def test_a_plan_that_leaves_the_limits_out_has_them_off(cli, db_path, tmp_path):
    text = PLAN.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines(keepends=True) if not ln.startswith("  commendation_m")]
    bare = tmp_path / "bare.yaml"
    bare.write_text("".join(lines), encoding="utf-8")
    cli.ok("plan", "load", bare)
    got = cli.json("commend", "candidates", "--to", "2022-02-28")
    assert got["criteria"]["max_deductions"] is None and got["criteria"]["min_on_time_share"] is None
    assert "办公室" in {c["name"] for c in got["candidates"] if c["subject_kind"] == "department"}
    assert next(r for r in cli.json("plan", "show")["local_rules"] if r["key"] == "commendation_max_deductions")["value"] is None


def test_an_officer_with_a_deduction_is_commended_only_if_the_bureau_allows(cli, db_path, tmp_path):
    cli.ok("plan", "load", PLAN)
    cli.ok("case", "add", "--case-no", "A1", "--date", "2022-02-01", "--type", "online_loan", "--grid", GRID)
    cli.ok("audit", "record", "--case", "A1", "--date", "2022-02-02", "--publicity-received", "否",
           "--verified-negligent", "--verify-date", "2022-02-02", "--note", "核实宣传未到位")  # 140101
    cli.ok("dissuasion", "add", "--officer", "140101", "--date", "2022-02-03", "--amount-saved", "20000")
    assert "140101" in _officers(cli, "--to", "2022-02-06")
    no_deductions = local(tmp_path, "nd.yaml", {"（空为不限）, value: null}\n  commendation_min": "（空为不限）, value: 0}\n  commendation_min"})
    cli.ok("plan", "load", no_deductions, "--effective", "2022-01-21", "--reason", "有扣分不表彰")
    assert "140101" not in _officers(cli, "--to", "2022-02-06")


# --- praise and criticism --------------------------------------------------------------------------


def _score(dept, total, category="station", status="on_time", order=0):
    return scoring.Score(dept=dept, category=category, status=status, targets=1, covered=1, coverage=0, activity=0,
                         timeliness=0, photos=0, deduction=0, total=total, activity_per_target=0, photos_per_target=0,
                         first_submitted=None if status == "missing" else "2022-02-04T10:00:00", order=order)


def _rules(**local_values):
    return rules.of({"rules": {}, "local_rules": {k: {"label": "x", "value": v} for k, v in local_values.items()}})


def test_praise_never_goes_to_more_than_a_third_of_a_category():
    scores = scoring.rank([_score(d, 90 - i, order=i) for i, d in enumerate("甲乙丙丁戊己")])
    top, bottom = circular.named(scores, _rules(), {})
    assert top["station"] == ["甲", "乙"]  # six in the category: at most two, not three
    assert bottom["station"] == ["丁", "戊", "己"]
    four = scoring.rank([_score(d, 90 - i, order=i) for i, d in enumerate("甲乙丙丁")])
    assert circular.named(four, _rules(), {})[0]["station"] == ["甲"]
    assert circular.named(four, _rules(praise_one_in=2), {})[0]["station"] == ["甲", "乙"]


def test_how_many_are_named_comes_from_the_plan():
    scores = scoring.rank([_score(d, 90 - i, order=i) for i, d in enumerate("甲乙丙丁戊己庚辛壬癸子丑")])
    top, bottom = circular.named(scores, _rules(named=2), {})
    assert top["station"] == ["甲", "乙"] and bottom["station"] == ["子", "丑"]
    top, bottom = circular.named(scores, _rules(), {})
    assert top["station"] == ["甲", "乙", "丙"] and bottom["station"] == ["壬", "癸", "子", "丑"][1:]


def test_no_praise_with_a_deduction_and_criticism_includes_the_silent():
    scores = scoring.rank([_score("甲", 95), _score("乙", 90), _score("丙", 80), _score("丁", 70), _score("戊", 60),
                           _score("己", 50), _score("庚", 0, status="missing"), _score("辛", 0, status="missing")])
    top, bottom = circular.named(scores, _rules(), {"甲": 1})
    assert top["station"] == ["乙", "丙"]
    assert bottom["station"] == ["丁", "戊", "己", "庚", "辛"]
    top, bottom = circular.named(scores, _rules(praise_excludes_deducted=False, criticise_missing=False), {"甲": 1})
    assert top["station"] == ["甲", "乙"] and bottom["station"] == ["丁", "戊", "己"]


def test_the_circular_praises_no_deducted_department(cli, loaded):
    for grid in ("蔚汾镇东关社区网格", "蔚汾镇西关社区网格"):
        report(cli, "蔚汾派出所", "--grid", grid, leaflets=100, photos=2)
    report(cli, "魏家滩派出所", "--grid", "魏家滩镇魏家滩村网格", leaflets=10)
    cli.ok("case", "add", "--case-no", "A1", "--date", "2022-02-01", "--type", "online_loan", "--grid", GRID)
    cli.ok("audit", "record", "--case", "A1", "--date", "2022-02-02", "--publicity-received", "否",
           "--verified-negligent", "--verify-date", "2022-02-02", "--note", "核实宣传未到位")
    c = cli.json("weekly-circular", "--week", WEEK)
    assert "蔚汾派出所" not in c["summary"]["top"]["station"]
    assert "魏家滩派出所" in c["summary"]["top"]["station"]
    silent = [r["department"] for r in c["missing_reports"] if r["category"] == "bureau"]
    assert set(silent) <= set(c["summary"]["bottom"]["bureau"]) and len(silent) == 22


# --- the issuer ------------------------------------------------------------------------------


def test_the_circular_is_signed_with_the_issuers_full_name(cli, loaded):
    c = cli.json("weekly-circular", "--week", WEEK)
    assert c["issuer"] == "兴县公安局反诈中心"
    md = cli.ok("weekly-circular", "--week", WEEK, "--format", "md").stdout
    assert "兴县公安局反诈中心  " in md.splitlines() and "县局反诈中心  " not in md.splitlines()
    assert circular.issuer({"campaign": {"issuer": "兴县公安局"}, "leadership": {"office": {"name": "县局反诈中心"}}}) \
        == "兴县公安局反诈中心"


# --- a ledger whose plan was stored before local rules --------------------------------------------


def _old_settings(settings: dict) -> dict:
    """The settings as the first plan format stored them: every number under `rules`."""
    old = json.loads(json.dumps(settings))
    loc = old.pop("local_rules")
    old["leadership"]["office"].pop("full_name")
    old["rules"] = {
        "weekly_report": {"due_weekday": 5, "due_time": "17:00"},
        "report_contents": old["rules"]["report_contents"],
        "discipline": {"window": "routine_period", **{k: v for k, v in old["rules"]["discipline"].items() if k != "quote"}},
        "scoring": {**loc["scoring"]["value"], "deduction": 10},
        "commendation": {"zero_case": True, "min_dissuasions": 1, "max_deductions": 0, "min_on_time_share": 0.8},
    }
    return old


def test_an_old_ledgers_plan_falls_back_to_its_own_numbers(cli, db_path):
    from fanzha_cli import ledger, plan, plan_store
    from fanzha_cli.settings import Settings

    parsed = plan.parse_plan(PLAN)
    parsed.settings = _old_settings(parsed.settings)
    led = ledger.open_ledger(Settings(db_path, "测试"), create=True)
    try:
        plan_store.load(led, parsed, effective="2022-01-01")
    finally:
        led.close()
    r = rules.of(_old_settings(plan.parse_plan(PLAN).settings))
    assert (r.due_time, r.max_deductions, r.min_on_time_share, r.named, r.major_loss_fen) == ("17:00", 0, 0.8, 3, 1_000_000)
    report(cli, "信访科", "--unit", "信访局", at="2022-02-04 17:30", leaflets=5)
    c = cli.json("weekly-circular", "--week", WEEK)
    assert c["period"]["deadline"] == "2022-02-04T17:00:00"  # its own stored hour
    assert [r["department"] for r in c["late_reports"]] == ["信访科"]
    assert c["issuer"] == "兴县公安局反诈中心"
    assert {n["source"] for n in c["rules_note"]} == {"plan", "local"}
    # its limits stay on: 办公室 never reported, so is not commended
    assert "办公室" not in {x["name"] for x in cli.json("commend", "candidates", "--to", "2022-02-28")["candidates"]}
    shown = cli.json("plan", "show")["local_rules"]
    assert next(x for x in shown if x["key"] == "deadline_time")["value"] == "17:00"
    cli.ok("db", "verify")


from .test_plan import SEED  # noqa: E402  (beside the checkout, as test_plan reads it)


@pytest.mark.skipif(not SEED.exists(), reason="the source document is not beside this checkout")
def test_every_plan_rule_quotes_the_document_word_for_word():
    from fanzha_cli import plan

    text = SEED.read_text(encoding="utf-8")
    quoted = {k: r["quote"] for k, r in plan.parse_plan(PLAN).settings["rules"].items() if isinstance(r, dict) and "quote" in r}
    assert set(quoted) == {"weekly_report", "discipline", "commendation"}
    assert {k: q in text for k, q in quoted.items()} == dict.fromkeys(quoted, True)
