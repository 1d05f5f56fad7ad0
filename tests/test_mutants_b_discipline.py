"""Discipline (discipline.py) pinned down for mutation testing: the thresholds and the steps
they call for, who is due what and as of when, the counts, recording and voiding a step,
and the messages word for word.

The functions are called directly on a prepared ledger (`ladder`), built once per run."""

from __future__ import annotations

from types import SimpleNamespace
from pathlib import Path

import pytest

from fanzha_cli import audits, cases, discipline
from fanzha_cli.discipline import Rules, Subject
from fanzha_cli.errors import FanzhaError

from .casework import GRID, GRID_WEST, STATION, Prepared, copy_ledger, opened
from .conftest import PLAN, Cli

RULES = Rules(window="routine_period", start="2022-01-01", end="2022-12-31", talk_at=2, accountability_at=3,
              talk_steps=("talk", "re-publicity"), accountability_steps=("accountability",))


# --- the thresholds, as data ---

@pytest.mark.parametrize("count, steps, due", [
    (0, [], None),
    (1, [], None),
    (2, ["talk", "re-publicity"], "talk"),
    (3, ["talk", "re-publicity", "accountability"], "accountability"),
    (4, ["talk", "re-publicity", "accountability"], "accountability"),
])
def test_steps_and_due_walk_the_thresholds(count, steps, due):
    assert RULES.steps_due(count) == steps
    assert RULES.due(count) == due


def test_a_step_in_both_lists_is_called_for_once():
    r = Rules("routine_period", "2022-01-01", "2022-12-31", 2, 3, ("talk",), ("talk", "accountability"))
    assert r.steps_due(3) == ["talk", "accountability"]


def test_accountability_below_the_talk_threshold():
    r = Rules("routine_period", "2022-01-01", "2022-12-31", 3, 2, ("talk",), ("accountability",))
    assert r.steps_due(2) == ["accountability"]
    assert r.due(2) == "accountability"


def test_the_window_as_shown():
    assert RULES.window_view() == {"name": "routine_period", "label": "全年常态化期", "start": "2022-01-01",
                                   "end": "2022-12-31"}
    r = Rules("concentrated_period", "2022-01-01", "2022-03-31", 2, 3, (), ())
    assert r.window_view()["label"] == "集中宣传期"
    assert Rules("odd", "a", "b", 2, 3, (), ()).window_view() == {"name": "odd", "label": "odd", "start": "a", "end": "b"}


def test_a_subjects_query_parameters():
    s = Subject("officer", "140101", "王建军（140101）", STATION)
    assert s.params(RULES) == {"subject_kind": "officer", "subject": "140101", "start": "2022-01-01",
                               "end": "2022-12-31", "upto": None}
    assert s.params(RULES, 7)["upto"] == 7


@pytest.mark.parametrize("typed, step", [
    ("talk", "talk"), ("约谈", "talk"), (" TALK ", "talk"), ("Re-Publicity", "re-publicity"),
    ("republicity", "re-publicity"), ("再宣传", "re-publicity"), ("责令再宣传", "re-publicity"),
    ("accountability", "accountability"), ("问责", "accountability"), ("严肃问责", "accountability"),
])
def test_steps_as_typed(typed, step):
    assert discipline.parse_step(typed) == step


@pytest.mark.parametrize("typed", ["scold", "", None])
def test_an_unknown_step_is_refused_word_for_word(typed):
    with pytest.raises(FanzhaError) as e:
        discipline.parse_step(typed)
    assert e.value.message == f"没有“{typed}”这种处理步骤。"
    assert e.value.hint == "--step 可选：talk（约谈）、re-publicity（责令再宣传）、accountability（严肃问责）。"


# --- a prepared ledger ---

def _negligent(led, no: str, case_date: str, grid: str, verified: str) -> int:
    cases.add_case(led, case_no=no, date=case_date, type_="online_loan", grid=grid)
    return audits.record(led, case_no=no, date=verified, received="no", verified_negligent=True,
                         verify_date=verified)["audit_id"]


