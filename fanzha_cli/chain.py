"""The hash chain: how an entry's content is made canonical, hashed, and verified.

An entry's content is its own metadata plus every row, in any ledger table, that carries
its id in `entry_id`. NULL columns are left out of the canonical form, so that a later
migration adding a nullable column does not change the hash of rows written before it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterator

GENESIS = "0" * 64
META_FIELDS = ("kind", "operator", "recorded_at", "reason", "supersedes")


def _clean_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "entry_id" and v is not None}


def _content(meta: dict[str, Any], tables: dict[str, list[dict[str, Any]]], clean: bool) -> dict[str, Any]:
    content = {f: meta.get(f) for f in META_FIELDS if meta.get(f) is not None}
    content["rows"] = {
        name: rows if clean else [_clean_row(r) for r in rows] for name, rows in sorted(tables.items()) if rows
    }
    return content


def _has_float(content: dict[str, Any]) -> bool:
    return any(type(v) is float for v in content.values()) or any(
        type(v) is float for rows in content["rows"].values() for r in rows for v in r.values())


def canonical_bytes(content: dict[str, Any]) -> bytes:
    """The canonical form, in UTF-8: what json.dumps(content, ensure_ascii=False,
    sort_keys=True, separators=(",", ":")) writes. orjson writes the same bytes for the text,
    integers and NULL-free rows a ledger holds, about ten times faster (an import is one
    entry of a hundred thousand rows). Floats (orjson writes 1e-05 as 0.00001) and what
    orjson refuses (an integer beyond 64 bits, a lone surrogate) go the standard library's
    way, so that no hash written before can change."""
    if not _has_float(content):
        import orjson

        try:
            return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            pass
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(prev_hash: str, meta: dict[str, Any], tables: dict[str, list[dict]], *, clean: bool = False) -> str:
    digest = hashlib.sha256(prev_hash.encode("utf-8") + b"\n")
    digest.update(canonical_bytes(_content(meta, tables, clean)))
    return digest.hexdigest()


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
        yield entry_id, {c: v for c, v in zip(cols, values) if v is not None}


def verify_chain(conn: sqlite3.Connection, progress=None) -> tuple[int, Break | None]:
    """Recompute every hash in order; return (entries checked, first break or None).

    One pass over `entries` and one ordered pass over each content table, merged by
    entry id: linear in the size of the ledger, constant in memory.
    """
    streams = {t: _stream(conn, t) for t in ledger_tables(conn)}
    heads: dict[str, tuple[int, dict] | None] = {t: next(s, None) for t, s in streams.items()}
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
        tables: dict[str, list[dict]] = {}
        for t in streams:
            head = heads[t]
            while head is not None and head[0] <= eid:
                if head[0] < eid:
                    return checked, Break(head[0], f"表 {t} 中有数据指向不存在或已被删除的条目 {head[0]}")
                tables.setdefault(t, []).append(head[1])
                head = next(streams[t], None)
            heads[t] = head
        meta = dict(kind=kind, operator=operator, recorded_at=recorded_at, reason=reason,
                    supersedes=supersedes)
        if prev_hash != prev:
            return checked, Break(eid, "与前一条记录的哈希链断开（前序记录被修改、删除或调换）")
        if entry_hash(prev_hash, meta, tables, clean=True) != stored:
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
