"""Call-backs: recorded, verified, revoked as new entries; the responsible officer per the plan
in force on the case date; every refusal leaves the ledger as it was."""

from __future__ import annotations

import sqlite3

import pytest

from .casework import (  # noqa: F401
    GRID, PAIRED_EAST, STATION, add_case, audit, explain, failed, negligent, plan_variant,
    scene, scene_template,
)


def _audits(cli, **status) -> dict[str, dict]:
    return {a["case_no"]: a for a in cli.json("audit", "list", *sum((["--status", s] for s in status.values()), []))}


def test_each_call_back_state_is_derived_from_the_entries(cli, scene, db_path):
    rows = _audits(cli)
    assert {n: (a["status"], a["officer"], a["department"]) for n, a in rows.items()} == {
        "G1": ("pending", None, None),
        "G2": ("received", None, None),
        "G3": ("negligent", "140101", STATION),
        "G4": ("negligent", "140102", STATION),
        "G5": ("revoked", "140101", STATION),
    }
    assert rows["G2"]["publicity_received"] is True and rows["G5"]["revocation_reason"] == "申诉成立：受害人记错"
    assert [a["case_no"] for a in cli.json("audit", "list", "--status", "pending")] == ["G1"]
    # Settling and revoking appended entries that point at what they settle; nothing was updated.
    conn = sqlite3.connect(db_path)
    kinds = conn.execute("SELECT kind, supersedes, reason FROM entries WHERE id > ? ORDER BY id", (scene["pending"],)).fetchall()
    assert kinds == [
        ("audit", None, None),  # G2 received
        ("audit", None, None), ("audit_verify", scene["neg"], "回访时即核实"),  # G3 verified at once
        ("audit", None, None), ("audit_verify", scene["neg_west"], "回访时即核实"),
        ("audit", None, None), ("audit_verify", scene["rev"], "经核实未入户宣传"),
        ("audit_revoke", scene["rev"] + 1, "申诉成立：受害人记错"),
    ]
    assert "待核实" in cli.ok("audit", "list").stdout
    assert cli.ok("audit", "list", "--format", "csv").stdout.startswith("回访编号,案件编号")
    cli.ok("db", "verify")


def test_verify_settles_a_pending_call_back(cli, scene):
    result = cli.ok("audit", "verify", scene["pending"], "--not-negligent", "--note", "已入户宣传，有签字的承诺书")
    assert "非消极懈怠，不扣分" in result.stderr
    assert _audits(cli)["G1"]["status"] == "not_negligent"
    assert explain(cli, "--officer", "140101")["deductions"] == 1  # unchanged
    cli.ok("db", "verify")


def test_verify_negligent_deducts_officer_and_department(cli, scene):
    result = cli.ok("audit", "verify", scene["pending"], "--negligent", "--note", "网格内无宣传记录")
    assert "王建军（140101）：累计通报扣分 2 次，已达约谈、责令再宣传标准" in result.stderr
    assert "蔚汾派出所负责人：累计通报扣分 3 次，已达严肃问责标准" in result.stderr
    assert _audits(cli)["G1"]["status"] == "negligent"


@pytest.mark.parametrize("word, received", [("yes", True), ("是", True), ("no", False), ("否", False), ("YES", True)])
def test_publicity_received_in_english_or_chinese(cli, scene, word, received):
    audit(cli, "U1", "2022-03-10", word)
    assert _audits(cli)["U1"]["publicity_received"] is received


def test_responsible_officer_is_the_one_paired_on_the_case_date(cli, loaded, tmp_path):
    repaired = plan_variant(tmp_path, "repaired.yaml", {PAIRED_EAST: 'officers: ["140103", "FJ0103"]'})
    cli.ok("plan", "load", repaired, "--effective", "2022-06-01", "--reason", "东关网格重新结对")
    negligent(cli, "R1", "2022-05-31")  # called back after the re-pairing, judged on the case date
    negligent(cli, "R2", "2022-06-01")
    rows = _audits(cli)
    assert (rows["R1"]["officer"], rows["R2"]["officer"]) == ("140101", "140103")
    # A named officer overrides the pairing; the department is that officer's station.
    negligent(cli, "R3", "2022-06-02", GRID, "--officer", "140201")
    assert (_audits(cli)["R3"]["officer"], _audits(cli)["R3"]["department"]) == ("140201", "魏家滩派出所")
    cli.ok("db", "verify")


