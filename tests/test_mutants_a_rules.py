"""The rules in force (rules.py) tested directly: each figure read from the plan's settings,
an old plan's numbers read as its local rules, and the rules note of a circular word for
word (officers read it). Written for mutation testing (TESTING.md)."""

from __future__ import annotations

import copy

import pytest

from fanzha_cli import plan, rules
from tests.conftest import PLAN

SHIPPED = plan.parse_plan(PLAN).settings
SCORING = copy.deepcopy(SHIPPED["local_rules"]["scoring"]["value"])

Q_WEEKLY = SHIPPED["rules"]["weekly_report"]["quote"]
Q_DISCIPLINE = SHIPPED["rules"]["discipline"]["quote"]
Q_COMMEND = SHIPPED["rules"]["commendation"]["quote"]


def shipped() -> dict:
    return copy.deepcopy(SHIPPED)


def local(**values) -> dict:
    """The shipped settings with some local rules' values changed."""
    s = shipped()
    for k, v in values.items():
        s["local_rules"][k]["value"] = v
    return s


def plan_note(text, quote):
    return {"text": text, "source": "plan", "quote": quote}


def local_note(text):
    return {"text": text, "source": "local", "quote": None}


SHIPPED_NOTES = [
    plan_note("各科所队每周星期五报送本单位宣传情况，县局反诈中心汇总后每周通报", Q_WEEKLY),
    plan_note("累计通报扣分 2 次的民辅警及单位负责人约谈、责令落实再宣传措施，累计 3 次的严肃问责", Q_DISCIPLINE),
    plan_note("拟表彰对象的依据：包联单位、包联网格“零发案”，或劝阻、避免正在被骗群众造成重大损失", Q_COMMEND),
    local_note("报送截止时刻为报送日 18:00，晚于此时刻的报送为迟报"),
    local_note("科所队任一条报送迟报，该周即算迟报"),
    local_note("每周得分满分 100：覆盖 40 分、宣传量 30 分、报送时效 15 分（迟报 6 分）、宣传图片 15 分；每次通报扣分减 10 分"),
    local_note("同分时依次比较覆盖分、宣传量分、最早报送时间、计划中的顺序"),
    local_note("每类点名表扬至多 3 个科所队，且不超过本类科所队数的三分之一；当周有通报扣分的不予表扬"),
    local_note("每类通报批评排名最后的 3 个已报送科所队，以及全部未报送的科所队"),
    local_note("一次劝阻避免损失 10,000 元以上为“重大损失”"),
    local_note("表彰不另设通报扣分次数和按时报送比例的限制"),
    local_note("通报扣分在全年常态化期内累计"),
]


def test_the_shipped_plans_rules():
    r = rules.of(shipped())
    assert r == rules.Rules(
        due_weekday=5, due_time="18:00", late_if_any_line=True, scoring={**SCORING, "deduction": 10},
        tie_breaks=("coverage", "activity", "first_submitted", "plan_order"), named=3, praise_one_in=3,
        praise_excludes_deducted=True, criticise_missing=True, commend_zero_case=True, commend_dissuasion=True,
        major_loss_fen=1_000_000, max_deductions=None, min_on_time_share=None, discipline_window="routine_period",
        trend_weeks=8)
    assert list(r.notes) == SHIPPED_NOTES
    assert r.weekly_report == {"due_weekday": 5, "due_time": "18:00"}


