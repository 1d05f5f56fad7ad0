"""The hash chain: how an entry's content is made canonical, hashed, and verified.

An entry's content is its own metadata plus every row, in any ledger table, that carries
its id in `entry_id`. NULL columns are left out of the canonical form, so that a later
migration adding a nullable column does not change the hash of rows written before it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from operator import itemgetter
from typing import Any, Iterable, Iterator

GENESIS = "0" * 64
MAX_ID = 2**63 - 1
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

    One pass over `entries` and one pass over each content table, merged by entry id and
    fed to the hash as they are read: linear in the size of the ledger, and in memory no
    more than a batch of rows of each table at a time. The rows are read in storage order
    (no index, no sort) and encoded a batch at a time (`_Table`); when a table is not stored
    in chain order, or text in the file is not UTF-8, the walk starts again the slower way
    (in chain order; text with replacement characters, `_verify_chain_reference`) and the
    answer is the same."""
    factory = conn.text_factory
    try:
        conn.text_factory = str
        try:
            return _walk(conn, progress, ordered=False)
        except _Unordered:
            return _walk(conn, progress, ordered=True)
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc):
            raise
        conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
        return _verify_chain_reference(conn, progress)
    finally:
        conn.text_factory = factory


SPLIT_MIN_ROWS = 200_000  # fewer rows than this: one process, the second one's start-up is not worth it


def verify_chain_split(conn: sqlite3.Connection, path: Path) -> tuple[int, Break | None]:
    """`verify_chain` on two cores: the entries from about the middle row on in a second
    process, the rest here, at once (an entry's hash needs only its own rows and the stored
    hash of the entry before it, so the two halves can be checked apart; the second half
    links its first entry to the stored hash of the last entry of the first). When both
    halves are intact, so is the chain. Anything else in either half (a break, rows out of
    chain order, text that is not UTF-8, a file SQLite cannot read) and the whole chain is
    walked again here, in order: what is reported, and where, is always `verify_chain`'s.
    A second process that fails (exits with an error, says nothing readable) is an error."""
    try:
        middle = _split_point(conn)
    except sqlite3.DatabaseError:  # a damaged file: the walk in order says where
        middle = None
    if middle is None:
        return verify_chain(conn)
    import subprocess

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent.parent),
                                                      env.get("PYTHONPATH")]))
    child = subprocess.Popen([sys.executable, "-c", "from fanzha_cli.chain import _part_main; _part_main()",
                              str(Path(path).resolve()), str(middle)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        first = _part(conn, None, middle)
    except BaseException:
        child.kill()
        child.communicate()
        raise
    out, err = child.communicate()
    try:
        answer = json.loads(out)
        second = answer["checked"]
    except (ValueError, KeyError, TypeError):
        answer = second = None
    if child.returncode != 0 or not isinstance(answer, dict):
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"db verify: the second process failed (exit {child.returncode}): {tail[0]}")
    if first is not None and isinstance(second, int):
        return first + second, None
    return verify_chain(conn)


def _split_point(conn: sqlite3.Connection) -> int | None:
    """The entry id that about half of all rows come before (by rowids: rows are stored in
    chain order), or None when the ledger is too small to be worth two processes."""
    spans = {}
    for t in ledger_tables(conn):
        low = conn.execute(f'SELECT min(rowid) FROM "{t}"').fetchone()[0]
        if low is not None:
            spans[t] = (low, conn.execute(f'SELECT max(rowid) FROM "{t}"').fetchone()[0])
    total = sum(high - low + 1 for low, high in spans.values())
    first = conn.execute("SELECT min(id) FROM entries").fetchone()[0]
    last = conn.execute("SELECT max(id) FROM entries").fetchone()[0]
    if total < SPLIT_MIN_ROWS or first is None or last - first < 2:
        return None

    def rows_before(entry_id: int) -> int:
        out = 0
        for t, (low, high) in spans.items():
            at = _first_rowid(conn, t, entry_id)
            out += (high + 1 if at is None else at) - low
        return out

    lo, hi = first + 1, last  # the answer in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if rows_before(mid) * 2 >= total:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _part(conn: sqlite3.Connection, lo: int | None, hi: int | None) -> int | None:
    """How many entries lo <= id < hi there are when every one of them is intact (read in
    storage order); None when anything is amiss there: `verify_chain` then finds what."""
    factory = conn.text_factory
    conn.text_factory = str
    try:
        checked, broken = _walk(conn, None, False, lo, hi)
    except (_Unordered, sqlite3.DatabaseError):
        return None
    finally:
        conn.text_factory = factory
    return None if broken is not None else checked


def _part_main() -> None:
    """The second process of `verify_chain_split`: argv path, first entry id; prints
    {"checked": n or null}."""
    path, lo = Path(sys.argv[1]), int(sys.argv[2])
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=60)
    try:
        checked = _part(conn, lo, None)
    finally:
        conn.close()
    sys.stdout.write(json.dumps({"checked": checked}))


class _Unordered(Exception):
    """A table whose storage order is not its chain order (never written so by fanzha)."""


