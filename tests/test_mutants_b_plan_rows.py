"""plan_rows.py pinned down for mutation testing: the plan read as rows (PlanRows: a
department by name, what only the whole index answers, the cache of plans read), and
zero-case judged in SQL over one plan (`judge`): from the day the first plan took effect,
None where the plan changed or nothing is left, officers' labels kept whole."""

from __future__ import annotations

import pytest

from fanzha_cli import plan_rows, plan_store
from fanzha_cli.errors import FanzhaError

from .casework import GRID, STATION, opened, plan_variant


@pytest.fixture
def led(loaded, db_path):
    with opened(db_path) as led:
        yield led


def test_a_department_by_name_and_an_unknown_one_word_for_word(led):
    rows = plan_rows.rows_on(led, "2022-03-01")
    assert rows.dept(STATION)["category"] == "station"
    assert rows.dept("办公室")["category"] == "bureau"
    with pytest.raises(FanzhaError) as e:
        rows.dept("蔚汾派出")
    assert e.value.message == "没有名为“蔚汾派出”的科所队。"
    assert e.value.hint.startswith("是不是：蔚汾派出所")


def test_what_only_the_whole_plan_answers_is_the_whole_index_of_that_day(led):
    rows = plan_rows.rows_on(led, "2022-03-01")
    full = rows.full()
    assert full is plan_store.index_on(led, "2022-03-01")
    assert rows.unit_depts == full.unit_depts and rows.unit_depts["检察院"] == ["刑侦大队", "督察大队"]
    assert rows.grids[GRID] == STATION
    assert rows.officers.get("140101")["name"] == "王建军"


def test_a_special_name_is_not_asked_of_the_whole_plan(led, monkeypatch):
    rows = plan_rows.rows_on(led, "2022-03-01")
    monkeypatch.setattr(plan_store, "index_on", lambda *a: pytest.fail("the whole plan was built"))
    with pytest.raises(AttributeError) as e:
        rows.__wrapped__  # noqa: B018
    assert str(e.value) == "__wrapped__"
    assert not hasattr(rows, "__array__")


def test_a_plan_read_once_is_kept_and_given_again_for_its_day(led):
    first = plan_rows.rows_on(led, "2022-03-01")
    assert plan_rows.rows_on(led, "2022-03-01") is first
    assert (first.ledger, first.on) == (led, "2022-03-01")
    other = plan_rows.rows_on(led, "2022-04-01")
    assert other.on == "2022-04-01" and other.version == first.version and other.departments is first.departments
    assert plan_rows._READ[led] == {plan_store.version_on(led, "2022-03-01")["hash"]: first}


def test_at_most_eight_plans_are_kept_per_ledger_the_oldest_dropped(led):
    held = plan_rows._READ.setdefault(led, {})
    held.clear()
    for n in range(8):
        held[f"h{n}"] = None
    rows = plan_rows.rows_on(led, "2022-03-01")
    assert list(held) == [f"h{n}" for n in range(1, 8)] + [plan_store.version_on(led, "2022-03-01")["hash"]]
    assert held[list(held)[-1]] is rows


def test_zero_case_is_judged_from_the_day_the_first_plan_took_effect(led):
    zero = plan_rows.judge(led, "2022-01-01", "2022-03-31")
    assert (zero.start, zero.end) == ("2022-01-21", "2022-03-31")
    assert plan_rows.judge(led, "2022-01-21", "2022-03-31").start == "2022-01-21"
    assert plan_rows.judge(led, "2022-01-01", "2022-01-10") is None  # nothing left to judge
    assert plan_rows.judge(led, "2022-01-01", "2022-01-21").start == "2022-01-21"


def test_an_officers_name_with_a_space_is_kept_whole(cli, db_path, tmp_path):
    plan = plan_variant(tmp_path, "spaced.yaml", {"name: 王建军,": "name: 王 建军,"})
    cli.ok("plan", "load", plan)
    with opened(db_path) as led:
        zero = plan_rows.judge(led, "2022-02-01", "2022-02-28")
    [east] = [g for g in zero.grids if g["grid"] == GRID]
    assert east == {"grid": GRID, "station": STATION, "officers": ["王 建军（140101）", "宋金凤（FJ0101）"]}