def test_every_local_rule_read_from_the_plan():
    s = local(deadline_time="12:30", late_if_any_line=False, deduction_points=4, tie_breaks=["activity", "plan_order"],
              named=2, praise_one_in=4, praise_excludes_deducted=False, criticise_missing=False, major_loss=12345.67,
              commendation_max_deductions=1, commendation_min_on_time_share=0.75,
              discipline_window="concentrated_period", trend_weeks=4,
              scoring={**SCORING, "coverage": 50, "activity": 20, "timeliness": {"on_time": 16, "late": 7, "missing": 0},
                       "photos": {"points": 14, "full_at_per_target": 1}})
    s["rules"]["weekly_report"]["due_weekday"] = 3
    s["rules"]["discipline"]["warning_talk_at"] = 4
    s["rules"]["discipline"]["accountability_at"] = 6
    s["rules"]["commendation"]["zero_case"] = False
    r = rules.of(s)
    assert (r.due_weekday, r.due_time, r.late_if_any_line, r.tie_breaks, r.named, r.praise_one_in) == \
        (3, "12:30", False, ("activity", "plan_order"), 2, 4)
    assert (r.praise_excludes_deducted, r.criticise_missing, r.commend_zero_case, r.commend_dissuasion) == \
        (False, False, False, True)
    assert (r.major_loss_fen, r.max_deductions, r.min_on_time_share, r.discipline_window, r.trend_weeks) == \
        (1_234_567, 1, 0.75, "concentrated_period", 4)
    assert r.scoring["deduction"] == 4 and r.scoring["coverage"] == 50
    assert r.weekly_report == {"due_weekday": 3, "due_time": "12:30"}
    assert list(r.notes) == [
        plan_note("各科所队每周星期三报送本单位宣传情况，县局反诈中心汇总后每周通报", Q_WEEKLY),
        plan_note("累计通报扣分 4 次的民辅警及单位负责人约谈、责令落实再宣传措施，累计 6 次的严肃问责", Q_DISCIPLINE),
        plan_note("拟表彰对象的依据：劝阻、避免正在被骗群众造成重大损失", Q_COMMEND),
        local_note("报送截止时刻为报送日 12:30，晚于此时刻的报送为迟报"),
        local_note("以科所队本周首次报送的时间判断是否迟报"),
        local_note("每周得分满分 100：覆盖 50 分、宣传量 20 分、报送时效 16 分（迟报 7 分）、宣传图片 14 分；每次通报扣分减 4 分"),
        local_note("同分时依次比较宣传量分、计划中的顺序"),
        local_note("每类点名表扬至多 2 个科所队，且不超过本类科所队数的四分之一"),
        local_note("每类通报批评排名最后的 2 个已报送科所队"),
        local_note("一次劝阻避免损失 12,345.67 元以上为“重大损失”"),
        local_note("表彰对象还须期间内通报扣分不超过 1 次，且所在单位按时报送周数不少于 75%"),
        local_note("通报扣分在集中宣传期内累计"),
    ]


def test_types_are_as_the_code_needs_them():
    r = rules.of(local(named="2", praise_one_in="5", trend_weeks="6", commendation_max_deductions="2",
                       commendation_min_on_time_share="1", major_loss="0.015", deadline_time=1800,
                       late_if_any_line=0, criticise_missing=1, praise_excludes_deducted=""))
    assert (r.named, r.praise_one_in, r.trend_weeks, r.max_deductions) == (2, 5, 6, 2)
    assert r.min_on_time_share == 1.0 and type(r.min_on_time_share) is float
    assert r.major_loss_fen == 2 and r.due_time == "1800"
    assert (r.late_if_any_line, r.criticise_missing, r.praise_excludes_deducted) == (False, True, False)
    s = shipped()
    s["rules"]["weekly_report"]["due_weekday"] = "4"
    s["rules"]["commendation"] = {"zero_case": 0, "dissuasion": 0}
    r = rules.of(s)
    assert (r.due_weekday, r.commend_zero_case, r.commend_dissuasion) == (4, False, False)


def test_only_one_limit_on():
    r = rules.of(local(commendation_max_deductions=0))
    assert r.notes[10] == local_note("表彰对象还须期间内通报扣分不超过 0 次")
    r = rules.of(local(commendation_min_on_time_share=0.5))
    assert r.notes[10] == local_note("表彰对象还须所在单位按时报送周数不少于 50%")


def test_neither_ground_of_commendation():
    s = shipped()
    s["rules"]["commendation"] = {"zero_case": False, "dissuasion": False, "quote": "无"}
    texts = [n["text"] for n in rules.of(s).notes]
    assert not any(t.startswith("拟表彰对象") for t in texts) and len(texts) == 11


def test_zero_case_alone_is_a_ground():
    s = shipped()
    s["rules"]["commendation"]["dissuasion"] = False
    assert rules.of(s).notes[2] == plan_note("拟表彰对象的依据：包联单位、包联网格“零发案”", Q_COMMEND)


def test_a_plan_stating_no_rules_takes_the_defaults():
    """No rules, no local rules: the plan's defaults (Friday, both grounds, 2 and 3) and the
    shipped local numbers."""
    r = rules.of({"rules": None, "local_rules": None})
    assert (r.due_weekday, r.commend_zero_case, r.commend_dissuasion, r.due_time, r.named) == (5, True, True, "18:00", 3)
    assert r.scoring == {**rules.LOCAL_DEFAULTS["scoring"], "deduction": 10}
    assert r.notes[0] == plan_note("各科所队每周星期五报送本单位宣传情况，县局反诈中心汇总后每周通报", None)
    assert r.notes[1] == plan_note("累计通报扣分 2 次的民辅警及单位负责人约谈、责令落实再宣传措施，累计 3 次的严肃问责", None)
    assert r.notes[2]["quote"] is None
    assert [n["text"] for n in r.notes[3:]] == [n["text"] for n in SHIPPED_NOTES[3:]]
    assert rules.of({}).due_weekday == 5
    r = rules.of({"rules": {"commendation": None, "discipline": None, "weekly_report": {}}, "local_rules": {}})
    assert r.commend_zero_case and r.notes[1]["text"].startswith("累计通报扣分 2 次")


