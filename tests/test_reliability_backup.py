"""Backups and restore: `db restore` verifies a backup before it touches anything, replaces
the live ledger in one transaction (waiting for a writer mid-transaction), keeps the old
ledger whole as `<ledger>.<timestamp>.bak`, and round-trips. (Backups taken during active
writes are proved in test_reliability_concurrency.py.)"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

import pytest

from .conftest import PLAN, snapshot
from .reliawork import assert_clean, can_see_locks, record, write_lock_held

GRID = "蔚汾镇东关社区网格"


def _case(cli, no: str, db=None):
    where = ["--db", db] if db else []
    cli.ok(*where, "case", "add", "--case-no", no, "--date", "2022-03-01", "--type", "online_loan", "--grid", GRID)


def _bak(db_path):
    return sorted(db_path.parent.glob(f"{db_path.name}.*.bak"))


def _tamper(path, sql):
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_restore_round_trips_and_keeps_the_old_ledger(cli, loaded, tmp_path):
    _case(cli, "备份前")
    backup = tmp_path / "backups" / "周五.db"
    cli.ok("db", "backup", backup)
    backed_up = snapshot(backup)
    _case(cli, "备份后")
    before_restore = snapshot(loaded)

    result = cli.ok("db", "restore", backup)
    assert "校验通过" in result.stderr and "原账本已另存为" in result.stderr
    assert snapshot(loaded) == backed_up
    [kept] = _bak(loaded)
    assert snapshot(kept) == before_restore  # nothing written before the restore is lost
    assert kept.stat().st_mode & 0o077 == 0
    cli.ok("db", "verify")
    cli.ok("--db", kept, "db", "verify")
    cases = [c["case_no"] for c in cli.json("case", "list", "--from", "2022-03-01", "--to", "2022-03-31")]
    assert cases == ["备份前"]
    _case(cli, "恢复后")  # the chain goes on from the restored head
    cli.ok("db", "verify")
    cli.ok("db", "restore", kept)  # and the old ledger can be put back the same way
    assert snapshot(loaded) == before_restore


@pytest.mark.parametrize("damage", ["tampered", "truncated", "not_sqlite", "not_fanzha", "missing"])
def test_a_broken_backup_is_refused_and_nothing_changes(cli, loaded, tmp_path, unchanged, damage):
    backup = tmp_path / "bad.db"
    cli.ok("db", "backup", backup)
    if damage == "tampered":
        _tamper(backup, "UPDATE entries SET operator = '冒名' WHERE id = 1")
    elif damage == "truncated":
        backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    elif damage == "not_sqlite":
        backup.write_bytes("这不是账本".encode() * 500)
    elif damage == "not_fanzha":
        backup.unlink()
        sqlite3.connect(backup).execute("CREATE TABLE t (x)").connection.close()
    else:
        backup.unlink()
    with unchanged():
        result = cli("db", "restore", backup)
    assert_clean(result, allowed=(1,))
    assert not _bak(loaded) and not list(tmp_path.glob(".ledger.db.restore.*"))
    if damage == "tampered":
        assert "第 1 条记录" in result.stderr and "未恢复" in result.stderr


def test_restore_onto_no_ledger_or_a_ruined_one(cli, loaded, tmp_path):
    backup = tmp_path / "copy.db"
    cli.ok("db", "backup", backup)
    fresh = tmp_path / "新机器" / "ledger.db"
    cli.ok("--db", fresh, "db", "restore", backup)
    assert snapshot(fresh) == snapshot(backup) and fresh.stat().st_mode & 0o077 == 0
    loaded.write_bytes(b"\x00" * 8192)  # the disk garbled it
    result = cli.ok("db", "restore", backup)
    assert "原账本已另存为" in result.stderr
    assert snapshot(loaded) == snapshot(backup)
    assert _bak(loaded)[0].read_bytes() == b"\x00" * 8192


def test_restore_waits_for_a_writer_mid_transaction_and_keeps_its_write(cli, loaded, tmp_path):
    """A clerk's write is in progress when the restore starts: the restore waits for it, and
    the .bak holds it, so nothing that was written is lost."""
    backup = tmp_path / "copy.db"
    cli.ok("db", "backup", backup)
    script = (
        "import sys, time; from pathlib import Path\n"
        "from fanzha_cli import ledger\nfrom fanzha_cli.settings import Settings\n"
        "led = ledger.open_ledger(Settings(Path(sys.argv[1]), '慢写入'))\n"
        "with led.write() as w:\n"
        "    print('locked', flush=True); time.sleep(1.5)\n"
        "    w.append('plan_load', {'plan_versions': [{'effective': '2022-05-01', 'source': 'slow',"
        " 'source_sha256': '0', 'settings': '{}'}]})\n"
        "led.close()\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script, str(loaded)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "locked"
    assert write_lock_held(writer.pid, loaded) or not can_see_locks()
    started = time.monotonic()
    cli.ok("db", "restore", backup)
    waited = time.monotonic() - started
    assert writer.wait(timeout=60) == 0
    [kept] = _bak(loaded)
    conn = sqlite3.connect(kept)
    assert conn.execute("SELECT operator FROM entries ORDER BY id DESC LIMIT 1").fetchone() == ("慢写入",)
    conn.close()
    assert snapshot(loaded) == snapshot(backup)
    cli.ok("db", "verify")
    record("restore", waited_for_writer_s=round(waited, 2), failures=0)


def test_restore_help_is_documented(cli):
    out = cli.ok("db", "restore", "--help").stdout
    assert "从备份恢复账本" in out and ".bak" in out
    assert "restore" in (PLAN.parent.parent / "README.md").read_text(encoding="utf-8")


def test_a_backup_with_another_page_size_is_restored(cli, loaded, tmp_path):
    """SQLite copies into a WAL database only page for page: a backup made elsewhere with
    another page size is converted before it goes live."""
    backup = tmp_path / "other.db"
    cli.ok("db", "backup", backup)
    conn = sqlite3.connect(backup)
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 8192
    conn.close()
    _case(cli, "恢复时丢弃")
    cli.ok("db", "restore", backup)
    assert snapshot(loaded) == snapshot(backup)
    cli.ok("db", "verify")
