"""Corrections the append-only way (issue 12): case, call-back, dissuasion and discipline
amend/void/history; what depends on a case following its current version; case numbers that
cannot be doubled by accident; PII typed into notes. Every refusal: Chinese, exit 1, ledger unchanged."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from fanzha_cli import ledger
from fanzha_cli.settings import Settings

from .casework import (  # noqa: F401
    GRID, GRID_NORTH, GRID_WEST, STATION, add_case, audit, due, entry_id, explain, failed,
    plan_variant, scene, scene_template,
)
from .conftest import PLAN


def _cases(cli, *args) -> dict[str, dict]:
    return {c["case_no"]: c for c in cli.json("case", "list", "--to", "2022-12-31", *args)}


def _audits(cli) -> dict[int, dict]:
    return {a["audit_id"]: a for a in cli.json("audit", "list", "--to", "2022-12-31")}


def _zero_targets(cli) -> set[tuple[str, str]]:
    return {(t["target_kind"], t["target"]) for t in cli.json("zero-case", "--to", "2022-12-31")["targets"]}


def _count(cli, *who) -> int:
    return explain(cli, *who)["deductions"]


# --- case numbers ---

@pytest.mark.parametrize("typed", ["xg2022001", "ＸＧ２０２２００１", " XG2022001 ", "Xg２０２２００１"])
def test_a_case_number_in_another_case_or_width_is_the_same_case(cli, loaded, unchanged, typed):
    add_case(cli, "XG2022001")
    result = failed(cli, unchanged, ["case", "add", "--case-no", typed, "--date", "2022-03-02", "--type", "online_loan",
                                     "--grid", GRID], "案件编号 XG2022001 已登记（第", "不能重复登记",
                    "fanzha case amend XG2022001", "fanzha case void XG2022001")
    assert "联系反诈中心" not in result.stderr
    # Every command finds the case however it is typed.
    assert cli.json("case", "history", typed)["case_no"] == "XG2022001"
    audit(cli, typed, "2022-03-10", "yes")


def test_case_numbers_are_stored_normalised(cli, loaded):
    add_case(cli, " ｘｇ-7 ")
    assert list(_cases(cli)) == ["XG-7"]


@pytest.mark.parametrize("number, words", [
    ("A" * 65, ["案件编号太长（65 个字符），最多 64 个字符"]),
    ("XG\x07001", ["含有控制字符"]),
    ("XG\u200b001", ["含有控制字符"]),
    ("   ", ["案件编号不能为空"]),
])
def test_bad_case_numbers_are_refused(cli, loaded, unchanged, number, words):
    failed(cli, unchanged, ["case", "add", "--case-no", number, "--date", "2022-03-02", "--type", "online_loan",
                            "--grid", GRID], *words)
    cli.ok("case", "add", "--case-no", "A" * 64, "--date", "2022-03-02", "--type", "online_loan", "--grid", GRID)


def _old_ledger(db_path):
    """A ledger made before m006_corrections, holding case numbers that differ only in case
    or width (the old code compared them exactly) and a deduction on one of them."""
    conn = sqlite3.connect(str(db_path), isolation_level=None)
    old = sqlite_utils.Migrations("fanzha")
    from fanzha_cli.migrations import migrations

    old._migrations = [m for m in migrations._migrations if m.name < "m006"]
    conn.execute("BEGIN IMMEDIATE")
    old.apply(sqlite_utils.Database(conn))
    conn.execute("COMMIT")
    conn.close()


def test_an_old_ledger_with_numbers_differing_only_in_case_migrates_and_keeps_both(cli, db_path, unchanged):
    _old_ledger(db_path)
    cli.ok("plan", "load", PLAN)
    led = ledger.open_ledger(Settings(db_path=db_path, operator="旧版"))
    try:
        with led.write() as w:
            for no in ("AB1", "ab1", "ＣＤ１"):
                w.append("case", {"cases": [{"case_no": no, "case_date": "2022-03-01", "fraud_type": "online_loan",
                                             "target_kind": "grid", "target": GRID}]})
    finally:
        led.close()
    cli.ok("db", "verify")
    assert set(_cases(cli)) == {"AB1", "ab1", "ＣＤ１"}  # nothing lost, nothing merged
    # Each is reached by its number as stored; typed otherwise, the normalised one is meant.
    assert cli.json("case", "history", "ab1")["case_no"] == "ab1"
    assert cli.json("case", "history", "Ab1")["case_no"] == "AB1"
    assert cli.json("case", "history", "cd1")["case_no"] == "ＣＤ１"
    # A new add of either number is refused; the clerk voids the duplicate.
    failed(cli, unchanged, ["case", "add", "--case-no", "aB1", "--date", "2022-03-02", "--type", "online_loan",
                            "--grid", GRID], "不能重复登记")
    cli.ok("case", "void", "ab1", "--reason", "旧账本中重复登记")
    assert set(_cases(cli)) == {"AB1", "ＣＤ１"}
    cli.ok("db", "verify")


def test_an_ambiguous_legacy_number_is_refused_naming_both(cli, db_path, unchanged):
    _old_ledger(db_path)
    cli.ok("plan", "load", PLAN)
    led = ledger.open_ledger(Settings(db_path=db_path, operator="旧版"))
    try:
        with led.write() as w:
            for no in ("ef1", "Ef1"):
                w.append("case", {"cases": [{"case_no": no, "case_date": "2022-03-01", "fraud_type": "online_loan",
                                             "target_kind": "grid", "target": GRID}]})
    finally:
        led.close()
    failed(cli, unchanged, ["case", "history", "eF1"], "对应多起已登记的案件：ef1、Ef1", "fanzha case void")


def test_the_migration_keeps_every_old_entry_verifying(cli, scene, db_path):
    # The scene was written through the new code; a ledger made before the step is above.
    cli.ok("db", "verify")
    conn = sqlite3.connect(db_path)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'cases'").fetchone()[0]
    assert "'place'" in sql and "group_name" in sql


# --- case amend / void ---

def test_amending_a_grid_moves_the_deduction_and_the_zero_case(cli, scene):
    assert _count(cli, "--officer", "140101") == 1 and _count(cli, "--officer", "140102") == 1  # G3 north, G4 west
    assert ("grid", GRID_NORTH) not in _zero_targets(cli)
    result = cli.ok("case", "amend", "g3", "--grid", "蔚汾镇城内社区网格", "--reason", "网格填错，实为城内社区")
    assert "回访 #%d 的扣分随之改按更正后的案件计" % scene["neg"] in result.stderr
    # 城内 is paired with 140102 (民警) and FJ0103: the deduction moved to 140102.
    assert _count(cli, "--officer", "140101") == 0 and _count(cli, "--officer", "140102") == 2
    assert due(cli)[("officer", "140102")]["due"] == "talk"
    assert ("officer", "140101") not in due(cli)
    zero = _zero_targets(cli)
    assert ("grid", GRID_NORTH) in zero and ("grid", "蔚汾镇城内社区网格") not in zero
    assert _audits(cli)[scene["neg"]]["officer"] == "140102"
    # explain shows the correction and its reason, for the one who lost it and the one who got it.
    lost = explain(cli, "--officer", "140101")
    assert any(e["role"] == "case_amend" and e["reason"] == "网格填错，实为城内社区" for e in lost["entries"])
    assert [d["counts"] for d in lost["deduction_items"] if d["audit_id"] == scene["neg"]] == [False]
    got = explain(cli, "--officer", "140102")
    assert any("更正案件 G3" in e["summary"] and "城内社区网格" in e["summary"] for e in got["entries"])
    cli.ok("db", "verify")


def test_amending_to_a_place_clears_the_deduction_and_frees_the_grid(cli, scene):
    cli.ok("case", "amend", "G4", "--place", "县城农贸市场", "--reason", "受害人不住本网格")
    assert _count(cli, "--officer", "140102") == 0 and _count(cli, "--dept", STATION) == 1
    assert ("grid", GRID_WEST) in _zero_targets(cli)
    assert _cases(cli)["G4"]["place"] == "县城农贸市场"


def test_voiding_a_case_drops_its_deductions_and_its_zero_case(cli, scene):
    assert _count(cli, "--dept", STATION) == 2 and due(cli)[("department", STATION)]["due"] == "talk"
    result = cli.ok("case", "void", "G3", "--reason", "与 G4 重复登记")
    assert "的扣分不再计入" in result.stderr
    assert "G3" not in _cases(cli) and scene["neg"] not in _audits(cli)
    assert _count(cli, "--officer", "140101") == 0 and _count(cli, "--dept", STATION) == 1
    assert ("department", STATION) not in due(cli)
    assert ("grid", GRID_NORTH) in _zero_targets(cli)
    ex = explain(cli, "--officer", "140101")
    assert any(e["role"] == "case_void" and e["reason"] == "与 G4 重复登记" for e in ex["entries"])
    history = cli.json("case", "history", "G3")
    assert history["status"] == "void" and [v["action"] for v in history["versions"]] == ["add", "void"]
    cli.ok("db", "verify")


def test_case_history_shows_every_version_what_changed_and_masks_the_victim(cli, scene, db_path):
    cli.ok("case", "amend", "G1", "--loss", "300", "--type", "网络贷款诈骗", "--note", "受害人手机 13912345678",
           "--reason", "补录损失")
    cli.ok("case", "amend", "G1", "--date", "2022-03-02", "--reason", "日期填错")
    h = cli.json("case", "history", "G1")
    assert [v["action"] for v in h["versions"]] == ["add", "amend", "amend"]
    assert h["versions"][1]["changed"] == ["loss_fen", "note"] and h["versions"][1]["reason"] == "补录损失"
    assert h["versions"][2]["changed"] == ["case_date"] and h["versions"][2]["operator"] == "测试员"
    assert h["versions"][1]["values"]["victim_name"] == "张*三" and h["versions"][1]["values"]["note"] == "受害人手机 139****5678"
    shown = cli.json("case", "history", "G1", "--show-pii")["versions"][1]["values"]
    assert shown["victim_name"] == "张小三" and shown["note"] == "受害人手机 13912345678"
    table = cli.ok("case", "history", "G1").stdout
    assert "损失（元）：（空） → 300.00" in table and "13912345678" not in table
    # Each correction is an entry pointing at the case's latest one, with the reason.
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT kind, supersedes, reason FROM entries WHERE kind = 'case_amend' ORDER BY id").fetchall()
    assert rows == [("case_amend", scene["G1"], "补录损失"), ("case_amend", rows[1][1], "日期填错")]
    assert rows[1][1] > scene["revocation"]


@pytest.mark.parametrize("args, words", [
    (["case", "amend", "G1", "--loss", "1"], ["原因（--reason）不能为空"]),
    (["case", "amend", "G9", "--loss", "1", "--reason", "x"], ["没有编号为“G9”的案件"]),
    (["case", "amend", "G1", "--grid", GRID, "--reason", "x"], ["与现有记录完全相同"]),
    (["case", "amend", "G1", "--type", "online_loan", "--reason", "x"], ["与现有记录完全相同"]),
    (["case", "amend", "G1", "--date", "2023-01-02", "--reason", "x"], ["发案日期 2023-01-02 不在活动期"]),
    (["case", "amend", "G1", "--grid", "不存在的网格", "--reason", "x"], ["网格"]),
    (["case", "amend", "G1", "--grid", GRID, "--unit", "财政局", "--reason", "x"], ["三者选一"]),
    (["case", "amend", "G3", "--date", "2022-03-20", "--reason", "x"], ["回访 #{neg} 日期为 2022-03-10，早于更正后的发案日期"]),
    (["case", "amend", "G1", "--loss", "-1", "--reason", "x"], ["损失金额"]),
    (["case", "amend", "G1", "--group", "老年人", "--reason", "x"], ["没有“老年人”这个重点人群"]),
    (["case", "void", "G1"], ["原因（--reason）不能为空"]),
])
def test_bad_case_corrections_are_refused(cli, scene, unchanged, args, words):
    failed(cli, unchanged, [a.format(**scene) for a in args], *(w.format(**scene) for w in words))


def test_a_voided_case_cannot_be_amended_or_voided_again(cli, scene, unchanged):
    void = entry_id(cli.ok("case", "void", "G2", "--reason", "登记错误"))
    failed(cli, unchanged, ["case", "void", "G2", "--reason", "again"], f"已于第 {void} 条记录作废（登记错误）", "不能再更正或作废")
    failed(cli, unchanged, ["case", "amend", "G2", "--loss", "5", "--reason", "x"], "已于第", "作废")
    failed(cli, unchanged, ["audit", "record", "--case", "G2", "--date", "2022-03-11", "--publicity-received", "no"],
           "案件 G2 已于第")
    # A voided number stays taken: re-registering it is refused (history keeps it).
    failed(cli, unchanged, ["case", "add", "--case-no", "g2", "--date", "2022-03-02", "--type", "online_loan",
                            "--grid", GRID], "已作废", "不能重复登记")


def test_amending_into_a_grid_not_in_the_plan_on_that_date_is_refused(cli, loaded, unchanged, tmp_path):
    gone = plan_variant(tmp_path, "gone.yaml", {
        "      - name: 蔚汾镇城内社区网格\n        worker: 郝海燕\n        officers: [\"140102\", \"FJ0103\"]\n": ""})
    cli.ok("plan", "load", gone, "--effective", "2022-06-01", "--reason", "城内网格撤并")
    add_case(cli, "C1", "2022-03-01", "蔚汾镇城内社区网格")
    failed(cli, unchanged, ["case", "amend", "C1", "--date", "2022-07-01", "--reason", "日期填错"],
           "网格“蔚汾镇城内社区网格”在 2022-07-01 不在计划中")
    cli.ok("case", "amend", "C1", "--date", "2022-05-01", "--reason", "日期填错")


# --- place and group ---

def test_a_case_at_a_place_counts_in_the_county_and_charges_no_one(cli, loaded, unchanged):
    before = _zero_targets(cli)
    add_case(cli, "P1", "2022-02-08", None, "--place", "县城某超市", "--loss", "800", "--group", "学生群体")
    add_case(cli, "P2", "2022-02-09", GRID, "--loss", "200", "--group", "其他")
    assert _zero_targets(cli) == before - {("grid", GRID)}  # the place touched no pairing
    c = cli.json("weekly-circular", "--week", "2022-W06")
    assert c["summary"]["cases"] == 2 and c["summary"]["loss"] == "1000.00"
    assert [t["cases"] for t in c["summary"]["cases_by_type"]] == [2]
    items = {i["case_no"]: i for i in c["cases"]["items"]}
    assert items["P1"]["place"] == "县城某超市" and items["P1"]["department"] == "" and items["P2"]["place"] is None
    assert items["P1"]["group"] == "返乡学生群体" and items["P2"]["group"] == "其他"
    assert c["cases"]["by_group"] == [
        {"group": "返乡学生群体", "code": "returning_students", "cases": 1, "loss": "800.00"},
        {"group": "其他", "code": "other", "cases": 1, "loss": "200.00"},
    ]
    failed(cli, unchanged, ["audit", "record", "--case", "P1", "--date", "2022-02-10", "--publicity-received", "no",
                            "--verified-negligent"], "发生在包联单位和网格之外（县城某超市），不对任何人通报扣分")
    audit(cli, "P1", "2022-02-10", "no")  # the call-back itself is recorded


def test_groups_are_the_plans(cli, loaded, unchanged):
    add_case(cli, "W1", "2022-02-08", GRID, "--group", "外出务工人员")
    add_case(cli, "W2", "2022-02-08", GRID, "--group", "returning_students")
    assert {n: c["group"] for n, c in _cases(cli).items()} == {"W1": "migrant_workers", "W2": "returning_students"}
    failed(cli, unchanged, ["case", "add", "--case-no", "W3", "--date", "2022-02-08", "--type", "online_loan",
                            "--grid", GRID, "--group", "返乡"], "没有“返乡”这个重点人群", "返乡学生群体、返乡外出务工人员、其他")


def test_the_circular_by_group_reads_other_plan_groups(cli, tmp_path):
    # Groups come from the plan data, not from code.
    plan = plan_variant(tmp_path, "g.yaml", {"  - {code: migrant_workers, name: 返乡外出务工人员}\n":
                                              "  - {code: migrant_workers, name: 返乡外出务工人员}\n  - {code: elderly, name: 老年人}\n"})
    cli.ok("plan", "load", plan)
    add_case(cli, "E1", "2022-02-08", GRID, "--group", "老年人", "--loss", "5")
    assert cli.json("weekly-circular", "--week", "2022-W06")["cases"]["by_group"] == [
        {"group": "老年人", "code": "elderly", "cases": 1, "loss": "5.00"}]


# --- call-backs ---

def test_a_call_back_entered_against_the_wrong_case_is_moved_with_its_deduction(cli, scene, unchanged):
    add_case(cli, "G6", "2022-03-06", GRID_WEST)
    failed(cli, unchanged, ["audit", "amend", scene["neg"], "--case", "G4", "--reason", "x"],
           "已登记为回访 #%d" % scene["neg_west"])  # the same call-back twice
    failed(cli, unchanged, ["audit", "amend", scene["neg"], "--case", "G4", "--date", "2022-03-11", "--reason", "x"],
           "案件 G4 已因回访 #%d 通报扣分" % scene["neg_west"])
    cli.ok("audit", "amend", scene["neg"], "--case", "g6", "--reason", "回访登记错了案件")
    assert _count(cli, "--officer", "140101") == 0 and _count(cli, "--officer", "140102") == 2
    row = _audits(cli)[scene["neg"]]
    assert (row["case_no"], row["officer"], row["status"]) == ("G6", "140102", "negligent")
    h = cli.json("audit", "history", scene["neg"])
    assert [v["action"] for v in h["versions"]] == ["add", "amend"] and h["versions"][1]["changed"] == ["case_no"]
    ex = explain(cli, "--officer", "140102")
    assert any(e["role"] == "audit_amend" and e["reason"] == "回访登记错了案件" for e in ex["entries"])
    cli.ok("db", "verify")


def test_voiding_a_call_back_drops_its_deduction(cli, scene, unchanged):
    cli.ok("audit", "void", scene["neg_west"], "--reason", "误录")
    assert _count(cli, "--officer", "140102") == 0 and scene["neg_west"] not in _audits(cli)
    assert any(e["role"] == "audit_void" for e in explain(cli, "--officer", "140102")["entries"])
    failed(cli, unchanged, ["audit", "void", scene["neg_west"], "--reason", "again"], "已于第", "不能再更正或作废")
    failed(cli, unchanged, ["audit", "amend", scene["neg_west"], "--note", "x", "--reason", "x"], "作废")
    # The case can be deducted again on a new call-back.
    audit(cli, "G4", "2022-03-12", "no", "--verified-negligent")
    assert _count(cli, "--officer", "140102") == 1


@pytest.mark.parametrize("args, words", [
    (["audit", "amend", "{pending}", "--reason", "x"], ["与现有记录完全相同"]),
    (["audit", "amend", "{pending}", "--date", "2022-03-10", "--reason", "x"], ["与现有记录完全相同"]),
    (["audit", "amend", "{neg}", "--publicity-received", "yes", "--reason", "x"], ["已核实", "不能再更改"]),
    (["audit", "amend", "{pending}", "--date", "2022-02-01", "--reason", "x"], ["早于发案日期"]),
    (["audit", "amend", "{pending}", "--case", "G9", "--reason", "x"], ["没有编号为“G9”的案件"]),
    (["audit", "amend", "{pending}", "--note", "x"], ["原因（--reason）不能为空"]),
    (["audit", "amend", "999", "--note", "x", "--reason", "x"], ["没有编号为 999 的回访记录"]),
    (["audit", "amend", "{received}", "--publicity-received", "no", "--date", "2022-03-10", "--case", "G1",
      "--reason", "x"], ["已登记为回访 #{pending}"]),
])
def test_bad_call_back_corrections_are_refused(cli, scene, unchanged, args, words):
    failed(cli, unchanged, [a.format(**scene) for a in args], *(w.format(**scene) for w in words))


# --- dissuasions and discipline steps ---

def test_dissuasions_are_amended_and_voided_with_history(cli, loaded, unchanged):
    first = entry_id(cli.ok("dissuasion", "add", "--officer", "140101", "--date", "2022-03-01", "--amount-saved", "5000",
                            "--note", "群众电话 13812345678"))
    listed = cli.json("dissuasion", "list", "--to", "2022-12-31")
    assert listed[0]["note"] == "群众电话 138****5678"
    assert cli.json("dissuasion", "list", "--to", "2022-12-31", "--show-pii")[0]["note"] == "群众电话 13812345678"
    cli.ok("dissuasion", "amend", first, "--amount-saved", "50000", "--officer", "FJ0101", "--reason", "少写一位")
    (row,) = cli.json("dissuasion", "list", "--to", "2022-12-31")
    assert (row["entry_id"], row["officer"], row["amount_saved"]) == (first, "FJ0101", "50000.00")
    failed(cli, unchanged, ["dissuasion", "amend", first, "--amount-saved", "50000", "--reason", "x"], "完全相同")
    cli.ok("dissuasion", "void", first, "--reason", "重复登记")
    assert cli.json("dissuasion", "list", "--to", "2022-12-31") == []
    failed(cli, unchanged, ["dissuasion", "void", first, "--reason", "x"], "已于第", "不能再更正或作废")
    failed(cli, unchanged, ["dissuasion", "amend", first, "--note", "x", "--reason", "x"], "作废")
    failed(cli, unchanged, ["dissuasion", "void", "77", "--reason", "x"], "没有编号为 77 的劝阻登记")
    h = cli.json("dissuasion", "history", first)
    assert [v["action"] for v in h["versions"]] == ["add", "amend", "void"]
    assert h["versions"][1]["changed"] == ["officer", "amount_saved_fen"] and h["versions"][2]["reason"] == "重复登记"


def test_a_discipline_step_recorded_by_mistake_is_voided(cli, scene, unchanged):
    step = entry_id(cli.ok("discipline", "record", "--dept", STATION, "--step", "talk", "--date", "2022-03-20",
                           "--note", "约谈所长"))
    assert due(cli)[("department", STATION)]["steps"][0]["done"] is True
    cli.ok("discipline", "void", step, "--reason", "误记，实为电话提醒")
    assert due(cli)[("department", STATION)]["steps"][0]["done"] is False
    steps = explain(cli, "--dept", STATION)["steps"]
    assert (steps[0]["voided"], steps[0]["void_reason"]) == (True, "误记，实为电话提醒")
    failed(cli, unchanged, ["discipline", "void", step, "--reason", "x"], "已于第", "不能重复作废")
    failed(cli, unchanged, ["discipline", "void", "999", "--reason", "x"], "没有编号为 999 的处理记录")
    failed(cli, unchanged, ["discipline", "void", step], "作废原因（--reason）不能为空")
    # The step can be recorded again, once.
    cli.ok("discipline", "record", "--dept", STATION, "--step", "talk", "--date", "2022-03-21", "--note", "约谈所长")


# --- PII in notes ---

def test_phone_and_id_numbers_in_notes_are_masked_everywhere(cli, loaded):
    add_case(cli, "N1", "2022-02-08", GRID, "--note", "受害人另一号码 13987654321，身份证 140123199001011234")
    audit(cli, "N1", "2022-02-10", "no", "--verified-negligent", "--note", "回拨 0351-7654321 核实")
    note = _cases(cli)["N1"]["note"]
    assert note == "受害人另一号码 139****4321，身份证 140123********1234"
    assert _cases(cli, "--show-pii")["N1"]["note"].endswith("140123199001011234")
    assert "7654321" not in next(iter(_audits(cli).values()))["note"]
    csv_text = cli.ok("case", "list", "--to", "2022-12-31", "--format", "csv").stdout
    assert "13987654321" not in csv_text and "139****4321" in csv_text
    c = cli.ok("weekly-circular", "--week", "2022-W06", "--format", "json").stdout
    assert "7654321" not in c
    ex = cli.ok("discipline", "explain", "--officer", "140101", "--format", "json").stdout
    assert "7654321" not in ex and "13987654321" not in ex


# --- as of an entry (the `upto` convention) ---

def test_every_derivation_reads_the_ledger_as_it_stood_after_an_entry(cli, scene, db_path):
    import datetime as dt

    from fanzha_cli import audits as audits_mod, cases, circular, discipline, dissuasion, weeks

    from .casework import opened

    dis = entry_id(cli.ok("dissuasion", "add", "--officer", "140101", "--date", "2022-03-03", "--amount-saved", "900"))
    before = dis
    cli.ok("case", "amend", "G3", "--grid", "蔚汾镇城内社区网格", "--loss", "1", "--reason", "网格填错")
    cli.ok("case", "void", "G4", "--reason", "重复")
    cli.ok("audit", "void", scene["pending"], "--reason", "误录")
    cli.ok("dissuasion", "void", dis, "--reason", "误录")
    today = dt.date(2022, 12, 31)
    with opened(db_path) as led:
        then = {c["case_no"]: c for c in cases.list_cases(led, None, None, None, today=today, upto=before)}
        now = {c["case_no"]: c for c in cases.list_cases(led, None, None, None, today=today)}
        assert then["G3"]["target"] == GRID_NORTH and now["G3"]["target"] == "蔚汾镇城内社区网格"
        assert "G4" in then and "G4" not in now
        zero_then = {t["target"] for t in cases.zero_case(led, None, None, today, upto=before)["targets"]}
        zero_now = {t["target"] for t in cases.zero_case(led, None, None, today)["targets"]}
        assert GRID_NORTH not in zero_then and GRID_NORTH in zero_now and GRID_WEST in zero_now
        assert discipline.counts(led, "2022-01-01", "2022-12-31", upto=before) == {
            ("officer", "140101"): 1, ("officer", "140102"): 1, ("department", STATION): 2}
        assert discipline.counts(led, "2022-01-01", "2022-12-31") == {
            ("officer", "140102"): 1, ("department", STATION): 1}
        assert [a["audit_id"] for a in audits_mod.list_audits(led, None, None, "pending", today, upto=before)] == [scene["pending"]]
        assert audits_mod.list_audits(led, None, None, "pending", today) == []
        assert len(dissuasion.dissuasions(led, "2022-01-01", "2022-12-31", upto=before)) == 1
        assert dissuasion.dissuasions(led, "2022-01-01", "2022-12-31") == []
        week = weeks.resolve("2022-W09")
        assert len(circular.build(led, week, upto=before)["cases"]["items"]) == 6  # G1-G5, U1
        assert len(circular.build(led, week)["cases"]["items"]) == 5


def test_each_correction_is_described_for_the_corrections_section(cli, scene, db_path):
    from fanzha_cli import corrections

    from .casework import opened

    amend = entry_id(cli.ok("case", "amend", "G3", "--grid", "蔚汾镇城内社区网格", "--date", "2022-03-08",
                            "--victim", "李四", "--reason", "网格填错"))
    void = entry_id(cli.ok("case", "void", "G2", "--reason", "重复"))
    a_void = entry_id(cli.ok("audit", "void", scene["pending"], "--reason", "误录"))
    dis = entry_id(cli.ok("dissuasion", "add", "--officer", "140101", "--date", "2022-03-03", "--amount-saved", "900"))
    d_amend = entry_id(cli.ok("dissuasion", "amend", dis, "--amount-saved", "9000", "--reason", "少写一位"))
    cli.ok("audit", "record", "--case", "G5", "--date", "2022-04-01", "--publicity-received", "no",
           "--verified-negligent", "--officer", "140103")
    cli.ok("audit", "record", "--case", "G1", "--date", "2022-04-01", "--publicity-received", "no",
           "--verified-negligent", "--officer", "140103")
    step = entry_id(cli.ok("discipline", "record", "--officer", "140103", "--step", "talk", "--date", "2022-04-05",
                           "--note", "已约谈"))
    s_void = entry_id(cli.ok("discipline", "void", step, "--reason", "误记"))
    with opened(db_path) as led:
        s = corrections.describe(led, s_void, phrasing=1)
        assert s["weeks"] == ["2022-W14"] and s["what"].startswith("作废 140103 的约谈记录（2022-04-05")
        assert corrections.describe(led, s_void)["what"].startswith("作废高德胜（140103）的约谈记录（2022-04-05")
        a = corrections.describe(led, amend)
        assert a["kind"] == "case_amend" and a["weeks"] == ["2022-W09", "2022-W10"] and a["reason"] == "网格填错"
        assert "发案地由 蔚汾镇北坡社区网格 改为 蔚汾镇城内社区网格" in a["what"] and "受害人已更正" in a["what"]
        assert "李四" not in a["what"] and f"回访 #{scene['neg']} 的扣分随之改按更正后的案件计" in a["what"]
        assert corrections.describe(led, void)["what"].startswith("作废案件 G2（2022-03-02 发案")
        assert corrections.describe(led, a_void)["weeks"] == ["2022-W10"]
        assert "避免损失由 900.00 元改为 9000.00 元" in corrections.describe(led, d_amend)["what"]
        assert corrections.describe(led, dis) is None  # not a correction


def test_phone_numbers_in_report_notes_are_masked_and_a_listed_sheet_still_reimports(cli, tmp_path):
    cli.ok("plan", "load", PLAN)
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--leaflets", "5",
           "--note", "联系人 13812345678", "--submitted-at", "2022-02-04 10:00")
    (line,) = cli.json("report", "list", "--week", "2022-W05")
    assert line["note"] == "联系人 138****5678"
    assert cli.json("report", "list", "--week", "2022-W05", "--show-pii")[0]["note"] == "联系人 13812345678"
    hist = cli.ok("report", "history", "1").stdout
    assert "13812345678" not in hist and "138****5678" in hist
    sheet = tmp_path / "list.csv"
    sheet.write_text(cli.ok("report", "list", "--week", "2022-W05", "--format", "csv").stdout, encoding="utf-8")
    assert "13812345678" not in sheet.read_text(encoding="utf-8")
    result = cli.ok("report", "import", sheet)  # the masked note is the line as recorded: nothing new, no error
    assert cli.json("report", "list", "--week", "2022-W05", "--show-pii")[0]["note"] == "联系人 13812345678"
    assert len(cli.json("report", "list", "--week", "2022-W05")) == 1, result.stderr


def test_amending_a_grid_case_into_a_unit_case_moves_the_deduction_to_the_unit_department(cli, scene, unchanged):
    # G4's call-back blamed the grid's officer (none named): at 财政局 only 办公室 answers.
    cli.ok("case", "amend", "G4", "--unit", "财政局", "--reason", "受害人是财政局职工")
    assert _count(cli, "--officer", "140102") == 0 and _count(cli, "--dept", "办公室") == 1
    assert _count(cli, "--dept", STATION) == 1
    # A call-back that named a station officer cannot follow its case to a unit he is not paired with.
    add_case(cli, "G7", "2022-03-07", GRID)
    audit(cli, "G7", "2022-03-10", "no", "--verified-negligent", "--officer", "FJ0101")
    failed(cli, unchanged, ["case", "amend", "G7", "--unit", "财政局", "--reason", "x"],
           "已对该案件通报扣分，更正后无法确定扣分对象", "属于蔚汾派出所", "fanzha audit revoke")
