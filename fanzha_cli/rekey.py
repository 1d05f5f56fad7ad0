"""Sealing victims' data again: under a new key (`key rotate`), or a plain-text ledger into a
new, sealed one (`db reseal`). Both leave every figure as it was: no sealed value decides one.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from fanzha_cli import chain, evidence, ledger, plan_rows, queries, sealing, vault
from fanzha_cli.errors import FanzhaError
from fanzha_cli.settings import Settings

_VICTIM = tuple(sealing.VICTIM_MASKS)


def _text_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")')
            if c[1] in _VICTIM or c[1] in sealing.FREE_TEXT]


def _sealed_values(conn: sqlite3.Connection) -> set[str]:
    """Every sealed value in the ledger's own records (not in `reseals`), whole fields and
    numbers sealed inside free text alike."""
    found: set[str] = set()
    tables = ["entries"] + [t for t in chain.ledger_tables(conn) if t not in ("reseals",)]
    for table in tables:
        for col in _text_columns(conn, table):
            for (v,) in conn.execute(f'SELECT "{col}" FROM "{table}" WHERE "{col}" LIKE \'%fz1:%\''):
                if vault.is_sealed(v):
                    found.add(v)
                else:
                    found.update(vault.text_tokens(v))
    return found


def _latest(conn: sqlite3.Connection, token: str) -> str:
    seen = 0
    while seen < 1000:
        row = conn.execute(queries.RESEAL_OF, {"old": token}).fetchone()
        if row is None:
            return token
        token, seen = row[0], seen + 1
    return token


def _field_of(token: str, conn: sqlite3.Connection) -> str:
    """Which field a sealed value belongs to (its associated data): a whole victim column, or
    a number inside free text."""
    for table in sealing.VICTIM_TABLES:
        for col in _VICTIM:
            if conn.execute(f'SELECT 1 FROM "{table}" WHERE "{col}" = ? LIMIT 1', (token,)).fetchone():
                return col
    return vault.NOTE_FIELD


@dataclass
class Rotated:
    entry_id: int | None
    values: int
    old_key: str
    new_key: str
    retired: Path | None


def rotate(led: ledger.Ledger) -> Rotated:
    """Seal every victim value again under a new key, in one entry of `reseals` (old value ->
    new value, keyed hashes too); the old ciphertext stays in the chain, superseded. The new
    key is written beside the current one first, so a stop at any point leaves every value
    readable; once the ledger holds the new values, the new key becomes current and the old
    one is set aside for the clerk to destroy."""
    current = vault.require_key()
    fresh = vault.new_key()
    vault.write_key_file(vault.pending_path(), fresh)
    opener = vault.Opener(led.conn)
    with led.write() as w:
        conn = led.conn
        pairs: dict[str, str] = {}
        for token in sorted(_sealed_values(conn)):
            latest = _latest(conn, token)
            if vault.key_id_of(latest) == fresh.id or latest in pairs:
                continue
            field = _field_of(token, conn)
            plain = opener.open(latest, field)
            pairs[latest] = fresh.seal(plain, field, vault.masked_of(latest))
        hashes: dict[str, str] = {}
        for table in sealing.VICTIM_TABLES:
            for token, blind in conn.execute(
                    f'SELECT DISTINCT victim_id_number, victim_id_hmac FROM "{table}" WHERE victim_id_hmac IS NOT NULL'):
                latest_blind = _latest(conn, blind)
                if latest_blind not in hashes and vault.is_sealed(token):
                    hashes[latest_blind] = fresh.blind(opener.open(token, "victim_id_number"))
        # In primary-key order: the order `db verify` reads them back to hash.
        rows = [{"old": o, "new": n} for o, n in sorted({**pairs, **hashes}.items()) if o != n]
        entry_id = None
        if rows:
            entry_id = w.append("key_rotate", {"reseals": rows},
                                reason=f"受害人信息密钥轮换：旧密钥 {current.id} → 新密钥 {fresh.id}")
    retired = vault.retired_path(current)
    os.replace(vault.key_path(), retired)
    os.replace(vault.pending_path(), vault.key_path())
    return Rotated(entry_id, len(pairs), current.id, fresh.id, retired)


@dataclass
class Resealed:
    path: Path
    entries: int
    old_last_id: int
    old_last_hash: str
    evidence_files: int


def reseal(settings: Settings, out: Path) -> Resealed:
    """A new ledger with the same entries and figures as this one, every victim value sealed.
    Its first entry (number 0) records the old ledger's last entry and hash and the old hash
    of every entry, so the new chain vouches for the old one and anchors printed from the old
    ledger still check. Written to a temporary file, verified, then moved into place."""
    out = out.expanduser()
    if out.exists() or out.is_symlink():
        raise FanzhaError(f"文件已存在：{out}", hint="换一个新账本的路径；db reseal 从不覆盖已有文件。")
    if not out.parent.is_dir():
        raise FanzhaError(f"文件夹不存在：{out.parent}", hint="先建立该文件夹，或换一个路径。")
    src = ledger.open_ledger(settings)  # brings an older schema up to date, as any command does
    src.conn.execute("BEGIN")  # one snapshot: a write landing meanwhile is not half copied
    try:
        checked, broken = chain.verify_chain(src.conn)
        if broken is not None:
            raise FanzhaError(f"原账本校验未通过（第 {broken.entry_id} 条记录{broken.problem}），不能据此生成新账本。",
                              hint="先用 fanzha db verify 查明，并从完好的备份恢复。")
        row = src.conn.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            raise FanzhaError("原账本是空的，没有需要重新加密的内容。")
        old_last_id, old_last_hash = row
        if src.conn.execute("SELECT 1 FROM entries WHERE id = 0").fetchone():
            raise FanzhaError("该账本本身就是重新加密生成的（第 0 条记录为重新加密记录）。",
                              hint="已加密的账本不需要再次 db reseal；更换密钥请用 fanzha key rotate。")
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        ledger._create_private(tmp)
        try:
            _copy(src.conn, tmp, settings.operator, str(settings.db_path), old_last_id, old_last_hash)
            check = sqlite3.connect(tmp)
            try:
                _, broken = chain.verify_chain(check)
            finally:
                check.close()
            if broken is not None:  # our own bug: never hand the clerk a ledger that fails
                raise FanzhaError(f"新账本校验未通过（第 {broken.entry_id} 条记录），已放弃，原账本未改动。")
            os.replace(tmp, out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        n, _bad = evidence.copy_all(src.conn, evidence.folder(settings.db_path), evidence.folder(out))
    finally:
        src.close()
    return Resealed(out, checked + 1, old_last_id, old_last_hash, n)


def _copy(src: sqlite3.Connection, dest_path: Path, operator: str, old_file: str,
          old_last_id: int, old_last_hash: str) -> None:
    conn = ledger._connect(dest_path)
    try:
        ledger.migrate(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            sealer = sealing.Sealer(conn)
            tables = sorted(chain.ledger_tables(src))
            streams = {t: chain._stream(src, t) for t in tables}
            heads = {t: next(s, None) for t, s in streams.items()}
            old_hashes = [{"old_id": i, "old_hash": h} for i, h in src.execute("SELECT id, hash FROM entries ORDER BY id")]
            origin = {"reseal_origins": [{"old_file": old_file, "old_last_id": old_last_id,
                                          "old_last_hash": old_last_hash}],
                      "reseal_hashes": old_hashes}
            meta = {"kind": "reseal", "operator": operator, "recorded_at": ledger.now_iso(),
                    "reason": f"由明文账本重新加密生成：原账本最后一条记录为第 {old_last_id} 条，哈希 {old_last_hash}",
                    "supersedes": None}
            prev = _put(conn, 0, chain.GENESIS, meta, origin)
            cur = src.execute("SELECT id, kind, operator, recorded_at, reason, supersedes FROM entries ORDER BY id")
            for eid, kind, op, at, reason, supersedes in cur:
                rows: dict[str, list[dict]] = {}
                for t in tables:
                    while heads[t] is not None and heads[t][0] == eid:
                        rows.setdefault(t, []).append(sealer.any_row(t, heads[t][1]))
                        heads[t] = next(streams[t], None)
                meta = {"kind": kind, "operator": op, "recorded_at": at, "reason": sealer.text(reason),
                        "supersedes": supersedes}
                prev = _put(conn, eid, prev, meta, rows)
            plan_rows.fill(conn)  # the plan versions' derived rows, as each load writes them
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()


def _put(conn: sqlite3.Connection, eid: int, prev: str, meta: dict, rows: dict[str, list[dict]]) -> str:
    digest = chain.entry_hash(prev, meta, rows)
    conn.execute("INSERT INTO entries (id, kind, operator, recorded_at, reason, supersedes, prev_hash, hash)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (eid, meta["kind"], meta["operator"], meta["recorded_at"], meta["reason"], meta["supersedes"],
                  prev, digest))
    for table, table_rows in rows.items():
        # Rows read back leave NULLs out: insert each run of rows with the same columns at once.
        run: list[dict] = []
        for r in table_rows:
            if run and r.keys() != run[0].keys():
                ledger._insert(conn, table, eid, run)
                run = []
            run.append(r)
        if run:
            ledger._insert(conn, table, eid, run)
    return digest
