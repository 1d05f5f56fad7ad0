"""Schema steps of the ledger. A step that has landed is never edited: add a new one.

Every table that holds ledger content has an `entry_id` column pointing at `entries`;
`chain.py` finds such tables by that column, so a new table joins the hash chain and the
append-only guard (see `_guard`) without any registry to update.
"""

from __future__ import annotations

import sqlite_utils

migrations = sqlite_utils.Migrations("fanzha")


def _guard(db: sqlite_utils.Database, table: str) -> None:
    """Make the database itself refuse UPDATE and DELETE on a ledger table."""
    for action, verb in (("UPDATE", "修改"), ("DELETE", "删除")):
        db.execute(
            f"""
            CREATE TRIGGER IF NOT EXISTS "{table}_no_{action.lower()}"
            BEFORE {action} ON "{table}"
            BEGIN
                SELECT RAISE(ABORT, '账本只可追加，不允许{verb}已记录的内容（{table}）');
            END
            """
        )


@migrations()
def m001_entries_and_plan(db: sqlite_utils.Database) -> None:
    # The spine of the ledger: one row per entry, in chain order. `supersedes` points at
    # the entry that this one corrects or revokes; current state is derived from that.
    db.execute(
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            operator TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            reason TEXT,
            supersedes INTEGER REFERENCES entries(id),
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        )
        """
    )
    db.execute("CREATE INDEX entries_kind ON entries(kind, id)")
    db.execute("CREATE INDEX entries_supersedes ON entries(supersedes)")
    # One row per plan load that changed anything: the settings part of the plan (campaign,
    # fraud types, rules, sector duties) as canonical JSON, in force from `effective`.
    db.execute(
        """
        CREATE TABLE plan_versions (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            effective TEXT NOT NULL,
            source TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            settings TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX plan_versions_effective ON plan_versions(effective, entry_id)")
    # The roster and pairings as start/end facts. The state on a date is, for each
    # (item_kind, key, parent), the latest fact effective on or before it, if that is a start.
    db.execute(
        """
        CREATE TABLE plan_items (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            seq INTEGER NOT NULL,
            item_kind TEXT NOT NULL CHECK (item_kind IN
                ('department', 'unit', 'pairing', 'grid', 'officer', 'officer_grid')),
            key TEXT NOT NULL CHECK (key <> ''),
            parent TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL CHECK (action IN ('start', 'end')),
            effective TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (entry_id, seq)
        )
        """
    )
    db.execute(
        "CREATE INDEX plan_items_identity ON plan_items(item_kind, key, parent, effective, entry_id)"
    )
    for table in ("entries", "plan_versions", "plan_items"):
        _guard(db, table)
