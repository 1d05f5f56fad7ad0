"""The campaign's clock (clock.py) against a ledger holding several plan versions: which
version's settings are in force, the day the plan took effect as of an entry, the first due
week and the issue numbers. Written for mutation testing (TESTING.md)."""

from __future__ import annotations

import contextlib

import pytest

from fanzha_cli import clock, ledger, weeks
from fanzha_cli.errors import FanzhaError
from fanzha_cli.settings import Settings
from tests.casework import plan_variant
from tests.conftest import PLAN

NO_PLAN = ("账本中还没有载入计划。", "先运行 fanzha plan load data/assignments.yaml。")


@contextlib.contextmanager
def opened(db_path, create=False):
    led = ledger.open_ledger(Settings(db_path=db_path, operator="测试员"), create=create)
    with contextlib.closing(led):
        yield led


@pytest.fixture
def versions(cli, db_path, tmp_path):
    """Entry 1: the plan from 2022-01-21 (Friday 18:00); entry 2: from 2022-02-01, Friday
    16:00; entry 3: from 2022-03-01, Thursday 17:00."""
    cli.ok("plan", "load", PLAN, "--effective", "2022-01-21")
    four = plan_variant(tmp_path, "four.yaml", {'value: "18:00"}': 'value: "16:00"}'})
    cli.ok("plan", "load", four, "--effective", "2022-02-01", "--reason", "改为16点")
    thursday = plan_variant(tmp_path, "thu.yaml", {"    due_weekday: 5": "    due_weekday: 4",
                                                   'value: "18:00"}': 'value: "17:00"}'})
    cli.ok("plan", "load", thursday, "--effective", "2022-03-01", "--reason", "改为周四")
    return db_path


def test_the_settings_in_force_are_those_taking_effect_last(versions):
    with opened(versions) as led:
        settings = clock.latest_settings(led)
    assert settings["local_rules"]["deadline_time"]["value"] == "17:00"
    assert settings["rules"]["weekly_report"]["due_weekday"] == 4


def test_the_plan_starts_on_the_first_effective_day_as_of_an_entry(versions):
    with opened(versions) as led:
        assert clock.plan_start(led) == "2022-01-21"
        assert clock.plan_start(led, 3) == "2022-01-21"
        assert clock.plan_start(led, 1) == "2022-01-21"
        assert clock.plan_start(led, 0) is None


def test_the_first_due_week_follows_the_settings_weekday(versions):
    with opened(versions) as led:
        settings = clock.latest_settings(led)
        # Thursday 2022-01-27 is the first Thursday after 2022-01-21 (a Friday)
        assert clock.first_due(led, settings) == ("2022-01-21", weeks.resolve("2022-W04"))
        with pytest.raises(FanzhaError) as e:
            clock.first_due(led, settings, upto=0)
    assert (e.value.message, e.value.hint) == NO_PLAN


def test_first_due_reads_the_weekday_from_the_settings_given(cli, db_path, tmp_path):
    monday = plan_variant(tmp_path, "mon.yaml", {"    due_weekday: 5": "    due_weekday: 1"})
    cli.ok("plan", "load", monday, "--effective", "2022-01-19")   # a Wednesday
    with opened(db_path) as led:
        settings = clock.latest_settings(led)
        assert clock.first_due(led, settings) == ("2022-01-19", weeks.resolve("2022-W04"))
        friday = {"rules": {"weekly_report": {"due_weekday": 5}}, "local_rules": {}}
        assert clock.first_due(led, friday) == ("2022-01-19", weeks.resolve("2022-W03"))


def test_an_empty_ledger_has_no_start(db_path):
    with opened(db_path, create=True) as led:
        assert clock.plan_start(led) is None
        with pytest.raises(FanzhaError) as e:
            clock.first_due(led, {})
        assert (e.value.message, e.value.hint) == NO_PLAN
        with pytest.raises(FanzhaError) as e:
            clock.latest_settings(led)
        assert (e.value.message, e.value.hint) == NO_PLAN


@pytest.mark.parametrize("start, weekday, first", [
    ("2022-01-21", 5, "2022-W04"), ("2022-01-20", 5, "2022-W03"), ("2022-01-22", 5, "2022-W04"),
    ("2022-01-23", 7, "2022-W04"), ("2022-01-24", 1, "2022-W05"), ("2021-12-31", 5, "2022-W01"),
])
def test_first_due_week(start, weekday, first):
    assert clock.first_due_week(start, weekday) == weeks.resolve(first)


@pytest.mark.parametrize("week, number", [("2022-W04", 1), ("2022-W05", 2), ("2022-W14", 11),
                                          ("2023-W04", 53), ("2022-W03", 0)])
def test_issue_numbers(week, number):
    got = clock.issue_no(weeks.resolve(week), weeks.resolve("2022-W04"))
    assert got == number and f"第{got}期" == f"第{number}期"   # printed on the circular: 第3期, never 第3.0期


def test_a_week_before_the_first_names_the_settings_deadline():
    first = weeks.resolve("2022-W10")
    settings = {"rules": {"weekly_report": {"due_weekday": 3}},
                "local_rules": {"deadline_time": {"label": "x", "value": "09:30"}}}
    clock.refuse_not_due(weeks.resolve("2022-W11"), "2022-03-01", first, settings)
    with pytest.raises(FanzhaError) as e:
        clock.refuse_not_due(weeks.resolve("2022-W09"), "2022-03-01", first, settings)
    assert e.value.message == ("周次 2022-W09（2022-02-28 至 2022-03-06） 不是应报周：计划自 2022-03-01 起生效，"
                               "第一个应报周是 2022-W10（报送截止 2022-03-09（星期三）09:30），其通报为第 1 期。")
    assert e.value.hint == "改用 2022-W10 或之后的周次；如计划实际更早生效，载入计划时用 --effective 指定生效日期。"