def test_a_plan_change_within_the_period_leaves_it_to_the_pieces(led, cli, tmp_path):
    plan = plan_variant(tmp_path, "spaced.yaml", {"name: 王建军,": "name: 王 建军,"})
    cli.ok("plan", "load", plan, "--effective", "2022-06-01", "--reason", "更正姓名")
    assert plan_rows.judge(led, "2022-05-01", "2022-06-30") is None
    assert plan_rows.judge(led, "2022-06-01", "2022-06-30").start == "2022-06-01"


HINT = ("提示：这些表由计划记录推导，不一致说明账本文件在 fanzha 之外被改动；"
        "请用 fanzha db backup 留存现状，并从最近的完好备份恢复。")


def test_the_kept_rows_that_disagree_with_the_plan_word_for_word(led):
    assert plan_rows.problems(led) == []
    led.conn.execute("UPDATE plan_version_departments SET targets = targets + 1 WHERE pos = 0")
    led.conn.execute("DELETE FROM plan_version_officer_grids WHERE rowid IN "
                     "(SELECT rowid FROM plan_version_officer_grids LIMIT 3)")
    led.conn.execute("INSERT INTO plan_version_officers SELECT 999999, pos, badge, name, station, grids "
                     "FROM plan_version_officers LIMIT 2")
    assert plan_rows.problems(led) == [
        "计划版本的推导数据（plan_version_departments）与计划记录不符：2 处。",
        "计划版本的推导数据（plan_version_officers）与计划记录不符：2 处。",
        "计划版本的推导数据（plan_version_officer_grids）与计划记录不符：3 处。",
        HINT]


def test_a_plan_record_that_cannot_be_read_word_for_word(led, monkeypatch):
    def unreadable(*args):
        raise ValueError("damaged")
    monkeypatch.setattr(plan_store, "_index_from_state", unreadable)
    assert plan_rows.problems(led) == ["计划版本的推导数据无法核对：计划记录本身已无法读取。"]


def test_the_plan_read_name_by_name_is_kept_per_day(led):
    march, april = plan_rows.rows_on(led, "2022-03-01"), plan_rows.rows_on(led, "2022-04-01")
    assert march.derived is april.derived  # one version: its copies share what was worked out
    assert march.lookup() is march.lookup()
    assert april.lookup() is not march.lookup()
    assert (march.lookup().on, april.lookup().on) == ("2022-03-01", "2022-04-01")


def test_officers_prefetched_are_read_in_one_query(led):
    rows = plan_rows.rows_on(led, "2022-03-01")
    rows.prefetch_officers(["140101", "FJ0101", "140101"])
    facts = rows.lookup()._facts
    assert ("officer", "key", "140101") in facts and ("officer", "key", "FJ0101") in facts
    assert rows.officers.get("FJ0101")["name"] == "宋金凤"


def test_what_disagrees_is_counted_over_every_plan_version(led, cli, tmp_path):
    cli.ok("plan", "load", plan_variant(tmp_path, "spaced.yaml", {"name: 王建军,": "name: 王 建军,"}),
           "--effective", "2022-06-01", "--reason", "更正姓名")
    assert plan_rows.problems(led) == []
    assert led.conn.execute("UPDATE plan_version_departments SET targets = targets + 1 WHERE pos = 0").rowcount == 2
    assert plan_rows.problems(led) == ["计划版本的推导数据（plan_version_departments）与计划记录不符：4 处。", HINT]


def test_the_rows_kept_for_a_plan_version_as_stored(led):
    """Derived rows are compared as stored (`db verify`, a ledger written by another
    version): Chinese text as it is, a unit scored as 1, a grid's officers joined by SEP."""
    conn = led.conn
    dept = conn.execute("SELECT attrs, targets FROM plan_version_departments WHERE dept = ?", (STATION,)).fetchone()
    assert dept == ('{"category": "station", "jurisdiction": "蔚汾镇", "kind": "派出所", "order": 23, "sample": true}', 9)
    unit = conn.execute("SELECT kind, scored, officers FROM plan_version_targets WHERE dept = '办公室' AND target = '财政局'")
    assert unit.fetchall() == [("unit", 1, None)]
    grid = conn.execute("SELECT kind, scored, officers FROM plan_version_targets WHERE target = ?", (GRID,))
    assert grid.fetchall() == [("grid", 1, "王建军（140101）\x1f宋金凤（FJ0101）")]
