"""The ledger itself: schema steps, append-only guard, hash chain, backup, path and operator."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fanzha_cli import chain, ledger
from fanzha_cli.migrations import migrations
from fanzha_cli.settings import Settings, resolve_db_path, resolve_operator

from .conftest import PLAN, snapshot


def open_new(path: Path, operator: str = "张警官") -> ledger.Ledger:
    return ledger.open_ledger(Settings(path, operator), create=True)


def columns(conn, table):
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def test_migrations_on_blank_ledger_create_exact_schema(tmp_path):
    led = open_new(tmp_path / "a.db")
    assert columns(led.conn, "entries") == [
        "id", "kind", "operator", "recorded_at", "reason", "supersedes", "prev_hash", "hash"
    ]
    assert columns(led.conn, "plan_versions") == ["entry_id", "effective", "source", "source_sha256", "settings"]
    assert columns(led.conn, "plan_items") == [
        "entry_id", "seq", "item_kind", "key", "parent", "action", "effective", "attrs"
    ]
    applied = [m.name for m in migrations.applied(led.db)]
    assert applied == [m.name for m in migrations._migrations]
    assert led.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert led.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert led.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
    led.close()


def test_migrating_twice_changes_nothing(tmp_path):
    path = tmp_path / "a.db"
    open_new(path).close()
    before = snapshot(path)
    schema = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    led = open_new(path)
    ledger.migrate(led.conn)
    led.close()
    assert snapshot(path) == before
    assert sqlite3.connect(path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema


def _append_one(led, reason=None):
    with led.write() as w:
        return w.append("plan_load", {"plan_versions": [
            {"effective": "2022-01-01", "source": "x.yaml", "source_sha256": "ab", "settings": "{}"}
        ]}, reason=reason)


@pytest.mark.parametrize("table", ["entries", "plan_versions", "plan_items"])
def test_database_refuses_update_and_delete(loaded, table):
    conn = sqlite3.connect(loaded)
    before = snapshot(loaded)
    column = {"entries": "operator", "plan_versions": "source", "plan_items": "key"}[table]
    with pytest.raises(sqlite3.DatabaseError, match="账本只可追加"):
        conn.execute(f'UPDATE "{table}" SET "{column}" = ? ', ("改",))
    with pytest.raises(sqlite3.DatabaseError, match="账本只可追加"):
        conn.execute(f'DELETE FROM "{table}"')
    conn.close()
    assert snapshot(loaded) == before


def test_every_entry_records_operator_time_and_chain(tmp_path):
    led = open_new(tmp_path / "a.db", operator="李文书")
    first = _append_one(led)
    second = _append_one(led, reason="更正")
    rows = led.query("SELECT * FROM entries ORDER BY id")
    assert [r["id"] for r in rows] == [first, second] == [1, 2]
    assert rows[0]["prev_hash"] == chain.GENESIS
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    assert {r["operator"] for r in rows} == {"李文书"}
    assert rows[1]["reason"] == "更正"
    assert all(r["recorded_at"][:4].isdigit() and "T" in r["recorded_at"] for r in rows)
    assert chain.verify_chain(led.conn) == (2, None)
    led.close()


def test_a_failed_write_leaves_nothing(tmp_path):
    led = open_new(tmp_path / "a.db")
    _append_one(led)
    before = snapshot(tmp_path / "a.db")
    with pytest.raises(sqlite3.IntegrityError):
        with led.write() as w:
            w.append("plan_load", {"plan_versions": [
                {"effective": "2022-02-01", "source": "y", "source_sha256": "c", "settings": "{}"}]})
            # The second entry of the same transaction breaks a CHECK constraint.
            w.append("plan_load", {"plan_items": [
                {"seq": 1, "item_kind": "bogus", "key": "k", "action": "start", "effective": "2022-02-01"}]})
    led.close()
    assert snapshot(tmp_path / "a.db") == before


def _tamper(path: Path, sql: str, params=()):
    """Change the ledger behind fanzha's back, as someone with the sqlite3 shell would."""
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in names:
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def _second_load(cli, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text(PLAN.read_text(encoding="utf-8").replace("      - 重点办\n", ""), encoding="utf-8")
    cli.ok("plan", "load", changed, "--effective", "2022-03-01", "--reason", "调整")


def test_verify_is_silent_on_an_intact_ledger(cli, loaded, tmp_path):
    _second_load(cli, tmp_path)
    result = cli.ok("db", "verify")
    assert result.stdout == "" and result.stderr == ""


@pytest.mark.parametrize(
    "sql, entry",
    [
        ("UPDATE plan_items SET key = '假单位' WHERE entry_id = 1 AND seq = 5", 1),
        ("UPDATE entries SET operator = '冒名' WHERE id = 2", 2),
        ("UPDATE entries SET reason = NULL WHERE id = 2", 2),
        ("DELETE FROM plan_items WHERE entry_id = 2 AND seq = 1", 2),
        ("UPDATE plan_versions SET effective = '2022-01-15' WHERE entry_id = 1", 1),
    ],
)
def test_verify_names_the_entry_altered_behind_the_tools_back(cli, loaded, tmp_path, sql, entry):
    _second_load(cli, tmp_path)
    _tamper(loaded, sql)
    result = cli("db", "verify")
    assert result.exit_code == 1
    assert f"第 {entry} 条记录" in result.stderr
    assert "账本校验失败" in result.stderr


def test_verify_catches_a_deleted_and_swapped_entry(cli, loaded, tmp_path):
    _second_load(cli, tmp_path)
    cli.ok("plan", "load", PLAN, "--effective", "2022-04-01", "--reason", "恢复")
    copy = tmp_path / "copy.db"
    cli.ok("db", "backup", copy)

    _tamper(loaded, "DELETE FROM plan_items WHERE entry_id = 2")
    _tamper(loaded, "DELETE FROM plan_versions WHERE entry_id = 2")
    _tamper(loaded, "DELETE FROM entries WHERE id = 2")
    result = cli("db", "verify")
    assert result.exit_code == 1 and "第 3 条记录" in result.stderr

    # Swap two entries' reasons in the intact copy: each content now sits under the other's hash.
    _tamper(copy, "UPDATE entries SET reason = CASE id WHEN 2 THEN '恢复' ELSE '调整' END WHERE id IN (2, 3)")
    result = cli("--db", copy, "db", "verify")
    assert result.exit_code == 1 and "第 2 条记录" in result.stderr


def test_backup_is_a_consistent_verifiable_copy(cli, loaded, tmp_path):
    dest = tmp_path / "backups" / "copy.db"
    cli.ok("db", "backup", dest)
    assert dest.exists()
    assert snapshot(dest) == snapshot(loaded)
    cli.ok("--db", dest, "db", "verify")
    assert (dest.stat().st_mode & 0o077) == 0


def test_backup_onto_the_ledger_itself_is_refused(cli, loaded, unchanged):
    with unchanged():
        result = cli("db", "backup", loaded)
    assert result.exit_code == 1
    assert "备份文件不能是账本本身" in result.stderr


def test_ledger_file_is_private(cli, loaded):
    assert (loaded.stat().st_mode & 0o077) == 0


def test_db_path_precedence(cli, tmp_path, monkeypatch):
    assert cli.ok("db", "path").stdout.strip() == str(tmp_path / "ledger.db")
    assert cli.ok("--db", tmp_path / "x.db", "db", "path").stdout.strip() == str(tmp_path / "x.db")
    monkeypatch.delenv("FANZHA_DB")
    default = Path(cli.ok("db", "path").stdout.strip())
    assert default.name == "ledger.db" and str(tmp_path) in str(default)
    assert resolve_db_path(None) == default


def test_operator_precedence(cli, tmp_path, monkeypatch):
    assert resolve_operator("王五") == "王五"
    assert resolve_operator(None) == "测试员"
    monkeypatch.delenv("FANZHA_OPERATOR")
    assert resolve_operator(None)  # the OS login name
    cli.ok("--operator", "赵六", "plan", "load", PLAN)
    conn = sqlite3.connect(tmp_path / "ledger.db")
    assert conn.execute("SELECT operator FROM entries").fetchall() == [("赵六",)]


def test_read_commands_on_a_missing_ledger_explain_how_to_start(cli, db_path):
    result = cli("plan", "show")
    assert result.exit_code == 1
    assert "账本文件不存在" in result.stderr and "fanzha plan load" in result.stderr
    assert not db_path.exists()


def test_a_file_that_is_not_a_ledger_is_named(cli, tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    result = cli("--db", bogus, "db", "verify")
    assert result.exit_code == 1
    assert "无法打开账本" in result.stderr and str(bogus) in result.stderr


def test_two_processes_writing_at_once_both_land(tmp_path):
    """Each writer waits for the other's lock instead of failing with 'database is locked'."""
    path = tmp_path / "c.db"
    open_new(path).close()
    script = (
        "import sys; from pathlib import Path\n"
        "from fanzha_cli import ledger\nfrom fanzha_cli.settings import Settings\n"
        "led = ledger.open_ledger(Settings(Path(sys.argv[1]), sys.argv[2]))\n"
        "for i in range(25):\n"
        "    with led.write() as w:\n"
        "        w.append('plan_load', {'plan_versions': [{'effective': '2022-01-01', 'source': sys.argv[2],"
        " 'source_sha256': str(i), 'settings': '{}'}]})\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), f"w{n}"]) for n in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    led = ledger.open_ledger(Settings(path, "x"))
    assert led.query("SELECT count(*) AS n FROM entries")[0]["n"] == 75
    assert chain.verify_chain(led.conn)[1] is None
    led.close()


def test_importing_the_cli_leaves_heavy_libraries_unloaded():
    code = (
        "import sys; import fanzha_cli.cli\n"
        "heavy = [m for m in ('rich', 'openpyxl', 'docx', 'jinja2', 'sqlite_utils', 'yaml') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