_ENTRIES_BATCH = 2048
_ROWS_BATCH = 4096
_TEXT_INT = frozenset((str, int))
_TEXT_INT_NULL = frozenset((str, int, type(None)))


class _Table:
    """One content table read for the chain: `pieces()` yields (entry id, bytes), the rows of
    that entry in canonical form, comma-separated, in chain order; an entry of many rows comes
    as several consecutive pieces.

    The canonical form of a row is json.dumps of its columns other than entry_id that are not
    NULL, keys sorted. Here a batch of rows becomes dicts of every column in one pass of C
    (orjson), and then each `"column":null` of a column the schema lets be NULL is cut out of
    the bytes: JSON text holds a quote only escaped, so the bytes `,"note":null` (or
    `{"note":null` first) can only be that key and its null. A batch with any other `:null`
    left, or values other than text, integers and NULL (never written by fanzha: floats,
    blobs), takes `_dump_rows`, the reference way."""

    def __init__(self, conn: sqlite3.Connection, name: str, ordered: bool, lo: int | None = None, hi: int | None = None):
        self.name = name
        self.lo, self.hi = lo, hi  # only the rows of entries lo <= id < hi (None: no bound)
        info = list(conn.execute(f'PRAGMA table_info("{name}")'))
        self.cols = sorted(c[1] for c in info if c[1] != "entry_id")
        pk = [c for c in _primary_key(conn, name) if c != "entry_id"]
        sql = (conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
               .fetchone()[0] or "").upper()
        # Storage (rowid) order is chain order when each row's (entry_id, primary key) comes
        # after the one before: checked as read. Python orders text as SQLite's BINARY does.
        ordered = ordered or "WITHOUT ROWID" in sql or "COLLATE" in sql
        n = len(self.cols)
        select = ", ".join(f'"{c}"' for c in self.cols)
        if ordered:
            order = ", ".join(["entry_id", *(f'"{c}"' for c in pk)] if pk else ["entry_id", "rowid"])
            self.key = None
        else:
            order = "rowid"
            at = {c: i for i, c in enumerate(self.cols)}
            self.key = itemgetter(n, *(at[c] for c in pk)) if pk else itemgetter(n)
            self.strict = bool(pk)  # rowid order: entry ids need only not go down
        self.eid = itemgetter(n)
        where, args = [], []
        for bound, op in ((lo, ">="), (hi, "<")):
            if bound is None:
                continue
            if ordered:
                where.append(f"entry_id {op} ?")
                args.append(bound)
            elif (at_row := _first_rowid(conn, name, bound)) is not None:
                # In storage order the rows from the first one of entry `bound` on. A row
                # of another part's entry stored among them is a row of no entry here.
                where.append(f"rowid {op} ?")
                args.append(at_row)
            elif op == ">=":
                where.append("0")  # no row of entry `bound` or later
        self.cur = conn.execute(f'SELECT {select}, entry_id FROM "{name}" {"WHERE " if where else ""}'
                                f'{" AND ".join(where)} ORDER BY {order}', args)
        self.last_key = None
        self.label = _dump(name)
        # The columns the schema lets be NULL, each with the bytes of its key and null; the
        # first column's has no comma before it.
        notnull = {c[1]: c[3] for c in info}
        self.nullable = sorted(((i, itemgetter(i), (b"{" if i == 0 else b",") + _dump(c) + b":null")
                                for i, c in enumerate(self.cols) if not notnull[c]), key=lambda t: t[0] == 0)

    def _check_order(self, batch: list[tuple]) -> None:
        keys = list(map(self.key, batch))
        if self.last_key is not None:
            keys.insert(0, self.last_key)
        try:
            ok = all(map(operator.lt if self.strict else operator.le, keys, itertools.islice(keys, 1, None)))
        except TypeError:  # NULL or text in a key column: let SQLite order it
            ok = False
        if not ok:
            raise _Unordered(self.name)
        self.last_key = keys[-1]

    def pieces(self) -> Iterator[tuple[int, bytes]]:
        eid = self.eid
        while batch := self.cur.fetchmany(_ROWS_BATCH):
            if self.key is not None:
                self._check_order(batch)
            if eid(batch[0]) == eid(batch[-1]):
                yield eid(batch[0]), self._encode(batch)
                continue
            for entry_id, rows in itertools.groupby(batch, eid):
                yield entry_id, self._encode(list(rows))

    def _encode(self, rows: list[tuple]) -> bytes:
        kinds = set(map(type, itertools.chain.from_iterable(rows)))
        if kinds <= _TEXT_INT_NULL:
            # Keys in sorted order as built (the order of json.dumps's sort_keys), so orjson
            # need not sort them again.
            out = _orjson().dumps(list(map(dict, map(zip, itertools.repeat(self.cols), rows))))
            if type(None) not in kinds:
                return out[1:-1]
            for i, getter, null in self.nullable:  # the first column last: no comma before it
                if None in list(map(getter, rows)):
                    out = out.replace(null, b"") if i else out.replace(null + b",", b"{").replace(null + b"}", b"{}")
            if b":null" not in out:  # else a NULL where the schema has NOT NULL (or text holding ":null")
                return out[1:-1]
        return _dump_rows([{c: v for c, v in zip(self.cols, r) if v is not None} for r in rows])


