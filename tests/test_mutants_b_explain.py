"""`discipline explain` (discipline.explain, _case_fact, _audit_fact) pinned down for mutation
testing: every entry behind a count, each summary word for word, masked unless asked, as of
an entry, and only inside the discipline window."""

from __future__ import annotations

import pytest

from fanzha_cli import audits, cases, corrections, discipline
from fanzha_cli.discipline import Rules

from .casework import GRID, STATION, opened, scene, scene_template  # noqa: F401

CASE_G3 = "登记案件 G3：2022-03-03 发案，网络贷款诈骗，网格：蔚汾镇北坡社区网格，损失 12000.50 元，受害人 {victim}"
CALL_BACK = "回访 #{n}（案件 {case}）：{day} 受害人反馈未收到面对面宣传"
VERIFIED = "核实回访 #{n}：消极懈怠、宣传未到位，通报扣分：单位 蔚汾派出所、民辅警 {who}"


@pytest.fixture
def history(scene, db_path):
    """The scene, then: G3 amended (loss) and its call-back amended (a phone in the note); G6
    charged to 140101 and its call-back voided; a talk with the station's head recorded and
    voided; G4 (140102's) voided."""
    with opened(db_path) as led:
        ids = dict(scene)
        ids["amend_case"] = corrections.amend_case(led, "G3", reason="金额更正", loss="500")["entry_id"]
        ids["amend_audit"] = corrections.amend_audit(led, str(scene["neg"]), reason="补充说明",
                                                     note="受害人电话 13812345678")["entry_id"]
        ids["G6"] = cases.add_case(led, case_no="G6", date="2022-03-07", type_="online_loan", grid=GRID)["entry_id"]
        ids["a6"] = audits.record(led, case_no="G6", date="2022-03-12", received="no", verified_negligent=True,
                                  verify_date="2022-03-12", note="未入户")["audit_id"]
        ids["void_a6"] = corrections.void_audit(led, str(ids["a6"]), reason="回访对象错误")["entry_id"]
        step = discipline.record_step(led, officer=None, dept=STATION, step="talk", date="2022-04-01",
                                      note="约谈 13812345678")
        ids["step"] = step["entry_id"]
        ids["void_step"] = discipline.void_step(led, str(step["entry_id"]), reason="误记")["entry_id"]
        ids["void_G4"] = corrections.void_case(led, "G4", reason="重复登记")["entry_id"]
    return ids


def _entries(e) -> list[tuple]:
    return [(x["entry_id"], x["role"], x["case_no"], x.get("audit_id"), x["reason"], x["summary"]) for x in e["entries"]]


