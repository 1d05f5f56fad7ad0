"""reports/sheet_set.py pinned down for mutation testing: a sheet with only some of the
template's columns is settled by the set check as the row validator settles it (a column
left out reads as empty, not as anything else)."""

from __future__ import annotations

import csv

from fanzha_cli.reports import sheet_set

from .test_import_set import W06, led, scene, screened_and_checked  # noqa: F401


def _sheet(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_a_sheet_without_the_optional_columns_is_settled_as_the_row_validator_settles_it(led, tmp_path):  # noqa: F811
    path = _sheet(tmp_path / "简表.csv", ["科所队", "周次", "对象类型", "包联对象", "宣传折页（份）"],
                  [["宣传科", W06, "单位", "宣传部", "4"], ["办公室", W06, "", "县委办", ""]])
    screened, checked = screened_and_checked(led, path)
    assert screened[1] is None and checked[1] is None  # nothing filled in: not a report
    key, content, submitted, plan = screened[0]
    assert key == ("宣传科", W06, "unit", "宣传部")
    assert content == checked[0][1] and content[-3:] == (None, "[]", None)  # progress, duties, note
    assert submitted == checked[0][2]


def test_kinds_in_any_case_and_the_weeks_after_an_unreadable_one_are_settled_here(led, tmp_path):  # noqa: F811
    # Weeks are resolved from a set: with eight unreadable ones, a readable week comes after
    # an unreadable one in all but about 1 run in 45.
    bad = [[d, w, "单位", "宣传部", "1"] for d, w in zip("甲乙丙丁戊己庚辛", ["2022-W99", "2022-W5", "第6周", "2021-W50",
                                                                    "W6", "2022W06", "x", "2022-W00"])]
    path = _sheet(tmp_path / "周.csv", ["科所队", "周次", "对象类型", "包联对象", "宣传折页（份）"], [
        ["宣传科", W06, "UNIT", "宣传部", "4"], ["办公室", "2022-W05", "Unit", "财政局", "2"], *bad])
    screened, checked = screened_and_checked(led, path)
    assert [s[0] for s in screened[:2]] == [("宣传科", W06, "unit", "宣传部"), ("办公室", "2022-W05", "unit", "财政局")]
    assert [s[1] for s in screened[:2]] == [c[1] for c in checked[:2]]
    assert screened[2:] == [sheet_set.ASK] * 8


def test_an_unknown_department_or_kind_is_left_to_the_row_validator(led, tmp_path):  # noqa: F811
    path = _sheet(tmp_path / "错.csv", ["科所队", "周次", "对象类型", "包联对象", "宣传折页（份）"], [
        ["宣传课", W06, "本人", "", "1"], ["蔚汾派出所", W06, "单元", "蔚汾镇东关社区网格", "1"],
        ["", W06, "本人", "", "1"], ["蔚汾派出所", W06, "网格", "蔚汾镇东关社区网格", "1"]])
    screened, checked = screened_and_checked(led, path)
    assert screened[:3] == [sheet_set.ASK] * 3 and all(isinstance(c, list) for c in checked[:3])  # refused there
    assert screened[3][0] == ("蔚汾派出所", W06, "grid", "蔚汾镇东关社区网格")
