"""Report validation (reports/cells.py) pinned down for mutation testing: headers matched,
duties picked, a line's content parsed, and the messages a clerk reads, word for word.

Each test calls the functions directly (no ledger), so a mutant is found in milliseconds."""

from __future__ import annotations

import pytest

from fanzha_cli.errors import FanzhaError
from fanzha_cli.reports import cells
from fanzha_cli.reports.cells import LineInput, Problem, parse_content, parse_duties

CHECKLIST = ["建立反诈宣传台账", "开展反诈专题培训", "张贴反诈宣传海报"]
NUMBERED = "1. 建立反诈宣传台账；2. 开展反诈专题培训；3. 张贴反诈宣传海报"


# --- headers ---

@pytest.mark.parametrize("header, key", [
    ("宣传折页（份）", "宣传折页"),
    (" 宣传 折页\t（份） ", "宣传折页"),
    ("宣传折页(份)", "宣传折页"),
    ("宣传折页(份）", "宣传折页"),
    ("*科所队", "科所队"),
    ("＊科所队", "科所队"),
    ("**＊科所队", "科所队"),
    ("XX科所队", "XX科所队"),
    ("科所队XX", "科所队XX"),
    ("已完成行业职责（填编号）", "已完成行业职责"),
    ("宣传（份）折页", "宣传（份）折页"),  # brackets in the middle stay
    ("（份）", "（份）"),  # nothing but the brackets: kept whole
    ("*（份）", "（份）"),
    ("", ""),
    (None, ""),
])
def test_header_keys(header, key):
    assert cells._header_key(header) == key


def test_headers_map_to_fields_and_back():
    assert cells._FIELD_OF_HEADER["宣传折页"] == "leaflets"
    assert cells._FIELD_OF_HEADER["行业职责"] == "duties"
    assert cells._HEADER_OF_FIELD["leaflets"] == "宣传折页（份）"
    assert "录入人" in cells._IGNORED_KEYS and "照片文件数" in cells._IGNORED_KEYS


# --- duties ---

def test_no_duties_given_is_an_empty_list_even_without_a_checklist():
    assert parse_duties([], [], "财政局") == []
    assert parse_duties(["", " ；; \n", None], [], "财政局") == []


def test_duties_without_a_checklist_are_refused_word_for_word():
    with pytest.raises(Problem) as e:
        parse_duties(["1"], [], "财政局")
    assert e.value.field == "duties"
    assert e.value.message == "“财政局”没有行业职责清单（只有方案第五部分列出的行业单位有），不能填写行业职责"


@pytest.mark.parametrize("values, done", [
    (["1"], ["建立反诈宣传台账"]),
    (["3"], ["张贴反诈宣传海报"]),
    (["3, 1"], ["建立反诈宣传台账", "张贴反诈宣传海报"]),
    (["2、3"], ["开展反诈专题培训", "张贴反诈宣传海报"]),
    (["1/2，3"], CHECKLIST),
    (["3 1"], ["建立反诈宣传台账", "张贴反诈宣传海报"]),
    (["1；2"], ["建立反诈宣传台账", "开展反诈专题培训"]),
    (["1;3"], ["建立反诈宣传台账", "张贴反诈宣传海报"]),
    (["2\n1"], ["建立反诈宣传台账", "开展反诈专题培训"]),
    (["3", "1"], ["建立反诈宣传台账", "张贴反诈宣传海报"]),
    (["1", "1", "建立反诈宣传台账"], ["建立反诈宣传台账"]),
    (["1,1"], ["建立反诈宣传台账"]),
    (["3、1、3"], ["建立反诈宣传台账", "张贴反诈宣传海报"]),
    (["张贴反诈宣传海报"], ["张贴反诈宣传海报"]),
    ([" 张贴反诈宣传海报 ；1"], ["建立反诈宣传台账", "张贴反诈宣传海报"]),
    (["培训"], ["开展反诈专题培训"]),
    (["海报", "3"], ["张贴反诈宣传海报"]),
])
def test_duties_by_number_text_or_unique_part_in_checklist_order(values, done):
    assert parse_duties(values, CHECKLIST, "财政局") == done


