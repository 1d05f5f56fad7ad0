"""The weekly circular assembled from a ledger, `rank`, `export` and `demo`."""

from __future__ import annotations

import json
import zipfile

import pytest

from .conftest import snapshot

WEEK = "2022-W05"  # 2022-01-31 .. 2022-02-06, deadline Friday 2022-02-04 18:00
KEYS = ["week", "status", "issued_on", "issuer", "rules_note", "period", "summary", "ranking", "missing_reports",
        "late_reports", "zero_case_units", "zero_case_grids", "cases", "deductions", "warning_talks_due",
        "accountability_due", "commendation_candidates", "zero_case_departments", "document", "corrections", "anchor"]
VICTIM = ("王秀兰", "13812345678", "14112719800101123X")


def report(cli, dept, target_opt, target, at="2022-02-04 10:00", **measures):
    args = ["report", "add", "--dept", dept, "--week", WEEK, target_opt, target, "--submitted-at", at]
    for k, v in measures.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    cli.ok(*args)


@pytest.fixture
def week(cli, loaded):
    """A hand-made week whose right order is known."""
    # 信访科 (2 units) covers both fully; 宣传科 (5 units) covers 2 of 5; 信通大队 reports late.
    for unit in ("信访局", "退役军人事务局"):
        report(cli, "信访科", "--unit", unit, leaflets=200, notices=200, pledges=100, app_installs=100,
               group_pushes=7, lectures=3, attendees=300, events=3, themes=2, photos=2)
    for unit in ("宣传部", "融媒体中心"):
        report(cli, "宣传科", "--unit", unit, leaflets=50, photos=1)
    report(cli, "信通大队", "--unit", "工信局", at="2022-02-04 18:01", leaflets=200, notices=200, pledges=100,
           app_installs=100, group_pushes=7, lectures=3, attendees=300, events=3, themes=2, photos=2)
    # Two stations: one full, one partial; 东关 grid has two negligent cases this week.
    for grid in ("蔚汾镇东关社区网格", "蔚汾镇西关社区网格", "蔚汾镇南关社区网格", "蔚汾镇北坡社区网格", "蔚汾镇城内社区网格"):
        report(cli, "蔚汾派出所", "--grid", grid, leaflets=100, photos=2)
    report(cli, "魏家滩派出所", "--grid", "魏家滩镇魏家滩村网格", leaflets=100, photos=2)
    for n, day in ((1, "2022-02-01"), (2, "2022-02-02")):
        cli.ok("case", "add", "--case-no", f"A{n}", "--date", day, "--type", "online_loan",
               "--grid", "蔚汾镇东关社区网格", "--loss", "1000.50", "--victim", VICTIM[0], "--phone", VICTIM[1],
               "--id-number", VICTIM[2])
        cli.ok("audit", "record", "--case", f"A{n}", "--date", "2022-02-03", "--publicity-received", "否",
               "--verified-negligent", "--verify-date", "2022-02-03", "--note", "核实宣传未到位")
    return cli


def test_circular_json_contract_and_content(week):
    c = week.json("weekly-circular", "--week", WEEK)
    assert list(c) == KEYS
    assert c["period"] == {"start": "2022-01-31", "end": "2022-02-06", "deadline": "2022-02-04T18:00:00"}
    bureau = [r["department"] for r in c["ranking"] if r["category"] == "bureau"]
    stations = [r["department"] for r in c["ranking"] if r["category"] == "station"]
    # Full coverage and activity on 2 units beats partial coverage on 5; lateness costs 9 points.
    assert bureau[:3] == ["信访科", "信通大队", "宣传科"]
    assert stations[:2] == ["蔚汾派出所", "魏家滩派出所"]
    assert {r["status"] for r in c["ranking"][3:22]} == {"missing"}
    wf = next(r for r in c["ranking"] if r["department"] == "蔚汾派出所")
    assert wf["components"]["deduction"] == -20.0  # two deductions this week
    assert [r["department"] for r in c["late_reports"]] == ["信通大队"]
    assert len(c["missing_reports"]) == 37 - 5
    assert c["summary"]["cases"] == 2 and c["summary"]["loss"] == "2001.00"
    assert [t["code"] for t in c["summary"]["cases_by_type"]] == ["online_loan"]
    assert c["summary"]["issue_no"] == 2  # 2022-W04 is 第1期
    assert {d["subject_kind"] for d in c["deductions"]} == {"officer", "department"} and len(c["deductions"]) == 4
    talk = {(t["subject_kind"], t["badge"] or t["department"]) for t in c["warning_talks_due"]}
    assert talk == {("officer", "140101"), ("department", "蔚汾派出所")}
    assert c["accountability_due"] == []
    assert "蔚汾镇东关社区网格" not in {g["grid"] for g in c["zero_case_grids"]}
    assert "蔚汾镇西关社区网格" in {g["grid"] for g in c["zero_case_grids"]}
    text = json.dumps(c, ensure_ascii=False)
    assert not any(v in text for v in VICTIM)