def test_the_sworn_officer_answers_before_the_auxiliary_then_the_lowest_badge(cli, tmp_path):
    # An auxiliary whose number sorts first, and two sworn officers: the lower police badge answers.
    plan = plan_variant(tmp_path, "p.yaml", {PAIRED_EAST: 'officers: ["FJ0101", "140103", "140102"]',
                                            '{badge: "FJ0101"': '{badge: "000001"'})
    plan.write_text(plan.read_text(encoding="utf-8").replace('"FJ0101"', '"000001"'), encoding="utf-8")
    cli.ok("plan", "load", plan)
    negligent(cli, "P1")
    assert _audits(cli)["P1"]["officer"] == "140102"


OFFICE_OFFICERS = ("    units:\n      - {name: 县人大各工作委员会",
                   "    officers:\n      - {badge: \"110001\", name: 赵办公, role: police}\n"
                   "    units:\n      - {name: 县人大各工作委员会")


def test_a_unit_case_charges_its_paired_department_and_only_its_officers(cli, tmp_path, unchanged):
    # 财政局 is paired with 办公室: a negligent call-back charges 办公室 (its head), not the
    # station of whatever officer is named; a station officer is refused, naming 办公室.
    cli.ok("plan", "load", plan_variant(tmp_path, "office.yaml", dict([OFFICE_OFFICERS])))
    add_case(cli, "U1", "2022-03-06", None, "--unit", "财政局")
    failed(cli, unchanged, ["audit", "record", "--case", "U1", "--date", "2022-03-10", "--publicity-received", "no",
                            "--verified-negligent", "--officer", "140101"],
           "王建军（140101）属于蔚汾派出所", "包联科所队（办公室）")
    pending = audit(cli, "U1")
    failed(cli, unchanged, ["audit", "verify", pending, "--negligent", "--note", "x", "--officer", "140101"], "（办公室）")
    cli.ok("audit", "verify", pending, "--negligent", "--note", "包联民警未宣传", "--officer", "110001")
    row = _audits(cli)["U1"]
    assert (row["officer"], row["department"]) == ("110001", "办公室")
    assert explain(cli, "--dept", "办公室")["deductions"] == 1
    assert explain(cli, "--dept", "蔚汾派出所")["deductions"] == 0


def test_a_unit_case_with_no_officer_named_still_counts_for_the_head(cli, scene):
    # Twice at 办公室's units without an officer: its head is due a warning talk.
    add_case(cli, "U2", "2022-03-07", None, "--unit", "审计局")
    audit(cli, "U1", "2022-03-10", "no", "--verified-negligent")
    audit(cli, "U2", "2022-03-10", "no", "--verified-negligent")
    row = _audits(cli)["U1"]
    assert (row["officer"], row["department"]) == (None, "办公室")
    items = {(i["subject_kind"], i["subject"]): i for i in cli.json("discipline", "list")["items"]}
    assert items[("department", "办公室")]["deductions"] == 2 and items[("department", "办公室")]["due"] == "talk"


def test_a_shared_unit_charges_each_of_its_departments(cli, scene):
    add_case(cli, "S1", "2022-03-07", None, "--unit", "检察院")
    audit(cli, "S1", "2022-03-10", "no", "--verified-negligent")
    assert _audits(cli)["S1"]["department"] == "刑侦大队、督察大队"
    for dept in ("刑侦大队", "督察大队"):
        assert explain(cli, "--dept", dept)["deductions"] == 1


def test_an_officer_named_at_the_call_back_is_used_when_verified(cli, tmp_path):
    cli.ok("plan", "load", plan_variant(tmp_path, "office.yaml", dict([OFFICE_OFFICERS])))
    add_case(cli, "U1", "2022-03-06", None, "--unit", "财政局")
    pending = audit(cli, "U1", "2022-03-10", "no", "--officer", "110001")
    cli.ok("audit", "verify", pending, "--negligent", "--note", "核实")
    assert _audits(cli)["U1"]["officer"] == "110001"


def test_a_grid_with_no_paired_officer_needs_a_named_one(cli, loaded, unchanged, tmp_path):
    plan = plan_variant(tmp_path, "unpaired.yaml", {PAIRED_EAST: "officers: []"})
    cli.ok("plan", "load", plan, "--effective", "2022-02-01", "--reason", "东关网格暂未结对")
    add_case(cli, "E1", "2022-02-10")
    failed(cli, unchanged, ["audit", "record", "--case", "E1", "--date", "2022-03-10", "--publicity-received", "no",
                            "--verified-negligent"], f"网格“{GRID}”在发案日期 2022-02-10 没有结对的民辅警", "--officer")
    audit(cli, "E1", "2022-03-10", "no", "--verified-negligent", "--officer", "FJ0101")
    assert _audits(cli)["E1"]["officer"] == "FJ0101"