def _build(path: Path) -> dict[str, int]:
    """140101: three deductions verified 03-10, 03-17, 03-24 (accountability); 140102: one,
    verified 03-11; their station 蔚汾派出所: four."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FANZHA_DB", str(path))
        mp.setenv("FANZHA_OPERATOR", "测试员")
        result = Cli()("plan", "load", PLAN)
        assert result.exit_code == 0, result.stderr
    with opened(path) as led:
        return {
            "L1": _negligent(led, "L1", "2022-03-01", GRID, "2022-03-10"),
            "W1": _negligent(led, "W1", "2022-03-04", GRID_WEST, "2022-03-11"),
            "L2": _negligent(led, "L2", "2022-03-02", GRID, "2022-03-17"),
            "L3": _negligent(led, "L3", "2022-03-03", GRID, "2022-03-24"),
        }


_PREPARED = Prepared("ladder", _build)


@pytest.fixture(scope="session")
def ladder_template(tmp_path_factory, session_key_file):
    return _PREPARED.template(tmp_path_factory, session_key_file)


@pytest.fixture
def ladder(ladder_template, db_path):
    path, ids = ladder_template
    copy_ledger(path, db_path)
    return ids


@pytest.fixture
def led(ladder, db_path):
    with opened(db_path) as led:
        yield led


OFFICER = Subject("officer", "140101", "王建军（140101）", STATION)
DEPT = Subject("department", STATION, f"{STATION}负责人", STATION)


def _due(items) -> list[tuple]:
    return [(d.kind, d.key, d.department, d.deductions, sorted(d.done)) for d in items]


def test_the_rules_read_from_the_plan(led):
    assert discipline.rules(led) == RULES


def test_the_rules_default_when_the_plan_names_no_thresholds(led, monkeypatch):
    settings = cases.latest_settings(led)
    settings = {**settings, "rules": {k: v for k, v in settings["rules"].items() if k != "discipline"}}
    monkeypatch.setattr(discipline, "latest_settings", lambda _led: settings)
    assert discipline.rules(led) == RULES


def test_the_rules_read_other_thresholds_and_window(led, monkeypatch):
    settings = cases.latest_settings(led)
    rules = {**settings["rules"], "discipline": {"warning_talk_at": "4", "accountability_at": 6,
                                                 "talk_steps": ["talk"], "accountability_steps": ["re-publicity"]}}
    local = {**settings["local_rules"], "discipline_window": {"label": "期间", "value": "concentrated_period"}}
    settings = {**settings, "rules": rules, "local_rules": local}
    monkeypatch.setattr(discipline, "latest_settings", lambda _led: settings)
    assert discipline.rules(led) == Rules("concentrated_period", "2022-01-01", "2022-03-31", 4, 6, ("talk",),
                                          ("re-publicity",))


def test_counts_of_a_subject_and_what_they_call_for(led, ladder):
    assert discipline.count_of(led, OFFICER) == 3
    assert discipline.count_of(led, DEPT, RULES) == 4
    assert discipline.count_of(led, OFFICER, RULES, upto=ladder["L2"]) == 1  # L2's call-back, before its finding
    assert discipline.count_of(led, OFFICER, RULES, upto=ladder["L2"] + 1) == 2
    narrow = Rules("routine_period", "2022-03-02", "2022-03-02", 2, 3, (), ())
    assert discipline.count_of(led, OFFICER, narrow) == 1
    assert discipline.standing(led, OFFICER) == {
        "subject": "王建军（140101）", "deductions": 3, "due": "accountability",
        "steps_due": ["talk", "re-publicity", "accountability"]}
    west = Subject("officer", "140102", "黄桂兰（140102）", STATION)
    assert discipline.standing(led, west) == {"subject": "黄桂兰（140102）", "deductions": 1, "due": None, "steps_due": []}


def test_counts_over_a_period_with_a_floor(led, ladder):
    assert discipline.counts(led, "2022-01-01", "2022-12-31") == {
        ("officer", "140101"): 3, ("officer", "140102"): 1, ("department", STATION): 4}
    assert discipline.counts(led, "2022-03-02", "2022-03-04") == {
        ("officer", "140101"): 2, ("officer", "140102"): 1, ("department", STATION): 3}
    assert discipline.counts(led, "2022-01-01", "2022-12-31", at_least=2) == {
        ("officer", "140101"): 3, ("department", STATION): 4}
    assert discipline.counts(led, "2022-01-01", "2022-12-31", upto=ladder["W1"] + 1) == {
        ("officer", "140101"): 1, ("officer", "140102"): 1, ("department", STATION): 2}


def test_who_is_due_and_as_of_when(led, ladder):
    assert _due(discipline.due(led, RULES)) == [
        ("officer", "140101", STATION, 3, []), ("department", STATION, STATION, 4, [])]
    assert _due(discipline.due(led, RULES, as_of="2022-03-16")) == [("department", STATION, STATION, 2, [])]
    assert _due(discipline.due(led, RULES, as_of="2022-03-17")) == [
        ("officer", "140101", STATION, 2, []), ("department", STATION, STATION, 3, [])]
    assert _due(discipline.due(led, RULES, upto=ladder["L2"] + 1)) == [
        ("officer", "140101", STATION, 2, []), ("department", STATION, STATION, 3, [])]
    assert discipline.due(led, RULES, as_of="2022-03-09") == []


def test_steps_count_as_done_from_their_date(led):
    talk = discipline.record_step(led, officer="140101", dept=None, step="约谈", date="2022-03-20", note=" 局领导约谈 ")
    assert talk == {"entry_id": talk["entry_id"], "subject": "王建军（140101）", "step": "talk", "label": "约谈",
                    "deductions": 3}
    discipline.record_step(led, officer=None, dept=STATION, step="re-publicity", date="2022-03-25", note="再宣传")
    before, on = (discipline.due(led, RULES, as_of=d) for d in ("2022-03-19", "2022-03-20"))
    assert [d.done for d in before] == [{}, {}]
    assert on[0].done["talk"]["step_date"] == "2022-03-20" and on[0].done["talk"]["entry_id"] == talk["entry_id"]
    assert on[1].done == {}
    now = discipline.due(led, RULES)
    assert sorted(now[0].done) == ["talk"] and sorted(now[1].done) == ["re-publicity"]
    assert discipline.due(led, RULES, upto=talk["entry_id"] - 1)[0].done == {}
    assert discipline.due(led, RULES, upto=talk["entry_id"])[0].done["talk"]["at_count"] == 3


def test_the_due_list(led, ladder):
    discipline.record_step(led, officer="140101", dept=None, step="talk", date="2022-03-20", note="约谈")
    listed = discipline.due_list(led)
    assert (listed["window"], listed["warning_talk_at"], listed["accountability_at"]) == (
        RULES.window_view(), 2, 3)
    officer, dept = listed["items"]
    step_id = officer["steps"][0]["entry_id"]
    assert officer == {
        "subject_kind": "officer", "subject": "140101", "name": "王建军", "department": STATION, "deductions": 3,
        "due": "accountability", "open": True, "steps": [
            {"step": "talk", "label": "约谈", "done": True, "step_date": "2022-03-20", "entry_id": step_id},
            {"step": "re-publicity", "label": "责令再宣传", "done": False, "step_date": None, "entry_id": None},
            {"step": "accountability", "label": "严肃问责", "done": False, "step_date": None, "entry_id": None},
        ]}
    assert (dept["subject_kind"], dept["subject"], dept["name"], dept["department"], dept["deductions"], dept["due"]) == (
        "department", STATION, f"{STATION}负责人", STATION, 4, "accountability")
    for step in ("re-publicity", "accountability"):
        discipline.record_step(led, officer="140101", dept=None, step=step, date="2022-03-21", note="落实")
    listed = discipline.due_list(led)
    assert [i["open"] for i in listed["items"]] == [False, True]
    assert [i["subject"] for i in discipline.due_list(led, open_only=True)["items"]] == [STATION]
    assert [i["subject"] for i in discipline.due_list(led, open_only=False)["items"]] == ["140101", STATION]
    assert [i["deductions"] for i in discipline.due_list(led, upto=ladder["L3"])["items"]] == [2, 3]
    assert [s["done"] for s in discipline.due_list(led, upto=step_id - 1)["items"][0]["steps"]] == [False] * 3


def test_an_officer_no_longer_in_the_plan_is_listed_by_his_deductions(led, monkeypatch):
    idx = discipline.plan_store.index_on(led, discipline.plan_store.FAR_FUTURE)
    monkeypatch.setattr(idx, "officers", {k: v for k, v in idx.officers.items() if k != "140101"})
    officer = discipline.due_list(led)["items"][0]
    assert (officer["subject"], officer["name"], officer["department"]) == ("140101", None, STATION)


# --- who a command is about ---

@pytest.mark.parametrize("officer, dept", [(None, None), ("  ", ""), ("140101", STATION), (" ", " ")])
def test_exactly_one_subject_word_for_word(led, officer, dept):
    with pytest.raises(FanzhaError) as e:
        discipline.subject(led, officer, dept)
    assert (e.value.message, e.value.hint) == ("须指明一个对象：--officer 警号，或 --dept 科所队名称（二者选一）。", None)


def test_subjects_known_to_the_plan(led):
    assert discipline.subject(led, " 140101 ", None) == OFFICER
    assert discipline.subject(led, "140101", "  ") == OFFICER
    assert discipline.subject(led, None, f" {STATION} ") == DEPT
    assert discipline.subject(led, "", STATION) == DEPT
    assert discipline.subject(led, "140103", None) == Subject("officer", "140103", "高德胜（140103）", STATION)
    assert discipline.subject(led, None, "办公室") == Subject("department", "办公室", "办公室负责人", "办公室")


def test_subjects_unknown_to_the_plan_word_for_word(led):
    with pytest.raises(FanzhaError) as e:
        discipline.subject(led, "999999", None)
    assert e.value.message == "没有名为“999999”的民辅警（警号）。"
    with pytest.raises(FanzhaError) as e:
        discipline.subject(led, None, "不存在大队")
    assert e.value.message == "没有名为“不存在大队”的科所队。"


def test_subjects_gone_from_the_plan_but_with_deductions(led, monkeypatch):
    gone = SimpleNamespace(officers={}, departments={}, officer=_refuse, dept=_refuse)
    monkeypatch.setattr(discipline.plan_lookup, "lookup_on", lambda led, day: gone)
    assert discipline.subject(led, "140101", None) == Subject("officer", "140101", "140101", None)
    assert discipline.subject(led, None, STATION) == DEPT
    with pytest.raises(FanzhaError, match="gone"):
        discipline.subject(led, "140103", None)
    with pytest.raises(FanzhaError, match="gone"):
        discipline.subject(led, None, "办公室")


def _refuse(name):
    raise FanzhaError(f"gone {name}")


# --- recording and voiding a step ---

HINT_DUE = "用 fanzha discipline list 查看应约谈、应问责的人员；用 fanzha discipline explain 查看扣分明细。"


@pytest.mark.parametrize("officer, dept, step, message", [
    ("140102", None, "talk", "黄桂兰（140102）目前累计通报扣分 1 次，未达到约谈的标准（2 次），无需记录。"),
    ("140102", None, "再宣传", "黄桂兰（140102）目前累计通报扣分 1 次，未达到责令再宣传的标准（2 次），无需记录。"),
    ("140102", None, "问责", "黄桂兰（140102）目前累计通报扣分 1 次，未达到严肃问责的标准（3 次），无需记录。"),
    (None, "办公室", "accountability", "办公室负责人目前累计通报扣分 0 次，未达到严肃问责的标准（3 次），无需记录。"),
])
def test_a_step_not_called_for_is_refused_word_for_word(led, officer, dept, step, message):
    with pytest.raises(FanzhaError) as e:
        discipline.record_step(led, officer=officer, dept=dept, step=step, date="2022-04-01", note="约谈")
    assert (e.value.message, e.value.hint) == (message, HINT_DUE)


def test_a_step_at_exactly_its_threshold_is_recorded(led, ladder):
    two = Rules("routine_period", "2022-01-01", "2022-12-31", 3, 4, ("talk",), ("accountability",))
    assert discipline.record_step(led, officer=None, dept=STATION, step="accountability", date="2022-04-01",
                                  note="问责")["deductions"] == 4
    with pytest.raises(FanzhaError, match="未达到约谈的标准（3 次）"):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(discipline, "rules", lambda led: two)
            discipline.record_step(led, officer="140102", dept=None, step="talk", date="2022-04-01", note="x")


def test_a_step_is_recorded_as_typed(led):
    out = discipline.record_step(led, officer=None, dept=STATION, step=" 严肃问责 ", date="2022-04-01",
                                 note="  局党委问责  ")
    assert out == {"entry_id": out["entry_id"], "subject": f"{STATION}负责人", "step": "accountability",
                   "label": "严肃问责", "deductions": 4}
    (row,) = led.query(discipline.queries.DISCIPLINE_STEPS_OF,
                       {"subject_kind": "department", "subject": STATION, "upto": None})
    assert (row["entry_id"], row["step"], row["step_date"], row["at_count"], row["note"], row["void_entry"]) == (
        out["entry_id"], "accountability", "2022-04-01", 4, "局党委问责", None)


def test_a_step_is_recorded_once_word_for_word(led):
    first = discipline.record_step(led, officer="140101", dept=None, step="talk", date="2022-04-01", note="约谈")
    with pytest.raises(FanzhaError) as e:
        discipline.record_step(led, officer="140101", dept=None, step="约谈", date="2022-04-02", note="再约谈")
    assert e.value.message == (
        f"王建军（140101）的约谈已于 2022-04-01 记录（第 {first['entry_id']} 条记录，测试员 录入），不能重复记录。")
    assert e.value.hint is None
    # Another step, or the same step of another subject, is no repeat.
    discipline.record_step(led, officer="140101", dept=None, step="re-publicity", date="2022-04-02", note="再宣传")
    discipline.record_step(led, officer=None, dept=STATION, step="talk", date="2022-04-02", note="约谈所长")


def test_a_voided_step_can_be_recorded_again(led):
    first = discipline.record_step(led, officer="140101", dept=None, step="talk", date="2022-04-01", note="约谈")
    voided = discipline.void_step(led, f" #{first['entry_id']} ", reason=" 误记 ")
    assert voided == {"entry_id": voided["entry_id"], "step_id": first["entry_id"], "label": "约谈", "subject": "140101"}
    assert discipline.due(led, RULES)[0].done == {}
    again = discipline.record_step(led, officer="140101", dept=None, step="talk", date="2022-04-03", note="约谈")
    assert discipline.due(led, RULES)[0].done["talk"]["entry_id"] == again["entry_id"]
    rows = led.query(discipline.queries.DISCIPLINE_STEPS_OF, {"subject_kind": "officer", "subject": "140101", "upto": None})
    assert [(r["entry_id"], r["void_entry"], r["void_reason"]) for r in rows] == [
        (first["entry_id"], voided["entry_id"], "误记"), (again["entry_id"], None, None)]
    with pytest.raises(FanzhaError) as e:
        discipline.void_step(led, str(first["entry_id"]), reason="再作废")
    assert (e.value.message, e.value.hint) == (
        f"处理记录 {first['entry_id']} 已于第 {voided['entry_id']} 条记录作废（误记），不能重复作废。", None)


def test_a_step_needs_a_campaign_date_and_a_note_word_for_word(led):
    with pytest.raises(FanzhaError) as e:
        discipline.record_step(led, officer="140101", dept=None, step="talk", date="2023-01-01", note="约谈")
    assert e.value.message == "落实日期 2023-01-01 不在活动期 2022-01-01 至 2022-12-31 内。"
    with pytest.raises(FanzhaError) as e:
        discipline.record_step(led, officer="140101", dept=None, step="talk", date="2022-04-01", note="  ")
    assert (e.value.message, e.value.hint) == ("说明（--note）不能为空。", "用 --note 写明落实情况，例如约谈人、地点、整改要求。")


HINT_STEP_ID = "编号见 fanzha discipline explain 的“已落实的处理”。"


@pytest.mark.parametrize("typed, message", [
    ("abc", "处理记录编号应为数字：'abc'"),
    ("²", "处理记录编号应为数字：'²'"),
    ("", "处理记录编号应为数字：''"),
    ("999", "没有编号为 999 的处理记录。"),
    ("1", "没有编号为 1 的处理记录。"),
    (str(2**63), f"没有编号为 {2**63} 的处理记录。"),
    ("#0", "没有编号为 0 的处理记录。"),
])
def test_voiding_a_step_that_is_not_there_word_for_word(led, typed, message):
    with pytest.raises(FanzhaError) as e:
        discipline.void_step(led, typed, reason="误记")
    assert (e.value.message, e.value.hint) == (message, HINT_STEP_ID)


def test_voiding_needs_a_reason_word_for_word(led):
    with pytest.raises(FanzhaError) as e:
        discipline.void_step(led, "1", reason=" ")
    assert (e.value.message, e.value.hint) == (
        "作废原因（--reason）不能为空。", "用 --reason 写明作废原因，例如“误记为约谈，实为电话提醒”。")


def test_the_last_possible_step_number_is_looked_up(led):
    with pytest.raises(FanzhaError, match=f"没有编号为 {2**63 - 1} 的处理记录"):
        discipline.void_step(led, str(2**63 - 1), reason="误记")


def test_the_entries_of_a_step_and_of_its_void(led):
    import json

    step = discipline.record_step(led, officer="140101", dept=None, step="talk", date="2022-04-01", note=" 约谈 ")
    void = discipline.void_step(led, str(step["entry_id"]), reason=" 误记 ")
    rows = led.query(discipline.queries.ENTRIES_BY_IDS, {"ids": json.dumps([step["entry_id"], void["entry_id"]])})
    assert [(r["entry_id"], r["kind"], r["reason"], r["supersedes"]) for r in rows] == [
        (step["entry_id"], "discipline_step", "约谈", None), (void["entry_id"], "discipline_void", "误记", step["entry_id"])]


def test_the_rules_when_the_plan_has_no_rules_at_all(led, monkeypatch):
    settings = {k: v for k, v in cases.latest_settings(led).items() if k != "rules"}
    monkeypatch.setattr(discipline, "latest_settings", lambda _led: settings)
    assert discipline.rules(led) == RULES


def test_a_step_number_with_a_letter_is_no_number(led):
    with pytest.raises(FanzhaError) as e:
        discipline.void_step(led, "X1", reason="误记")
    assert e.value.message == "处理记录编号应为数字：'X1'"


def test_a_step_with_a_large_record_number_can_be_voided(led):
    cases.add_cases(led, [{"case_no": f"P{i}", "date": "2022-03-05", "type_": "online_loan", "place": "某地"}
                          for i in range(130)])
    step = discipline.record_step(led, officer="140101", dept=None, step="talk", date="2022-04-01", note="约谈")
    assert step["entry_id"] > 130
    assert discipline.void_step(led, str(step["entry_id"]), reason="误记")["step_id"] == step["entry_id"]


def test_a_step_and_its_void_keep_the_chain_whole(led, db_path):
    from fanzha_cli import verify

    step = discipline.record_step(led, officer="140101", dept=None, step="talk", date="2022-04-01", note="约谈")
    discipline.void_step(led, str(step["entry_id"]), reason="误记")
    assert verify.problems(led) == []


def test_a_step_unknown_to_the_labels_is_shown_as_stored(led, monkeypatch):
    step = discipline.record_step(led, officer="140101", dept=None, step="talk", date="2022-04-01", note="约谈")
    monkeypatch.setattr(discipline, "STEP_LABELS", {})
    assert discipline.void_step(led, str(step["entry_id"]), reason="误记")["label"] == "talk"
    assert [s["label"] for s in discipline.due_list(led)["items"][0]["steps"]] == ["talk", "re-publicity", "accountability"]