def test_a_scoring_without_some_figures_says_zero():
    r = rules.of(local(scoring={"activity_weights": {}, "activity_caps": {}}, deduction_points=0))
    assert r.notes[5] == local_note("每周得分满分 100：覆盖 0 分、宣传量 0 分、报送时效 0 分（迟报 0 分）、宣传图片 0 分；每次通报扣分减 0 分")


def test_an_unknown_tie_break_or_window_is_shown_by_its_key():
    r = rules.of(local(tie_breaks=["coverage", "seniority"], discipline_window="quarterly"))
    assert r.notes[6] == local_note("同分时依次比较覆盖分、seniority")
    assert r.notes[11] == local_note("通报扣分在quarterly内累计")


def test_local_value_forms():
    assert rules._value({"named": {"label": "x", "value": 5}}, "named") == 5
    assert rules._value({"named": {"label": "x", "value": None}}, "named") is None
    assert rules._value({"named": {"label": "x"}}, "named") == 3          # no value: the default
    assert rules._value({"named": 7}, "named") == 3                       # not a rule's form: the default
    assert rules._value({}, "major_loss") == 10000


OLD_RULES = {
    "weekly_report": {"due_weekday": 5, "due_time": "17:00"},
    "discipline": {"window": "concentrated_period", "warning_talk_at": 2, "accountability_at": 3},
    "scoring": {**SCORING, "deduction": 8},
    "commendation": {"zero_case": True, "max_deductions": 0, "min_on_time_share": 0.8},
}


def test_an_old_plans_numbers_are_its_local_rules():
    old = copy.deepcopy(OLD_RULES)
    got = rules._legacy_local(old)
    assert got == {
        "deadline_time": {"label": "每周报送截止时刻（报送日当天）", "value": "17:00"},
        "deduction_points": {"label": "每次通报扣分在当周得分中扣减的分数", "value": 8},
        "scoring": {"label": "每周评分权重与封顶（满分 100）", "value": SCORING},
        "discipline_window": {"label": "通报扣分累计期间", "value": "concentrated_period"},
        "commendation_max_deductions": {"label": "表彰对象期间内通报扣分不超过几次（空为不限）", "value": 0},
        "commendation_min_on_time_share": {"label": "表彰对象（民辅警按所在单位）按时报送周数的最低比例（空为不限）", "value": 0.8},
    }
    assert old == OLD_RULES  # the stored settings are not changed by reading them
    r = rules.of({"rules": copy.deepcopy(OLD_RULES)})
    assert (r.due_time, r.scoring["deduction"], r.discipline_window, r.max_deductions, r.min_on_time_share) == \
        ("17:00", 8, "concentrated_period", 0, 0.8)
    assert r.named == 3 and r.major_loss_fen == 1_000_000


def test_an_old_plan_with_few_numbers():
    assert rules._legacy_local({}) == {}
    assert rules._legacy_local({"weekly_report": {"due_time": ""}, "scoring": {}, "discipline": {"window": None},
                                "commendation": None}) == {}
    got = rules._legacy_local({"scoring": {"coverage": 40}, "commendation": {"max_deductions": None}})
    assert got == {"scoring": {"label": "每周评分权重与封顶（满分 100）", "value": {"coverage": 40}},
                   "commendation_max_deductions": {"label": "表彰对象期间内通报扣分不超过几次（空为不限）", "value": None}}
    r = rules.of({"rules": {"scoring": {"coverage": 40}}})
    assert r.scoring == {"coverage": 40, "deduction": 10}


@pytest.mark.parametrize("size, one_in, named, limit", [
    (6, 3, 3, 2), (9, 3, 3, 3), (12, 3, 3, 3), (8, 3, 3, 2), (2, 3, 3, 0), (0, 3, 3, 0),
    (4, 2, 3, 2), (5, 1, 3, 3), (5, 1, 0, 0), (5, 0, 2, 2), (1, 0, 3, 1),
])
def test_praise_limit(size, one_in, named, limit):
    r = rules.of(local(named=named, praise_one_in=one_in))
    assert r.praise_limit(size) == limit


