"""Crashes: `report import` and `plan load` killed with SIGKILL at random moments.

Half the kills fall anywhere in the run (uniform over its duration, measured on an
uninterrupted run); the other half wait until the process holds the ledger's write lock
(seen in /proc/locks, without touching the ledger) and then strike after a random part of
the write transaction. Afterwards the ledger holds the whole import or none of it,
`fanzha db verify` passes, and running the same command again completes it.
No test hook in fanzha: only timing.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import PLAN
from .reliawork import (CRASH_ROWS, KILLS, LONG, SEED, bulk_rows, can_see_locks, child_env, count, fanzha_cmd,
                        fresh_copy, plan_targets, record, write_lock_held, write_report_csv)
from .reportwork import seeded  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


@dataclass
class Tally:
    kills: int = 0
    before_lock: int = 0  # killed before taking the write lock (reading, validating the file)
    mid_write: int = 0  # killed holding the write lock: the transaction was open, then lost
    wal_written: int = 0  # ... of which the transaction had already written pages to the -wal
    after_commit: int = 0  # the kill came after the commit (or the run had ended)
    reruns: int = 0
    outcomes: list = field(default_factory=list)


@dataclass
class Run:
    seconds: float
    lock_from: float | None
    lock_to: float | None
    killed: bool = False
    held_at_kill: bool = False
    wal_grew: bool = False  # the open transaction had already written pages to the -wal file


def _watch(cmd: list[str], db: Path, kill_at: float | None = None, kill_in_lock: float | None = None) -> Run:
    """Run `cmd`; SIGKILL it at `kill_at` seconds, or `kill_in_lock` seconds after it takes
    the write lock. Polls /proc/locks meanwhile to see when it holds the lock."""
    wal = Path(f"{db}-wal")
    wal_at_lock, was_held = None, False
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=child_env())
    run = Run(0.0, None, None)
    try:
        while proc.poll() is None:
            now = time.monotonic() - started
            held = write_lock_held(proc.pid, db)
            if held:
                if not was_held:  # a write transaction begins: what the -wal held before it
                    wal_at_lock = wal.stat().st_size if wal.exists() else 0
                run.lock_from = run.lock_from if run.lock_from is not None else now
                run.lock_to = now
            was_held = held
            strike = (kill_at is not None and now >= kill_at) or (
                kill_in_lock is not None and run.lock_from is not None and now >= run.lock_from + kill_in_lock)
            if strike:
                run.held_at_kill = held and write_lock_held(proc.pid, db)
                run.wal_grew = run.held_at_kill and wal.exists() and wal.stat().st_size > (wal_at_lock or 0)
                proc.send_signal(signal.SIGKILL)
                run.killed = True
                break
            if now > 300:
                raise AssertionError("the command ran for five minutes")
            time.sleep(0.001)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    run.seconds = time.monotonic() - started
    if not run.killed:
        assert proc.returncode == 0, proc.stderr.read().decode()
    proc.stderr.close()
    return run


@dataclass
class Pace:
    """How long a run and its write transaction take: the shortest seen so far (a loaded
    machine can make the first, reference run slow, and later kills would come too late)."""

    seconds: float
    window: float

    def saw(self, run: Run) -> None:
        if not run.killed and run.lock_from is not None:
            self.seconds = min(self.seconds, run.seconds)
            self.window = min(self.window, max(run.lock_to - run.lock_from, 0.002))


def _kill_plan(rng: random.Random, pace: Pace, trial: int) -> dict:
    """Even trials: anywhere in the run. Odd trials: inside the write transaction — the first
    at the moment the lock is seen, the others after a random part of it, every other one in
    its last fifth, where the rows are written and committed."""
    if trial % 2 == 0:
        return {"kill_at": rng.uniform(0.0, pace.seconds * 1.05)}
    if trial == 1:
        return {"kill_in_lock": 0.0}
    return {"kill_in_lock": rng.uniform(0.8 * pace.window if trial % 4 == 3 else 0.0, pace.window)}


def _tally(t: Tally, run: Run, whole: bool) -> None:
    t.kills += 1
    if not run.killed or whole:
        t.after_commit += 1
    elif run.held_at_kill:
        t.mid_write += 1
        t.wal_written += run.wal_grew
    else:
        t.before_lock += 1


def _report(name: str, t: Tally, reference: Run, **what) -> None:
    assert t.mid_write >= 1, f"no kill landed inside the write transaction: {t}"
    record(name, **what, kills=t.kills, mid_write=t.mid_write, mid_write_with_wal_pages=t.wal_written,
           before_lock=t.before_lock, after_commit=t.after_commit, reruns_completed=t.reruns,
           seconds_per_run=round(reference.seconds, 2),
           write_lock_held_s=round(reference.lock_to - reference.lock_from, 2), failures=0)


def _verify(cli, db: Path) -> None:
    result = cli("--db", db, "db", "verify")
    assert result.exit_code == 0, result.stderr


needs_locks = pytest.mark.skipif(not can_see_locks(), reason="the lock probe reads /proc/locks (Linux)")


@needs_locks
def test_report_import_killed_anywhere_lands_whole_or_not_at_all(cli, seeded, db_path, tmp_path):  # noqa: F811
    fresh_copy(seeded, db_path)
    rows = bulk_rows(plan_targets(cli)["targets"], CRASH_ROWS)
    sheet = write_report_csv(tmp_path / "全年补录.csv", rows)
    target = tmp_path / "target.db"
    fresh_copy(seeded, target)
    reference = _watch(fanzha_cmd(target, "report", "import", sheet), target)
    whole = count(target, "SELECT count(*) FROM report_lines")
    assert whole == len(rows) and reference.lock_from is not None

    rng, tally, pace = random.Random(SEED), Tally(), Pace(reference.seconds, reference.lock_to - reference.lock_from)
    rerun_on = {0, KILLS - 1}
    for trial in range(KILLS):
        fresh_copy(seeded, target)
        run = _watch(fanzha_cmd(target, "report", "import", sheet), target, **_kill_plan(rng, pace, trial))
        pace.saw(run)
        lines = count(target, "SELECT count(*) FROM report_lines")
        assert lines in (0, whole), f"kill {trial} left {lines} of {whole} lines"
        entries = count(target, "SELECT count(*) FROM entries")
        assert entries == (2 if lines else 1)
        _tally(tally, run, lines == whole)
        _verify(cli, target)
        if LONG or trial in rerun_on or (run.held_at_kill and tally.reruns < 1):
            cli.ok("--db", target, "report", "import", sheet)
            assert count(target, "SELECT count(*) FROM report_lines") == whole
            _verify(cli, target)
            tally.reruns += 1
    _report("crash_report_import", tally, reference, rows=whole)


@needs_locks
def test_plan_load_killed_anywhere_lands_whole_or_not_at_all(cli, tmp_path):
    target = tmp_path / "plan.db"
    for _ in range(10):
        # The write transaction of a plan load lasts milliseconds: a busy machine's poll can
        # miss it on one run. The reference run only needs to see it once.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        reference = _watch(fanzha_cmd(target, "plan", "load", PLAN), target)
        if reference.lock_from is not None:
            break
    items = count(target, "SELECT count(*) FROM plan_items")
    assert items > 500 and reference.lock_from is not None

    rng, tally, pace = random.Random(SEED + 1), Tally(), Pace(reference.seconds, reference.lock_to - reference.lock_from)
    for trial in range(KILLS):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        run = _watch(fanzha_cmd(target, "plan", "load", PLAN), target, **_kill_plan(rng, pace, trial))
        pace.saw(run)
        loaded = 0
        if target.exists():
            _verify(cli, target)  # also opens (and finishes migrating) a ledger cut short
            loaded = count(target, "SELECT count(*) FROM plan_versions")
            assert (loaded, count(target, "SELECT count(*) FROM plan_items")) in ((0, 0), (1, items))
        _tally(tally, run, loaded == 1)
        cli.ok("--db", target, "plan", "load", PLAN)
        assert count(target, "SELECT count(*) FROM plan_items") == items
        assert count(target, "SELECT count(*) FROM entries") == 1
        _verify(cli, target)
        tally.reruns += 1
    _report("crash_plan_load", tally, reference, plan_items=items)
