"""Report weeks and deadlines (weeks.py, clock.py): the one place the deadline day is worked
out, and the times people type. Pure functions, walked at their edges."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from fanzha_cli import clock, weeks
from fanzha_cli.errors import FanzhaError

D = dt.date.fromisoformat


def test_a_week_and_its_days():
    w = weeks.resolve("2022-W05")
    assert (w.year, w.number, w.label) == (2022, 5, "2022-W05")
    assert (w.monday, w.sunday) == (D("2022-01-31"), D("2022-02-06"))
    assert w.span() == "2022-W05（2022-01-31 至 2022-02-06）"
    assert weeks.resolve("2022-02-06 00:00") == w == weeks.resolve(" 2022-02-04T00:00:00 ")
    assert weeks.week_of(D("2022-01-02")) == weeks.Week(2021, 52)


@pytest.mark.parametrize("value", ["1969-W52", "3000-W01", "1969-12-28"])
def test_far_weeks_are_refused(value):
    with pytest.raises(FanzhaError, match="1970 年至 2999 年"):
        weeks.resolve(value)


def test_the_first_and_last_years_are_weeks():
    assert weeks.resolve("1970-01-05").year == 1970 and weeks.resolve("2999-06-01").year == 2999


def test_a_future_week_is_refused_from_its_monday():
    w = weeks.resolve("2022-W05")
    weeks.refuse_future(w, D("2022-01-31"))  # its Monday: not the future
    with pytest.raises(FanzhaError, match="还没有到") as e:
        weeks.refuse_future(w, D("2022-01-30"))
    assert e.value.hint == "今天是 2022-01-30（第 4 周）；检查周次是否写错。"


@pytest.mark.parametrize("weekday, day", [(1, "2022-01-31"), (4, "2022-02-03"), (5, "2022-02-04"), (7, "2022-02-06")])
def test_the_due_day_is_the_weeks_weekday(weekday, day):
    assert weeks.due_day(weeks.resolve("2022-W05"), weekday) == D(day)


def test_the_deadline_is_the_rules_day_and_time():
    w = weeks.resolve("2022-W05")
    assert weeks.deadline(w, {"due_weekday": 4, "due_time": "12:30"}) == dt.datetime(2022, 2, 3, 12, 30)
    assert weeks.deadline(w, {}) == dt.datetime(2022, 2, 4, 18, 0)  # an old ledger's rule: Friday 18:00
    assert weeks.describe_deadline(dt.datetime(2022, 2, 3, 12, 30)) == "2022-02-03（星期四）12:30"
    assert weeks.describe_deadline(dt.datetime(2022, 2, 6, 9, 5)) == "2022-02-06（星期日）09:05"


def test_the_first_due_week_counts_the_due_day_itself_only_when_asked():
    friday = D("2022-02-04")
    assert weeks.first_due_from(friday, 5, inclusive=True).label == "2022-W05"
    assert weeks.first_due_from(friday, 5, inclusive=False).label == "2022-W06"
    assert weeks.first_due_from(D("2022-02-03"), 5, inclusive=False).label == "2022-W05"
    assert weeks.first_due_from(D("2022-02-05"), 5, inclusive=True).label == "2022-W06"
    assert clock.first_due_week("2022-02-04", 5).label == "2022-W06"


def test_due_weeks_are_those_whose_due_day_lies_in_the_period():
    labels = [w.label for w in weeks.due_weeks(D("2022-02-04"), D("2022-02-18"), 5)]
    assert labels == ["2022-W05", "2022-W06", "2022-W07"]
    assert [w.label for w in weeks.due_weeks(D("2022-02-05"), D("2022-02-17"), 5)] == ["2022-W06"]
    assert [w.label for w in weeks.due_weeks(D("2022-02-03"), D("2022-02-03"), 4)] == ["2022-W05"]
    assert weeks.due_weeks(D("2022-02-05"), D("2022-02-10"), 5) == []
    # across the year's end, by ISO week
    assert [w.label for w in weeks.due_weeks(D("2021-12-30"), D("2022-01-08"), 5)] == ["2021-W52", "2022-W01"]


def test_the_issue_number_counts_weeks_from_the_first():
    first = weeks.resolve("2022-W04")
    assert clock.issue_no(first, first) == 1 and clock.issue_no(weeks.resolve("2022-W06"), first) == 3


@pytest.mark.parametrize("typed, when", [
    ("2022-02-04 17:30", "2022-02-04T17:30:00"),
    ("2022-02-04T17:30:59", "2022-02-04T17:30:59"),
    ("2022/2/4 9:05", "2022-02-04T09:05:00"),
    ("2022-02-04T9:05", "2022-02-04T09:05:00"),
    ("2022.02.04 17:30", "2022-02-04T17:30:00"),
    ("2022年2月4日 17:30", "2022-02-04T17:30:00"),
    ("2022年2月4日 17时30分", "2022-02-04T17:30:00"),
    ("2022年2月4日 17:30:15", "2022-02-04T17:30:15"),
    ("2022年2月4日", "2022-02-04T00:00:00"),
    ("2022-02-04", "2022-02-04T00:00:00"),
    ("2022-02-04 17:30:00.9", "2022-02-04T17:30:00"),
])
def test_times_as_people_type_them(typed, when):
    assert weeks.stamp(weeks.parse_datetime(typed)) == when


def test_a_time_with_an_offset_is_the_computers_wall_clock():
    got = weeks.parse_datetime("2022-02-04T10:00:00+00:00")
    assert got.tzinfo is None
    assert got == dt.datetime(2022, 2, 4, 10, tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


@pytest.mark.parametrize("typed", ["2022年2月30日 10:00", "昨天", "", "2022-02-04 25:00", "2022年13月1日"])
def test_a_wrong_time_names_the_field(typed):
    with pytest.raises(FanzhaError, match="报送时间格式不对") as e:
        weeks.parse_datetime(typed)
    assert e.value.hint == "时间请写成 YYYY-MM-DD HH:MM，例如 2022-02-04 17:30（只写日期按当天 00:00 计）。"
    with pytest.raises(FanzhaError, match="补录时间格式不对"):
        weeks.parse_datetime(typed, "补录时间")


def test_stamps_and_shows():
    assert weeks.stamp(dt.datetime(2022, 2, 4, 17, 30, 5, 999)) == "2022-02-04T17:30:05"
    assert weeks.show("2022-02-04T17:30:05") == "2022-02-04 17:30:05"
    assert weeks.show(None) == ""
    now = weeks.now()
    assert now.microsecond == 0 and abs((dt.datetime.now() - now).total_seconds()) < 5


def test_a_week_before_the_first_due_week_says_which_is_first():
    first = weeks.resolve("2022-W04")
    settings = {"rules": {"weekly_report": {"due_weekday": 5}}, "local_rules": {}}
    clock.refuse_not_due(first, "2022-01-21", first, settings)  # the first due week itself: fine
    with pytest.raises(FanzhaError) as e:
        clock.refuse_not_due(weeks.resolve("2022-W03"), "2022-01-21", first, settings)
    assert e.value.message == ("周次 2022-W03（2022-01-17 至 2022-01-23） 不是应报周：计划自 2022-01-21 起生效，"
                               "第一个应报周是 2022-W04（报送截止 2022-01-28（星期五）18:00），其通报为第 1 期。")
    assert e.value.hint == "改用 2022-W04 或之后的周次；如计划实际更早生效，载入计划时用 --effective 指定生效日期。"


def test_before_any_plan_every_rule_says_to_load_one(db_path):
    from fanzha_cli import cases, discipline, ledger
    from fanzha_cli.settings import Settings

    led = ledger.open_ledger(Settings(db_path=db_path, operator="测试员"), create=True)  # no plan loaded
    with contextlib.closing(led):
        for ask in (clock.latest_settings, cases.latest_settings, discipline.rules, cases.campaign_period):
            with pytest.raises(FanzhaError) as e:
                ask(led)
            assert (e.value.message, e.value.hint) == ("账本中还没有载入计划。", "先运行 fanzha plan load data/assignments.yaml。")
