"""Issuing (issuing.py) called directly: reading a week as issued when it has not been, the
anchor as typed, the issue date. Written for mutation testing (TESTING.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from fanzha_cli import asof, issuing, weeks
from fanzha_cli.errors import FanzhaError
from tests.casework import opened

W5 = weeks.resolve("2022-W05")


def test_a_week_not_issued_is_read_as_the_ledger_stands(loaded):
    with opened(loaded) as led:
        head = asof.head(led)
        assert issuing.issue_of(led, W5.label) is None
        with issuing.as_issued(led, W5) as inside:
            assert asof.head(inside) == head


@pytest.mark.parametrize("text, anchor", [
    ("12:9F2C4E1A7B3D5F60", (12, "9f2c4e1a7b3d5f60")), (" 7 : " + "a" * 64 + " ", (7, "a" * 64)),
])
def test_an_anchor_as_typed(text, anchor):
    assert issuing.parse_anchor(text) == anchor


@pytest.mark.parametrize("text", ["", None, "12", "x:9f2c4e1a7b3d5f60", "12:9f2c4e1a7b3d5f6", "12:" + "a" * 65,
                                  "12:9f2c4e1a7b3d5f6g", "12:9f2c:4e1a7b3d5f60aa", "-1:9f2c4e1a7b3d5f60"])
def test_an_anchor_mistyped_is_refused_word_for_word(text):
    with pytest.raises(FanzhaError) as e:
        issuing.parse_anchor(text)
    assert e.value.message == f"锚点格式不对：{text!r}"
    assert e.value.hint == "写成“记录编号:哈希”，哈希至少 16 位十六进制数字，如 --anchor 1234:9f2c4e1a7b3d5f60（见已印发通报末尾）。"


def test_the_issue_date():
    assert issuing.issued_on_date(None, W5, dt.date(2022, 2, 7)) == "2022-02-07"
    assert issuing.issued_on_date("  ", W5, dt.date(2022, 2, 7)) == "2022-02-07"
    assert issuing.issued_on_date("2022-01-31", W5, dt.date(2022, 3, 1)) == "2022-01-31"   # its Monday
    with pytest.raises(FanzhaError) as e:
        issuing.issued_on_date("2022-01-30", W5, dt.date(2022, 3, 1))
    assert e.value.message == "印发日期 2022-01-30 早于 2022-W05（2022-01-31 至 2022-02-06） 的第一天，不能为尚未开始的一周印发通报。"
    assert e.value.hint == "--date 写印发当天的日期（默认今天），不早于该周的周一。"


def test_week_of_a_stamp():
    assert issuing.week_of("2022-02-06T23:59:59") == "2022-W05"
    assert issuing.week_of("2021-01-03") == "2020-W53"


def test_describes_registers_the_function_for_each_kind(monkeypatch):
    monkeypatch.setattr(issuing, "DESCRIBERS", dict(issuing.DESCRIBERS))

    def fn(led, e):
        return [("2022-W05", "说明")]

    assert issuing.describes("kind_a", "kind_b")(fn) is fn
    assert issuing.DESCRIBERS["kind_a"] is fn and issuing.DESCRIBERS["kind_b"] is fn


@pytest.mark.parametrize("kind, target, shown", [("unit", "财政局", "财政局"), ("grid", "蔚汾镇东关社区网格", "蔚汾镇东关社区网格"),
                                                 ("self", None, "本人亲友"), ("place", "某商场", "某商场")])
def test_a_report_lines_target_as_the_corrections_section_says_it(kind, target, shown):
    assert issuing._line_target({"target_kind": kind, "target": target}) == shown


def test_an_officer_by_name_and_badge(loaded, db_path):
    with opened(loaded) as led:
        assert issuing._officer(led, "140101") == "王建军（140101）"
        assert issuing._officer(led, "999999") == "999999"


def test_an_officer_before_any_plan_is_his_badge(db_path):
    from fanzha_cli import ledger
    from fanzha_cli.settings import Settings

    led = ledger.open_ledger(Settings(db_path=db_path, operator="测试员"), create=True)
    try:
        assert issuing._officer(led, "140101") == "140101"
        assert issuing._circulated_on(led, 1) is None
    finally:
        led.close()


def test_anchors_the_ledger_no_longer_holds_word_for_word(loaded):
    with opened(loaded) as led:
        n, digest = asof.head(led)
        assert issuing.anchor_problems(led, [(n, digest), (n, digest[:16])]) == []
        assert issuing.anchor_problems(led, [(n + 5, digest[:16]), (n, "0" * 16)]) == [
            f"锚点不符：账本中已没有第 {n + 5} 条记录（现在只到第 {n} 条），账本可能被截短到已印发通报的锚点之前。",
            f"锚点不符：第 {n} 条记录的哈希是 {digest[:16]}，不是锚点中的 {'0' * 16}，账本在该记录及之前被改动过。",
        ]
        assert issuing.recorded_anchor_problems(led) == []


def test_recorded_anchors_no_longer_held_word_for_word(cli, loaded):
    """W05 issued on the plan alone (anchor: entry 1), W06 after a report line (anchor: entry 3);
    then entry 1's hash is changed and entry 3 deleted, as a tamperer with the sqlite3 shell would."""
    cli.ok("weekly-circular", "--week", "2022-W05", "--issue", "--date", "2022-02-04")
    cli.ok("report", "add", "--dept", "信访科", "--week", "2022-W06", "--unit", "信访局",
           "--submitted-at", "2022-02-11 10:00", "--leaflets", "5")
    cli.ok("weekly-circular", "--week", "2022-W06", "--issue", "--date", "2022-02-11")
    with opened(loaded) as led:
        issues = led.query("SELECT entry_id, anchor_id, anchor_hash FROM circular_issues ORDER BY entry_id")
        assert [(i["entry_id"], i["anchor_id"]) for i in issues] == [(2, 1), (4, 3)]
        assert issuing.recorded_anchor_problems(led) == []
        for (name,) in led.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            led.conn.execute(f'DROP TRIGGER "{name}"')
        led.conn.execute("PRAGMA foreign_keys = OFF")
        led.conn.execute("UPDATE entries SET hash = :h WHERE id = 1", {"h": "f" * 64})
        led.conn.execute("DELETE FROM entries WHERE id = 3")
        # an issue anchored on no entry at all (0) is not checked, and does not stop the check
        led.conn.execute("INSERT INTO circular_issues (entry_id, week, issue_no, anchor_id, anchor_hash, issued_on,"
                         " json_sha256) VALUES (1, '2022-W04', NULL, 0, :z, '2022-01-28', :z)", {"z": "0" * 64})
        assert issuing.recorded_anchor_problems(led) == [
            f"第 2 条记录印发的 2022-W05 通报锚定第 1 条记录（哈希 {issues[0]['anchor_hash'][:16]}），"
            "账本中该记录的哈希却是 ffffffffffffffff。",
            f"第 4 条记录印发的 2022-W06 通报锚定第 3 条记录（哈希 {issues[1]['anchor_hash'][:16]}），账本中该记录已不存在。",
        ]


def test_the_weeks_an_unknown_kind_concerns(cli, loaded):
    from tests.casework import add_case, entry_id

    line = entry_id(cli.ok("report", "add", "--dept", "信访科", "--week", "2022-W06", "--unit", "信访局",
                           "--submitted-at", "2022-02-11 10:00", "--leaflets", "5"))
    case = add_case(cli, "K1", "2022-01-26")
    with opened(loaded) as led:
        assert issuing._weeks_in_rows(led, line) == ["2022-W06"]
        assert issuing._weeks_in_rows(led, case) == ["2022-W04"]
        assert issuing._weeks_in_rows(led, 10**6) == []
        nothing = {"entry_id": 10**6, "kind": "mystery", "supersedes": case}
        assert issuing._generic(led, nothing) == [("2022-W04", f"新增记录（mystery）：第 {case} 条记录")]
        assert issuing._generic(led, nothing, depth=4) == [("2022-W04", f"新增记录（mystery）：第 {case} 条记录")]
        assert issuing._generic(led, nothing, depth=5) == []
        assert issuing._generic(led, {"entry_id": 10**6, "kind": "mystery", "supersedes": None}) == []
