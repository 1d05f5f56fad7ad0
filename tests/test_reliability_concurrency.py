"""Concurrency: many clerks' processes writing at once, a cron export and backups running
meanwhile. Every write lands exactly once, none fails with "database is locked", every
export and backup succeeds, every backup and the ledger verify afterwards."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .casework import GRID
from .reliawork import WRITERS, count, fresh_copy, plan_targets, record, run, write_report_csv
from .reportwork import seeded  # noqa: F401 (fixture)

STORM_LIMIT_S = 240  # a bound on the whole storm, far above its usual duration


def _lane(i: int, bureau: dict, week: int, tmp_path) -> list[tuple[list[str], int]]:
    """One clerk's commands, with data no other lane touches, and what each adds: even lanes
    enter a department's week of reports (one by command, the rest from a sheet), odd lanes
    a case and its call-back, verified negligent (two deductions)."""
    dept, units = bureau["name"], bureau["units"]
    w = lambda k: f"2022-W{week + k:02d}"  # noqa: E731
    rows = [[dept, w(0), "单位", u, str(i), "1", f"第 {i} 路导入"] for u in units[1:]]
    rows += [[dept, w(k), "单位", u, str(i), "2", ""] for k in (1, 2) for u in units]
    rows += [[dept, w(k), "本人", "", "1", "", ""] for k in (0, 1, 2)]
    sheet = write_report_csv(tmp_path / f"lane{i}.csv", rows)
    case = f"并发-{i:02d}"
    return [
        (["report", "add", "--dept", dept, "--week", w(0), "--unit", units[0], "--leaflets", i + 1,
          "--note", f"第 {i} 路"], 1),
        (["report", "import", sheet], len(rows)),
    ] if i % 2 == 0 else [
        (["case", "add", "--case-no", case, "--date", f"2022-03-{i % 28 + 1:02d}", "--type", "online_loan",
          "--grid", GRID, "--victim", "并发甲", "--phone", f"1390000{i:04d}"], 1),
        (["audit", "record", "--case", case, "--date", "2022-12-01", "--publicity-received", "no",
          "--verified-negligent"], 1),
    ]


def test_writers_an_export_and_backups_at_once(cli, seeded, db_path, tmp_path):  # noqa: F811
    fresh_copy(seeded, db_path)
    plan = plan_targets(cli)
    bureaus = [b for b in plan["bureaus"] if len(b["units"]) >= 2]
    lanes = []
    for i in range(WRITERS):
        bureau, week = bureaus[i // 2 % len(bureaus)], 10 + (i // 2 // len(bureaus)) * 3
        lanes.append((bureau["name"], week, _lane(i, bureau, week, tmp_path)))
    before = count(db_path, "SELECT count(*) FROM entries")
    writing = threading.Event()
    writing.set()
    deadline = time.monotonic() + STORM_LIMIT_S

    def writer(lane):
        return [(args, run(db_path, *args, timeout=STORM_LIMIT_S)) for args, _ in lane[2]]

    def repeat(make_args, limit):
        """Run a command again and again while the writers write (bounded in count and time)."""
        done = []
        while writing.is_set() and len(done) < limit and time.monotonic() < deadline:
            done.append(run(db_path, *make_args(len(done)), timeout=STORM_LIMIT_S))
        return done

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WRITERS + 2) as pool:
        exports = pool.submit(repeat, lambda n: ["export", "--week", "2022-W10", "--out", tmp_path / "out",
                                                 "--formats", "json,csv,xlsx", "--quiet"], 8)
        backups = pool.submit(repeat, lambda n: ["db", "backup", tmp_path / f"backup-{n}.db"], 6)
        results = [r for f in [pool.submit(writer, lane) for lane in lanes] for r in f.result()]
        writing.clear()
        exports, backups = exports.result(), backups.result()
    elapsed = time.monotonic() - started

    for args, r in results + [(["export"], r) for r in exports] + [(["db", "backup"], r) for r in backups]:
        assert r.returncode == 0, (args, r.stderr)
        assert "locked" not in r.stderr and "占用" not in r.stderr, (args, r.stderr)
    assert exports and backups

    # Every write landed, and only once.
    for dept, week, lane in lanes[::2]:
        lines = count(db_path, "SELECT count(*) FROM report_lines WHERE dept = ? AND week BETWEEN ? AND ?",
                      (dept, f"2022-W{week:02d}", f"2022-W{week + 2:02d}"))
        assert lines == sum(n for args, n in lane if args[0] == "report")
    assert count(db_path, "SELECT count(*) FROM (SELECT DISTINCT dept, week, target_kind, target FROM report_lines)") \
        == count(db_path, "SELECT count(*) FROM report_lines")
    cases = WRITERS // 2
    assert count(db_path, "SELECT count(*) FROM cases WHERE case_no LIKE '并发-%'") == cases
    assert count(db_path, "SELECT count(DISTINCT case_no) FROM cases WHERE case_no LIKE '并发-%'") == cases
    assert count(db_path, "SELECT count(*) FROM audits") == cases
    assert count(db_path, "SELECT count(*) FROM deductions") == 2 * cases
    writes = len(results)
    entries = count(db_path, "SELECT count(*) FROM entries") - before
    assert entries >= writes  # a call-back verified at once is two entries in one transaction

    assert run(db_path, "db", "verify").returncode == 0
    for n in range(len(backups)):
        copy = tmp_path / f"backup-{n}.db"
        assert cli("--db", copy, "db", "verify").exit_code == 0, f"backup {n} does not verify"
        assert count(copy, "SELECT count(*) FROM entries") >= before
    record("concurrency", writer_processes=WRITERS, writes=writes, entries=entries,
           report_lines=count(db_path, "SELECT count(*) FROM report_lines"),
           exports_during_writes=len(exports), backups_during_writes=len(backups),
           seconds=round(elapsed, 1), failures=0)


def test_an_export_reads_one_snapshot_while_a_write_lands(cli, seeded, db_path, monkeypatch):  # noqa: F811
    """A cron export running while a clerk's import commits: every part of the circular is
    read from the ledger as it was when the export began (one read transaction), never half
    before and half after. The write is made to land between the export's first and second
    query, the moment a mixed circular would come from."""
    from fanzha_cli import ledger, reports
    from fanzha_cli.settings import Settings

    fresh_copy(seeded, db_path)
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--leaflets", "10",
           "--submitted-at", "2022-02-04 10:00")
    before = cli.json("weekly-circular", "--week", "2022-W05")
    original, landed = ledger.Ledger.query, []

    def query(self, sql, params=()):
        rows = original(self, sql, params)
        if self.operator == "" and not landed:  # the export's read-only ledger, after its first query
            other = ledger.open_ledger(Settings(db_path, "另一位文书"))
            try:
                reports.add_line(other, dept="网安大队", week="2022-W05", self_target=True,
                                 values=reports.LineInput(measures={"leaflets": "99"}),
                                 submitted_at="2022-02-04 11:00")
            finally:
                other.close()
            landed.append(True)
        return rows

    monkeypatch.setattr(ledger.Ledger, "query", query)
    during = cli.json("weekly-circular", "--week", "2022-W05")
    assert landed and during == before
    monkeypatch.setattr(ledger.Ledger, "query", original)
    after = cli.json("weekly-circular", "--week", "2022-W05")
    assert after != before  # the write did land, for the next export to see
