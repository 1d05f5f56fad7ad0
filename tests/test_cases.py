"""Cases: entry, exact amounts, victims masked in every format, zero-case against the plan in force."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from fanzha_cli.errors import FanzhaError
from fanzha_cli.money import format_yuan, parse_yuan
from fanzha_cli.privacy import mask_id_number, mask_name, mask_phone

from .casework import GRID, VICTIM, add_case, failed, plan_variant, scene, scene_template  # noqa: F401


@pytest.mark.parametrize("text, fen", [
    ("0", 0), ("12000", 1200000), ("12000.5", 1200050), ("12000.50", 1200050), ("0.01", 1),
    ("1,234,567.89", 123456789), ("300元", 30000), ("¥19.9", 1990), (" 7 ", 700),
])
def test_yuan_is_read_exactly_into_fen(text, fen):
    assert parse_yuan(text) == fen
    assert parse_yuan(format_yuan(fen)) == fen


@pytest.mark.parametrize("text, words", [
    ("-5", "不能为负数"), ("1.234", "最多两位小数"), ("abc", "不是有效的金额"), ("", "不是有效的金额"),
    ("1e5", "不是有效的金额"), ("12,34", "不是有效的金额"), ("1" * 20, "过大"),
])
def test_bad_amounts_are_refused(text, words):
    with pytest.raises(FanzhaError, match=words):
        parse_yuan(text, "损失金额")


def test_masks():
    assert mask_name("张小三") == "张*三" and mask_name("张三") == "张*" and mask_name("欧阳小明") == "欧**明"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("140123199001011234") == "140123********1234"
    assert mask_name(None) is None and mask_phone("") == ""


def test_add_and_list_cases_with_exact_amounts(cli, loaded):
    add_case(cli, "C1", "2022-03-01", GRID, "--loss", "12000.5", *VICTIM, "--note", "网贷")
    cli.ok("case", "add", "--case-no", "C2", "--date", "2022年3月2日", "--type", "网络贷款诈骗", "--unit", "政务信息管理局")
    rows = cli.json("case", "list")
    assert [(r["case_no"], r["case_date"], r["fraud_type"], r["target_kind"], r["target"], r["loss"], r["loss_fen"])
            for r in rows] == [
        ("C1", "2022-03-01", "online_loan", "grid", GRID, "12000.50", 1200050),
        ("C2", "2022-03-02", "online_loan", "unit", "行政审批服务管理局", None, None),  # alias -> canonical name
    ]
    assert rows[0]["fraud_type_name"] == "网络贷款诈骗" and rows[0]["operator"] == "测试员"
    assert [r["case_no"] for r in cli.json("case", "list", "--from", "2022-03-02")] == ["C2"]
    assert cli.json("case", "list", "--type", "brushing") == []
    cli.ok("db", "verify")


def test_victims_are_masked_in_every_format_unless_asked(cli, scene):
    plain = ("张小三", "13812345678", "140123199001011234")
    masked = ("张*三", "138****5678", "140123********1234")
    table = cli.ok("case", "list").stdout
    rows = cli.json("case", "list")
    text = cli.ok("case", "list", "--format", "csv").stdout
    for out in (table, text, str(rows)):
        assert all(m in out for m in masked) and not any(p in out for p in plain)
    g1 = next(r for r in rows if r["case_no"] == "G1")
    assert (g1["victim_name"], g1["victim_phone"], g1["victim_id_number"]) == masked
    g1_csv = next(r for r in csv.DictReader(io.StringIO(text)) if r["案件编号"] == "G1")
    assert (g1_csv["受害人"], g1_csv["电话"], g1_csv["身份证号"]) == masked
    shown = cli.json("case", "list", "--show-pii")
    assert next(r for r in shown if r["case_no"] == "G1")["victim_phone"] == "13812345678"
    for fmt in ("table", "csv"):
        assert "13812345678" in cli.ok("case", "list", "--show-pii", "--format", fmt).stdout


def test_victim_data_is_kept_whole_in_the_ledger_but_sealed(cli, scene, db_path):
    from fanzha_cli import vault

    conn = sqlite3.connect(db_path)
    stored = conn.execute("SELECT victim_name, victim_phone, victim_id_number FROM cases WHERE case_no = 'G1'").fetchone()
    assert [vault.masked_of(v) for v in stored] == ["张*三", "138****5678", "140123********1234"]
    assert not any(p in "".join(stored) for p in ("张小三", "13812345678", "140123199001011234"))
    ring = vault.keyring()
    fields = ("victim_name", "victim_phone", "victim_id_number")
    assert [ring[vault.key_id_of(v)].open(v, f) for v, f in zip(stored, fields)] == [
        "张小三", "13812345678", "140123199001011234"]


CASE = ["case", "add", "--case-no", "N1", "--date", "2022-04-01", "--type", "online_loan"]


@pytest.mark.parametrize("args, words", [
    (["case", "add", "--case-no", "G1", "--date", "2022-04-01", "--type", "online_loan", "--grid", GRID], ["案件编号 G1 已登记", "不能重复登记"]),
    (CASE + ["--grid", GRID, "--loss", "-100"], ["损失金额不能为负数"]),
    (CASE + ["--grid", GRID, "--loss", "10.005"], ["最多两位小数"]),
    (CASE + ["--grid", GRID, "--loss", "一万"], ["不是有效的金额"]),
    (["case", "add", "--case-no", "N1", "--date", "2023-01-01", "--type", "online_loan", "--grid", GRID], ["发案日期 2023-01-01 不在活动期 2022-01-01 至 2022-12-31 内"]),
    (["case", "add", "--case-no", "N1", "--date", "2022-13-01", "--type", "online_loan", "--grid", GRID], ["发案日期格式不对"]),
    (CASE + ["--grid", "东关网格"], ["没有名为“东关网格”的网格", GRID]),
    (CASE + ["--unit", "财务局"], ["没有名为“财务局”的包联单位", "财政局"]),
    (["case", "add", "--case-no", "N1", "--date", "2022-04-01", "--type", "网贷诈骗", "--grid", GRID], ["没有名为“网贷诈骗”的诈骗类型", "网络贷款诈骗"]),
    (CASE, ["--unit 包联单位、--grid 网格或 --place 地点，三者选一"]),
    (CASE + ["--grid", GRID, "--unit", "财政局"], ["三者选一"]),
    (CASE + ["--grid", GRID, "--place", "超市"], ["三者选一"]),
    (CASE + ["--grid", GRID, "--phone", "138-abc"], ["电话号码格式不对"]),
    (CASE + ["--grid", GRID, "--id-number", "12345"], ["身份证号格式不对"]),
    (["case", "add", "--case-no", " ", "--date", "2022-04-01", "--type", "online_loan", "--grid", GRID], ["案件编号不能为空"]),
    (["case", "list", "--from", "2022-05-01", "--to", "2022-04-01"], ["起始日期 2022-05-01 晚于截止日期 2022-04-01"]),
    (["case", "list", "--type", "x"], ["没有名为“x”的诈骗类型"]),
    (["zero-case", "--to", "2023-02-01"], ["截止日期 2023-02-01 不在活动期"]),
])
def test_bad_case_input_is_refused_and_changes_nothing(cli, scene, unchanged, args, words):
    failed(cli, unchanged, args, *words)


def test_a_case_before_any_plan_is_refused(cli, db_path):
    cli.ok("db", "path")
    result = cli(*CASE, "--grid", GRID)
    assert result.exit_code == 1 and "账本文件不存在" in result.stderr


# --- zero-case ---

def _zero(cli, *args):
    z = cli.json("zero-case", *args)
    targets = {(t["department"], t["target_kind"], t["target"]) for t in z["targets"]}
    return z, targets, {d["department"] for d in z["departments"]}


def test_zero_case_lists_case_free_pairings_and_departments(cli, loaded):
    z, targets, depts = _zero(cli, "--from", "2022-01-01", "--to", "2022-12-31")
    assert len(targets) == z["pairings"] and {"办公室", "蔚汾派出所"} <= depts  # nothing happened yet
    add_case(cli, "Z1", "2022-03-01", GRID)
    add_case(cli, "Z2", "2022-03-02", None, "--unit", "财政局")
    z, targets, depts = _zero(cli, "--to", "2022-12-31")
    assert ("蔚汾派出所", "grid", GRID) not in targets and ("办公室", "unit", "财政局") not in targets
    assert ("蔚汾派出所", "grid", "蔚汾镇西关社区网格") in targets and ("办公室", "unit", "审计局") in targets
    assert "蔚汾派出所" not in depts and "办公室" not in depts and "宣传科" in depts
    assert len(targets) == z["pairings"] - 2
    east = next(t for t in cli.json("zero-case", "--to", "2022-02-28")["targets"] if t["target"] == GRID)
    assert [o["badge"] for o in east["officers"]] == ["140101", "FJ0101"]
    # Outside the period the cases do not count.
    _, targets, depts = _zero(cli, "--from", "2022-04-01")
    assert ("办公室", "unit", "财政局") in targets and "办公室" in depts
    csv_text = cli.ok("zero-case", "--format", "csv").stdout
    assert csv_text.startswith("层级,科所队,包联单位或网格") and "科所队,宣传科" in csv_text
    assert "零发案包联单位" in cli.ok("zero-case").stdout


def test_zero_case_is_judged_against_the_plan_in_force_on_each_case_date(cli, loaded, tmp_path):
    moved = plan_variant(tmp_path, "moved.yaml", {"      - 财政局\n": "", "      - 宣传部\n": "      - 宣传部\n      - 财政局\n"})
    cli.ok("plan", "load", moved, "--effective", "2022-06-01", "--reason", "财政局改由宣传科包联")
    add_case(cli, "Z1", "2022-03-01", None, "--unit", "财政局")  # while 办公室 held it
    z, targets, depts = _zero(cli, "--from", "2022-01-01", "--to", "2022-12-31")
    assert ("办公室", "unit", "财政局") not in targets and "办公室" not in depts
    assert ("宣传科", "unit", "财政局") in targets and "宣传科" in depts
    add_case(cli, "Z2", "2022-07-01", None, "--unit", "财政局")  # now 宣传科's
    z, targets, depts = _zero(cli, "--to", "2022-12-31")
    assert ("宣传科", "unit", "财政局") not in targets and "宣传科" not in depts
    _, targets, depts = _zero(cli, "--from", "2022-06-01", "--to", "2022-06-30")
    assert ("宣传科", "unit", "财政局") in targets and ("办公室", "unit", "财政局") not in targets
    cli.ok("db", "verify")


def test_what_lists_read_at_province_scale_is_read_by_index(cli, loaded, db_path):
    from fanzha_cli import queries

    conn = sqlite3.connect(db_path)
    for sql, params in (
        (queries.CASE_TARGETS_IN, {"start": "2022-01-01", "end": "2022-02-01"}),
        (queries.CASES_IN_PERIOD, {"start": "2022-01-01", "end": "2022-02-01", "fraud_type": None}),
        (queries.DEDUCTION_COUNTS, {"start": "2022-01-01", "end": "2022-12-31", "at_least": 2}),
        (queries.DEDUCTION_COUNT_OF, {"subject_kind": "officer", "subject": "1", "start": "2022-01-01", "end": "2022-12-31"}),
        (queries.SUBJECT_AUDITS, {"subject_kind": "officer", "subject": "1"}),
        (queries.AUDITS_IN_PERIOD, {"start": "2022-01-01", "end": "2022-12-31", "status": None}),
        (queries.CASE_COUNTING_DEDUCTION, {"case_no": "x", "except": 0}),
        (queries.CASE_HISTORY, {"case_no": "x"}),
        (queries.CASE_TOTALS_IN, {"start": "2022-01-01", "end": "2022-02-01"}),
        # Asked once per case registered: a scan of every case made `case add` quadratic.
        (queries.SAME_VICTIM_CASES, {"blind": "x", "case_no": "x"}),
    ):
        params = {**params, "upto": None}
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
        # Every table read by an index; a derivation's subquery (the current version of each
        # case, call-back, deduction) is read whole, its tables by index.
        derived = {step.split()[-1] for step in plan if step.startswith(("CO-ROUTINE", "MATERIALIZE"))}
        assert not any(step.startswith("SCAN") and step.split()[1] not in derived and step != "SCAN CONSTANT ROW"
                       for step in plan), (sql, plan)
