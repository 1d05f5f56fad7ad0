"""The hash chain: how an entry's content is made canonical, hashed, and verified.

An entry's content is its own metadata plus every row, in any ledger table, that carries
its id in `entry_id`. NULL columns are left out of the canonical form, so that a later
migration adding a nullable column does not change the hash of rows written before it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

GENESIS = "0" * 64
META_FIELDS = ("kind", "operator", "recorded_at", "reason", "supersedes")


def _clean_row(row: dict[str, Any]) -> dict[str, Any]:
    if "entry_id" not in row and None not in row.values():  # the usual row, checked in C
        return row
    return {k: v for k, v in row.items() if k != "entry_id" and v is not None}


_BATCH = 4096  # rows dumped at once: few calls, and never a whole import in memory


def _orjson():
    import orjson

    return orjson


def _dump(value: Any) -> bytes:
    """One name or metadata field in canonical form (see `_dump_rows`)."""
    if type(value) is not float:
        orjson = _orjson()
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            pass
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _dump_rows(rows: list[dict[str, Any]]) -> bytes:
    """Rows in canonical form, comma-separated, UTF-8: what json.dumps(rows,
    ensure_ascii=False, sort_keys=True, separators=(",", ":")) writes between its brackets.
    orjson writes the same bytes for text and integers, several times faster (an import is
    one entry of a hundred thousand rows). Floats (orjson writes 1e-05 as 0.00001) and what
    orjson refuses (an integer beyond 64 bits, a lone surrogate) go the standard library's
    way, so that no hash written before can change."""
    if float not in map(type, itertools.chain.from_iterable(map(dict.values, rows))):
        orjson = _orjson()
        try:
            return orjson.dumps(rows, option=orjson.OPT_SORT_KEYS)[1:-1]
        except TypeError:
            pass
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")[1:-1]


def hash_entry(prev_hash: str, meta: dict[str, Any], tables: Iterable[tuple[str, Iterable[dict[str, Any]]]]) -> str:
    """SHA-256 of the previous hash, a newline and the entry's canonical form:

        json.dumps({<metadata fields that are not None>, "rows": {<table>: [<rows>], ...}},
                   ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    with tables that have no rows left out. The form is fed to the hash a batch of rows at
    a time, so that verifying an entry of a hundred thousand rows never holds them all.
    `tables`: (name, rows) in name order, rows without entry_id and NULLs."""
    digest = hashlib.sha256(prev_hash.encode("utf-8") + b"\n")
    fields = sorted([(f, meta[f]) for f in META_FIELDS if meta.get(f) is not None] + [("rows", None)],
                    key=lambda kv: kv[0])
    digest.update(b"{")
    for i, (key, value) in enumerate(fields):
        digest.update((b"," if i else b"") + _dump(key) + b":")
        if key != "rows":
            digest.update(_dump(value))
            continue
        digest.update(b"{")
        written = False
        for name, rows in tables:
            rows = iter(rows)
            batch = list(itertools.islice(rows, _BATCH))
            if not batch:
                continue
            digest.update((b"," if written else b"") + _dump(name) + b":[" + _dump_rows(batch))
            while batch := list(itertools.islice(rows, _BATCH)):
                digest.update(b"," + _dump_rows(batch))
            digest.update(b"]")
            written = True
        digest.update(b"}")
    digest.update(b"}")
    return digest.hexdigest()


def entry_hash(prev_hash: str, meta: dict[str, Any], tables: dict[str, list[dict]]) -> str:
    """The hash of an entry about to be written: its rows as given (entry_id and NULLs are
    left out here)."""
    return hash_entry(prev_hash, meta, ((name, map(_clean_row, rows)) for name, rows in sorted(tables.items())))


def ledger_tables(conn: sqlite3.Connection) -> list[str]:
    """Every table with an `entry_id` column: the content tables of the chain."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'entries' ORDER BY name"
        )
    ]
    return [
        n
        for n in names
        if any(col[1] == "entry_id" for col in conn.execute(f'PRAGMA table_info("{n}")'))
    ]


def _primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    cols = [(c[5], c[1]) for c in conn.execute(f'PRAGMA table_info("{table}")') if c[5]]
    return [name for _, name in sorted(cols)]


@dataclass
class Break:
    entry_id: int | None
    problem: str


def _stream(conn: sqlite3.Connection, table: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """A table's rows in chain order, each as (entry id, the row as hashed: no entry_id, no NULLs)."""
    order = ", ".join(f'"{c}"' for c in _primary_key(conn, table)) or "rowid"
    cols = [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")') if c[1] != "entry_id"]
    cur = conn.execute('SELECT entry_id, {} FROM "{}" ORDER BY entry_id, {}'.format(
        ", ".join(f'"{c}"' for c in cols), table, order))
    for entry_id, *values in cur:
        if None in values:
            yield entry_id, {c: v for c, v in zip(cols, values) if v is not None}
        else:
            yield entry_id, dict(zip(cols, values))


class _Orphan(Exception):
    def __init__(self, table: str, entry_id: int):
        self.table, self.entry_id = table, entry_id


def verify_chain(conn: sqlite3.Connection, progress=None) -> tuple[int, Break | None]:
    """Recompute every hash in order; return (entries checked, first break or None).

    One pass over `entries` and one ordered pass over each content table, merged by
    entry id and fed to the hash as they are read: linear in the size of the ledger, and
    in memory no more than a row of each table at a time.
    """
    streams = {t: _stream(conn, t) for t in sorted(ledger_tables(conn))}
    heads: dict[str, tuple[int, dict] | None] = {t: next(s, None) for t, s in streams.items()}

    def rows_of(table: str, eid: int) -> Iterator[dict[str, Any]]:
        """The table's rows of entry `eid`, leaving the stream at the next entry's."""
        head = heads[table]
        while head is not None and head[0] <= eid:
            if head[0] < eid:
                raise _Orphan(table, head[0])
            yield head[1]
            head = heads[table] = next(streams[table], None)

    prev = GENESIS
    expected_id = None
    checked = 0
    cur = conn.execute(
        "SELECT id, kind, operator, recorded_at, reason, supersedes, prev_hash, hash "
        "FROM entries ORDER BY id"
    )
    for eid, kind, operator, recorded_at, reason, supersedes, prev_hash, stored in cur:
        if expected_id is not None and eid != expected_id:
            return checked, Break(eid, f"第 {expected_id} 至 {eid - 1} 条记录缺失（条目编号不连续）")
        meta = dict(kind=kind, operator=operator, recorded_at=recorded_at, reason=reason,
                    supersedes=supersedes)
        try:
            # Hashed before the link is checked, as the rows must be read to find orphans
            # first; a damaged link (even NULL) fails the check below all the same.
            link = prev_hash if isinstance(prev_hash, str) else ""
            digest = hash_entry(link, meta, ((t, rows_of(t, eid)) for t in streams))
        except _Orphan as orphan:
            return checked, Break(orphan.entry_id, f"表 {orphan.table} 中有数据指向不存在或已被删除的条目 {orphan.entry_id}")
        if prev_hash != prev:
            return checked, Break(eid, "与前一条记录的哈希链断开（前序记录被修改、删除或调换）")
        if digest != stored:
            return checked, Break(eid, "内容与哈希不符（记录在工具之外被修改）")
        prev = stored
        expected_id = eid + 1
        checked += 1
        if progress is not None:
            progress(checked)
    for t, head in heads.items():
        if head is not None:
            return checked, Break(head[0], f"表 {t} 中有数据指向不存在的条目 {head[0]}")
    return checked, None