def _first_rowid(conn: sqlite3.Connection, table: str, entry_id: int) -> int | None:
    """The rowid of the table's first row of entry `entry_id` or later (by its entry_id index)."""
    row = conn.execute(f'SELECT rowid FROM "{table}" WHERE entry_id >= ? ORDER BY entry_id LIMIT 1',
                       (entry_id,)).fetchone()
    return row[0] if row else None


def _meta_head(meta: dict[str, Any]) -> tuple[bytes, bytes]:
    """The canonical form of an entry's metadata around its rows: (what comes before the rows'
    tables, what comes after), as `hash_entry` writes it."""
    fields = sorted((f, meta[f]) for f in META_FIELDS if meta[f] is not None)
    before = [kv for kv in fields if kv[0] < "rows"]
    after = [kv for kv in fields if kv[0] > "rows"]
    if _TEXT_INT.issuperset(type(v) for _, v in fields):
        orjson = _orjson()
        head = orjson.dumps(dict(before), option=orjson.OPT_SORT_KEYS)[:-1] + (b',"rows":{' if before else b'"rows":{')
        tail = (b"}," + orjson.dumps(dict(after), option=orjson.OPT_SORT_KEYS)[1:]) if after else b"}}"
        return head, tail
    head = b"{" + b"".join(_dump(k) + b":" + _dump(v) + b"," for k, v in before) + b'"rows":{'
    return head, b"}" + b"".join(b"," + _dump(k) + b":" + _dump(v) for k, v in after) + b"}"


def _walk(conn: sqlite3.Connection, progress, ordered: bool, lo: int | None = None,
          hi: int | None = None) -> tuple[int, Break | None]:
    """The chain, or its entries lo <= id < hi: a part starting after the first entry takes
    the stored hash of the entry before it as the hash it must link to."""
    tables = [_Table(conn, t, ordered, lo, hi) for t in sorted(ledger_tables(conn))]
    # [table, its pieces, the next piece or None]; tables with no rows are dropped at once.
    live = [[t, p, h] for t in tables for p in [t.pieces()] for h in [next(p, None)] if h is not None]
    prev = GENESIS
    expected_id = None
    if lo is not None and (before := conn.execute("SELECT id, hash FROM entries WHERE id < ? ORDER BY id DESC LIMIT 1",
                                                  (lo,)).fetchone()):
        expected_id, prev = before[0] + 1, before[1]
    checked = 0
    cur = conn.execute(
        "SELECT id, kind, operator, recorded_at, reason, supersedes, prev_hash, hash "
        "FROM entries WHERE id >= ? AND id < ? ORDER BY id",
        (-MAX_ID if lo is None else lo, MAX_ID if hi is None else hi),
    )
    sha256 = hashlib.sha256
    while batch := cur.fetchmany(_ENTRIES_BATCH):
        for eid, kind, operator_, recorded_at, reason, supersedes, prev_hash, stored in batch:
            if expected_id is not None and eid != expected_id:
                return checked, Break(eid, f"第 {expected_id} 至 {eid - 1} 条记录缺失（条目编号不连续）")
            head, tail = _meta_head(dict(kind=kind, operator=operator_, recorded_at=recorded_at,
                                         reason=reason, supersedes=supersedes))
            # Hashed before the link is checked, as the rows must be read to find orphans
            # first; a damaged link (even NULL) fails the check below all the same.
            digest = sha256((prev_hash if isinstance(prev_hash, str) else "").encode("utf-8") + b"\n" + head)
            written = False
            for slot in live:
                piece = slot[2]
                if piece is None or piece[0] > eid:
                    continue
                table = slot[0]
                if piece[0] < eid:
                    return checked, Break(piece[0], f"表 {table.name} 中有数据指向不存在或已被删除的条目 {piece[0]}")
                digest.update((b"," if written else b"") + table.label + b":[" + piece[1])
                written = True
                pieces = slot[1]
                while (piece := next(pieces, None)) is not None and piece[0] == eid:
                    digest.update(b"," + piece[1])
                digest.update(b"]")
                slot[2] = piece
            digest.update(tail)
            if prev_hash != prev:
                return checked, Break(eid, "与前一条记录的哈希链断开（前序记录被修改、删除或调换）")
            if digest.hexdigest() != stored:
                return checked, Break(eid, "内容与哈希不符（记录在工具之外被修改）")
            prev = stored
            expected_id = eid + 1
            checked += 1
            if progress is not None:
                progress(checked)
    for table, _, piece in live:
        if piece is not None:
            return checked, Break(piece[0], f"表 {table.name} 中有数据指向不存在的条目 {piece[0]}")
    return checked, None


def _verify_chain_reference(conn: sqlite3.Connection, progress=None) -> tuple[int, Break | None]:
    """`verify_chain` the first way, row by row in chain order (kept for text that is not
    UTF-8, read with replacement characters, and as the reference the tests compare with)."""
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
