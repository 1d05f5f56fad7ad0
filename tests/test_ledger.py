"""The ledger itself: schema steps, append-only guard, hash chain, backup, path and operator."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fanzha_cli import chain, ledger
from fanzha_cli.migrations import migrations
from fanzha_cli.settings import Settings, resolve_db_path, resolve_operator

from .casework import scene_template  # noqa: F401 (fixture)
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
        "heavy = [m for m in ('rich', 'openpyxl', 'docx', 'jinja2', 'sqlite_utils', 'yaml', 'pygal', 'orjson') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- tampering with any ledger table ----------------------------------------------------------


def _ledger_tables() -> list[str]:
    led = ledger.open_scratch("x")
    try:
        return chain.ledger_tables(led.conn)
    finally:
        led.close()


# A resealed ledger's entry 0 is the only entry of its kind: tampering with those two tables
# is tested on a resealed ledger (test_vault_ledger.py).
LEDGER_TABLES = [t for t in _ledger_tables() if t not in ("reseal_origins", "reseal_hashes")]


@pytest.fixture(scope="module")
def every_table(scene_template, tmp_path_factory):
    """The prepared scene plus what it lacks, so that every ledger table has rows of at least
    two entries: a second plan version, report lines with photos, more revocations,
    discipline steps and dissuasions."""
    import shutil

    from .conftest import Cli

    path = tmp_path_factory.mktemp("every") / "ledger.db"
    shutil.copyfile(scene_template[0], path)
    cli = Cli()
    changed = path.parent / "changed.yaml"
    changed.write_text(PLAN.read_text(encoding="utf-8").replace("      - 重点办\n", ""), encoding="utf-8")
    for n, unit in enumerate(["宣传部", "融媒体中心"]):
        photo = path.parent / f"p{n}.png"
        photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes([n]) * 64)
        cli.ok("--db", path, "report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", unit,
               "--photo", photo, "--submitted-at", "2022-02-04 10:00")
    for args in (["plan", "load", changed, "--effective", "2022-06-01", "--reason", "调整"],
                 ["discipline", "record", "--dept", "蔚汾派出所", "--step", "talk", "--date", "2022-12-02", "--note", "已约谈"],
                 ["discipline", "record", "--dept", "蔚汾派出所", "--step", "re-publicity", "--date", "2022-12-03",
                  "--note", "已再宣传"],
                 ["audit", "revoke", str(scene_template[1]["neg_west"]), "--reason", "申诉成立"],
                 ["dissuasion", "add", "--officer", "140101", "--date", "2022-03-05", "--amount-saved", "5000"],
                 ["dissuasion", "add", "--officer", "140102", "--date", "2022-03-06", "--amount-saved", "800"],
                 ["weekly-circular", "--week", "2022-W05", "--issue", "--date", "2022-02-04"],
                 ["weekly-circular", "--week", "2022-W06", "--issue", "--date", "2022-02-11"]):
        cli.ok("--db", path, *args)
    # Two key rotations (reseals): under a key of this fixture's own, so the run's key stays.
    with pytest.MonkeyPatch.context() as mp:
        key = path.parent / "key.json"
        shutil.copyfile(os.environ["FANZHA_KEY_FILE"], key)
        mp.setenv("FANZHA_KEY_FILE", str(key))
        cli.ok("--db", path, "key", "rotate")
        cli.ok("--db", path, "key", "rotate")
    # Corrections (m006_corrections): two entries in each of their tables.
    ids = scene_template[1]
    steps = [x["entry_id"] for x in json.loads(cli.ok("--db", path, "discipline", "explain", "--dept", "蔚汾派出所",
                                                       "--format", "json").stdout)["steps"]]
    saved = [x["entry_id"] for x in json.loads(cli.ok("--db", path, "dissuasion", "list", "--to", "2022-12-31",
                                                       "--format", "json").stdout)]
    for args in (["case", "add", "--case-no", "U2", "--date", "2022-03-07", "--type", "online_loan", "--unit", "审计局"],
                 ["audit", "record", "--case", "U2", "--date", "2022-03-10", "--publicity-received", "no",
                  "--verified-negligent"],
                 ["case", "amend", "G3", "--grid", "蔚汾镇城内社区网格", "--reason", "网格填错"],
                 ["case", "void", "G2", "--reason", "重复"],
                 ["audit", "amend", str(ids["pending"]), "--note", "补充说明", "--reason", "补录"],
                 ["audit", "void", str(ids["pending"]), "--reason", "误录"],
                 ["dissuasion", "amend", str(saved[0]), "--amount-saved", "6000", "--reason", "更正"],
                 ["dissuasion", "void", str(saved[1]), "--reason", "重复"],
                 ["discipline", "void", str(steps[0]), "--reason", "误记"],
                 ["discipline", "void", str(steps[1]), "--reason", "误记"]):
        cli.ok("--db", path, *args)
    conn = sqlite3.connect(path)
    for table in LEDGER_TABLES:
        entries = conn.execute(f'SELECT count(DISTINCT entry_id) FROM "{table}"').fetchone()[0]
        assert entries >= 2, f"{table} needs rows of two entries for the swap"
    conn.close()
    cli.ok("--db", path, "db", "verify")  # intact before each test tampers with its copy
    return path


def _row(conn, table: str, order: str):
    cur = conn.execute(f'SELECT rowid AS _rowid, * FROM "{table}" ORDER BY entry_id {order}, rowid LIMIT 1')
    return dict(zip([d[0] for d in cur.description], cur.fetchone()))


def _edit(conn, table):
    row = _row(conn, table, "DESC")
    content = [c for c, v in row.items() if c not in ("_rowid", "entry_id") and v is not None]
    col = next((c for c in content if isinstance(row[c], str)), content[0])  # text: no key clash
    value = f"{row[col]}改" if isinstance(row[col], str) else row[col] + 1
    conn.execute(f'UPDATE "{table}" SET "{col}" = ? WHERE rowid = ?', (value, row["_rowid"]))
    return row["entry_id"]


def _delete(conn, table):
    row = _row(conn, table, "DESC")
    conn.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (row["_rowid"],))
    return row["entry_id"]


def _swap(conn, table):
    """Two rows of different entries trade places: each now sits under the other's hash."""
    a, b = _row(conn, table, "ASC"), _row(conn, table, "DESC")
    # By way of -1; where entry_id is the table's INTEGER PRIMARY KEY, the rowid moves with it.
    conn.execute(f'UPDATE "{table}" SET entry_id = -1 WHERE rowid = ?', (a["_rowid"],))
    conn.execute(f'UPDATE "{table}" SET entry_id = ? WHERE rowid = ?', (a["entry_id"], b["_rowid"]))
    conn.execute(f'UPDATE "{table}" SET entry_id = ? WHERE entry_id = -1', (b["entry_id"],))
    return min(a["entry_id"], b["entry_id"])


@pytest.mark.parametrize("how", [_edit, _delete, _swap], ids=["edit", "delete", "swap"])
@pytest.mark.parametrize("table", LEDGER_TABLES)
def test_verify_names_the_entry_tampered_with_in_any_table(cli, every_table, db_path, table, how):
    import shutil

    shutil.copyfile(every_table, db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA ignore_check_constraints = ON")  # the shell lets anyone do this
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    entry = how(conn, table)
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1
    assert f"账本校验失败：第 {entry} 条记录" in result.stderr, result.stderr


def test_the_schema_steps_named_for_a_quick_open_are_the_migrations():
    from fanzha_cli.migrations import migrations

    assert ledger.SCHEMA_STEPS == tuple(m.name for m in migrations._migrations)


def test_a_write_on_an_up_to_date_ledger_leaves_sqlite_utils_unloaded(tmp_path):
    path = tmp_path / "l.db"
    ledger.open_ledger(Settings(path, "x"), create=True).close()  # created and migrated
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from fanzha_cli import ledger\n"
        "from fanzha_cli.settings import Settings\n"
        "led = ledger.open_ledger(Settings(Path(sys.argv[1]), 'x'))\n"
        "with led.write() as w: w.append('note', {})\n"
        "print('sqlite_utils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