def test_a_duty_that_is_a_part_of_another_still_matches_itself():
    checklist = ["宣传", "反诈宣传"]
    assert parse_duties(["宣传"], checklist, "财政局") == ["宣传"]
    assert parse_duties(["反诈宣传"], checklist, "财政局") == ["反诈宣传"]


@pytest.mark.parametrize("value, number", [("0", "0"), ("4", "4"), ("1,4", "4"), ("12", "12")])
def test_a_duty_number_outside_the_checklist_is_refused_word_for_word(value, number):
    with pytest.raises(Problem) as e:
        parse_duties([value], CHECKLIST, "财政局")
    assert e.value.field == "duties"
    assert e.value.message == f"行业职责编号 {number} 不存在；“财政局”的清单为：{NUMBERED}"


@pytest.mark.parametrize("piece", ["反诈", "植树造林"])
def test_a_duty_matching_none_or_several_is_refused_word_for_word(piece):
    with pytest.raises(Problem) as e:
        parse_duties([piece], CHECKLIST, "财政局")
    assert e.value.field == "duties"
    assert e.value.message == f"“{piece}”不是“财政局”的行业职责；清单为：{NUMBERED}（可只填编号）"


def test_the_last_duty_number_is_the_checklist_length():
    assert parse_duties(["2"], CHECKLIST[:2], "财政局") == ["开展反诈专题培训"]
    with pytest.raises(Problem):
        parse_duties(["3"], CHECKLIST[:2], "财政局")


# --- a line's content ---

def _zeros(**over):
    out = {k: 0 for k in cells.MEASURE_KEYS} | {"progress": None, "duties": "[]", "note": None}
    return out | over


def test_content_of_a_new_line_fills_what_was_not_given():
    out, problems = parse_content(LineInput(measures={"leaflets": "3", "photos": "2"}), [], "财政局")
    assert problems == []
    assert out == _zeros(leaflets=3, photos=2)
    assert list(out) == cells.MEASURE_KEYS + ["progress", "duties", "note"]


def test_content_parses_progress_duties_and_note():
    values = LineInput(measures={"group_pushes": "7"}, progress="85%", duties=["3", "1"], note="  已完成  ")
    out, problems = parse_content(values, CHECKLIST, "财政局")
    assert problems == []
    assert out == _zeros(group_pushes=7, progress=85, duties='["建立反诈宣传台账","张贴反诈宣传海报"]', note="已完成")


def test_content_with_an_empty_note_or_no_duties():
    out, _ = parse_content(LineInput(note="   ", duties=[]), CHECKLIST, "财政局")
    assert out["note"] is None and out["duties"] == "[]"
    out, _ = parse_content(LineInput(note=""), CHECKLIST, "财政局")
    assert out["note"] is None


def test_an_amend_keeps_what_was_not_given():
    base = _zeros(leaflets=5, notices=6, progress=40, duties='["开展反诈专题培训"]', note="原备注")
    out, problems = parse_content(LineInput(measures={"notices": "1"}, note="新备注"), CHECKLIST, "财政局", base=base)
    assert problems == []
    assert out == base | {"notices": 1, "note": "新备注"}
    out, _ = parse_content(LineInput(measures={"leaflets": ""}, progress="", duties=[]), CHECKLIST, "财政局", base=base)
    assert out == base | {"leaflets": 0, "progress": None, "duties": "[]"}


