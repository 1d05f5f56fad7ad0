"""Call-backs and deductions (audits.py) pinned down for mutation testing: who is charged, the
rows that charge them, the day a finding counts from, each state's refusal, and the
messages word for word. Most tests call the functions directly; the rest use the scene."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from fanzha_cli import audits, corrections
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import MAX_ID

from .casework import GRID, GRID_NORTH, STATION, opened, scene, scene_template  # noqa: F401

HINT_LIST = "用 fanzha audit list 查看各回访的状态。"


# --- answers and numbers as typed ---

@pytest.mark.parametrize("word", ["yes", "Y", " true ", "1", "是", "有", "收到"])
def test_received_yes(word):
    assert audits.parse_received(word) is True


@pytest.mark.parametrize("word", ["no", "N", "False", "0", "否", "无", "没有", "未收到"])
def test_received_no(word):
    assert audits.parse_received(word) is False


@pytest.mark.parametrize("word", ["maybe", "", None])
def test_received_refused_word_for_word(word):
    with pytest.raises(FanzhaError) as e:
        audits.parse_received(word)
    assert e.value.message == f"--publicity-received 的值不对：{word!r}"
    assert e.value.hint == "受害人是否收到面对面宣传：写 yes 或 是（收到），no 或 否（未收到）。"


@pytest.mark.parametrize("typed, number", [("12", 12), ("#12", 12), (" #7 ", 7), (12, 12), (str(MAX_ID), MAX_ID)])
def test_audit_ids(typed, number):
    assert audits.parse_audit_id(typed) == number


@pytest.mark.parametrize("typed", ["abc", "²", "-1", "1.0", ""])
def test_an_audit_id_that_is_no_number_is_refused_word_for_word(typed):
    with pytest.raises(FanzhaError) as e:
        audits.parse_audit_id(typed)
    assert (e.value.message, e.value.hint) == (f"回访编号应为数字：{typed!r}", "回访编号见 fanzha audit list。")


def test_an_audit_id_beyond_any_record_is_refused_word_for_word():
    with pytest.raises(FanzhaError) as e:
        audits.parse_audit_id(str(MAX_ID + 1))
    assert (e.value.message, e.value.hint) == (
        f"没有编号为 {MAX_ID + 1} 的回访记录。", "用 fanzha audit list 查看回访记录及其编号。")


# --- who is charged, and the rows that charge them ---

CASE = {"case_no": "G9", "case_date": "2022-03-01"}


def test_charged_labels():
    assert audits.charged_label({"badge": "140101", "name": "王建军", "departments": ["甲", "乙"]}) == (
        "民辅警 王建军（140101）、单位 甲、单位 乙")
    assert audits.charged_label({"badge": None, "name": None, "departments": ["甲"]}) == "单位 甲"
    assert audits.charged_label({"departments": []}) == ""


def test_the_classic_pair_goes_to_deductions():
    charge = {"badge": "140101", "department": STATION, "departments": [STATION]}
    common = {"audit_id": 5, "case_no": "G9", "case_date": "2022-03-01", "officer": "140101", "department": STATION}
    assert audits.deduction_rows(5, CASE, charge) == ("deductions", [
        {**common, "subject_kind": "department", "subject": STATION},
        {**common, "subject_kind": "officer", "subject": "140101"},
    ])


def test_a_moved_pair_goes_to_deduction_changes():
    charge = {"badge": "140101", "department": STATION, "departments": [STATION]}
    common = {"audit_id": 5, "case_no": "G9", "case_date": "2022-03-01", "action": "charge"}
    assert audits.deduction_rows(5, CASE, charge, moved=True) == ("deduction_changes", [
        {**common, "subject_kind": "department", "subject": STATION, "officer": "140101", "department": STATION},
        {**common, "subject_kind": "officer", "subject": "140101", "officer": "140101", "department": STATION},
    ])


def test_several_departments_and_an_officer_go_to_deduction_changes_in_order():
    charge = {"badge": "140101", "department": "督察大队", "departments": ["督察大队", "刑侦大队"]}
    table, rows = audits.deduction_rows(5, CASE, charge)
    assert table == "deduction_changes"
    assert [(r["subject_kind"], r["subject"], r["officer"], r["department"], r["action"]) for r in rows] == [
        ("department", "刑侦大队", "140101", "刑侦大队", "charge"),
        ("department", "督察大队", "140101", "督察大队", "charge"),
        ("officer", "140101", "140101", "督察大队", "charge"),
    ]


def test_departments_without_an_officer_go_to_deduction_changes():
    charge = {"badge": None, "department": None, "departments": ["办公室"]}
    assert audits.deduction_rows(5, CASE, charge) == ("deduction_changes", [
        {"audit_id": 5, "case_no": "G9", "case_date": "2022-03-01", "action": "charge", "subject_kind": "department",
         "subject": "办公室", "officer": None, "department": "办公室"}])


def test_cleared_rows():
    assert audits.cleared_rows(5, CASE) == [{
        "audit_id": 5, "action": "clear", "subject_kind": "department", "subject": "", "officer": None,
        "department": "", "case_no": "G9", "case_date": "2022-03-01"}]


def test_an_officer_as_shown():
    officer = {"name": "王建军", "role": "police", "station": STATION, "extra": 1}
    assert audits._officer_view("140101", officer) == {"badge": "140101", "name": "王建军", "role": "police",
                                                       "department": STATION}


def _fake_index(officers: dict, grid_officers: list[str]):
    def officer(badge):
        if badge not in officers:
            raise FanzhaError(f"没有名为“{badge}”的民辅警（警号）。")
        return officers[badge]
    return SimpleNamespace(officers=officers, grid_officers={"网格甲": grid_officers}, officer=officer)


@pytest.mark.parametrize("officers, expected", [
    ({"B2": "police", "A9": "auxiliary", "A1": "police", "00": None}, "A1"),
    ({"A9": "auxiliary", "00": None, "B1": "auxiliary"}, "A9"),
    ({"Z9": "police", "A1": "auxiliary"}, "Z9"),
    ({"00": "chief", "A1": None}, "00"),
])
def test_the_sworn_officer_then_the_auxiliary_then_the_lowest_badge(monkeypatch, officers, expected):
    index = _fake_index({b: {"name": f"名{b}", "role": r, "station": "某所"} for b, r in officers.items()}, list(officers))
    monkeypatch.setattr(audits.plan_lookup, "lookup_on", lambda led, day: index)
    charge = audits.responsible(None, {"case_no": "X", "case_date": "2022-03-01", "target_kind": "grid",
                                       "target": "网格甲"}, None)
    assert charge == {"badge": expected, "name": f"名{expected}", "role": officers[expected], "department": "某所",
                      "departments": ["某所"]}


def test_a_paired_officer_missing_from_the_officers_still_ranks_last(monkeypatch):
    index = _fake_index({"B1": {"name": "乙", "role": "auxiliary", "station": "某所"}}, ["A0", "B1"])
    monkeypatch.setattr(audits.plan_lookup, "lookup_on", lambda led, day: index)
    case = {"case_no": "X", "case_date": "2022-03-01", "target_kind": "grid", "target": "网格甲"}
    assert audits.responsible(None, case, None)["badge"] == "B1"


# --- on the scene's ledger ---

@pytest.fixture
def led(scene, db_path):
    with opened(db_path) as led:
        yield led


def _case(kind: str, target: str, date: str = "2022-03-01", no: str = "X1") -> dict:
    return {"case_no": no, "case_date": date, "target_kind": kind, "target": target}


def test_responsible_on_a_grid(led):
    assert audits.responsible(led, _case("grid", GRID), None) == {
        "badge": "140101", "name": "王建军", "role": "police", "department": STATION, "departments": [STATION]}
    assert audits.responsible(led, _case("grid", GRID), " FJ0101 ") == {
        "badge": "FJ0101", "name": "宋金凤", "role": "auxiliary", "department": STATION, "departments": [STATION]}


def test_responsible_on_a_unit(led):
    assert audits.responsible(led, _case("unit", "检察院"), None) == {
        "badge": None, "name": None, "role": None, "department": None, "departments": ["刑侦大队", "督察大队"]}
    assert audits.responsible(led, _case("unit", "财政局"), "") == {
        "badge": None, "name": None, "role": None, "department": None, "departments": ["办公室"]}
    with pytest.raises(FanzhaError) as e:
        audits.responsible(led, _case("unit", "检察院"), " 140101 ")
    assert e.value.message == (
        "民辅警 王建军（140101）属于蔚汾派出所，不是单位“检察院”的包联科所队（刑侦大队、督察大队）的民辅警，不能对该单位的案件扣分。")
    assert e.value.hint == "--officer 写刑侦大队、督察大队的民辅警警号，或不写 --officer，只对包联科所队扣分。"


def test_a_unit_officer_of_the_paired_department_is_charged_with_it(led, monkeypatch):
    idx = audits.plan_lookup.lookup_on(led, "2022-03-01")
    badge = "XZ0001"
    real = idx.officer
    monkeypatch.setattr(idx, "officer", lambda b: {"name": "刑警甲", "role": "police", "station": "刑侦大队"}
                        if b == badge else real(b))
    monkeypatch.setattr(audits.plan_lookup, "lookup_on", lambda led, day: idx)
    charge = audits.responsible(led, _case("unit", "检察院"), badge)
    assert (charge["badge"], charge["department"], charge["departments"]) == (badge, "刑侦大队", ["刑侦大队", "督察大队"])


def test_a_place_charges_no_one_word_for_word(led):
    with pytest.raises(FanzhaError) as e:
        audits.responsible(led, _case("place", "某商场", no="P9"), "140101")
    assert e.value.message == "案件 P9 发生在包联单位和网格之外（某商场），不对任何人通报扣分。"
    assert e.value.hint == (
        "回访可以登记，但不要加 --verified-negligent / --negligent；如地点登记有误，先用 fanzha case amend 更正。")


def test_a_unit_without_a_department_that_day_word_for_word(led, monkeypatch):
    monkeypatch.setattr(audits, "charged_departments", lambda idx, case: [])
    with pytest.raises(FanzhaError) as e:
        audits.responsible(led, _case("unit", "财政局", "2022-03-05"), None)
    assert e.value.message == "单位“财政局”在发案日期 2022-03-05 没有包联的科所队，无法确定扣分单位。"
    assert e.value.hint == "核对发案日期和单位；用 fanzha plan show --on 日期 查看当日的包联。"


def test_a_grid_without_officers_word_for_word(led, monkeypatch):
    idx = audits.plan_lookup.lookup_on(led, "2022-03-05")
    monkeypatch.setattr(idx, "grid_officers", {})
    monkeypatch.setattr(audits.plan_lookup, "lookup_on", lambda led, day: idx)
    with pytest.raises(FanzhaError) as e:
        audits.responsible(led, _case("grid", GRID, "2022-03-05"), None)
    assert e.value.message == f"网格“{GRID}”在发案日期 2022-03-05 没有结对的民辅警，无法确定责任人。"
    assert e.value.hint == "加上 --officer 警号 指明责任民辅警。"


@pytest.mark.parametrize("value, today, day", [
    (None, dt.date(2022, 3, 15), "2022-03-15"),
    ("  ", dt.date(2022, 3, 15), "2022-03-15"),
    (None, dt.date(2022, 3, 1), "2022-03-10"),  # never before the call-back
    (None, dt.date(2023, 5, 1), "2022-12-31"),  # the campaign's last day once it is over
    ("2022-03-10", dt.date(2022, 3, 1), "2022-03-10"),
    (" 2022-04-02 ", None, "2022-04-02"),
])
def test_the_day_a_finding_counts_from(led, value, today, day):
    assert audits.verification_date(led, value, "2022-03-10", today=today) == day


def test_today_is_the_default_day_of_a_finding(led):
    expected = max("2022-03-10", min(dt.date.today().isoformat(), "2022-12-31"))
    assert audits.verification_date(led, None, "2022-03-10") == expected


def test_a_finding_before_its_call_back_is_refused_word_for_word(led):
    with pytest.raises(FanzhaError) as e:
        audits.verification_date(led, "2022-03-09", "2022-03-10")
    assert e.value.message == "核实日期 2022-03-09 早于回访日期 2022-03-10。"
    assert e.value.hint == "核实日期应为作出核实结论的日期，不早于回访日期；不写则为今天。"
    with pytest.raises(FanzhaError) as e:
        audits.verification_date(led, "2023-01-01", "2022-03-10")
    assert e.value.message == "核实日期 2023-01-01 不在活动期 2022-01-01 至 2022-12-31 内。"


def test_what_a_call_back_charges_now(led, scene):
    assert audits._charged_now(led, scene["neg"]) == {"badge": "140101", "department": STATION,
                                                      "departments": [STATION]}
    assert audits._charged_now(led, scene["pending"]) is None
    assert audits._charged_now(led, scene["received"]) is None


def test_recording_call_backs_returns_each_ones_state(led, scene):
    out = audits.record_many(led, [
        {"case_no": "U1", "date": "2022-03-12", "received": "是", "note": "  "},
        {"case_no": "G1", "date": "2022-03-12", "received": "no", "officer": "FJ0101", "note": " 未见宣传 "},
        {"case_no": "G1", "date": "2022-03-13", "received": "no", "verified_negligent": True,
         "verify_date": "2022-03-14"},
    ])
    assert [(o["case_no"], o["status"], o["verified_on"]) for o in out] == [
        ("U1", "received", None), ("G1", "pending", None), ("G1", "negligent", "2022-03-14")]
    assert out[0]["officer"] is None and out[1]["officer"] is None
    assert out[2]["officer"] == {"badge": "140101", "name": "王建军", "role": "police", "department": STATION,
                                 "departments": [STATION]}
    assert out[1]["audit_id"] < out[2]["audit_id"]
    listed = {a["audit_id"]: a for a in audits.list_audits(led, None, "2022-12-31", None)}
    assert listed[out[0]["audit_id"]]["note"] is None
    assert (listed[out[1]["audit_id"]]["note"], listed[out[1]["audit_id"]]["officer"]) == ("未见宣传", "FJ0101")
    assert listed[out[2]["audit_id"]]["verified_on"] == "2022-03-14"


def test_a_named_officer_is_charged_at_once(led):
    out = audits.record(led, case_no="G1", date="2022-03-12", received="否", verified_negligent=True,
                        officer="FJ0101", verify_date="2022-03-12")
    assert (out["status"], out["officer"]["badge"], out["verified_on"]) == ("negligent", "FJ0101", "2022-03-12")


@pytest.mark.parametrize("fields, message, hint", [
    ({"date": "2022-02-28"}, "回访日期 2022-02-28 早于发案日期 2022-03-01。", "核对回访日期。"),
    ({"received": "yes", "verified_negligent": True}, "受害人反馈已收到面对面宣传，不能同时认定民辅警消极懈怠。",
     "收到宣传时去掉 --verified-negligent；未收到时写 --publicity-received no。"),
    ({"verify_date": "2022-03-12"}, "--verify-date 只用于当即核实（--verified-negligent）。",
     "待核实的回访之后用 fanzha audit verify 回访编号 --date 日期 登记核实结论和日期。"),
])
def test_a_bad_call_back_is_refused_word_for_word(led, fields, message, hint):
    with pytest.raises(FanzhaError) as e:
        audits.record(led, **{"case_no": "G1", "date": "2022-03-12", "received": "no", **fields})
    assert (e.value.message, e.value.hint) == (message, hint)


def test_a_blank_verify_date_is_no_verify_date(led):
    assert audits.record(led, case_no="G1", date="2022-03-12", received="no", verify_date="  ")["status"] == "pending"


def test_a_second_call_back_on_the_same_day_is_refused_word_for_word(led, scene):
    with pytest.raises(FanzhaError) as e:
        audits.record(led, case_no="G2", date="2022-03-10", received="yes")
    n = scene["received"]
    assert e.value.message == f"案件 G2 在 2022-03-10 的回访（已收到面对面宣传）已登记为回访 #{n}，不能重复登记。"
    assert e.value.hint == f"用 fanzha audit list 查看回访 #{n}；登记有误时用 fanzha audit amend {n} … --reason 原因 更正。"
    assert audits.record(led, case_no="G2", date="2022-03-10", received="no")["status"] == "pending"


def test_a_second_deduction_on_a_case_is_refused_word_for_word(led, scene):
    with pytest.raises(FanzhaError) as e:
        audits.record(led, case_no="G3", date="2022-03-11", received="no", verified_negligent=True)
    assert e.value.message == f"案件 G3 已因回访 #{scene['neg']} 通报扣分，同一案件不重复扣分。"
    assert e.value.hint == "如该扣分有误，先用 fanzha audit revoke 撤销。"
    audits.refuse_double_deduction(led, {"case_no": "G3"}, except_audit=scene["neg"])  # itself excepted
    audits.refuse_double_deduction(led, {"case_no": "G1"})


def test_verify(led, scene):
    with pytest.raises(FanzhaError) as e:
        audits.verify(led, str(scene["pending"]), negligent=None, note="x")
    assert e.value.message == "须写明核实结论：--negligent（消极懈怠）或 --not-negligent（非消极懈怠）。"
    out = audits.verify(led, f"#{scene['pending']}", negligent=True, note=" 无宣传记录 ", officer="FJ0101",
                        date="2022-03-20")
    assert out == {"audit_id": scene["pending"], "entry_id": out["entry_id"], "case_no": "G1", "status": "negligent",
                   "verified_on": "2022-03-20", "officer": {"badge": "FJ0101", "name": "宋金凤", "role": "auxiliary",
                                                             "department": STATION, "departments": [STATION]}}
    listed = {a["audit_id"]: a for a in audits.list_audits(led, None, "2022-12-31", "negligent")}
    assert listed[scene["pending"]]["note"] == "无宣传记录"
    assert listed[scene["pending"]]["verified_on"] == "2022-03-20"
    assert (listed[scene["pending"]]["officer"], listed[scene["pending"]]["department"]) == ("FJ0101", STATION)


def test_verify_not_negligent(led, scene):
    out = audits.verify(led, scene["pending"], negligent=False, note="已宣传", date="2022-03-10")
    assert (out["status"], out["officer"], out["verified_on"]) == ("not_negligent", None, "2022-03-10")
    assert audits._charged_now(led, scene["pending"]) is None


def test_revoke(led, scene):
    out = audits.revoke(led, str(scene["neg"]), " 申诉成立 ")
    assert out == {"audit_id": scene["neg"], "entry_id": out["entry_id"], "case_no": "G3", "status": "revoked",
                   "officer": {"badge": "140101", "department": STATION, "departments": [STATION]}}
    row = audits.get_audit(led, scene["neg"])
    assert (row["status"], row["revocation_reason"]) == ("revoked", "申诉成立")


def _audit(n: int, status: str) -> dict:
    return {"audit_id": n, "status": status, "revocation_entry": 30, "revocation_reason": "申诉成立", "finding_entry": 20}


@pytest.mark.parametrize("status, wanted, message", [
    ("received", "pending", "回访 #7 中受害人反馈已收到面对面宣传，没有需要核实或撤销的扣分。"),
    ("received", "negligent", "回访 #7 中受害人反馈已收到面对面宣传，没有需要核实或撤销的扣分。"),
    ("revoked", "pending", "回访 #7 的扣分已于第 30 条记录撤销（申诉成立），不能重复撤销或核实。"),
    ("revoked", "negligent", "回访 #7 的扣分已于第 30 条记录撤销（申诉成立），不能重复撤销或核实。"),
    ("negligent", "pending", "回访 #7 已核实（核实：消极懈怠，已通报扣分，第 20 条记录），不能重复核实。"),
    ("not_negligent", "pending", "回访 #7 已核实（核实：非消极懈怠，第 20 条记录），不能重复核实。"),
    ("pending", "negligent", "回访 #7 尚未核实，没有扣分可撤销。"),
    ("not_negligent", "negligent", "回访 #7 的核实结论是非消极懈怠，没有扣分可撤销。"),
])
def test_each_state_refuses_word_for_word(status, wanted, message):
    with pytest.raises(FanzhaError) as e:
        audits._require_status(_audit(7, status), wanted)
    assert (e.value.message, e.value.hint) == (message, HINT_LIST)


@pytest.mark.parametrize("status", ["pending", "negligent"])
def test_the_wanted_state_passes(status):
    assert audits._require_status(_audit(7, status), status) is None


def test_get_audit_refusals_word_for_word(led, scene):
    with pytest.raises(FanzhaError) as e:
        audits.get_audit(led, "999")
    assert (e.value.message, e.value.hint) == ("没有编号为 999 的回访记录。", "用 fanzha audit list 查看回访记录及其编号。")
    void = corrections.void_audit(led, str(scene["pending"]), reason="重复登记")
    with pytest.raises(FanzhaError) as e:
        audits.get_audit(led, scene["pending"])
    assert e.value.message == f"回访 #{scene['pending']} 已于第 {void['entry_id']} 条记录作废（重复登记）。"
    assert e.value.hint == f"用 fanzha audit history {scene['pending']} 查看该回访的全部记录。"
    corrections.void_case(led, "G2", reason="误登")
    with pytest.raises(FanzhaError) as e:
        audits.get_audit(led, scene["received"])
    assert e.value.message == f"回访 #{scene['received']} 所回访的案件 G2 已作废。"
    assert e.value.hint == "用 fanzha case history G2 查看。"
    assert audits.get_audit(led, scene["received"], upto=scene["received"])["case_no"] == "G2"


def test_list_audits(led, scene):
    rows = audits.list_audits(led, None, "2022-12-31", None)
    by_case = {r["case_no"]: r for r in rows}
    assert by_case["G2"] | {"operator": None, "recorded_at": None} == {
        "audit_id": scene["received"], "case_no": "G2", "case_date": "2022-03-02", "audit_date": "2022-03-10",
        "publicity_received": True, "status": "received", "status_label": "已收到宣传", "officer": None,
        "department": None, "note": None, "verified_on": None, "revocation_reason": None, "operator": None,
        "recorded_at": None}
    assert by_case["G2"]["operator"] == "测试员" and by_case["G2"]["recorded_at"]
    assert (by_case["G1"]["publicity_received"], by_case["G1"]["status_label"]) == (False, "待核实")
    assert (by_case["G5"]["status_label"], by_case["G5"]["revocation_reason"], by_case["G5"]["note"]) == (
        "扣分已撤销（申诉成立）", "申诉成立：受害人记错", "经核实未入户宣传")
    assert by_case["G3"]["verified_on"] == "2022-12-31"  # verified at once, recorded after the campaign
    assert [r["case_no"] for r in audits.list_audits(led, None, "2022-12-31", "pending")] == ["G1"]
    assert audits.list_audits(led, "2022-03-11", "2022-12-31", None) == []
    assert [r["case_no"] for r in audits.list_audits(led, "2022-03-10", "2022-03-10", None, upto=scene["pending"])] == ["G1"]
    with pytest.raises(FanzhaError) as e:
        audits.list_audits(led, None, None, "done")
    assert (e.value.message, e.value.hint) == (
        "没有“done”这种回访状态。", "可选：received、pending、not_negligent、negligent、revoked。")


def test_list_audits_masks_a_phone_in_a_note(led, scene):
    audits.record(led, case_no="G1", date="2022-03-12", received="no", note="受害人电话 13812345678")
    row = next(r for r in audits.list_audits(led, None, "2022-12-31", None) if r["audit_date"] == "2022-03-12")
    assert "13812345678" not in row["note"]
    row = next(r for r in audits.list_audits(led, None, "2022-12-31", None, show_pii=True)
               if r["audit_date"] == "2022-03-12")
    assert row["note"] == "受害人电话 13812345678"


def test_a_finding_without_a_verification_date_counts_from_its_call_back(led, scene, monkeypatch):
    real = led.query

    def query(sql, *params):
        rows = real(sql, *params)
        return [{**r, "verified_on": None} for r in rows] if sql is audits.queries.AUDITS_IN_PERIOD else rows
    monkeypatch.setattr(led, "query", query)
    by_case = {r["case_no"]: r for r in audits.list_audits(led, None, "2022-12-31", None)}
    assert (by_case["G3"]["verified_on"], by_case["G1"]["verified_on"]) == ("2022-03-10", None)


def test_grid_north_is_paired_with_140101(led):
    assert audits.responsible(led, _case("grid", GRID_NORTH), None)["badge"] == "140101"


def test_what_a_department_only_call_back_charges_now(led):
    a = audits.record(led, case_no="U1", date="2022-03-12", received="no", verified_negligent=True,
                      verify_date="2022-03-12")["audit_id"]
    assert audits._charged_now(led, a) == {"badge": None, "department": None, "departments": ["办公室"]}
    assert audits.revoke(led, str(a), "申诉成立")["officer"] == {"badge": None, "department": None,
                                                               "departments": ["办公室"]}


def test_a_call_back_on_the_case_date_itself(led):
    out = audits.record(led, case_no="G1", date="2022-03-01", received="no", verified_negligent=True,
                        verify_date="2022-03-01")
    assert (out["status"], out["verified_on"]) == ("negligent", "2022-03-01")
    row = next(r for r in audits.list_audits(led, None, "2022-12-31", "negligent") if r["audit_id"] == out["audit_id"])
    assert row["note"] is None


def test_verify_and_revoke_need_their_text_word_for_word(led, scene):
    with pytest.raises(FanzhaError) as e:
        audits.revoke(led, str(scene["neg"]), "  ")
    assert (e.value.message, e.value.hint) == ("撤销原因（--reason）不能为空。", "用 --reason 写明申诉成立的理由和依据。")
    with pytest.raises(FanzhaError) as e:
        audits.verify(led, str(scene["pending"]), negligent=True, note=" ")
    assert (e.value.message, e.value.hint) == ("核实说明（--note）不能为空。", "用 --note 写明核实经过与依据。")


def test_an_audit_id_with_a_letter_is_no_number():
    with pytest.raises(FanzhaError) as e:
        audits.parse_audit_id("X1")
    assert e.value.message == "回访编号应为数字：'X1'"


def test_list_audits_up_to_a_day_or_today(led):
    assert audits.list_audits(led, None, "2022-03-09", None) == []
    assert audits.list_audits(led, None, None, None, today=dt.date(2022, 3, 9)) == []
    assert len(audits.list_audits(led, None, None, None, today=dt.date(2022, 3, 10))) == 5


def test_a_call_back_amended_then_voided_word_for_word(led, scene):
    n = scene["pending"]
    corrections.amend_audit(led, str(n), reason="改备注", note="新备注")
    void = corrections.void_audit(led, str(n), reason="重复登记")
    with pytest.raises(FanzhaError) as e:
        audits.get_audit(led, n)
    assert e.value.message == f"回访 #{n} 已于第 {void['entry_id']} 条记录作废（重复登记）。"


def test_call_backs_with_notes_keep_the_chain_whole(led):
    from fanzha_cli import verify

    audits.record(led, case_no="G1", date="2022-03-12", received="no", officer="FJ0101", note="未见宣传")
    audits.record(led, case_no="G1", date="2022-03-13", received="no", verified_negligent=True, note="核实")
    assert verify.problems(led) == []