def test_a_revoked_case_can_be_deducted_again_on_a_new_call_back(cli, scene):
    audit(cli, "G5", "2022-04-01", "no", "--verified-negligent", "--officer", "140103")
    assert _audits(cli)["G5"]["officer"] == "140103"


def _record(no, *extra, date="2022-03-10", received="no"):
    return ["audit", "record", "--case", no, "--date", date, "--publicity-received", received, *extra]


# {name} in an argument or a message stands for the id of that record in the scene.
@pytest.mark.parametrize("args, words", [
    (_record("X9"), ["没有编号为“X9”的案件"]),
    (_record("G1", date="2023-01-05"), ["回访日期 2023-01-05 不在活动期 2022-01-01 至 2022-12-31 内"]),
    (_record("G3", date="2022-03-02"), ["回访日期 2022-03-02 早于发案日期 2022-03-03"]),
    (_record("G1", received="maybe"), ["--publicity-received 的值不对"]),
    (_record("G1", "--verified-negligent", received="yes"), ["已收到面对面宣传，不能同时认定"]),
    (_record("G1", "--verified-negligent", "--officer", "999999"), ["没有名为“999999”的民辅警（警号）"]),
    (_record("G3", "--verified-negligent", date="2022-03-11"), ["案件 G3 已因回访 #{neg} 通报扣分，同一案件不重复扣分"]),
    (_record("G3"), ["案件 G3 在 2022-03-10 的回访（未收到面对面宣传）已登记为回访 #{neg}，不能重复登记", "audit amend {neg}"]),
    (_record("g3", received="no"), ["已登记为回访 #{neg}"]),
    (["audit", "verify", "{neg}", "--negligent", "--note", "x"], ["回访 #{neg} 已核实", "不能重复核实"]),
    (["audit", "verify", "{neg}", "--not-negligent", "--note", "x"], ["不能重复核实"]),
    (["audit", "verify", "{received}", "--negligent", "--note", "x"], ["受害人反馈已收到面对面宣传"]),
    (["audit", "verify", "{rev}", "--negligent", "--note", "x"], ["已于第", "撤销"]),
    (["audit", "verify", "{pending}", "--note", "x"], ["须写明核实结论"]),
    (["audit", "verify", "{pending}", "--negligent"], ["核实说明（--note）不能为空"]),
    (["audit", "verify", "999", "--negligent", "--note", "x"], ["没有编号为 999 的回访记录"]),
    (["audit", "verify", "abc", "--negligent", "--note", "x"], ["回访编号应为数字"]),
    (["audit", "revoke", "{rev}", "--reason", "再次申诉"], ["回访 #{rev} 的扣分已于第 {revocation} 条记录撤销", "不能重复撤销"]),
    (["audit", "revoke", "{pending}", "--reason", "x"], ["尚未核实，没有扣分可撤销"]),
    (["audit", "revoke", "{received}", "--reason", "x"], ["已收到面对面宣传"]),
    (["audit", "revoke", "{neg}", "--reason", "  "], ["撤销原因（--reason）不能为空"]),
    (["audit", "list", "--status", "done"], ["没有“done”这种回访状态"]),
])
def test_bad_call_backs_are_refused_and_change_nothing(cli, scene, unchanged, args, words):
    failed(cli, unchanged, [a.format(**scene) for a in args], *(w.format(**scene) for w in words))


def test_a_not_negligent_finding_cannot_be_revoked(cli, scene, unchanged):
    cli.ok("audit", "verify", scene["pending"], "--not-negligent", "--note", "已宣传")
    failed(cli, unchanged, ["audit", "revoke", scene["pending"], "--reason", "x"], "非消极懈怠，没有扣分可撤销")


def test_new_tables_are_in_the_chain_and_refuse_update_and_delete(cli, scene, db_path):
    from fanzha_cli.chain import ledger_tables

    conn = sqlite3.connect(db_path)
    tables = {"cases", "audits", "audit_findings", "deductions", "audit_revocations", "discipline_steps", "dissuasions",
              "case_versions", "deduction_changes", "audit_versions", "dissuasion_versions", "discipline_voids"}
    assert tables <= set(ledger_tables(conn))
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {f"{t}_no_{a}" for t in tables for a in ("update", "delete")} <= triggers
    for sql in ("UPDATE deductions SET subject = 'x'", "DELETE FROM audit_revocations", "UPDATE cases SET loss_fen = 0",
                "DELETE FROM audit_findings", "UPDATE audits SET publicity_received = 1"):
        with pytest.raises(sqlite3.DatabaseError, match="账本只可追加"):
            conn.execute(sql)