def test_every_wrong_value_is_collected_and_left_out():
    values = LineInput(measures={"leaflets": "-2", "group_pushes": "8", "notices": "4"}, progress="120", duties=["9"])
    out, problems = parse_content(values, CHECKLIST, "财政局")
    assert [p.field for p in problems] == ["leaflets", "group_pushes", "progress", "duties"]
    assert [p.message for p in problems] == [
        "宣传折页不能为负数（-2）",
        "微信群推送按天计，一周最多 7 天，实际是 8",
        "宣传进度应在 0 到 100 之间，实际是 120",
        f"行业职责编号 9 不存在；“财政局”的清单为：{NUMBERED}",
    ]
    assert out == {k: v for k, v in _zeros(notices=4).items() if k not in ("leaflets", "group_pushes", "progress", "duties")}


def test_canonical_duties_json():
    assert cells._canon([]) == "[]"
    assert cells._canon(["甲"]) == '["甲"]'
    assert cells._canon(["甲", "乙"]) == '["甲","乙"]'


@pytest.mark.parametrize("value, note", [(None, None), ("", None), ("  ", None), (" 备注 ", "备注"), ("XX", "XX")])
def test_notes(value, note):
    assert cells._note(value) == note


# --- the message a clerk reads ---

def test_no_problem_raises_nothing():
    assert cells._raise_all([]) is None


def test_one_problem_is_the_whole_message_with_its_hint():
    with pytest.raises(FanzhaError) as e:
        cells._raise_all([Problem("leaflets", "宣传折页应为整数，实际是“三”")])
    assert e.value.message == "宣传折页应为整数，实际是“三”。"
    assert e.value.hint == "数量填不小于 0 的整数；没有就不填（按 0 计）。"


def test_one_problem_of_a_field_without_hint():
    with pytest.raises(FanzhaError) as e:
        cells._raise_all([Problem("note", "备注太长")])
    assert (e.value.message, e.value.hint) == ("备注太长。", None)


def test_several_problems_are_listed_with_their_hints_once_each():
    problems = [Problem("leaflets", "甲有误"), Problem("notices", "乙有误"), Problem("group_pushes", "丙有误"),
                Problem("note", "丁有误"), Problem("progress", "戊有误"), Problem("duties", "己有误")]
    with pytest.raises(FanzhaError) as e:
        cells._raise_all(problems)
    assert e.value.message == "以下数值有误，未写入：\n  - 甲有误\n  - 乙有误\n  - 丙有误\n  - 丁有误\n  - 戊有误\n  - 己有误"
    assert e.value.hint == (
        "数量填不小于 0 的整数；没有就不填（按 0 计）。"
        "微信群推送填本周推送的天数（0 到 7）。"
        "宣传进度填 0 到 100 的整数，例如 --progress 85。"
        "--duty 填行业职责清单中的编号或原文；用 fanzha plan show --dept 科所队 查看单位的行业职责。"
    )


def test_several_problems_without_any_hint():
    with pytest.raises(FanzhaError) as e:
        cells._raise_all([Problem("note", "甲"), Problem("dept", "乙")])
    assert (e.value.message, e.value.hint) == ("以下数值有误，未写入：\n  - 甲\n  - 乙", None)


def test_a_problem_reads_as_its_message():
    p = Problem("leaflets", "宣传折页有误")
    assert (str(p), p.field, p.message) == ("宣传折页有误", "leaflets", "宣传折页有误")


def test_duties_come_back_in_checklist_order_not_in_text_order():
    checklist = ["甲项职责", "乙项职责"]  # 乙 sorts before 甲 as text
    assert parse_duties(["2,1"], checklist, "财政局") == ["甲项职责", "乙项职责"]
    assert parse_duties(["乙项", "1"], checklist, "财政局") == ["甲项职责", "乙项职责"]


@pytest.mark.parametrize("values, given", [
    (LineInput(), False),
    (LineInput(measures={"leaflets": None, "notices": None}), False),
    (LineInput(measures={"leaflets": None, "notices": ""}), True),
    (LineInput(measures={"photos": "0"}), True),
    (LineInput(progress=""), True),
    (LineInput(duties=[]), True),
    (LineInput(note=""), True),
])
def test_whether_a_line_was_given_anything(values, given):
    assert values.given() is given