def test_every_entry_behind_an_officers_count(history, db_path):
    h = history
    with opened(db_path) as led:
        e = discipline.explain(led, officer="140101", dept=None)
    assert {k: e[k] for k in ("subject_kind", "subject", "name", "department", "deductions", "due")} == {
        "subject_kind": "officer", "subject": "140101", "name": "王建军（140101）", "department": STATION,
        "deductions": 1, "due": None}
    assert e["window"] == {"name": "routine_period", "label": "全年常态化期", "start": "2022-01-01", "end": "2022-12-31"}
    assert e["deduction_items"] == [
        {"audit_id": h["neg"], "case_no": "G3", "case_date": "2022-03-03", "officer": "140101", "department": STATION,
         "counts": True},
        {"audit_id": h["rev"], "case_no": "G5", "case_date": "2022-03-05", "officer": "140101", "department": STATION,
         "counts": False},
        {"audit_id": h["a6"], "case_no": "G6", "case_date": "2022-03-07", "officer": "140101", "department": STATION,
         "counts": False},
    ]
    n, r, a6 = h["neg"], h["rev"], h["a6"]
    assert _entries(e) == [
        (h["G3"], "case", "G3", None, None, CASE_G3.format(victim="张*三")),
        (h["G5"], "case", "G5", None, None, "登记案件 G5：2022-03-05 发案，网络贷款诈骗，网格：蔚汾镇东关社区网格"),
        (n, "audit", "G3", n, None, CALL_BACK.format(n=n, case="G3", day="2022-03-10")),
        (n + 1, "verification", "G3", n, "回访时即核实", VERIFIED.format(n=n, who="王建军（140101）")),
        (r, "audit", "G5", r, None, CALL_BACK.format(n=r, case="G5", day="2022-03-10")),
        (r + 1, "verification", "G5", r, "经核实未入户宣传",
         VERIFIED.format(n=r, who="王建军（140101）") + "；经核实未入户宣传"),
        (h["revocation"], "revocation", "G5", r, "申诉成立：受害人记错", f"撤销回访 #{r} 的扣分（申诉成立）：申诉成立：受害人记错"),
        (h["amend_case"], "case_amend", "G3", None, "金额更正",
         "更正案件 G3：2022-03-03 发案，网络贷款诈骗，网格：蔚汾镇北坡社区网格，损失 500.00 元，受害人 张*三；原因：金额更正"),
        (h["amend_audit"], "audit_amend", "G3", n, "补充说明",
         "更正" + CALL_BACK.format(n=n, case="G3", day="2022-03-10") + "；受害人电话 138****5678；原因：补充说明"),
        (h["G6"], "case", "G6", None, None, "登记案件 G6：2022-03-07 发案，网络贷款诈骗，网格：蔚汾镇东关社区网格"),
        (a6, "audit", "G6", a6, None, CALL_BACK.format(n=a6, case="G6", day="2022-03-12") + "；未入户"),
        (a6 + 1, "verification", "G6", a6, "未入户", VERIFIED.format(n=a6, who="王建军（140101）") + "；未入户"),
        (h["void_a6"], "audit_void", None, a6, "回访对象错误", f"作废回访 #{a6}（其扣分不再计入）：回访对象错误"),
    ]
    first = e["entries"][0]
    assert (first["kind"], first["operator"], first["supersedes"], bool(first["recorded_at"])) == ("case", "测试员", None, True)
    assert (first["victim_name"], first["victim_phone"], first["victim_id_number"]) == (
        "张*三", "138****5678", "140123********1234")
    assert e["entries"][3]["supersedes"] == n
    assert e["steps"] == []


def test_every_entry_behind_a_departments_count(history, db_path):
    h = history
    with opened(db_path) as led:
        e = discipline.explain(led, officer=None, dept=STATION)
    assert (e["name"], e["deductions"], e["due"]) == (f"{STATION}负责人", 1, None)
    assert [(d["case_no"], d["officer"], d["counts"]) for d in e["deduction_items"]] == [
        ("G3", "140101", True), ("G4", "140102", False), ("G5", "140101", False), ("G6", "140101", False)]
    w = h["neg_west"]
    rows = _entries(e)
    assert (h["G4"], "case", "G4", None, None, "登记案件 G4：2022-03-04 发案，网络贷款诈骗，网格：蔚汾镇西关社区网格") in rows
    assert (w + 1, "verification", "G4", w, "回访时即核实", VERIFIED.format(n=w, who="黄桂兰（140102）")) in rows
    assert rows[-1] == (h["void_G4"], "case_void", "G4", None, "重复登记", "作废案件 G4（其扣分不再计入）：重复登记")
    assert [x[0] for x in rows] == sorted(x[0] for x in rows) and len(rows) == 17
    assert e["steps"] == [{
        "entry_id": h["step"], "step": "talk", "label": "约谈", "step_date": "2022-04-01", "at_count": 2,
        "note": "约谈 138****5678", "operator": "测试员", "recorded_at": e["steps"][0]["recorded_at"], "voided": True,
        "void_entry": h["void_step"], "void_reason": "误记"}]


def test_explain_shows_victims_and_notes_when_asked(history, db_path):
    with opened(db_path) as led:
        e = discipline.explain(led, officer="140101", dept=None, show_pii=True)
        d = discipline.explain(led, officer=None, dept=STATION, show_pii=True)
    first = e["entries"][0]
    assert first["summary"] == CASE_G3.format(victim="张小三")
    assert (first["victim_name"], first["victim_phone"], first["victim_id_number"]) == (
        "张小三", "13812345678", "140123199001011234")
    assert any("受害人电话 13812345678；原因：补充说明" in x["summary"] for x in e["entries"])
    assert d["steps"][0]["note"] == "约谈 13812345678"


