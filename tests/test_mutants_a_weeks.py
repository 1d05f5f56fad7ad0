"""Weeks as users write them (weeks.resolve): the relative weeks, and the refusals word for
word. Written for mutation testing (TESTING.md); test_weeks.py has the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from fanzha_cli import weeks
from fanzha_cli.errors import FanzhaError

FRIDAY = dt.date(2022, 2, 4)   # in 2022-W05


@pytest.mark.parametrize("typed, label", [("current", "2022-W05"), ("本周", "2022-W05"), ("last", "2022-W04"),
                                          ("上周", "2022-W04"), (" LAST ", "2022-W04")])
def test_relative_weeks_count_from_the_day_given(typed, label):
    assert weeks.resolve(typed, FRIDAY).label == label
    assert weeks.resolve(typed, dt.date(2023, 1, 2)).label == {"2022-W05": "2023-W01", "2022-W04": "2022-W52"}[label]


@pytest.mark.parametrize("typed", ["", None, "   "])
def test_an_empty_week_is_refused_quoting_what_was_typed(typed):
    with pytest.raises(FanzhaError) as e:
        weeks.resolve(typed)
    assert e.value.message == "周次格式不对：''"
    assert e.value.hint == "周次写成 YYYY-Www（如 2022-W05）、某天的日期（如 2022-02-04），或 current（本周）、last（上周）。"


@pytest.mark.parametrize("typed", ["3000-W01", "1969-W52", "1969-12-28"])
def test_a_far_week_is_refused_word_for_word(typed):
    with pytest.raises(FanzhaError) as e:
        weeks.resolve(typed)
    assert e.value.message == f"周次 {typed} 不在 1970 年至 2999 年之间。"
    assert e.value.hint == "检查周次是否写错，例如 2022-W05。"