def test_circular_document_and_zero_case_departments(week):
    c = week.json("weekly-circular", "--week", WEEK)
    # The red header and 版记 come from the plan's campaign.document; 印发 on the circular's date.
    assert c["document"] == {"mark": "反电诈宣传工作通报", "copy_to": ["反网络电信诈骗宣传攻坚行动领导小组"],
                             "printed_by": "兴县公安局反诈中心", "printed_on": c.get("issued_on", "2022-02-06")}
    # The departments all of whose pairings are zero-case: the same judgement as `fanzha zero-case`.
    zero = week.json("zero-case", "--from", "2022-01-01", "--to", "2022-02-06")
    assert c["zero_case_departments"] == [{"department": d["department"], "category": d["category"]}
                                          for d in zero["departments"]]
    names = [d["department"] for d in c["zero_case_departments"]]
    assert "蔚汾派出所" not in names and "宣传科" in names  # 蔚汾's 东关 grid had two cases


def test_rank_and_explain(week):
    rows = week.json("rank", "--week", WEEK)["ranking"]
    assert rows[0]["department"] == "信访科" and rows[0]["score"] == 100
    explained = week.ok("rank", "--week", WEEK, "--explain", "宣传科").stdout
    assert "宣传科" in explained and "有报送的包联对象 2/5" in explained
    bad = week("rank", "--week", WEEK, "--explain", "宣传")
    assert bad.exit_code == 1 and "宣传科" in bad.stderr


def test_export_is_atomic_idempotent_issues_once_and_leaks_nothing(week, tmp_path, db_path):
    before = snapshot(db_path)
    out = tmp_path / "out"
    week.ok("export", "--week", WEEK, "--out", out, "--formats", "docx,xlsx,html,json,md,csv", "--quiet")
    folder = out / WEEK
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(f"每周通报-{WEEK}.{x}" for x in ("docx", "xlsx", "html", "json", "md", "csv"))
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    issued = snapshot(db_path)
    assert len(issued["entries"]) == len(before["entries"]) + 1  # the export issued the week: one entry
    assert issued["entries"][-1][1] == "circular_issue" and len(issued["circular_issues"]) == 1
    result = week.ok("export", "--week", WEEK, "--out", out, "--formats", "docx,xlsx,html,json,md,csv", "--quiet")
    assert result.stdout == "" and result.stderr == ""
    for name, blob in first.items():  # the same bytes, and not even rewritten
        assert (folder / name).read_bytes() == blob and (folder / name).stat().st_mtime_ns == stamps[name], name
    assert snapshot(db_path) == issued  # issued once: exporting again writes nothing
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp files left behind
    for name, blob in first.items():
        if name.endswith((".docx", ".xlsx")):
            with zipfile.ZipFile(folder / name) as z:
                blob = b"".join(z.read(n) for n in z.namelist())
        text = blob.decode("utf-8", errors="ignore")
        assert not any(v in text for v in VICTIM), name


def test_export_errors(week, tmp_path, unchanged):
    with unchanged():
        bad = week("export", "--week", WEEK, "--out", tmp_path, "--formats", "pdf")
    assert bad.exit_code == 1 and "不支持的导出格式：pdf" in bad.stderr
    bad = week("export", "--week", "2023-W05", "--out", tmp_path)
    assert bad.exit_code == 1 and "不在活动期" in bad.stderr
    bad = week("export", "--week", "2022-W60", "--out", tmp_path)
    assert bad.exit_code == 1 and "周次不存在" in bad.stderr