def test_explain_as_of_an_entry(history, db_path):
    h = history
    with opened(db_path) as led:
        e = discipline.explain(led, officer="140101", dept=None, upto=h["neg"] + 1)
        d = discipline.explain(led, officer=None, dept=STATION, upto=h["void_step"] - 1)
    assert [(x["case_no"], x["counts"]) for x in e["deduction_items"]] == [("G3", True)]
    assert [x["role"] for x in e["entries"]] == ["case", "audit", "verification"]
    assert e["entries"][0]["summary"] == CASE_G3.format(victim="张*三")  # before the amendment
    assert e["deductions"] == 1
    assert d["deductions"] == 2 and d["due"] == "talk"
    assert [(s["entry_id"], s["voided"]) for s in d["steps"]] == [(h["step"], False)]


def test_explain_counts_only_inside_the_window(history, db_path, monkeypatch):
    narrow = Rules("routine_period", "2022-03-04", "2022-12-31", 2, 3, ("talk",), ("accountability",))
    monkeypatch.setattr(discipline, "rules", lambda led: narrow)
    with opened(db_path) as led:
        e = discipline.explain(led, officer="140101", dept=None)
        edge = discipline.explain(led, officer=None, dept=STATION)
    assert [x["case_no"] for x in e["deduction_items"]] == ["G5", "G6"] and e["deductions"] == 0
    assert "G3" not in {x["case_no"] for x in e["entries"]}
    assert [x["case_no"] for x in edge["deduction_items"]] == ["G4", "G5", "G6"]  # G4 on the first day
    monkeypatch.setattr(discipline, "rules", lambda led: Rules("x", "2022-01-01", "2022-03-05", 2, 3, (), ()))
    with opened(db_path) as led:
        e = discipline.explain(led, officer="140101", dept=None)
    assert [x["case_no"] for x in e["deduction_items"]] == ["G3", "G5"]  # G5 on the last day


def test_a_department_charged_without_an_officer(scene, db_path):
    with opened(db_path) as led:
        a = audits.record(led, case_no="U1", date="2022-03-12", received="no", verified_negligent=True,
                          verify_date="2022-03-12")["audit_id"]
        e = discipline.explain(led, officer=None, dept="办公室")
    assert e["deductions"] == 1
    assert [(x["role"], x["summary"]) for x in e["entries"]] == [
        ("case", "登记案件 U1：2022-03-06 发案，网络贷款诈骗，单位：财政局"),
        ("audit", CALL_BACK.format(n=a, case="U1", day="2022-03-12")),
        ("verification", f"核实回访 #{a}：消极懈怠、宣传未到位，通报扣分：单位 办公室"),
    ]
    assert e["deduction_items"][0]["officer"] is None


def test_case_facts():
    names = {"online_loan": "网络贷款诈骗"}
    v = {"action": "add", "case_no": "K1", "case_date": "2022-03-01", "fraud_type": "odd", "target_kind": "odd",
         "target": "某处", "loss_fen": None, "victim_name": None, "victim_phone": None, "victim_id_number": None,
         "reason": None}
    assert discipline._case_fact(v, names, False) == {
        "role": "case", "case_no": "K1", "victim_name": None, "victim_phone": None, "victim_id_number": None,
        "summary": "登记案件 K1：2022-03-01 发案，odd，odd：某处"}
    place = {**v, "fraud_type": "online_loan", "target_kind": "place", "loss_fen": 0, "action": "amend", "reason": "改"}
    assert discipline._case_fact(place, names, False)["summary"] == (
        "更正案件 K1：2022-03-01 发案，网络贷款诈骗，地点：某处，损失 0.00 元；原因：改")
    unit = {**v, "target_kind": "unit", "victim_name": "李四"}
    assert discipline._case_fact(unit, names, False)["summary"] == "登记案件 K1：2022-03-01 发案，odd，单位：某处，受害人 李*"
    assert discipline._case_fact({**v, "action": "void", "reason": "误登"}, names, False) == {
        "role": "case_void", "case_no": "K1", "summary": "作废案件 K1（其扣分不再计入）：误登"}


