"""What someone with the sqlite3 shell and this repository's source would try against the
hash chain, and what `db verify` must say to each."""

from __future__ import annotations

import sqlite3

import pytest

from fanzha_cli import chain
from tests.conftest import PLAN


def _open_untriggered(path):
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    return conn


def _rows_of(conn, entry_id):
    out = []
    for table in sorted(chain.ledger_tables(conn)):
        cur = conn.execute(f'SELECT * FROM "{table}" WHERE entry_id = ?', (entry_id,))
        cols = [d[0] for d in cur.description]
        rows = [{c: v for c, v in zip(cols, r) if c != "entry_id" and v is not None} for r in cur]
        out.append((table, rows))
    return out


def _rehash(conn, entry_id):
    """Recompute one entry's own hash from its (edited) content and its stored prev_hash,
    exactly as fanzha does: the forger knows the algorithm."""
    eid, kind, operator, recorded_at, reason, supersedes, prev = conn.execute(
        "SELECT id, kind, operator, recorded_at, reason, supersedes, prev_hash FROM entries WHERE id = ?",
        (entry_id,)).fetchone()
    meta = dict(kind=kind, operator=operator, recorded_at=recorded_at, reason=reason, supersedes=supersedes)
    digest = chain.hash_entry(prev, meta, _rows_of(conn, entry_id))
    conn.execute("UPDATE entries SET hash = ? WHERE id = ?", (digest, entry_id))
    return digest


@pytest.fixture
def three_entries(cli, loaded, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text(PLAN.read_text(encoding="utf-8").replace("      - 重点办\n", ""), encoding="utf-8")
    cli.ok("plan", "load", changed, "--effective", "2022-03-01", "--reason", "调整")
    cli.ok("plan", "load", PLAN, "--effective", "2022-04-01", "--reason", "恢复")
    return loaded


def test_edited_entry_with_its_own_hash_recomputed_breaks_the_next_link(cli, three_entries):
    conn = _open_untriggered(three_entries)
    conn.execute("UPDATE entries SET reason = '伪造的原因' WHERE id = 2")
    _rehash(conn, 2)
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1
    # Entry 2 is self-consistent now; the break shows where entry 3 still points at the old hash.
    assert "第 3 条记录与前一条记录的哈希链断开" in result.stderr, result.stderr


def test_edited_row_with_its_entry_rehashed_breaks_the_next_link(cli, three_entries):
    conn = _open_untriggered(three_entries)
    conn.execute("UPDATE plan_versions SET effective = '2022-02-15' WHERE entry_id = 2")
    _rehash(conn, 2)
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1 and "第 3 条记录" in result.stderr


def test_two_whole_entries_swapped_are_caught(cli, three_entries):
    """Entries 2 and 3 trade ids, rows and all, each keeping its own hashes."""
    conn = _open_untriggered(three_entries)
    conn.execute("PRAGMA foreign_keys = OFF")
    for table in ["entries"] + chain.ledger_tables(conn):
        col = "id" if table == "entries" else "entry_id"
        conn.execute(f'UPDATE "{table}" SET {col} = -2 WHERE {col} = 2')
        conn.execute(f'UPDATE "{table}" SET {col} = 2 WHERE {col} = 3')
        conn.execute(f'UPDATE "{table}" SET {col} = 3 WHERE {col} = -2')
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1 and "第 2 条记录" in result.stderr, result.stderr


def test_a_stored_prev_hash_that_is_not_the_previous_hash_is_caught(cli, three_entries):
    """The last entry re-chained onto the first (skipping 2) with its hash recomputed: its
    own content and hash agree, only the link is wrong."""
    conn = _open_untriggered(three_entries)
    first = conn.execute("SELECT hash FROM entries WHERE id = 1").fetchone()[0]
    conn.execute("UPDATE entries SET prev_hash = ? WHERE id = 3", (first,))
    _rehash(conn, 3)
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1 and "第 3 条记录与前一条记录的哈希链断开" in result.stderr, result.stderr