@pytest.mark.parametrize("n, text", [(1, "1/1"), (2, "二分之一"), (3, "三分之一"), (10, "十分之一"), (11, "1/11"), (0, "1/0")])
def test_fraction(n, text):
    assert rules._fraction(n) == text


@pytest.mark.parametrize("fen, text", [(1_000_000, "10,000"), (1_234_567, "12,345.67"), (50, "0.50"), (100, "1"),
                                       (123_456_789_00, "123,456,789")])
def test_yuan(fen, text):
    assert rules._yuan(fen) == text


def test_rules_are_kept_per_settings_object():
    s = shipped()
    r = rules.of(s)
    assert rules.of(s) is r
    other = shipped()
    assert rules.of(other) == r and rules.of(other) is not r


def test_a_stale_cache_slot_is_not_served():
    """Another settings object that happens to get a dead one's id is built afresh."""
    s = local(named=1)
    stale = rules.of(shipped())
    rules._CACHE[id(s)] = ({"not": "it"}, stale)
    assert rules.of(s).named == 1


def test_the_cache_stays_small():
    kept = [shipped() for _ in range(40)]
    for s in kept:
        rules.of(s)
        assert len(rules._CACHE) <= 17
    assert rules.of(kept[-1]) is rules.of(kept[-1])


def test_local_view_of_the_shipped_plan():
    view = rules.local_view(shipped())
    assert [v["key"] for v in view] == list(rules.LOCAL_DEFAULTS)
    assert all(v["stated"] for v in view)
    by = {v["key"]: v for v in view}
    assert by["deadline_time"] == {"key": "deadline_time", "label": "每周报送截止时刻（报送日当天）", "value": "18:00", "stated": True}
    assert by["commendation_max_deductions"]["value"] is None
    assert by["major_loss"] == {"key": "major_loss", "label": "劝阻避免的损失达到多少元算“重大损失”", "value": 10000, "stated": True}


def test_local_view_of_a_plan_stating_some_rules_oddly():
    s = {"rules": {}, "local_rules": {"named": {"label": "点名几个", "value": 5}, "trend_weeks": {"value": 6},
                                      "major_loss": {"label": "重大"}, "deadline_time": "17:00"}}
    by = {v["key"]: v for v in rules.local_view(s)}
    assert by["named"] == {"key": "named", "label": "点名几个", "value": 5, "stated": True}
    assert by["trend_weeks"] == {"key": "trend_weeks", "label": "通报中发案走势显示的周数", "value": 6, "stated": True}
    assert by["major_loss"] == {"key": "major_loss", "label": "重大", "value": 10000, "stated": True}
    assert by["deadline_time"] == {"key": "deadline_time", "label": "每周报送截止时刻（报送日当天）", "value": "18:00",
                                   "stated": False}


def test_local_view_of_an_old_plan():
    by = {v["key"]: v for v in rules.local_view({"rules": copy.deepcopy(OLD_RULES)})}
    assert by["deadline_time"] == {"key": "deadline_time", "label": "每周报送截止时刻（报送日当天）", "value": "17:00", "stated": True}
    assert by["named"] == {"key": "named", "label": "每类点名表扬、通报批评各至多几个科所队", "value": 3, "stated": False}
    assert by["commendation_min_on_time_share"]["value"] == 0.8
    assert {v["key"] for v in rules.local_view({"rules": None}) if v["stated"]} == set()


def test_the_labels_and_names():
    assert set(rules.LOCAL_LABELS) == set(rules.LOCAL_DEFAULTS)
    assert rules.TIE_BREAKS == {"coverage": "覆盖分", "activity": "宣传量分", "first_submitted": "最早报送时间",
                                "plan_order": "计划中的顺序"}
    assert rules.DISCIPLINE_WINDOWS == {"routine_period": "全年常态化期", "concentrated_period": "集中宣传期"}
    assert rules.WEEKDAY_NAMES == "一二三四五六日"
    assert rules.PLAN_RULE_KEYS == ("weekly_report", "report_contents", "discipline", "commendation")


def test_the_shipped_local_defaults_are_the_shipped_plans():
    assert {k: v["value"] for k, v in SHIPPED["local_rules"].items()} == rules.LOCAL_DEFAULTS
    assert {k: v["label"] for k, v in SHIPPED["local_rules"].items()} == rules.LOCAL_LABELS