def test_docx_default_name_and_table_output(week, tmp_path):
    week.ok("weekly-circular", "--week", WEEK, "--format", "docx")
    assert (tmp_path / f"每周通报-{WEEK}.docx").exists()
    table = week.ok("weekly-circular", "--week", WEEK).stdout
    for words in ("关于2022年第5周反电诈宣传工作情况的通报", "信访科", "蔚汾派出所", "未报", "零发案"):
        assert words in table


def test_commendation_candidates(week):
    week.ok("dissuasion", "add", "--officer", "140201", "--date", "2022-02-03", "--amount-saved", "50000")
    got = week.json("commend", "candidates", "--from", "2022-01-31", "--to", "2022-02-06")
    people = {c["badge"]: c for c in got["candidates"] if c["subject_kind"] == "officer"}
    assert "140201" in people and any("劝阻 1 起" in r for r in people["140201"]["reasons"])
    assert "140101" not in people  # two deductions
    depts = {c["name"] for c in got["candidates"] if c["subject_kind"] == "department"}
    # The plan's grounds only: 办公室 did not report, but its units had no case (the bureau's
    # limits on reporting and deductions are off unless local_rules turns them on).
    assert "信访科" in depts and "办公室" in depts and "蔚汾派出所" not in depts


def test_demo_is_deterministic_and_never_touches_the_real_ledger(cli, tmp_path, db_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    out = cli.ok("--db", a, "demo", "--weeks", "3", "--seed", "7")
    # The demo's weeks are due weeks: the plan takes effect on its issue date (2022-01-21),
    # so they are 2022-W04..W06, the circulars 第1期 to 第3期.
    assert "关于2022年第6周反电诈宣传工作情况的通报" in out.stdout
    cli.ok("--db", b, "demo", "--weeks", "3", "--seed", "7")
    # The same figures; only the anchor's hash differs (each entry's hash covers when it was recorded).
    ca, cb = (cli.json("--db", x, "weekly-circular", "--week", "2022-W06") for x in (a, b))
    assert ca.pop("anchor")["entry_id"] == cb.pop("anchor")["entry_id"]
    assert ca == cb
    assert ca["summary"]["issue_no"] == 3
    assert not db_path.exists()  # FANZHA_DB, the real ledger, untouched
    cli.ok("--db", a, "db", "verify")
    refused = cli("--db", a, "demo")
    assert refused.exit_code == 1 and "不会写入已有的账本" in refused.stderr


def test_one_circular_never_commends_zero_case_on_a_grid_it_lists_as_having_had_a_case(cli, db_path):
    """Loaded to take effect on the campaign's first day, Saturday 2022-01-01 (the first
    reporting week starts on Monday 01-03): a case on 01-01 keeps its grid off the zero-case
    list, so the same circular must not commend the grid's officer for zero cases either."""
    from .conftest import PLAN

    cli.ok("plan", "load", PLAN, "--effective", "2022-01-01")
    for grid in ("蔚汾镇东关社区网格", "蔚汾镇西关社区网格", "蔚汾镇南关社区网格", "蔚汾镇北坡社区网格", "蔚汾镇城内社区网格"):
        cli.ok("report", "add", "--dept", "蔚汾派出所", "--week", "2022-W01", "--grid", grid,
               "--submitted-at", "2022-01-07 10:00", "--leaflets", "10")
    cli.ok("case", "add", "--case-no", "J1", "--date", "2022-01-01", "--type", "online_loan",
           "--grid", "蔚汾镇西关社区网格")  # 黄桂兰 (140102)'s only grid
    c = cli.json("weekly-circular", "--week", "2022-W01")
    assert "蔚汾镇西关社区网格" not in {g["grid"] for g in c["zero_case_grids"]}
    assert "蔚汾镇东关社区网格" in {g["grid"] for g in c["zero_case_grids"]}
    commended = {p["badge"]: p["reasons"] for p in c["commendation_candidates"] if p["subject_kind"] == "officer"}
    assert "140102" not in commended
    assert any("结对网格零发案" in r for r in commended["140101"])  # 东关 and 北坡: no case


def test_a_line_on_a_target_no_longer_paired_counts_for_nothing(cli, loaded, tmp_path):
    """信访科 reports on both its units for 2022-W05; then a plan load, effective that week's
    Monday, moves 退役军人事务局 to 宣传科. The week is judged by the plan in force on its Monday:
    信访科 has one paired unit, and the line on the other scores nothing (summed line by line)."""
    from .casework import plan_variant

    for unit in ("信访局", "退役军人事务局"):
        report(cli, "信访科", "--unit", unit, leaflets=200, photos=2)
    before = next(r for r in cli.json("rank", "--week", WEEK, "--format", "json")["ranking"] if r["department"] == "信访科")
    assert (before["targets"], before["covered"], before["photos_per_target"]) == (2, 2, 2)
    moved = plan_variant(tmp_path, "moved.yaml", {"      - 退役军人事务局\n": "", "      - 宣传部\n": "      - 宣传部\n      - 退役军人事务局\n"})
    cli.ok("plan", "load", moved, "--effective", "2022-01-31", "--reason", "退役军人事务局改由宣传科包联")
    ranking = {r["department"]: r for r in cli.json("weekly-circular", "--week", WEEK, "--format", "json")["ranking"]}
    after = ranking["信访科"]
    assert (after["targets"], after["covered"], after["photos_per_target"]) == (1, 1, 2)
    assert after["activity_per_target"] == before["activity_per_target"] == 200
    assert ranking["宣传科"]["status"] == "missing"  # the line is still 信访科's, not 宣传科's


def test_the_sums_sql_makes_are_the_sums_of_the_lines(cli, tmp_path):
    """The circular sums each department's week in SQL; scoring.tally sums the same lines in
    Python. On a demo ledger's random weeks, with some caps removed, they agree exactly."""
    from fanzha_cli import circular, ledger, queries, reports, weeks
    from fanzha_cli.settings import Settings

    db = tmp_path / "demo.db"
    cli.ok("--db", db, "demo", "--weeks", "3", "--seed", "11")
    led = ledger.open_ledger(Settings(db, "测试"), read_only=True)
    try:
        for label, rows in (("2022-W04", False), ("2022-W05", True), ("2022-W06", False), ("2022-W06", True)):
            plan = reports.week_plan(led, weeks.resolve(label), rows=rows)  # rows: the plan checked in SQL
            from fanzha_cli import rules as plan_rules

            rules = plan_rules.of(plan.index.settings).scoring
            for caps in (rules["activity_caps"], {"leaflets": 50, "attendees": 10}):
                varied = {**rules, "activity_caps": caps}
                summed, totals = circular._week_lines(led, plan, varied)
                assert len(summed) > 10
                by_line = {d: circular._tally_by_line(led, plan, d, varied) for d in summed}
                assert {d: r.tally for d, r in summed.items()} == by_line
                assert any(t.covered and any(t.capped) for t in by_line.values())
                lines = led.query(queries.CIRCULAR_LINES_OF_WEEK, {"week": label})
                assert totals["leaflets"] == sum(r["leaflets"] for r in lines) > 0
    finally:
        led.close()


def test_photo_files_attached_count_in_the_score_and_the_totals(cli, loaded, tmp_path):
    """Photos attached without a count count once per distinct file: in the department's
    score and in the week's totals."""
    files = []
    for n in range(3):
        f = tmp_path / f"现场{n}.jpg"
        f.write_bytes(b"\xff\xd8\xff\xe0" + bytes([n]) * 64)
        files += ["--photo", str(f)]
    cli.ok("report", "add", "--dept", "信访科", "--week", WEEK, "--unit", "信访局", "--submitted-at",
           "2022-02-04 10:00", "--leaflets", "10", *files, "--photo", files[1])
    report(cli, "信访科", "--unit", "退役军人事务局", leaflets=10, photos=2)
    c = cli.json("weekly-circular", "--week", WEEK)
    row = next(r for r in c["ranking"] if r["department"] == "信访科")
    assert row["photos_per_target"] == (3 + 2) / 2
    assert c["summary"]["measures"]["photos"] == 5
