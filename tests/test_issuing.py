"""Issuing a week closes it (issue 11 §2): one entry per issue, the issued circular computed as of
its anchor in every format, corrections in the next circular issued, deductions circulated in the
week they are verified, anchors that `db verify` checks, and old ledgers migrating forward."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from fanzha_cli import audits, corrections, issuing, queries
from fanzha_cli.migrations import _guard

from .casework import failed, opened
from .conftest import snapshot

W05, W06, W07, W08 = "2022-W05", "2022-W06", "2022-W07", "2022-W08"
FORMATS = ("json", "md", "csv", "html", "docx", "xlsx")
LEGACY = Path(__file__).parent / "data" / "ledger_764f018.db.gz"  # made by fanzha at 764f018 (before m005)


def add_line(cli, dept, unit, week=W05, at="2022-02-04 10:00", **measures):
    args = ["report", "add", "--dept", dept, "--week", week, "--unit", unit, "--submitted-at", at]
    for k, v in measures.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    return cli.ok(*args)


@pytest.fixture
def week5(cli, loaded):
    add_line(cli, "信访科", "信访局", leaflets=200, photos=2)
    add_line(cli, "宣传科", "宣传部", leaflets=50, photos=1)
    add_line(cli, "宣传科", "融媒体中心", leaflets=40, photos=1)
    cli.ok("case", "add", "--case-no", "A1", "--date", "2022-02-01", "--type", "online_loan",
           "--grid", "蔚汾镇东关社区网格", "--loss", "1000")
    return cli


def head(db_path) -> tuple[int, str]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()


def export(cli, out, week, *extra):
    return cli.ok("export", "--week", week, "--out", out, "--formats", ",".join(FORMATS), "--quiet", *extra)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- preview and issue ------------------------------------------------------------------------

def test_without_issue_the_circular_is_a_preview_dated_today_and_writes_nothing(week5, db_path, unchanged):
    with unchanged():
        c = week5.json("weekly-circular", "--week", W05)
    assert c["status"] == "preview" and c["issued_on"] == dt.date.today().isoformat()
    assert c["anchor"] == dict(zip(("entry_id", "hash"), head(db_path)))
    assert c["corrections"] == []
    md = week5.ok("weekly-circular", "--week", W05, "--format", "md").stdout
    assert "预览稿，未印发" in md
    # --date is the issue date: without --issue it is refused, and nothing is written.
    failed(week5, unchanged, ["weekly-circular", "--week", W05, "--date", "2022-02-04"], "--date 是印发日期", "--issue")


def test_issue_records_one_entry_with_week_number_anchor_date_and_json_hash(week5, db_path):
    anchor = head(db_path)
    before = snapshot(db_path)
    result = week5.ok("weekly-circular", "--week", W05, "--issue", "--date", "2022-02-04", "--format", "json")
    c = json.loads(result.stdout)
    assert "已印发 2022-W05 每周通报（第 2 期" in result.stderr  # 2022-W04 is 第1期
    assert c["status"] == "issued" and c["issued_on"] == "2022-02-04"
    assert c["anchor"] == {"entry_id": anchor[0], "hash": anchor[1]}
    after = snapshot(db_path)
    assert len(after["entries"]) == len(before["entries"]) + 1 and after["entries"][-1][1] == "circular_issue"
    (row,) = after["circular_issues"]
    entry_id, week, issue_no, anchor_id, anchor_hash, issued_on, digest, phrasing = row
    assert (entry_id, week, issue_no, anchor_id, anchor_hash, issued_on) == (
        anchor[0] + 1, W05, c["summary"]["issue_no"], anchor[0], anchor[1], "2022-02-04")
    assert phrasing == corrections.PHRASING == 2  # of its corrections section (m016)
    assert digest == hashlib.sha256(result.stdout.encode("utf-8")).hexdigest()  # the JSON's bytes
    # Issuing again is a no-op: nothing written, the same document.
    again = week5.ok("weekly-circular", "--week", W05, "--issue", "--format", "json")
    assert again.stdout == result.stdout and snapshot(db_path) == after
    week5.ok("db", "verify")
    week5.ok("db", "verify", "--anchor", f"{anchor[0]}:{anchor[1][:16]}", "--anchor", f"{anchor[0]}:{anchor[1]}")


def test_issue_date_before_the_week_is_refused(week5, unchanged):
    failed(week5, unchanged, ["weekly-circular", "--week", W05, "--issue", "--date", "2022-01-30"],
           "印发日期 2022-01-30 早于", "--date")
    failed(week5, unchanged, ["export", "--week", W05, "--out", "out", "--date", "二月"], "印发日期")


LATE = [  # what is recorded after W05 was issued, and how the correction names it
    ("report_add", "补报信通大队对工信局的报送"),
    ("report_amend", "更正宣传科对宣传部的报送"),
    ("report_void", "作废宣传科对融媒体中心的报送"),
    ("case", "补登案件 A2：2022-02-02 发案"),
    ("audit", "补登回访"),
    ("audit_verify", "为消极懈怠"),
    ("audit_revoke", "撤销回访"),
    ("dissuasion", "补登劝阻"),
]


def record_late_entries(cli):
    """Entries concerning W05, recorded after it was issued: one of each kind in LATE."""
    add_line(cli, "信通大队", "工信局", at="2022-02-08 09:00", leaflets=300, photos=3)
    lines = {(r["dept"], r["target"]): r["line_id"] for r in cli.json("report", "list", "--week", W05)}
    cli.ok("report", "amend", lines[("宣传科", "宣传部")], "--leaflets", "500", "--reason", "电话更正")
    cli.ok("report", "void", lines[("宣传科", "融媒体中心")], "--reason", "报错对象")
    cli.ok("case", "add", "--case-no", "A2", "--date", "2022-02-02", "--type", "online_loan",
           "--grid", "蔚汾镇西关社区网格", "--loss", "2000")
    cli.ok("audit", "record", "--case", "A1", "--date", "2022-02-03", "--publicity-received", "否",
           "--verified-negligent", "--verify-date", "2022-02-05", "--note", "补录：当周已核实")
    cli.ok("audit", "revoke", str(cli.json("audit", "list")[0]["audit_id"]), "--reason", "申诉成立")
    cli.ok("dissuasion", "add", "--officer", "140101", "--date", "2022-02-03", "--amount-saved", "20000")


def test_an_issued_week_regenerates_byte_identical_in_every_format_after_late_entries(week5, db_path, tmp_path):
    issued = export(week5, tmp_path / "a", W05, "--date", "2022-02-04")
    assert issued.stdout == ""
    first = files(tmp_path / "a" / W05)
    assert sorted(first) == sorted(f"每周通报-{W05}.{f}" for f in FORMATS)
    json_first = week5.ok("weekly-circular", "--week", W05, "--format", "json").stdout.encode("utf-8")
    assert json_first == first[f"每周通报-{W05}.json"]

    record_late_entries(week5)
    preview_now = week5.json("weekly-circular", "--week", W06)  # the late entries are in the ledger
    assert preview_now["status"] == "preview"

    # Regenerated later, in any format: the same bytes as issued, whatever was recorded since.
    export(week5, tmp_path / "b", W05)
    assert files(tmp_path / "b" / W05) == first
    for fmt in ("json", "md", "csv", "html"):
        out = week5.ok("weekly-circular", "--week", W05, "--format", fmt).stdout
        assert out.encode("utf-8").lstrip(b"\xef\xbb\xbf") == first[f"每周通报-{W05}.{fmt}"].lstrip(b"\xef\xbb\xbf"), fmt
    for fmt in ("docx", "xlsx"):
        week5.ok("weekly-circular", "--week", W05, "--format", fmt, "-o", tmp_path / f"again.{fmt}")
        assert (tmp_path / f"again.{fmt}").read_bytes() == first[f"每周通报-{W05}.{fmt}"], fmt
    c = json.loads(first[f"每周通报-{W05}.json"])
    assert c["summary"]["cases"] == 1 and c["deductions"] == []  # not A2, not the late deduction


def test_the_next_circular_issued_lists_the_corrections_once(week5, db_path, tmp_path):
    export(week5, tmp_path, W05, "--date", "2022-02-04")
    record_late_entries(week5)
    c6 = json.loads(week5.ok("weekly-circular", "--week", W06, "--issue", "--date", "2022-02-11",
                             "--format", "json").stdout)
    got = c6["corrections"]
    assert [(r["kind"]) for r in got] == [k for k, _ in LATE]
    for r, (kind, words) in zip(got, LATE):
        assert r["week"] == W05 and r["issue_no"] == 2 and words in r["what"], (r, words)
        assert r["operator"] == "测试员" and r["recorded_at"]
    assert next(r for r in got if r["kind"] == "report_amend")["reason"] == "电话更正"
    assert "宣传折页" in next(r for r in got if r["kind"] == "report_amend")["what"]
    assert [r["entry_id"] for r in got] == sorted(r["entry_id"] for r in got)
    md = week5.ok("weekly-circular", "--week", W06, "--format", "md").stdout
    # Printed as a circular writes it: no space between Chinese and a number or case number.
    assert "## 八、更正与补报" in md and "补登案件A2" in md
    table = week5.ok("weekly-circular", "--week", W06).stdout
    assert "八、更正与补报" in table and "补登案件A2" in table
    csv_text = week5.ok("weekly-circular", "--week", W06, "--format", "csv").stdout
    assert "八、更正与补报" in csv_text and "补登案件A2" in csv_text
    # Counted from that circular on: A2 is off the zero-case list of W06.
    assert "蔚汾镇西关社区网格" not in {g["grid"] for g in c6["zero_case_grids"]}
    # Listed once: the circular after has nothing more to correct.
    c7 = json.loads(week5.ok("weekly-circular", "--week", W07, "--issue", "--date", "2022-02-18",
                             "--format", "json").stdout)
    assert c7["corrections"] == []
    # Something recorded after W06 was issued about W06 (not W05) goes in W07's... already issued:
    # so in the next one, W08.
    add_line(week5, "信访科", "信访局", week=W06, at="2022-02-20 09:00", leaflets=1)
    c8 = week5.json("weekly-circular", "--week", W08)
    assert [(r["week"], r["issue_no"], r["kind"]) for r in c8["corrections"]] == [(W06, 3, "report_add")]


def test_an_unknown_kind_of_entry_is_described_by_the_dates_in_its_rows(week5, db_path, tmp_path):
    export(week5, tmp_path, W05, "--date", "2022-02-04")
    with opened(db_path) as led:
        with led.write() as w:  # a kind this registry was never told about, dated in W05
            w.append("case_void", {"cases": [{"case_no": "X9", "case_date": "2022-02-03", "fraud_type": "online_loan",
                                              "target_kind": "unit", "target": "信访局"}]}, reason="测试未知类型")
    (r,) = week5.json("weekly-circular", "--week", W06)["corrections"]
    assert r["week"] == W05 and r["kind"] == "case_void" and r["reason"] == "测试未知类型"
    assert r["what"] == f"作废案件：第 {r['entry_id']} 条记录"
    # No dates of its own: the week of the entry it supersedes (case A1, dated in W05).
    case_entry = week5.json("case", "list")[0]["entry_id"]
    with opened(db_path) as led:
        with led.write() as w:
            w.append("dissuasion_void", {}, reason="作废测试", supersedes=case_entry)
    r = week5.json("weekly-circular", "--week", W06)["corrections"][-1]
    assert (r["week"], r["kind"], r["what"]) == (W05, "dissuasion_void", f"作废劝阻：第 {case_entry} 条记录")
    # ... and a kind gets its own sentence with a few lines in the registry.
    saved = issuing.DESCRIBERS.pop("case_void", None)  # the corrections' own describer (cases branch)
    issuing.DESCRIBERS["case_void"] = lambda led, e: [(W05, "作废案件 X9")]
    try:
        with opened(db_path) as led:
            assert issuing.corrections(led, 10**9)[0]["what"] == "作废案件 X9"
    finally:
        del issuing.DESCRIBERS["case_void"]
        if saved is not None:
            issuing.DESCRIBERS["case_void"] = saved


def test_a_changed_computation_is_said_not_silently_printed(week5, db_path, tmp_path, monkeypatch):
    export(week5, tmp_path, W05, "--date", "2022-02-04")
    before = files(tmp_path / W05)
    from fanzha_cli import circular

    real = circular.build
    monkeypatch.setattr(circular, "build", lambda led, week: {**real(led, week), "cases": []})  # "new code"
    result = week5("weekly-circular", "--week", W05, "--format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "与印发时记录的指纹不一致" in result.stderr and "不予输出" in result.stderr
    result = week5("export", "--week", W05, "--out", tmp_path, "--formats", "json,md")
    assert result.exit_code == 1 and files(tmp_path / W05) == before


# --- deductions are circulated in the week they are verified ----------------------------------

def test_a_call_back_verified_later_is_circulated_then_never_back_in_the_issued_week(week5, db_path, tmp_path):
    week5.ok("case", "add", "--case-no", "B1", "--date", "2022-02-15", "--type", "online_loan",
             "--grid", "蔚汾镇东关社区网格")
    week5.ok("audit", "record", "--case", "B1", "--date", "2022-02-16", "--publicity-received", "否")  # W07, pending
    w07 = week5.ok("weekly-circular", "--week", W07, "--issue", "--date", "2022-02-18", "--format", "json").stdout
    audit_id = week5.json("audit", "list")[0]["audit_id"]
    week5.ok("audit", "verify", audit_id, "--negligent", "--note", "核实宣传未到位", "--date", "2022-02-22")  # W08
    assert week5.json("audit", "list")[0]["verified_on"] == "2022-02-22"
    assert week5.ok("weekly-circular", "--week", W07, "--format", "json").stdout == w07  # W07 unchanged
    c8 = week5.json("weekly-circular", "--week", W08)
    assert [(d["audit_id"], d["date"], d["subject_kind"]) for d in c8["deductions"]] == [
        (audit_id, "2022-02-22", "officer"), (audit_id, "2022-02-22", "department")]
    assert c8["corrections"] == []  # circulated in its own week, not a correction
    assert week5.json("weekly-circular", "--week", "2022-W09")["deductions"] == []
    # Even never issued, W07's preview does not take a deduction verified in W08.
    week5.ok("case", "add", "--case-no", "B2", "--date", "2022-02-15", "--type", "online_loan",
             "--grid", "蔚汾镇北坡社区网格")
    week5.ok("audit", "record", "--case", "B2", "--date", "2022-02-16", "--publicity-received", "否",
             "--verified-negligent", "--verify-date", "2022-02-23")
    assert {d["case_no"] for d in week5.json("weekly-circular", "--week", W08)["deductions"]} == {"B1", "B2"}
    assert week5.ok("weekly-circular", "--week", W07, "--format", "json").stdout == w07


def test_verification_dates_are_checked(week5, unchanged):
    week5.ok("audit", "record", "--case", "A1", "--date", "2022-02-03", "--publicity-received", "否")
    n = str(week5.json("audit", "list")[0]["audit_id"])
    failed(week5, unchanged, ["audit", "verify", n, "--negligent", "--note", "x", "--date", "2022-02-02"],
           "核实日期 2022-02-02 早于回访日期 2022-02-03")
    failed(week5, unchanged, ["audit", "verify", n, "--negligent", "--note", "x", "--date", "2023-03-01"],
           "核实日期 2023-03-01 不在活动期")
    week5.ok("case", "add", "--case-no", "A3", "--date", "2022-02-01", "--type", "online_loan",
             "--grid", "蔚汾镇西关社区网格")
    failed(week5, unchanged, ["audit", "record", "--case", "A3", "--date", "2022-02-03", "--publicity-received", "否",
                              "--verify-date", "2022-02-04"], "--verify-date 只用于当即核实")


def test_the_default_verification_date_is_the_day_it_is_recorded(week5, db_path):
    with opened(db_path) as led:
        assert audits.verification_date(led, None, "2022-02-03", today=dt.date(2022, 3, 9)) == "2022-03-09"
        assert audits.verification_date(led, None, "2022-02-03", today=dt.date(2022, 2, 1)) == "2022-02-03"
        assert audits.verification_date(led, None, "2022-02-03", today=dt.date(2026, 1, 5)) == "2022-12-31"


# --- anchors and db verify ----------------------------------------------------------------------

def test_every_issued_circular_prints_its_anchor(week5, db_path, tmp_path):
    export(week5, tmp_path, W05, "--date", "2022-02-04")
    n, h = json.loads((tmp_path / W05 / f"每周通报-{W05}.json").read_bytes())["anchor"].values()
    mark = f"{n}:{h[:16]}"
    for fmt in ("md", "csv", "html"):
        assert mark in (tmp_path / W05 / f"每周通报-{W05}.{fmt}").read_text(encoding="utf-8-sig"), fmt
    assert mark in week5.ok("weekly-circular", "--week", W05).stdout
    from docx import Document

    doc = Document(str(tmp_path / W05 / f"每周通报-{W05}.docx"))
    assert any(mark in p.text for p in doc.paragraphs)  # under the sign-off (the 版记 closes the document)
    from openpyxl import load_workbook

    assert mark in load_workbook(tmp_path / W05 / f"每周通报-{W05}.xlsx").properties.description


def test_db_verify_anchor(week5, db_path, unchanged):
    n, h = head(db_path)
    with unchanged():
        week5.ok("db", "verify", "--anchor", f"{n}:{h[:16]}")
        bad = week5("db", "verify", "--anchor", f"{n}:{'0' * 16}")
    assert bad.exit_code == 1 and f"第 {n} 条记录的哈希是 {h[:16]}" in bad.stderr
    bad = week5("db", "verify", "--anchor", f"{n + 5}:{h[:16]}")
    assert bad.exit_code == 1 and f"已没有第 {n + 5} 条记录" in bad.stderr
    for text in ("12", f"x:{h}", f"{n}:{h[:15]}", f"{n}:{'g' * 16}"):
        with unchanged():
            bad = week5("db", "verify", "--anchor", text)
        assert bad.exit_code == 1 and "锚点格式不对" in bad.stderr, text


def _cut_back(db_path: Path, keep: int, restore_guards: bool) -> None:
    """What someone with sqlite3 could do: drop the guards, delete the newest entries and their rows."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    tables = [r[0] for r in conn.execute("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                                         "AND name LIKE '%_no_delete'")]
    for t in tables:
        conn.execute(f'DROP TRIGGER "{t}_no_delete"')
        conn.execute(f'DROP TRIGGER "{t}_no_update"')
    conn.execute("PRAGMA foreign_keys = OFF")
    for t in tables:
        if t != "entries":
            conn.execute(f'DELETE FROM "{t}" WHERE entry_id > ?', (keep,))
    conn.execute("DELETE FROM entries WHERE id > ?", (keep,))
    conn.execute("DELETE FROM report_week_status")
    conn.execute("INSERT INTO report_week_status (week, dept, lines, late_lines, first_at, last_at, self_lines) "
                 + queries.REPORT_WEEK_STATUS_RECOUNT)
    if restore_guards:
        import sqlite_utils

        db = sqlite_utils.Database(conn)
        for t in tables:
            _guard(db, t)
    conn.close()


