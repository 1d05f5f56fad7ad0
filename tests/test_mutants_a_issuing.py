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
    with pytest.raises(FanzhaError) as e:
        issuing.issued_on_date("2022-13-01", W5, dt.date(2022, 3, 1))
    assert e.value.message == "印发日期格式不对：'2022-13-01'"


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
        for phrasing in (1, 2):  # by the latest plan, or by the plan of the day: the same here
            with issuing._phrased(phrasing):
                assert issuing._officer(led, "140101", "2022-03-01") == "王建军（140101）"
                assert issuing._officer(led, "999999", "2022-03-01") == "999999"


def test_an_officer_before_any_plan_is_his_badge(db_path):
    from fanzha_cli import ledger
    from fanzha_cli.settings import Settings

    led = ledger.open_ledger(Settings(db_path=db_path, operator="测试员"), create=True)
    try:
        for phrasing in (1, 2):
            with issuing._phrased(phrasing):
                assert issuing._officer(led, "140101", "2022-03-01") == "140101"
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


def test_an_anchor_of_the_ledger_this_one_was_resealed_from_holds(loaded):
    """After `key rotate` the old ledger's hashes are kept (reseal_hashes): an anchor printed on a
    circular issued from it still holds, whether or not this ledger has an entry of that number,
    and the anchors after it are still checked."""
    old = "ab" * 32
    with opened(loaded) as led:
        with led.write() as w:
            w.append("reseal", {"reseal_hashes": [{"old_id": 500, "old_hash": old}, {"old_id": 1, "old_hash": old}]})
        n, digest = asof.head(led)
        assert issuing.anchor_problems(led, [(500, old[:16]), (1, old), (n, digest)]) == []
        assert issuing.anchor_problems(led, [(500, old[:16]), (n, "0" * 16)]) == [
            f"锚点不符：第 {n} 条记录的哈希是 {digest[:16]}，不是锚点中的 {'0' * 16}，账本在该记录及之前被改动过。"]
        assert issuing.anchor_problems(led, [(500, "cd" * 8)]) == [
            f"锚点不符：账本中已没有第 500 条记录（现在只到第 {n} 条），账本可能被截短到已印发通报的锚点之前。"]


def test_only_week_and_date_columns_give_an_unknown_kind_its_weeks(loaded):
    """A case number of a week label's length, and a note that starts with a date, say no week."""
    with opened(loaded) as led:
        with led.write() as w:
            e = w.append("mystery", {"cases": [{"case_no": "XG202201", "case_date": "2022-02-03", "fraud_type": "online_loan",
                                                "target_kind": "unit", "target": "信访局", "note": "2022-03-01 补录"}]})
        assert issuing._weeks_in_rows(led, e) == ["2022-W05"]


def _entry(led, n: int) -> dict:
    from fanzha_cli import queries

    return led.query(queries.ENTRIES_BY_IDS, {"ids": f"[{n}]"})[0]


def test_an_unknown_kind_superseding_another_goes_back_five_entries_at_most(cli, loaded):
    """Unknown kinds without dates, each superseding the one before, the first a case dated in
    W04: the weeks come from the first entry back of a kind the registry knows (its own words),
    through at most five entries; an issue's describer says nothing, so neither does one after it."""
    from tests.casework import add_case

    case = add_case(cli, "K1", "2022-01-26")
    with opened(loaded) as led:
        issued = issuing.issue(led, W5, "2022-02-04").issue.entry_id
        with led.write() as w:
            chain = [case]
            for _ in range(6):
                chain.append(w.append("mystery", {}, reason="测试", supersedes=chain[-1]))
            after_issue = w.append("mystery", {}, reason="测试", supersedes=issued)
        said = {n: issuing._generic(led, _entry(led, chain[n])) for n in range(1, 7)}
        assert said[1] == [("2022-W04", f"新增记录（mystery）：第 {case} 条记录")]
        assert said[2] == [("2022-W04", f"新增记录（mystery）：第 {chain[1]} 条记录")]
        assert said[5] == [("2022-W04", f"新增记录（mystery）：第 {chain[4]} 条记录")]
        assert said[6] == []
        assert issuing._generic(led, _entry(led, after_issue)) == []


def test_an_issue_dated_the_day_given_and_regenerated_only_as_issued_word_for_word(loaded):
    import dataclasses

    with opened(loaded) as led:
        issued = issuing.issue(led, W5, None, today=dt.date(2022, 2, 7))
        assert issued.new is True and issued.issue.issued_on == "2022-02-07" and issued.circular["issued_on"] == "2022-02-07"
        c = issued.circular
        assert list(c)[:3] == ["week", "status", "issued_on"] and (c["week"], c["status"]) == ("2022-W05", "issued")
        assert c["document"]["printed_on"] == "2022-02-07" and c["corrections"] == []
        assert c["anchor"] == {"entry_id": issued.issue.anchor_id, "hash": issued.issue.anchor_hash}
        draft = issuing.preview(led, weeks.resolve("2022-W06"), today=dt.date(2022, 2, 14))
        assert (draft["status"], draft["issued_on"], draft["document"]["printed_on"]) == ("preview", "2022-02-14", "2022-02-14")
        (entry,) = led.query("SELECT reason FROM entries WHERE id = :e", {"e": issued.issue.entry_id})
        assert entry["reason"] == f"印发 2022-W05 每周通报第 {issued.issue.issue_no} 期"
        again = issuing.issue(led, W5, "2022-02-09", today=dt.date(2022, 2, 8))
        assert again.new is False and again.issue == issued.issue and again.circular == issued.circular
        changed = dataclasses.replace(issued.issue, json_sha256="0" * 64)
        with pytest.raises(FanzhaError) as e:
            issuing.regenerate(led, changed, W5)
    i, now = issued.issue, issued.issue.json_sha256
    assert e.value.message == (
        f"2022-W05 的每周通报（第 {i.issue_no} 期）已于 2022-02-07 印发，但现在按账本第 {i.anchor_id} 条记录重新生成的内容"
        f"与印发时记录的指纹不一致（印发时 0000000000000000，现在 {now[:16]}）。"
        "账本本身校验无误时，这通常是 fanzha 程序更新后计算方法有变：重新生成的文件不再是印发的原件，因此不予输出。")
    assert e.value.hint == ("以印发时导出的文件为准（定时导出的文件夹中的 2022-W05 子文件夹）；"
                            "需要重新生成时，请使用印发时的 fanzha 版本；可用 fanzha db verify 确认账本完好。")


def test_an_entry_about_a_week_not_issued_and_one_issued_is_listed_for_the_issued_one(cli, loaded):
    """A case moved from W06 (not issued) into W05 (issued): the correction concerns both weeks,
    the first not issued; it is listed once, for W05."""
    from fanzha_cli import corrections as fixes
    from tests.casework import add_case

    add_case(cli, "K1", "2022-02-08")
    with opened(loaded) as led:
        issued = issuing.issue(led, W5, "2022-02-07").issue
        amend = fixes.amend_case(led, "K1", reason="日期填错", date="2022-02-02")["entry_id"]
        (listed,) = issuing.corrections(led, 10**9)
        assert listed.pop("recorded_at")
        assert listed == {"week": "2022-W05", "issue_no": issued.issue_no, "entry_id": amend, "kind": "case_amend",
                          "what": "更正案件 K1：发案日期由 2022-02-08 改为 2022-02-02", "operator": "测试员",
                          "reason": "日期填错"}
        assert issuing.corrections(led, amend - 1) == []
