"""Corrections (corrections.py) called directly on a copy of the prepared scene: what each
amendment and void returns and stores, every refusal word for word (message and hint), the
histories, and each correction as the circular's 更正与补报 section says it. Written for
mutation testing (TESTING.md)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fanzha_cli import chain, corrections, discipline, dissuasion
from fanzha_cli.errors import FanzhaError

from .casework import (  # noqa: F401
    GRID, GRID_NORTH, GRID_WEST, STATION, add_case, audit, opened, scene, scene_template,
)

TOWN = "蔚汾镇城内社区网格"  # paired with 140102 (民警) and FJ0103
REASON_HINT = "用 --reason 写明原因，例如“编号重复登记”“网格填错”。"
VOID_HINT = "作废是最终的；如需恢复，请重新登记。"


def refused(fn, *args, **kwargs) -> tuple[str, str | None]:
    with pytest.raises(FanzhaError) as e:
        fn(*args, **kwargs)
    return e.value.message, e.value.hint


def changes_of(led, entry_id: int) -> list[tuple]:
    return [tuple(r.values()) for r in led.query(
        "SELECT audit_id, action, subject_kind, subject, case_no FROM deduction_changes WHERE entry_id = :e"
        " ORDER BY rowid", {"e": entry_id})]


def without_times(history: dict) -> dict:
    for v in history["versions"]:
        assert v.pop("recorded_at")
    return history


# --- refusals shared by every correction ---

@pytest.mark.parametrize("reason", [None, "", "  "])
def test_a_correction_without_a_reason_is_refused_word_for_word(scene, db_path, reason):
    with opened(db_path) as led:
        for fn, what in ((corrections.amend_case, "G1"), (corrections.void_case, "G1"),
                         (corrections.amend_audit, str(scene["pending"])), (corrections.void_audit, str(scene["pending"]))):
            assert refused(fn, led, what, reason=reason) == ("更正或作废的原因（--reason）不能为空。", REASON_HINT)


def test_a_voided_record_is_final_word_for_word(scene, db_path):
    with opened(db_path) as led:
        void = corrections.void_case(led, "G2", reason="登记错误")["entry_id"]
        said = (f"案件 G2 已于第 {void} 条记录作废（登记错误），不能再更正或作废。", VOID_HINT)
        assert refused(corrections.amend_case, led, "g2", reason="x", loss="5") == said
        assert refused(corrections.void_case, led, "G2", reason="x") == said
        n = scene["pending"]
        void = corrections.void_audit(led, str(n), reason="误录")["entry_id"]
        said = (f"回访 #{n} 已于第 {void} 条记录作废（误录），不能再更正或作废。", VOID_HINT)
        assert refused(corrections.amend_audit, led, str(n), reason="x", note="y") == said
        assert refused(corrections.void_audit, led, f"#{n}", reason="x") == said


def test_every_correction_keeps_the_chain_whole(scene, db_path):
    """Each write names its tables and columns as the schema does: SQLite would take them in
    capitals, the hash of the entry (read back) would not."""
    with opened(db_path) as led:
        corrections.amend_case(led, "G3", reason="x", grid=TOWN)
        corrections.void_case(led, "G2", reason="x")
        corrections.amend_audit(led, str(scene["neg"]), reason="x", officer="FJ0103")
        corrections.void_audit(led, str(scene["neg_west"]), reason="x")
        assert chain.verify_chain(led.conn)[1] is None


# --- cases ---

def test_an_amended_case_returns_what_changed_and_where_its_deduction_went(scene, db_path):
    neg = scene["neg"]
    with opened(db_path) as led:
        got = corrections.amend_case(led, "g3", reason=" 网格填错 ", grid=TOWN, date="2022-03-08", victim="李四",
                                     loss=" ", group="学生群体")
        first = scene["revocation"] + 1
        assert got == {"entry_id": first, "case_no": "G3", "moved": [neg],
                       "changed": ["case_date", "target", "loss_fen", "group_name", "victim_name"]}
        assert changes_of(led, first) == [(neg, "charge", "department", STATION, "G3"),
                                          (neg, "charge", "officer", "140102", "G3")]
        last = corrections.case_history(led, "G3", show_pii=True)["versions"][-1]
        assert (last["reason"], last["supersedes"]) == ("网格填错", scene["G3"])
        assert last["values"] == {
            "case_date": "2022-03-08", "fraud_type": "网络贷款诈骗", "target_kind": "网格", "target": TOWN, "loss": None,
            "group_name": "返乡学生群体", "victim_name": "李四", "victim_phone": "13812345678",
            "victim_id_number": "140123199001011234", "note": None}
        # Who answers for the case is unchanged: nothing moves.
        got = corrections.amend_case(led, "G3", reason="补录损失", loss="12", type_="brushing")
        assert got == {"entry_id": first + 1, "case_no": "G3", "changed": ["fraud_type", "loss_fen"], "moved": []}
        assert changes_of(led, first + 1) == []
        # The date alone changed: the deduction is placed again, on the case as it now is.
        got = corrections.amend_case(led, "G3", reason="日期", date="2022-03-09", grid="  ", unit="", place=None)
        assert got == {"entry_id": first + 2, "case_no": "G3", "changed": ["case_date"], "moved": [neg]}
        assert changes_of(led, first + 2) == [(neg, "charge", "department", STATION, "G3"),
                                              (neg, "charge", "officer", "140102", "G3")]


def test_notes_and_victims_typed_again_change_nothing(scene, db_path):
    with opened(db_path) as led:
        same = ("更正后的案件 G1 与现有记录完全相同，没有需要更正的内容。",
                "只写要改的选项和新值；fanzha case history 查看现有记录。")
        assert refused(corrections.amend_case, led, "G1", reason="x", victim="张小三", phone="13812345678",
                       id_number="140123199001011234", type_="online_loan", grid=GRID, date="2022-03-01") == same
        assert refused(corrections.amend_case, led, "G1", reason="x", note="  ", loss="") == same
        got = corrections.amend_case(led, "G1", reason="x", note=" 另有 ", phone="13912345678")
        assert got["changed"] == ["victim_phone", "note"]
        assert corrections.case_history(led, "G1", show_pii=True)["versions"][-1]["values"]["note"] == "另有"
        assert refused(corrections.amend_case, led, "G1", reason="x", note="另有") == same
        assert corrections.amend_case(led, "G1", reason="x", note=" ", id_number="110101199003071234")["changed"] == [
            "victim_id_number", "note"]
        assert corrections.amend_case(led, "G1", reason="x", victim="李四")["changed"] == ["victim_name"]
        # A note with a phone number in it is stored sealed: typed again, it is the same note.
        assert corrections.amend_case(led, "G1", reason="x", note="回拨 13912345678")["changed"] == ["note"]
        assert refused(corrections.amend_case, led, "G1", reason="x", note="回拨 13912345678") == same
        n = scene["pending"]
        assert corrections.amend_audit(led, str(n), reason="x", note="回拨 13912345678")["changed"] == ["note"]
        assert refused(corrections.amend_audit, led, str(n), reason="x", note=" 回拨 13912345678 ")[0] == (
            f"更正后的回访 #{n} 与现有记录完全相同，没有需要更正的内容。")


def test_a_date_or_amount_mistyped_is_refused_naming_the_field(scene, db_path):
    with opened(db_path) as led:
        assert refused(corrections.amend_case, led, "G1", reason="x", date="2023-01-02")[0] == (
            "发案日期 2023-01-02 不在活动期 2022-01-01 至 2022-12-31 内。")
        assert refused(corrections.amend_case, led, "G1", reason="x", loss="-1")[0] == "损失金额不能为负数：-1"
        assert refused(corrections.amend_audit, led, str(scene["pending"]), reason="x", date="2023-01-02")[0] == (
            "回访日期 2023-01-02 不在活动期 2022-01-01 至 2022-12-31 内。")


def test_a_case_dated_after_its_call_back_is_refused_word_for_word(scene, db_path):
    neg = scene["neg"]
    with opened(db_path) as led:
        assert refused(corrections.amend_case, led, "G3", reason="x", date="2022-03-11") == (
            f"案件 G3 的回访 #{neg} 日期为 2022-03-10，早于更正后的发案日期 2022-03-11。",
            f"核对发案日期；回访日期有误时先用 fanzha audit amend {neg} --date 日期 --reason 原因 更正。")
        assert corrections.amend_case(led, "G3", reason="x", date="2022-03-10")["changed"] == ["case_date"]


def test_a_case_moved_to_a_place_clears_its_deduction(scene, db_path):
    with opened(db_path) as led:
        got = corrections.amend_case(led, "G4", reason="x", place="县城农贸市场")
        assert got["moved"] == [scene["neg_west"]] and got["changed"] == ["target_kind", "target"]
        assert [(a, action) for a, action, *_ in changes_of(led, got["entry_id"])] == [(scene["neg_west"], "clear")]


def test_each_call_back_given_is_moved(scene, db_path):
    """`_moves` takes a list: today a case has at most one counting call-back, but each one given
    is placed, at a place as at a grid."""
    neg, neg_west = scene["neg"], scene["neg_west"]
    with opened(db_path) as led:
        place = {"case_no": "G3", "case_date": "2022-03-03", "target_kind": "place", "target": "某超市"}
        assert [(r["audit_id"], r["action"]) for r in corrections._moves(led, place, [(neg, None), (neg_west, None)])] == [
            (neg, "clear"), (neg_west, "clear")]
        grid = {**place, "target_kind": "grid", "target": GRID_NORTH}
        assert [(r["audit_id"], r["subject"]) for r in corrections._moves(led, grid, [(neg, None), (neg_west, "FJ0102")])] == [
            (neg, STATION), (neg, "140101"), (neg_west, STATION), (neg_west, "FJ0102")]


def test_a_case_whose_named_officer_cannot_follow_it_is_refused_word_for_word(cli, scene, db_path):
    add_case(cli, "G7", "2022-03-07", GRID)
    n = audit(cli, "G7", "2022-03-10", "no", "--verified-negligent", "--officer", "FJ0101")
    with opened(db_path) as led:
        assert refused(corrections.amend_case, led, "G7", reason="x", unit="财政局") == (
            f"回访 #{n} 已对该案件通报扣分，更正后无法确定扣分对象：民辅警 宋金凤（FJ0101）属于蔚汾派出所，"
            "不是单位“财政局”的包联科所队（办公室）的民辅警，不能对该单位的案件扣分。",
            f"先用 fanzha audit revoke {n} 撤销扣分，或在更正时一并改正；也可 fanzha audit void {n} 作废该回访。")


def test_a_target_the_plan_does_not_hold_that_day_is_refused_word_for_word():
    idx = SimpleNamespace(grids={GRID: {}}, unit_depts={"财政局": ["办公室"], "空局": []})
    check = corrections._check_target_on
    for case in ({"target_kind": "grid", "target": GRID}, {"target_kind": "unit", "target": "财政局"},
                 {"target_kind": "place", "target": "某超市"}):
        assert check(idx, {**case, "case_date": "2022-03-01"}) is None
    assert refused(check, idx, {"target_kind": "grid", "target": TOWN, "case_date": "2022-07-01"}) == (
        f"网格“{TOWN}”在 2022-07-01 不在计划中（当日未结对），不能把案件登记在该日期、该网格。",
        "核对发案日期和网格；用 fanzha plan show --on 日期 查看当日的网格。")
    for unit in ("空局", "无此单位"):
        assert refused(check, idx, {"target_kind": "unit", "target": unit, "case_date": "2022-07-01"}) == (
            f"单位“{unit}”在 2022-07-01 没有包联的科所队，不能把案件登记在该日期、该单位。",
            "核对发案日期和单位；用 fanzha plan show --on 日期 查看当日的包联。")


def test_a_voided_case_returns_the_call_backs_whose_deductions_fell(scene, db_path):
    with opened(db_path) as led:
        assert corrections.void_case(led, "g3", reason="重复") == {
            "entry_id": scene["revocation"] + 1, "case_no": "G3", "fallen": [scene["neg"]]}
        assert corrections.void_case(led, "G1", reason="重复") == {
            "entry_id": scene["revocation"] + 2, "case_no": "G1", "fallen": []}


def test_a_field_as_the_history_shows_it():
    names, groups = {"online_loan": "网络贷款诈骗"}, {"returning_students": "返乡学生群体"}
    shown = corrections._shown
    assert [shown(f, None, names, groups) for f in ("loss_fen", "fraud_type", "note")] == [None, None, None]
    assert shown("loss_fen", 1250, names, groups) == "12.50" and shown("loss_fen", 0, names, groups) == "0.00"
    assert shown("fraud_type", "online_loan", names, groups) == "网络贷款诈骗"
    assert shown("fraud_type", "gone", names, groups) == "gone"
    assert shown("target_kind", "grid", names, groups) == "网格" and shown("target_kind", "sea", names, groups) == "sea"
    assert shown("group_name", "returning_students", names, groups) == "返乡学生群体"
    assert shown("group_name", "gone", names, groups) == "gone"
    assert shown("target", "online_loan", names, groups) == "online_loan"
    assert shown("note", 0, names, groups) == 0
    assert corrections._changes({"case_date": "a", "note": None}, {"case_date": "b", "loss_fen": None}) == ["case_date"]


def test_a_case_history_every_version_masked_and_as_of(scene, db_path):
    with opened(db_path) as led:
        amend = corrections.amend_case(led, "G3", reason="电话 13912345678 写错", phone="13912345678", loss="1")["entry_id"]
        void = corrections.void_case(led, "G3", reason="重复")["entry_id"]
        h = without_times(corrections.case_history(led, "g3"))
        first = {"case_date": "2022-03-03", "fraud_type": "网络贷款诈骗", "target_kind": "网格", "target": GRID_NORTH,
                 "loss": "12000.50", "group_name": None, "victim_name": "张*三", "victim_phone": "138****5678",
                 "victim_id_number": "140123********1234", "note": None}
        common = {"kind": "case", "operator": "测试员", "changed": [], "changed_labels": []}
        assert h == {"case_no": "G3", "status": "void", "versions": [
            {**common, "entry_id": scene["G3"], "action": "add", "action_label": "登记", "values": first,
             "reason": None, "supersedes": None},
            {**common, "entry_id": amend, "kind": "case_amend", "action": "amend", "action_label": "更正",
             "values": {**first, "loss": "1.00", "victim_phone": "139****5678"},
             "changed": ["loss_fen", "victim_phone"], "changed_labels": ["损失金额", "电话"],
             "reason": "电话 139****5678 写错", "supersedes": scene["G3"]},
            {**common, "entry_id": void, "kind": "case_void", "action": "void", "action_label": "作废", "values": None,
             "reason": "重复", "supersedes": amend},
        ]}
        shown = corrections.case_history(led, "G3", show_pii=True)["versions"][1]
        assert shown["reason"] == "电话 13912345678 写错" and shown["values"]["victim_name"] == "张小三"
        then = corrections.case_history(led, "G3", upto=amend)
        assert then["status"] == "current" and [v["entry_id"] for v in then["versions"]] == [scene["G3"], amend]


# --- call-backs ---

def test_the_latest_entry_of_a_call_back():
    latest = corrections._audit_latest_entry
    assert latest({"version_entry": 3, "finding_entry": None, "revocation_entry": None}) == 3
    assert latest({"version_entry": 3, "finding_entry": 5, "revocation_entry": None}) == 5
    assert latest({"version_entry": 7, "finding_entry": 5, "revocation_entry": None}) == 7
    assert latest({"version_entry": 3, "finding_entry": 4, "revocation_entry": 9}) == 9


def test_a_call_back_not_held_is_refused_word_for_word(scene, db_path):
    with opened(db_path) as led:
        for typed in ("999", "#999"):
            assert refused(corrections.amend_audit, led, typed, reason="x", note="y") == (
                f"没有编号为 {typed} 的回访记录。", "用 fanzha audit list 查看回访记录及其编号。")
        assert refused(corrections.void_audit, led, str(scene["G1"]), reason="x")[0] == f"没有编号为 {scene['G1']} 的回访记录。"
        assert refused(corrections.audit_history, led, "999")[0] == "没有编号为 999 的回访记录。"


def test_an_amended_call_back_returns_what_changed(scene, db_path):
    n = scene["pending"]
    with opened(db_path) as led:
        got = corrections.amend_audit(led, f"#{n}", reason="改", case_no="  ", date="2022-03-01", received="是",
                                      officer=" FJ0101 ", note=" 说明 ")
        first = scene["revocation"] + 1
        assert got == {"audit_id": n, "entry_id": first, "case_no": "G1", "moved": False,
                       "changed": ["audit_date", "publicity_received", "note", "officer"]}
        row = led.query("SELECT case_no, audit_date, publicity_received, officer, note FROM audit_versions"
                        " WHERE entry_id = :e", {"e": first})
        assert [tuple(r.values()) for r in row] == [("G1", "2022-03-01", 1, "FJ0101", "说明")]
        assert led.query("SELECT supersedes FROM entries WHERE id = :e", {"e": first}) == [{"supersedes": n}]
        got = corrections.amend_audit(led, str(n), reason="改", officer="  ", note="说明")
        assert got["changed"] == ["officer"] and got["moved"] is False
        assert refused(corrections.amend_audit, led, str(n), reason="x", date="2022-02-28") == (
            "回访日期 2022-02-28 早于发案日期 2022-03-01。", "核对回访日期和案件编号。")
        assert refused(corrections.amend_audit, led, str(n), reason="x", received="yes", case_no="G1") == (
            f"更正后的回访 #{n} 与现有记录完全相同，没有需要更正的内容。",
            f"只写要改的选项和新值；fanzha audit history {n} 查看现有记录。")


def test_a_call_back_amended_into_another_one_or_onto_an_officer_not_answering_is_refused(cli, scene, db_path):
    n, pending = scene["received"], scene["pending"]
    u = audit(cli, "U1", "2022-03-10", "no")
    with opened(db_path) as led:
        assert refused(corrections.amend_audit, led, str(n), reason="x", case_no="G1", received="no") == (
            f"案件 G1 在 2022-03-10 的回访（未收到面对面宣传）已登记为回访 #{pending}，不能重复登记。",
            f"用 fanzha audit list 查看回访 #{pending}；登记有误时用 fanzha audit amend {pending} … --reason 原因 更正。")
        assert refused(corrections.amend_audit, led, str(u), reason="x", officer="FJ0101")[0] == (
            "民辅警 宋金凤（FJ0101）属于蔚汾派出所，不是单位“财政局”的包联科所队（办公室）的民辅警，不能对该单位的案件扣分。")
        assert corrections.amend_audit(led, str(n), reason="x", case_no="G1", date="2022-03-11", received="no")[
            "changed"] == ["case_no", "audit_date", "publicity_received"]


def test_a_verified_call_back_keeps_its_answer_word_for_word(scene, db_path):
    neg = scene["neg"]
    with opened(db_path) as led:
        assert refused(corrections.amend_audit, led, str(neg), reason="x", received="yes") == (
            f"回访 #{neg} 已核实（第 {neg + 1} 条记录），不能再更改受害人是否收到宣传。",
            f"核实有误时：扣分用 fanzha audit revoke {neg} 撤销；整条回访登记错了用 fanzha audit void {neg} 作废后重新登记。")
        got = corrections.amend_audit(led, str(neg), reason="x", received="否", note="补充")
        assert got["changed"] == ["note"] and got["moved"] is False  # the same answer, and the same one to charge
        # A pending call-back may change its answer (status: not verified).
        assert corrections.amend_audit(led, str(scene["pending"]), reason="x", received="yes")["changed"] == [
            "publicity_received"]


def test_a_counting_call_back_moved_to_another_case_or_officer_moves_its_deduction(cli, scene, db_path):
    add_case(cli, "G6", "2022-03-06", GRID_WEST)
    add_case(cli, "P1", "2022-03-06", None, "--place", "县城某超市")
    neg = scene["neg"]
    with opened(db_path) as led:
        first = led.query("SELECT max(id) AS n FROM entries")[0]["n"] + 1
        # A call-back that charges no one moves nothing.
        got = corrections.amend_audit(led, str(scene["pending"]), reason="x", case_no="g2")
        assert got == {"audit_id": scene["pending"], "entry_id": first, "case_no": "G2", "changed": ["case_no"],
                       "moved": False}
        assert changes_of(led, first) == []
        assert refused(corrections.amend_audit, led, str(neg), reason="x", case_no="P1") == (
            f"案件 P1 发生在包联单位和网格之外，不通报扣分；回访 #{neg} 已扣分，不能改到该案件。",
            f"先用 fanzha audit revoke {neg} 撤销扣分。")
        assert refused(corrections.amend_audit, led, str(neg), reason="x", case_no="G4", date="2022-03-11")[0].startswith(
            f"案件 G4 已因回访 #{scene['neg_west']} 通报扣分")
        got = corrections.amend_audit(led, str(neg), reason="x", officer="FJ0102")
        assert got == {"audit_id": neg, "entry_id": first + 1, "case_no": "G3", "changed": ["officer"], "moved": True}
        assert changes_of(led, first + 1) == [(neg, "charge", "department", STATION, "G3"),
                                              (neg, "charge", "officer", "FJ0102", "G3")]
        got = corrections.amend_audit(led, str(neg), reason="x", case_no="G6", officer="")
        assert got == {"audit_id": neg, "entry_id": first + 2, "case_no": "G6", "changed": ["case_no", "officer"],
                       "moved": True}
        assert changes_of(led, first + 2) == [(neg, "charge", "department", STATION, "G6"),
                                              (neg, "charge", "officer", "140102", "G6")]


def test_a_voided_call_back_says_whether_a_deduction_fell(scene, db_path):
    with opened(db_path) as led:
        assert corrections.void_audit(led, f"#{scene['neg']}", reason="误录") == {
            "audit_id": scene["neg"], "entry_id": scene["revocation"] + 1, "case_no": "G3", "fallen": True}
        assert corrections.void_audit(led, str(scene["pending"]), reason="误录") == {
            "audit_id": scene["pending"], "entry_id": scene["revocation"] + 2, "case_no": "G1", "fallen": False}
        assert led.query("SELECT supersedes FROM entries WHERE id = :e", {"e": scene["revocation"] + 1}) == [
            {"supersedes": scene["neg"] + 1}]  # its finding, the latest entry about it


def test_a_call_back_history_every_version_masked(scene, db_path):
    n = scene["pending"]
    with opened(db_path) as led:
        amend = corrections.amend_audit(led, str(n), reason="电话 13912345678", note="回拨 13912345678",
                                        date="2022-03-11")["entry_id"]
        void = corrections.void_audit(led, str(n), reason="误录")["entry_id"]
        h = without_times(corrections.audit_history(led, f"#{n}"))
        first = {"case_no": "G1", "audit_date": "2022-03-10", "publicity_received": 0, "officer": None, "note": None}
        common = {"operator": "测试员", "changed": []}
        assert h == {"audit_id": n, "status": "void", "versions": [
            {**common, "entry_id": n, "kind": "audit", "action": "add", "action_label": "登记", "values": first,
             "reason": None, "supersedes": None},
            {**common, "entry_id": amend, "kind": "audit_amend", "action": "amend", "action_label": "更正",
             "values": {**first, "audit_date": "2022-03-11", "note": "回拨 139****5678"},
             "changed": ["audit_date", "note"], "reason": "电话 139****5678", "supersedes": n},
            {**common, "entry_id": void, "kind": "audit_void", "action": "void", "action_label": "作废", "values": None,
             "reason": "误录", "supersedes": amend},
        ]}
        shown = corrections.audit_history(led, str(n), show_pii=True)["versions"][1]
        assert (shown["reason"], shown["values"]["note"]) == ("电话 13912345678", "回拨 13912345678")
        assert corrections.audit_history(led, str(scene["neg"]))["status"] == "current"


# --- the corrections section ---

def test_the_week_of_a_day():
    assert corrections._week("2022-03-03") == "2022-W09"
    assert corrections._week(None) is None and corrections._week("") is None


def _said(led, entry_id: int, phrasing: int = 1) -> dict:
    """As the corrections section says it: in phrasing 1 (values as stored) unless asked."""
    d = corrections.describe(led, entry_id, phrasing)
    assert d.pop("recorded_at") and d.pop("operator") == "测试员"
    return d


def test_each_correction_as_the_circular_says_it(scene, db_path):
    neg, neg_west = scene["neg"], scene["neg_west"]
    with opened(db_path) as led:
        e = corrections.amend_audit(led, str(scene["received"]), reason="改", case_no="G1")["entry_id"]
        assert _said(led, e)["what"] == f"更正回访 #{scene['received']}：案件由 G2 改为 G1"
        e = corrections.amend_case(led, "G3", reason="网格填错 13912345678", grid=TOWN, date="2022-03-08",
                                   victim="李四", loss=" ", group="学生群体")["entry_id"]
        assert _said(led, e) == {"entry_id": e, "kind": "case_amend", "weeks": ["2022-W09", "2022-W10"],
                                 "reason": "网格填错 139****5678", "what": (
            "更正案件 G3：发案日期由 2022-03-03 改为 2022-03-08，发案地由 蔚汾镇北坡社区网格 改为 蔚汾镇城内社区网格，"
            "损失金额由 12000.50 改为 （空），重点人群由 （空） 改为 返乡学生群体，受害人已更正；"
            f"回访 #{neg} 的扣分随之改按更正后的案件计")}
        e = corrections.amend_case(led, "G5", reason="补录", loss="300", note="x", unit="财政局", type_="brushing")["entry_id"]
        assert _said(led, e) == {"entry_id": e, "kind": "case_amend", "weeks": ["2022-W09"], "reason": "补录", "what": (
            "更正案件 G5：诈骗类型由 网络贷款诈骗 改为 兼职刷单、刷信誉诈骗，发案地由 蔚汾镇东关社区网格 改为 财政局，"
            "损失金额由 （空） 改为 300.00，备注已更正")}
        e = corrections.amend_case(led, "G5", reason="人群", group="returning_students")["entry_id"]
        assert _said(led, e)["what"] == "更正案件 G5：重点人群由 （空） 改为 返乡学生群体"
        e = corrections.amend_case(led, "G5", reason="人群", group="migrant_workers")["entry_id"]  # a third version
        assert _said(led, e)["what"] == "更正案件 G5：重点人群由 返乡学生群体 改为 返乡外出务工人员"
        e = corrections.void_case(led, "G2", reason="重复")["entry_id"]
        assert _said(led, e) == {"entry_id": e, "kind": "case_void", "weeks": ["2022-W09"], "reason": "重复", "what":
                                 "作废案件 G2（2022-03-02 发案，网格：蔚汾镇东关社区网格），不再计入发案、零发案和扣分"}
        e = corrections.void_case(led, "U1", reason="重复")["entry_id"]
        assert _said(led, e)["what"] == "作废案件 U1（2022-03-06 发案，单位：财政局），不再计入发案、零发案和扣分"
        step = discipline.record_step(led, officer=None, dept=STATION, step="talk", date="2022-03-20", note="约谈")
        e = discipline.void_step(led, str(step["entry_id"]), reason="误记")["entry_id"]
        assert _said(led, e) == {"entry_id": e, "kind": "discipline_void", "weeks": ["2022-W11"], "reason": "误记", "what":
                                 f"作废 {STATION}负责人 的约谈记录（2022-03-20，第 {step['entry_id']} 条记录），该步骤重新列为未落实"}
        e = corrections.amend_audit(led, str(scene["pending"]), reason="改", date="2022-03-14", received="yes", note="n",
                                    officer="FJ0101")["entry_id"]
        assert _said(led, e) == {"entry_id": e, "kind": "audit_amend", "weeks": ["2022-W10", "2022-W11"], "reason": "改",
                                 "what": f"更正回访 #{scene['pending']}：回访日期由 2022-03-10 改为 2022-03-14，"
                                         "是否收到宣传由 0 改为 1，民辅警由 None 改为 FJ0101，说明已更正"}
        e = corrections.amend_audit(led, str(scene["pending"]), reason="改", date="2022-03-15")["entry_id"]
        assert _said(led, e)["what"] == f"更正回访 #{scene['pending']}：回访日期由 2022-03-14 改为 2022-03-15"
        e = corrections.void_audit(led, str(neg_west), reason="误录")["entry_id"]
        assert _said(led, e) == {"entry_id": e, "kind": "audit_void", "weeks": ["2022-W10"], "reason": "误录",
                                 "what": f"作废回访 #{neg_west}（案件 G4，2022-03-10），其扣分不再计入"}
        d = dissuasion.add(led, officer="140101", date="2022-03-03", amount_saved="900")["entry_id"]
        e = dissuasion.amend(led, str(d), reason="少写", amount_saved="9000", officer="FJ0101", date="2022-03-07",
                             case_no="Q1", note="z")["entry_id"]
        assert _said(led, e) == {"entry_id": e, "kind": "dissuasion_amend", "weeks": ["2022-W09", "2022-W10"],
                                 "reason": "少写", "what": (
            f"更正劝阻 #{d}：民辅警由 140101 改为 FJ0101，劝阻日期由 2022-03-03 改为 2022-03-07，编号由 None 改为 Q1，"
            "避免损失由 900.00 元改为 9000.00 元，说明已更正")}
        e = dissuasion.amend(led, str(d), reason="单位", officer="140102")["entry_id"]
        assert _said(led, e)["what"] == f"更正劝阻 #{d}：民辅警由 FJ0101 改为 140102"
        e = dissuasion.amend(led, str(d), reason="单位", officer="140201")["entry_id"]
        assert _said(led, e)["what"] == f"更正劝阻 #{d}：民辅警由 140102 改为 140201，所属单位由 {STATION} 改为 魏家滩派出所"
        e = dissuasion.void(led, str(d), reason="重复")["entry_id"]
        assert _said(led, e) == {"entry_id": e, "kind": "dissuasion_void", "weeks": ["2022-W10"], "reason": "重复",
                                 "what": f"作废劝阻 #{d}（2022-03-07，140201，避免损失 9000.00 元）"}
        assert corrections.describe(led, d) is None and corrections.describe(led, scene["G1"]) is None
        assert corrections.describe(led, 10**6) is None


def test_an_officers_step_voided_as_the_circular_says_it(cli, scene, db_path):
    for no in ("H1", "H2"):
        add_case(cli, no, "2022-03-04", GRID)
        audit(cli, no, "2022-03-12", "no", "--verified-negligent", "--officer", "FJ0101")
    with opened(db_path) as led:
        step = discipline.record_step(led, officer="FJ0101", dept=None, step="talk", date="2022-03-21", note="约谈")
        e = discipline.void_step(led, str(step["entry_id"]), reason="误记")["entry_id"]
        assert _said(led, e)["what"] == f"作废 FJ0101 的约谈记录（2022-03-21，第 {step['entry_id']} 条记录），该步骤重新列为未落实"


@pytest.mark.parametrize("kind", corrections.CORRECTION_KINDS)
def test_a_correction_entry_without_its_rows_is_not_described(scene, db_path, kind):
    with opened(db_path) as led:
        with led.write() as w:
            e = w.append(kind, {}, reason="x")
        assert corrections.describe(led, e) is None


def test_phrasing_2_says_values_as_people_read_them(scene, db_path):
    """The newest phrasing (what circulars issued from now on print): yes/no in words, an empty
    value as （空）, an officer by name and badge as the plan in force on the record's date names
    him; phrasing 1 keeps the values as stored, for the circulars issued with it."""
    assert corrections.PHRASING == 2
    pending = scene["pending"]
    with opened(db_path) as led:
        e = corrections.amend_audit(led, str(pending), reason="改", date="2022-03-14", received="yes", note="n",
                                    officer="FJ0101")["entry_id"]
        assert _said(led, e, 2)["what"] == (f"更正回访 #{pending}：回访日期由 2022-03-10 改为 2022-03-14，"
                                             "是否收到宣传由 否 改为 是，民辅警由 （空） 改为 宋金凤（FJ0101），说明已更正")
        assert corrections.describe(led, e)["what"] == _said(led, e, 2)["what"]  # the default is the newest
        assert "是否收到宣传由 0 改为 1，民辅警由 None 改为 FJ0101" in _said(led, e, 1)["what"]
        d = dissuasion.add(led, officer="140101", date="2022-03-03", amount_saved="900")["entry_id"]
        e = dissuasion.amend(led, str(d), reason="少写", officer="FJ0101", case_no="Q1")["entry_id"]
        assert _said(led, e, 2)["what"] == f"更正劝阻 #{d}：民辅警由 王建军（140101） 改为 宋金凤（FJ0101），编号由 （空） 改为 Q1"
        e = dissuasion.void(led, str(d), reason="重复")["entry_id"]
        assert _said(led, e, 2)["what"] == f"作废劝阻 #{d}（2022-03-03，宋金凤（FJ0101），避免损失 900.00 元）"
        assert _said(led, e, 1)["what"] == f"作废劝阻 #{d}（2022-03-03，FJ0101，避免损失 900.00 元）"
        step = discipline.record_step(led, officer=None, dept=STATION, step="talk", date="2022-03-20", note="约谈")
        e = discipline.void_step(led, str(step["entry_id"]), reason="误记")["entry_id"]
        assert _said(led, e, 2)["what"] == (f"作废{STATION}负责人的约谈记录（2022-03-20，第 {step['entry_id']} 条记录），"
                                             "该步骤重新列为未落实")