def test_a_ledger_cut_back_behind_an_issued_anchor_fails_db_verify_anchor(week5, db_path, tmp_path):
    c = json.loads(week5.ok("weekly-circular", "--week", W05, "--issue", "--date", "2022-02-04",
                            "--format", "json").stdout)
    anchor = f"{c['anchor']['entry_id']}:{c['anchor']['hash'][:16]}"
    week5.ok("db", "verify", "--anchor", anchor)
    _cut_back(db_path, c["anchor"]["entry_id"] - 2, restore_guards=True)
    week5.ok("db", "verify")  # a clean prefix of the chain, guards put back: nothing else can tell
    bad = week5("db", "verify", "--anchor", anchor)
    assert bad.exit_code == 1 and f"已没有第 {c['anchor']['entry_id']} 条记录" in bad.stderr
    assert "截短" in bad.stderr


def test_db_verify_fails_when_an_append_only_trigger_is_missing(week5, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute('DROP TRIGGER "cases_no_delete"')
    conn.close()
    bad = week5("db", "verify")
    assert bad.exit_code == 1 and "表 cases 缺少禁止删除的只追加保护（触发器 cases_no_delete）" in bad.stderr
    _cut_back(db_path, 3, restore_guards=False)
    bad = week5("db", "verify")
    assert bad.exit_code == 1 and "缺少禁止删除的只追加保护" in bad.stderr and "entries_no_update" in bad.stderr


def test_db_verify_checks_the_anchors_issued_circulars_recorded(week5, db_path):
    week5.ok("weekly-circular", "--week", W05, "--issue", "--date", "2022-02-04")
    with opened(db_path) as led:
        assert issuing.recorded_anchor_problems(led) == []
        led.conn.execute("DROP TRIGGER entries_no_update")
        led.conn.execute("UPDATE entries SET hash = :h WHERE id = (SELECT anchor_id FROM circular_issues)",
                         {"h": "f" * 64})
        problems = issuing.recorded_anchor_problems(led)
    assert len(problems) == 1 and "2022-W05 通报锚定第" in problems[0] and "ffffffffffffffff" in problems[0]


# --- old ledgers ------------------------------------------------------------------------------

def test_a_ledger_made_before_issuing_existed_migrates_and_still_verifies(cli, db_path, tmp_path):
    with gzip.open(LEGACY) as src, open(db_path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    cli.ok("db", "verify")  # migrated forward (m005), every old entry verifies
    conn = sqlite3.connect(db_path)
    assert "m005_issued_weeks" in {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
    assert conn.execute("SELECT count(*) FROM audit_findings WHERE verified_on IS NULL").fetchone()[0] == 1
    conn.close()
    # An old finding has no verification date: circulated on its call-back's date, as it was.
    c = cli.json("weekly-circular", "--week", W05)
    assert [(d["case_no"], d["date"]) for d in c["deductions"]] == [("L1", "2022-02-03")] * 2
    # And it goes on: the pending call-back is verified, the week issued, everything verifies.
    cli.ok("audit", "verify", "7", "--negligent", "--note", "核实", "--date", "2022-02-10")
    n = cli.json("weekly-circular", "--week", W05, "--issue", "--date", "2022-02-05")["anchor"]["entry_id"]
    cli.ok("db", "verify", "--anchor", f"{n}:{_hash_of(db_path, n)[:16]}")


def _hash_of(db_path, n):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT hash FROM entries WHERE id = ?", (n,)).fetchone()[0]
    finally:
        conn.close()


def test_migration_adds_the_issue_table_and_verification_date_and_keeps_the_guards(cli, loaded, db_path):
    conn = sqlite3.connect(db_path)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(circular_issues)")]
    assert cols == ["entry_id", "week", "issue_no", "anchor_id", "anchor_hash", "issued_on", "json_sha256", "phrasing"]
    assert "verified_on" in [r[1] for r in conn.execute("PRAGMA table_info(audit_findings)")]
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"circular_issues_no_update", "circular_issues_no_delete", "audit_findings_no_update"} <= triggers
    conn.close()


def test_an_issued_week_keeps_the_plan_in_force_as_recorded_at_its_anchor(week5, db_path, tmp_path):
    from .casework import plan_variant

    json5 = week5.ok("weekly-circular", "--week", W05, "--issue", "--date", "2022-02-04", "--format", "json").stdout
    # A plan change loaded afterwards, taking effect on W05's Monday: 融媒体中心 moves to 督察大队.
    moved = plan_variant(tmp_path, "moved.yaml", {"      - 融媒体中心\n": "",
                                                  "      - 纪委监委\n": "      - 纪委监委\n      - 融媒体中心\n"})
    week5.ok("plan", "load", moved, "--effective", "2022-01-31", "--reason", "调整包联")
    assert week5.ok("weekly-circular", "--week", W05, "--format", "json").stdout == json5
    (r,) = week5.json("weekly-circular", "--week", W06)["corrections"]
    assert (r["week"], r["kind"], r["reason"]) == (W05, "plan_load", "调整包联") and "2022-01-31" in r["what"]


def test_nothing_is_written_while_the_ledger_is_read_as_of_an_earlier_entry(week5, db_path):
    from fanzha_cli import asof

    with opened(db_path) as led:
        n = asof.head(led)[0]
        with asof.as_of(led, 2):
            assert led.query("SELECT max(id) AS n FROM entries")[0]["n"] == 2
            with pytest.raises(RuntimeError):
                with led.write():
                    pass
        assert led.query("SELECT max(id) AS n FROM entries")[0]["n"] == n  # views gone


def test_a_week_that_cannot_be_circulated_is_not_issued(week5, tmp_path, unchanged):
    failed(week5, unchanged, ["export", "--week", "2023-W05", "--out", tmp_path], "不在活动期")
    failed(week5, unchanged, ["weekly-circular", "--week", "2021-W30", "--issue"], "2021-W30")


def test_rank_of_an_issued_week_agrees_with_its_circular(week5):
    c = week5.json("weekly-circular", "--week", W05, "--issue", "--date", "2022-02-04")
    add_line(week5, "信通大队", "工信局", at="2022-02-08 09:00", leaflets=300, photos=3)  # late, after issuing
    assert week5.json("rank", "--week", W05)["ranking"] == c["ranking"]
    assert "信通大队" not in [r["department"] for r in c["ranking"] if r["status"] != "missing"]


def test_a_case_corrected_after_its_week_was_issued_is_listed_and_the_issued_week_stays(week5, tmp_path):
    # Issue 12 with issue 11: a correction is an ordinary entry; the issued week never changes.
    export(week5, tmp_path, W05, "--date", "2022-02-04")
    before = files(tmp_path / W05)
    issued = week5.json("weekly-circular", "--week", W05)
    week5.ok("case", "amend", "a1", "--loss", "1500", "--group", "学生群体", "--reason", "补录损失")
    week5.ok("case", "void", "A1", "--reason", "重复登记")
    assert week5.json("weekly-circular", "--week", W05) == issued  # as issued
    export(week5, tmp_path, W05, "--date", "2022-02-04")
    assert files(tmp_path / W05) == before
    amended, voided = week5.json("weekly-circular", "--week", W06)["corrections"]
    assert (amended["week"], amended["kind"], amended["reason"]) == (W05, "case_amend", "补录损失")
    assert amended["what"] == "更正案件 A1：损失金额由 1000.00 改为 1500.00，重点人群由 （空） 改为 返乡学生群体"
    assert (voided["kind"], voided["week"]) == ("case_void", W05) and voided["what"].startswith("作废案件 A1")


def test_a_circular_keeps_the_phrasing_it_was_issued_with(week5, db_path, monkeypatch):
    """W06 issued by a fanzha of phrasing 1 lists a call-back's correction as stored ("由 0 改为
    1"); after the newer phrasing it still regenerates byte for byte (also with no phrasing
    recorded, as before m016), while the next circular says the same kind of correction in the
    newer words."""
    import dataclasses

    from fanzha_cli import weeks

    week5.ok("audit", "record", "--case", "A1", "--date", "2022-02-03", "--publicity-received", "no")
    with opened(db_path) as led:
        audit_id = led.query("SELECT entry_id FROM audits")[0]["entry_id"]
        issuing.issue(led, weeks.resolve(W05), "2022-02-07")
        corrections.amend_audit(led, str(audit_id), reason="核实", received="yes")
        monkeypatch.setattr(corrections, "PHRASING", 1)
        old = issuing.issue(led, weeks.resolve(W06), "2022-02-14")
        monkeypatch.setattr(corrections, "PHRASING", 2)
        assert old.issue.phrasing == 1
        [said] = old.circular["corrections"]
        assert said["what"] == f"更正回访 #{audit_id}：是否收到宣传由 0 改为 1"
        assert issuing.regenerate(led, issuing.issue_of(led, W06), weeks.resolve(W06)) == old.circular
        legacy = dataclasses.replace(old.issue, phrasing=None)  # issued before m016: nothing recorded
        assert issuing.regenerate(led, legacy, weeks.resolve(W06)) == old.circular
        corrections.amend_audit(led, str(audit_id), reason="再核实", received="no")
        [said] = issuing.preview(led, weeks.resolve(W07))["corrections"]
        assert said["what"] == f"更正回访 #{audit_id}：是否收到宣传由 是 改为 否"
    week5.ok("report", "amend", "1", "--submitted-at", "2022-02-05 09:00", "--reason", "实际周六才报回")
    with opened(db_path) as led:
        line = "更正信访科对信访局的报送（编号 1）：报送时间 {}→{}"
        entry = led.query("SELECT id AS entry_id, kind FROM entries ORDER BY id DESC LIMIT 1")[0]
        said = [c["what"] for c in issuing.preview(led, weeks.resolve(W07))["corrections"]]
        assert said[-1] == line.format("2022-02-04 10:00", "2022-02-05 09:00")
        with issuing._phrased(1):
            assert issuing.describe(led, entry) == [(W05, line.format("2022-02-04T10:00:00", "2022-02-05T09:00:00"))]
        new = issuing.issue(led, weeks.resolve(W07), "2022-02-21")
        assert new.issue.phrasing == 2 and issuing.issue_of(led, W07).phrasing == 2
    week5.ok("db", "verify")


def test_an_officer_who_left_the_plan_is_named_as_on_the_records_date(week5, db_path, tmp_path):
    """A dissuasion by 140103 in W05, recorded after W05 was issued; from March the plan no
    longer has him. Phrasing 2 names him as the plan in force on the dissuasion's day, like
    every other sentence of the section; phrasing 1 kept the latest plan's name (none: the badge)."""
    from fanzha_cli import weeks

    from .casework import plan_variant

    with opened(db_path) as led:
        issuing.issue(led, weeks.resolve(W05), "2022-02-07")
    week5.ok("dissuasion", "add", "--officer", "140103", "--date", "2022-02-03", "--amount-saved", "20000")
    gone = plan_variant(tmp_path, "gone.yaml", {
        '      - {badge: "140103", name: 高德胜, role: police}\n': "",
        'officers: ["140103", "FJ0103"]': 'officers: ["FJ0103"]'})
    week5.ok("plan", "load", gone, "--effective", "2022-03-01", "--reason", "高德胜调离")
    said = "补登劝阻：民辅警 {}（蔚汾派出所）于 2022-02-03 劝阻，避免损失 20000.00 元"
    with opened(db_path) as led:
        assert [c["what"] for c in issuing.preview(led, weeks.resolve(W07))["corrections"]] == [
            said.format("高德胜（140103）")]
        entry = led.query("SELECT entry_id, 'dissuasion' AS kind FROM dissuasions")[0]
        with issuing._phrased(1):
            assert issuing.describe(led, entry) == [(W05, said.format("140103"))]