def test_audit_facts():
    v = {"action": "add", "case_no": "K1", "audit_date": "2022-03-02", "publicity_received": 1, "note": None,
         "reason": None}
    assert discipline._audit_fact(3, v, False) == {
        "role": "audit", "audit_id": 3, "case_no": "K1", "summary": "回访 #3（案件 K1）：2022-03-02 受害人反馈已收到面对面宣传"}
    amend = {**v, "action": "amend", "publicity_received": 0, "note": "", "reason": "改"}
    assert discipline._audit_fact(3, amend, False) == {
        "role": "audit_amend", "audit_id": 3, "case_no": "K1",
        "summary": "更正回访 #3（案件 K1）：2022-03-02 受害人反馈未收到面对面宣传；原因：改"}
    assert discipline._audit_fact(3, {**v, "action": "void", "reason": "错"}, False) == {
        "role": "audit_void", "audit_id": 3, "case_no": None, "summary": "作废回访 #3（其扣分不再计入）：错"}


def test_a_shared_units_deduction_is_shown_under_each_department_as_its_own(scene, db_path):
    """检察院 is paired with 刑侦大队 and 督察大队: one call-back charges both. Each one's
    explanation shows its own deduction (not the other's), counting, then voided."""
    with opened(db_path) as led:
        cases.add_case(led, case_no="S1", date="2022-03-07", type_="online_loan", unit="检察院")
        a = audits.record(led, case_no="S1", date="2022-03-10", received="no", verified_negligent=True,
                          verify_date="2022-03-10")["audit_id"]
        live = {d: discipline.explain(led, officer=None, dept=d) for d in ("刑侦大队", "督察大队")}
        corrections.void_audit(led, str(a), reason="回访对象错误")
        gone = {d: discipline.explain(led, officer=None, dept=d) for d in ("刑侦大队", "督察大队")}
    for dept in ("刑侦大队", "督察大队"):
        assert [(x["audit_id"], x["case_no"], x["department"], x["counts"]) for x in live[dept]["deduction_items"]] == [
            (a, "S1", dept, True)]
        assert live[dept]["deductions"] == 1
        assert [(x["department"], x["counts"]) for x in gone[dept]["deduction_items"]] == [(dept, False)]
        assert gone[dept]["deductions"] == 0


def test_an_officer_gone_from_the_latest_plan_is_named_as_on_the_case_date(scene, db_path, cli, tmp_path):
    """140103 charged on a March case, then left out of the plan from June: the finding names
    him as the plan in force on the case date did (the latest plan has no name for him)."""
    from .casework import plan_variant
    gone = plan_variant(tmp_path, "gone.yaml", {
        '      - {badge: "140103", name: 高德胜, role: police}\n': "",
        'officers: ["140103", "FJ0103"]': 'officers: ["FJ0103"]'})
    with opened(db_path) as led:
        cases.add_case(led, case_no="S2", date="2022-03-08", type_="online_loan", grid="蔚汾镇南关社区网格")
        a = audits.record(led, case_no="S2", date="2022-03-10", received="no", verified_negligent=True,
                          verify_date="2022-03-10")["audit_id"]
    cli.ok("plan", "load", gone, "--effective", "2022-06-01", "--reason", "高德胜调离")
    with opened(db_path) as led:
        e = discipline.explain(led, officer=None, dept=STATION)
    found = [x["summary"] for x in e["entries"] if x["role"] == "verification" and x["audit_id"] == a]
    assert found == [VERIFIED.format(n=a, who="高德胜（140103）")]


def test_a_findings_note_and_an_entrys_reason_are_masked_unless_asked(scene, db_path):
    """The verification's note is its entry's reason and ends its summary: a phone in it is
    masked in both, and shown in both with show_pii."""
    with opened(db_path) as led:
        audits.verify(led, str(scene["pending"]), negligent=True, note="受害人电话 13812345678 不实")
        masked = discipline.explain(led, officer="140101", dept=None)
        shown = discipline.explain(led, officer="140101", dept=None, show_pii=True)
    n = scene["pending"]
    for e, phone in ((masked, "138****5678"), (shown, "13812345678")):
        [x] = [x for x in e["entries"] if x["role"] == "verification" and x["audit_id"] == n]
        assert x["reason"] == f"受害人电话 {phone} 不实"
        assert x["summary"] == VERIFIED.format(n=n, who="王建军（140101）") + f"；受害人电话 {phone} 不实"
