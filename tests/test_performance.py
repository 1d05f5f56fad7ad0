"""What keeps fanzha fast at scale, checked without timing anything: the scale generator is
deterministic, hot queries are read through indexes, the recorded plan state and the derived
report counts agree with the facts they come from, and batch writes are all or nothing.
(The timings themselves are benchmarks: benchmarks/run.py. That importing the CLI loads no
renderer is tests/test_ledger.py's.)"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fanzha_cli import audits, cases, chain, ledger, plan, plan_store, queries, reports
from fanzha_cli.errors import FanzhaError
from fanzha_cli.settings import Settings

from .casework import GRID, opened, plan_variant
from .conftest import PLAN, ROOT, snapshot

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

# What differs between two runs of the same generation: when entries and migrations were
# written, and the hashes over those times.
_WHEN = {"entries": {"recorded_at", "prev_hash", "hash"}, "_sqlite_migrations": {"applied_at"}}


def _opened(value, column: str):
    from fanzha_cli import vault

    if vault.is_sealed(value):
        return vault.opener().open(value, column)
    if isinstance(value, str) and "⟦" in value:
        return vault.text_revealed(value, vault.opener())
    return value


def _content(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table, rows in snapshot(path).items():
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            keep = [i for i, c in enumerate(cols) if c not in _WHEN.get(table, set())]
            # Victims' data is sealed with a fresh nonce each time: compare what it opens to.
            out[table] = [tuple(_opened(r[i], cols[i]) for i in keep) for r in rows]
        return out
    finally:
        conn.close()


def _generate(path: Path, scale: str, weeks: int, seed: int, plan_path: Path | None = None) -> dict:
    led = ledger.open_ledger(Settings(path, "规模测试"), create=True)
    try:
        return generate.build(led, scale, n_weeks=weeks, seed=seed, plan_path=plan_path)
    finally:
        led.close()


@pytest.mark.parametrize("scale", ["tiny", "county"])
def test_the_generator_is_deterministic_for_a_seed(tmp_path, scale):
    plan_path = tmp_path / "plan.yaml"  # the same name both times: its path is recorded
    a = _generate(tmp_path / "a.db", scale, 3, 7, plan_path)
    b = _generate(tmp_path / "b.db", scale, 3, 7, plan_path)
    assert a["totals"] == b["totals"] and a["totals"]["lines"] > 0 and a["totals"]["cases"] > 0
    assert _content(tmp_path / "a.db") == _content(tmp_path / "b.db")
    c = _generate(tmp_path / "c.db", scale, 3, 8, plan_path)
    assert _content(tmp_path / "c.db") != _content(tmp_path / "a.db")
    with opened(tmp_path / "a.db") as led:
        assert chain.verify_chain(led.conn)[1] is None


def test_the_generator_command_builds_a_ledger_and_refuses_an_existing_one(tmp_path):
    db = tmp_path / "tiny.db"
    script = str(ROOT / "benchmarks" / "generate.py")
    out = subprocess.run([sys.executable, script, "--scale", "tiny", "--weeks", "2", "--db", str(db), "--quiet"],
                         capture_output=True, text=True, check=True)
    assert '"lines"' in out.stdout and (tmp_path / "tiny.db.plan.yaml").exists()
    again = subprocess.run([sys.executable, script, "--scale", "tiny", "--db", str(db)], capture_output=True, text=True)
    assert again.returncode == 2 and "已存在" in again.stderr


def test_the_generator_extends_a_ledger_cut_short(tmp_path):
    """--extend adds the missing weeks to a ledger a generation stopped early, and nothing to a
    complete one; from the same ledger it adds the same content."""
    script = str(ROOT / "benchmarks" / "generate.py")
    short = tmp_path / "short.db"
    subprocess.run([sys.executable, script, "--scale", "tiny", "--weeks", "2", "--db", str(short), "--quiet"],
                   capture_output=True, text=True, check=True)
    shutil.copyfile(short, tmp_path / "twin.db")
    for db in (short, tmp_path / "twin.db"):
        out = subprocess.run([sys.executable, script, "--scale", "tiny", "--weeks", "4", "--extend", "--db", str(db),
                              "--quiet"], capture_output=True, text=True, check=True)
        assert json.loads(out.stdout)["weeks"] == ["2022-W03", "2022-W04"]
    assert _content(short) == _content(tmp_path / "twin.db")
    with opened(short) as led:
        assert chain.verify_chain(led.conn)[1] is None
        assert [r[0] for r in led.conn.execute("SELECT DISTINCT week FROM report_lines ORDER BY week")] == \
            ["2022-W01", "2022-W02", "2022-W03", "2022-W04"]
        assert led.conn.execute("SELECT count(DISTINCT case_date) FROM cases WHERE case_date >= '2022-01-17'").fetchone()[0] > 0
    again = subprocess.run([sys.executable, script, "--scale", "tiny", "--weeks", "4", "--extend", "--db", str(short),
                            "--quiet"], capture_output=True, text=True, check=True)
    assert json.loads(again.stdout)["weeks"] == []
    missing = subprocess.run([sys.executable, script, "--scale", "tiny", "--extend", "--db", str(tmp_path / "none.db")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "不存在" in missing.stderr


def test_the_generated_plan_has_the_counts_it_promises(tmp_path):
    counts = generate.write_plan(generate.SCALES["tiny"], tmp_path / "p.yaml", 1)
    parsed = plan.parse_plan(tmp_path / "p.yaml")
    assert counts == {"departments": len(parsed.departments), "officers": len(parsed.officers),
                      "grids": len(parsed.grids), "units": sum(len(d.units) for d in parsed.departments)}
    province = generate.SCALES["province"]
    assert province.counties * (province.bureaus + province.stations) == 5000
    assert province.counties * province.stations * province.grids_per_station == 100_000
    assert province.counties * province.stations * (province.police_per_station + province.auxiliaries_per_station) == 60_000
    assert province.counties * (province.bureaus * province.units_per_bureau
                                + province.stations * province.units_per_station) == 20_000


# --- every hot query reads through an index -------------------------------------------------------------

_D = {"start": "2022-01-01", "end": "2022-12-31"}
HOT = {
    # weekly reports: add, import, list, missing, history
    "REPORT_CURRENT_OF_TARGET": {"week": "2022-W05", "dept": "宣传科", "target_kind": "unit", "target": "宣传部"},
    "REPORT_CURRENT_OF_WEEK": {"week": "2022-W05"},
    "REPORT_VERSIONS_OF_WEEK": {"week": "2022-W05"},
    "REPORT_LIST_OF_WEEK": {"week": "2022-W05", "dept": None},
    "REPORT_LINE_VERSIONS": {"line_id": 1},
    "REPORT_LINE_PHOTOS": {"line_id": 1},
    "REPORT_MAX_LINE_ID": {},
    "REPORT_PHOTO_USES": {"sha256": "0" * 64},
    # the weekly circular and commendation
    "CIRCULAR_LINES_OF_WEEK": {"week": "2022-W05"},
    "CIRCULAR_DEPARTMENTS_OF_WEEK": {"week": "2022-W05", **{f"cap_{m}": 1 for m in queries._MEASURES}},
    "CIRCULAR_LINES_OF_DEPT_WEEK": {"week": "2022-W05", "dept": "信访科"},
    "PROGRESS_OF_WEEK": {"week": "2022-W05", "upto": None},
    "REPORT_TOTALS_OF_WEEK": {"week": "2022-W05"},
    "REPORTING_DEPTS_OF_WEEK": {"week": "2022-W05"},
    "REPORT_ON_TIME_WEEKS": {"first": "2022-W01", "last": "2022-W52"},
    "CASE_TOTALS_IN": _D,
    "CASES_IN_PERIOD": {**_D, "fraud_type": None},
    "CASE_TARGETS_IN": _D,
    "CIRCULAR_DEDUCTIONS": _D,
    "DEDUCTION_COUNTS_AS_OF": {**_D, "as_of": "2022-02-06", "at_least": 2},
    "DEDUCTION_COUNTS": {**_D, "at_least": 1},
    "DISSUASIONS_IN": _D,
    "AUDITS_IN_PERIOD": {**_D, "status": None},
    "CASE_HISTORY": {"case_no": "X"},
    "UNUSUAL_CASE_NOS": {},
    "CASE_COUNTING_DEDUCTION": {"case_no": "X", "except": 0},
    "SAME_AUDIT": {"case_no": "X", "audit_date": "2022-02-01", "publicity_received": 0, "except": 0},
    # the plan in force
    "PLAN_VERSION_ON": {"on": "2022-02-01"},
    "PLAN_FACTS_OF_KEY": {"kind": "pairing", "key": "宣传部", "on": "2022-02-01"},
    "PLAN_FACTS_OF_PARENT": {"kind": "officer_grid", "parent": GRID, "on": "2022-02-01"},
    "PLAN_STATE_RECORDED": {"entry_id": 1, "on": "2022-02-01"},
    "PLAN_CHANGE_DAYS": _D,
    "LATEST_PLAN_VERSION": {},
    "FIRST_PLAN_EFFECTIVE": {"upto": None},
}


def _full_scans(conn: sqlite3.Connection, sql: str, params: dict) -> list[str]:
    """Steps that read a whole table or index (SCAN), other than of a subquery's own rows, or
    an index read in its order up to a LIMIT 1 (the latest of something: one entry)."""
    steps = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, {"upto": None, **params})]
    one = sql.strip().endswith("LIMIT 1")
    # A derivation (the current version of each case, call-back, deduction) is a subquery
    # named by its alias: its own rows are read whole, its tables through their indexes.
    derived = {s.split()[-1] for s in steps if s.startswith(("CO-ROUTINE", "MATERIALIZE"))}
    # A partial index holds only the rows its condition picks (unusual case numbers): reading
    # it whole is reading those.
    partial = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'")}
    return [s for s in steps if re.match(r"SCAN (?!\(subquery|CONSTANT ROW)", s) and not (one and " USING " in s)
            and s.split()[1] not in derived and s.split()[-1] not in partial]


def test_every_hot_query_reads_through_an_index(cli, loaded, db_path):
    conn = sqlite3.connect(db_path)
    missing = {name: _full_scans(conn, getattr(queries, name), params) for name, params in HOT.items()}
    assert {name: scans for name, scans in missing.items() if scans} == {}


def test_the_plan_state_fallback_is_the_only_full_read_of_the_plan(cli, loaded, db_path):
    # Read only for ledgers loaded before plan_states existed; shown here so that the test
    # above is seen to catch a full scan.
    conn = sqlite3.connect(db_path)
    assert _full_scans(conn, queries.PLAN_STATE_ON, {"on": "2022-02-01"})


# --- the recorded plan state --------------------------------------------------------------------------


def _index_from_items(led: ledger.Ledger, on: str) -> plan_store.PlanIndex:
    version = led.query(queries.PLAN_VERSION_ON, {"on": on})[0]
    state = plan_store.state_columns(r[:4] for r in led.conn.execute(queries.PLAN_STATE_ON, {"on": on}))
    return plan_store._index_from_state(on, version["settings"], state)


def test_the_recorded_plan_state_is_the_state_the_items_give(cli, loaded, db_path, tmp_path):
    moved = plan_variant(tmp_path, "moved.yaml", {
        "      - 重点办\n": "",  # moves to 督察大队
        "      - 纪委监委\n": "      - 纪委监委\n      - 重点办\n",
        'officers: ["140101", "FJ0101"]': 'officers: ["140103", "FJ0101"]',
        "{badge: \"FJ0103\", name: 傅素芳, role: auxiliary}": "{badge: \"FJ0103\", name: 傅素芳, role: police}",
    })
    cli.ok("plan", "load", moved, "--effective", "2022-03-01", "--reason", "调整")
    cli.ok("plan", "load", PLAN, "--effective", "2022-03-01", "--reason", "当日撤回")  # same day: the later wins
    cli.ok("plan", "load", moved, "--effective", "2022-06-01", "--reason", "再调整")
    with opened(db_path) as led:
        assert led.query("SELECT count(*) AS n FROM plan_states")[0]["n"] == 4
        for on in ("2022-01-21", "2022-02-28", "2022-03-01", "2022-05-31", "2022-06-01", plan_store.FAR_FUTURE):
            recorded = plan_store.index_on(led, on)
            assert recorded == _index_from_items(led, on), on
        assert plan_store.index_on(led, "2022-04-01").unit_depts["重点办"] == ["刑侦大队"]
        assert plan_store.index_on(led, "2022-06-01").unit_depts["重点办"] == ["督察大队"]


def test_a_ledger_without_recorded_states_reads_the_same_plan(cli, loaded, db_path):
    # Ledgers loaded before plan_states existed: the items are read instead.
    with opened(db_path) as led:
        before = plan_store.index_on(led, "2022-02-01")
        led.conn.execute("DROP TRIGGER plan_states_no_delete")
        led.conn.execute("DELETE FROM plan_states")
        plan_store._BUILT.clear()
        assert plan_store.index_on(led, "2022-02-01") == before


# --- the derived per-week report counts -------------------------------------------------------------------


def _by_hand(led) -> dict[tuple[str, str], tuple]:
    """report_week_status worked out in Python from every version of every line: per week and
    department, the current lines that are not voids, how many late, the first and last time
    they came in, how many are self lines (a week whose lines were all voided: zeros)."""
    current: dict[int, dict] = {}
    for r in led.query("SELECT * FROM report_lines ORDER BY line_id, version"):
        current[r["line_id"]] = r
    out: dict[tuple[str, str], tuple] = {}
    for r in current.values():
        key = (r["week"], r["dept"])
        lines, late, first, last, own = out.get(key, (0, 0, None, None, 0))
        if r["action"] != "void":
            at = r["submitted_at"]
            lines, late, own = lines + 1, late + r["late"], own + (r["target_kind"] == "self" and r["target"] == "")
            first, last = min(first or at, at), max(last or at, at)
        out[key] = (lines, late, first, last, own)
    return out


def _derived_matches(db_path: Path) -> dict[tuple[str, str], tuple]:
    with opened(db_path) as led:
        assert reports.derived_problems(led) == []
        kept = {(r[0], r[1]): tuple(r[2:]) for r in led.conn.execute(
            "SELECT week, dept, lines, late_lines, first_at, last_at, self_lines FROM report_week_status")}
        assert kept == _by_hand(led)
        return kept


def test_report_week_counts_follow_every_write(cli, loaded, db_path, tmp_path):
    def add(dept, flag, target, at, **more):
        args = ["report", "add", "--dept", dept, "--week", "2022-W05", flag, *([target] if target else []),
                "--submitted-at", at, "--leaflets", "5"]
        for k, v in more.items():
            args += [f"--{k}", v]
        cli.ok(*args)

    add("宣传科", "--unit", "宣传部", "2022-02-04 10:00")
    add("宣传科", "--unit", "融媒体中心", "2022-02-04 19:00")
    add("办公室", "--unit", "财政局", "2022-02-04 09:00")
    kept = _derived_matches(db_path)
    assert kept[("2022-W05", "宣传科")] == (2, 1, "2022-02-04T10:00:00", "2022-02-04T19:00:00", 0)
    cli.ok("report", "amend", "2", "--submitted-at", "2022-02-04 11:00", "--reason", "收到时间记错")
    assert _derived_matches(db_path)[("2022-W05", "宣传科")] == (2, 0, "2022-02-04T10:00:00", "2022-02-04T11:00:00", 0)
    cli.ok("report", "void", "3", "--reason", "报错了对象")
    assert _derived_matches(db_path)[("2022-W05", "办公室")] == (0, 0, None, None, 0)
    # The earliest line moved later, then voided: the first time follows (an amendment or a
    # void is counted again from the current lines, not adjusted).
    add("宣传科", "--self", "", "2022-02-03 08:00")
    assert _derived_matches(db_path)[("2022-W05", "宣传科")] == (3, 0, "2022-02-03T08:00:00", "2022-02-04T11:00:00", 1)
    add("宣传科", "--unit", "文联", "2022-02-04 10:30")  # a new line keeps the self line counted
    assert _derived_matches(db_path)[("2022-W05", "宣传科")] == (4, 0, "2022-02-03T08:00:00", "2022-02-04T11:00:00", 1)
    cli.ok("report", "amend", "4", "--submitted-at", "2022-02-04 12:00", "--reason", "时间记错")
    assert _derived_matches(db_path)[("2022-W05", "宣传科")] == (4, 0, "2022-02-04T10:00:00", "2022-02-04T12:00:00", 1)
    cli.ok("report", "void", "1", "--reason", "重复")
    assert _derived_matches(db_path)[("2022-W05", "宣传科")] == (3, 0, "2022-02-04T10:30:00", "2022-02-04T12:00:00", 1)
    cli.ok("report", "void", "4", "--reason", "重复")
    assert _derived_matches(db_path)[("2022-W05", "宣传科")] == (2, 0, "2022-02-04T10:30:00", "2022-02-04T11:00:00", 0)
    add("办公室", "--unit", "财政局", "2022-02-04 08:30")  # a department's week all voided, then a new line
    assert _derived_matches(db_path)[("2022-W05", "办公室")] == (1, 0, "2022-02-04T08:30:00", "2022-02-04T08:30:00", 0)
    sheet = tmp_path / "w06.csv"
    sheet.write_text("科所队,周次,包联对象,宣传折页（份）,报送时间\n宣传科,2022-W06,宣传部,3,2022-02-11 20:00\n"
                     "宣传科,2022-W06,文联,4,2022-02-11 10:00\n", encoding="utf-8")
    cli.ok("report", "import", sheet)
    _derived_matches(db_path)
    # W05 on time once amended (宣传科) and after a void and a new line (办公室); 宣传科's W06 late.
    # Both readings (short periods by week, long ones by department) agree.
    with opened(db_path) as led:
        for sql in (queries.REPORT_ON_TIME_WEEKS, queries.REPORT_ON_TIME_WEEKS_BY_DEPT):
            on_time = led.query(sql, {"first": "2022-W01", "last": "2022-W52"})
            assert sorted((r["dept"], r["weeks"]) for r in on_time) == [("办公室", 1), ("宣传科", 1)]
            assert led.query(sql, {"first": "2022-W06", "last": "2022-W52"}) == []


M014 = "m014_report_week_status_times"


def _as_before_m014(db_path: Path, tmp_path: Path) -> None:
    """Take a ledger back to the schema of m013 (what a ledger written before m014 holds): its
    triggers as a ledger migrated up to m013 has them, no new columns, no index by department."""
    import sqlite_utils

    from fanzha_cli.migrations import migrations

    older = sqlite_utils.Database(tmp_path / "m013.db")
    migrations.apply(older, stop_before=M014)
    triggers = [sql for (sql,) in older.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report_lines_status_%'")]
    assert len(triggers) == 2
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.executescript(
        "BEGIN; DROP TRIGGER report_lines_status_new; DROP TRIGGER report_lines_status_version;"
        "DROP INDEX report_week_status_dept;"
        "ALTER TABLE report_week_status DROP COLUMN first_at; ALTER TABLE report_week_status DROP COLUMN last_at;"
        f"ALTER TABLE report_week_status DROP COLUMN self_lines; DELETE FROM _sqlite_migrations WHERE name = '{M014}';"
        + ";".join(triggers) + "; COMMIT;")
    conn.close()


def test_m014_fills_the_new_columns_of_a_ledger_written_before_it(cli, loaded, db_path, tmp_path):
    for unit, at in (("宣传部", "2022-02-04 10:00"), ("融媒体中心", "2022-02-04 19:00"), ("文联", "2022-02-03 09:00")):
        cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", unit, "--leaflets", "5",
               "--submitted-at", at)
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W06", "--self", "--leaflets", "1",
           "--submitted-at", "2022-02-10 10:00")
    cli.ok("report", "void", "3", "--reason", "报错了对象")
    expected = _derived_matches(db_path)
    _as_before_m014(db_path, tmp_path)
    conn = sqlite3.connect(db_path)
    assert [r[1] for r in conn.execute("PRAGMA table_info(report_week_status)")] == ["week", "dept", "lines", "late_lines"]
    conn.close()
    cli.ok("db", "verify")  # opening migrates it, and verify recounts the new columns
    assert _derived_matches(db_path) == expected
    assert expected[("2022-W05", "宣传科")] == (2, 1, "2022-02-04T10:00:00", "2022-02-04T19:00:00", 0)
    assert expected[("2022-W06", "宣传科")][4] == 1
    # The triggers the step put in place keep the new columns from then on.
    cli.ok("report", "amend", "1", "--submitted-at", "2022-02-04 20:00", "--reason", "收到时间记错")
    assert _derived_matches(db_path)[("2022-W05", "宣传科")] == (2, 2, "2022-02-04T19:00:00", "2022-02-04T20:00:00", 0)


@pytest.mark.parametrize("tamper", [
    "late_lines = 1", "first_at = '2022-02-04 09:59:00'", "last_at = '2022-02-04 10:01:00'", "self_lines = 1",
])
def test_verify_finds_derived_counts_that_disagree_with_the_lines(cli, loaded, db_path, tamper):
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--leaflets", "5",
           "--submitted-at", "2022-02-04 10:00")
    cli.ok("db", "verify")
    conn = sqlite3.connect(db_path)
    assert conn.execute(f"UPDATE report_week_status SET {tamper}").rowcount == 1
    conn.commit()
    result = cli("db", "verify")
    assert result.exit_code == 1 and "report_week_status" in result.stderr


# --- batch writes ------------------------------------------------------------------------------------------


def test_a_batch_of_cases_lands_whole_or_not_at_all(cli, loaded, db_path, unchanged):
    one = dict(case_no="B1", date="2022-03-01", type_="online_loan", grid=GRID)
    with opened(db_path) as led:
        with unchanged():
            with pytest.raises(FanzhaError, match="B1 已登记"):
                cases.add_cases(led, [one, {**one, "date": "2022-03-02"}])  # the same number twice
            with pytest.raises(FanzhaError, match="没有名为"):
                cases.add_cases(led, [one, {**one, "case_no": "B2", "grid": "不存在的网格"}])
        added = cases.add_cases(led, [one, {**one, "case_no": "B2"}])
        assert [c["case_no"] for c in added] == ["B1", "B2"] and added[1]["entry_id"] == added[0]["entry_id"] + 1
        with unchanged():
            with pytest.raises(FanzhaError, match="不重复扣分"):
                audits.record_many(led, [
                    dict(case_no="B1", date="2022-03-05", received="no", verified_negligent=True),
                    dict(case_no="B1", date="2022-03-06", received="no", verified_negligent=True),
                ])
        done = audits.record_many(led, [dict(case_no="B1", date="2022-03-05", received="no", verified_negligent=True),
                                        dict(case_no="B2", date="2022-03-05", received="yes")])
        assert [d["status"] for d in done] == ["negligent", "received"]
    cli.ok("db", "verify")


def test_the_circular_of_the_campaigns_last_week(cli, loaded):
    # 2022-W52 ends on 2023-01-01, after the campaign: zero-case is judged up to the campaign's end.
    c = cli.json("weekly-circular", "--week", "2022-W52")
    assert c["week"] == "2022-W52" and c["zero_case_grids"]


def test_the_check_for_victims_in_clear_reads_only_such_rows(cli, loaded, db_path):
    # Every command opens the ledger with this check: on a province's 200,000 cases a scan
    # of the table would cost each command alike.
    from fanzha_cli import sealing

    conn = sqlite3.connect(db_path)
    for table in sealing.VICTIM_TABLES:
        steps = [r[3] for r in conn.execute(
            f'EXPLAIN QUERY PLAN SELECT count(*) FROM "{table}" WHERE {sealing.PLAIN_VICTIM}')]
        assert len(steps) == 1 and re.fullmatch(f"SCAN {table} USING (COVERING )?INDEX {table}_plain_victims", steps[0]), steps


def test_verify_counts_every_week_that_disagrees_and_names_the_first(cli, loaded, db_path):
    """A kept row changed, one deleted and one added where there are no lines: three places, the
    first in (week, department) order named."""
    for dept, unit, week in (("宣传科", "宣传部", "2022-W05"), ("办公室", "财政局", "2022-W06"), ("宣传科", "宣传部", "2022-W07")):
        cli.ok("report", "add", "--dept", dept, "--week", week, "--unit", unit, "--leaflets", "5")
    cli.ok("db", "verify")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE report_week_status SET self_lines = 1 WHERE week = '2022-W07'")
    conn.execute("DELETE FROM report_week_status WHERE week = '2022-W06'")
    conn.execute("INSERT INTO report_week_status (week, dept, lines, late_lines) VALUES ('2022-W09', '政工科', 1, 0)")
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1
    assert "每周报送统计（report_week_status）与报送记录不符：3 处，首处为 办公室 2022-W06。" in result.stderr, result.stderr
