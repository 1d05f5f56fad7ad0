"""reports/sheet_set.py pinned down for mutation testing: a sheet with only some of the
template's columns is settled by the set check as the row validator settles it (a column
left out reads as empty, not as anything else)."""

from __future__ import annotations

import csv

from fanzha_cli.reports import sheet as S
from fanzha_cli.reports import sheet_set
from fanzha_cli.reports.week_plan import WeekPlans

from .test_import_set import NOW, W06, led, scene  # noqa: F401


def test_a_sheet_without_the_optional_columns_is_settled_as_the_row_validator_settles_it(led, tmp_path):  # noqa: F811
    path = tmp_path / "简表.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["科所队", "周次", "对象类型", "包联对象", "宣传折页（份）"])
        w.writerow(["宣传科", W06, "单位", "宣传部", "4"])
        w.writerow(["办公室", W06, "", "县委办", ""])
    problems: list = []
    read = S._read_sheet(path, problems, S.Progress())
    with led.write():
        screened = sheet_set.screen(led, read.fields, read.names, read.rows, WeekPlans(led, NOW.date(), point=True),
                                    NOW, None)
        checked = [sheet_set.compact(S._check_row(r, read.fields, WeekPlans(led, NOW.date()), NOW, None))
                   for r in read.rows]
    assert problems == []
    assert screened[1] is None and checked[1] is None  # nothing filled in: not a report
    key, content, submitted, plan = screened[0]
    assert key == ("宣传科", W06, "unit", "宣传部")
    assert content == checked[0][1] and content[-3:] == (None, "[]", None)  # progress, duties, note
    assert submitted == checked[0][2]
