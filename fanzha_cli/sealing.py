"""Sealing victims' data on its way into the ledger: the one place every write passes.

`ledger.Writer.append` hands each entry's rows here before they are hashed, so no command,
import or correction can put a victim's name, phone or ID number into the ledger in clear:
- the victim columns (`victim_name`, `victim_phone`, `victim_id_number`) of any table are
  sealed whole, and an ID number also gets its keyed hash (`victim_id_hmac`), so a victim
  seen before is found without the key;
- free-text columns (`note`, `reason`, and the entry's own reason) have each phone or ID
  number inside them sealed in place.
Values that arrive already sealed (a correction carrying a case's victim over unchanged)
pass as they are.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from fanzha_cli import privacy, queries, vault
from fanzha_cli.errors import FanzhaError

VICTIM_MASKS = {
    "victim_name": privacy.mask_name,
    "victim_phone": privacy.mask_phone,
    "victim_id_number": privacy.mask_id_number,
}
FREE_TEXT = ("note", "reason")
HMAC_COLUMN = "victim_id_hmac"
# The tables whose rows carry a victim (and so a keyed hash of the ID number).
VICTIM_TABLES = ("cases", "case_versions")


def ledger_has_sealed(conn: sqlite3.Connection) -> bool:
    for table in VICTIM_TABLES:
        try:
            row = conn.execute(
                f'SELECT 1 FROM "{table}" WHERE victim_name LIKE \'%|fz1:%\' OR victim_phone LIKE \'%|fz1:%\''
                f" OR victim_id_number LIKE '%|fz1:%' LIMIT 1").fetchone()
        except sqlite3.OperationalError:
            return False
        if row:
            return True
    return False


# A row with a victim field in clear. Every command asks (see plain_victims): the partial
# index m008 made with this very condition holds just those rows, so the count reads it and
# not the whole table.
PLAIN_VICTIM = " OR ".join(f"({c} IS NOT NULL AND instr({c}, '|fz1:') = 0)"
                           for c in ("victim_name", "victim_phone", "victim_id_number"))


def plain_victims(conn: sqlite3.Connection) -> int:
    """How many rows still hold a victim field in clear (a ledger written before sealing)."""
    total = 0
    for table in VICTIM_TABLES:
        try:
            total += conn.execute(f'SELECT count(*) FROM "{table}" WHERE {PLAIN_VICTIM}').fetchone()[0]
        except sqlite3.OperationalError:
            pass
    return total


class Sealer:
    """Seals what one write transaction appends. The key is read (or made, on a ledger that
    holds no sealed value yet) the first time a victim's data is written."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._key: vault.Key | None = None

    def key(self) -> vault.Key:
        if self._key is None:
            key = vault.load_key()
            if key is None:
                if ledger_has_sealed(self.conn):
                    # A new key would split the ledger's victims between two keys, one lost.
                    raise FanzhaError(
                        f"找不到受害人信息的密钥文件：{vault.key_path()}，而账本中已有用密钥加密的受害人信息。",
                        hint="请把保险柜中的密钥备份放回该位置（或用环境变量 FANZHA_KEY_FILE 指定），再登记受害人信息。",
                    )
                key = vault.load_key(create=True)
            self._key = key
        return self._key

    def text(self, value: Any) -> Any:
        if not isinstance(value, str) or not privacy.PII_IN_TEXT.search(value):
            return value
        return vault.seal_text(value, self.key(), privacy.PII_IN_TEXT, privacy.mask_found)

    def _hmac_of_sealed(self, token: str) -> str | None:
        """The keyed hash recorded with a sealed ID number carried over from an earlier row."""
        for table in VICTIM_TABLES:
            try:
                row = self.conn.execute(
                    f'SELECT {HMAC_COLUMN} FROM "{table}" WHERE victim_id_number = ? AND {HMAC_COLUMN} IS NOT NULL LIMIT 1',
                    (token,)).fetchone()
            except sqlite3.OperationalError:
                return None
            if row:
                return row[0]
        return None

    def row(self, table: str, row: dict[str, Any], victim: tuple[str, ...], free: tuple[str, ...]) -> dict[str, Any]:
        out = dict(row)
        for f in victim:
            v = out[f]
            if isinstance(v, str) and v and not vault.is_sealed(v):
                out[f] = self.key().seal(v, f, VICTIM_MASKS[f](v))
                if f == "victim_id_number" and table in VICTIM_TABLES:
                    out[HMAC_COLUMN] = self.key().blind(v)
            elif f == "victim_id_number" and vault.is_sealed(v) and table in VICTIM_TABLES and HMAC_COLUMN not in out:
                out[HMAC_COLUMN] = self._hmac_of_sealed(v)
        for f in free:
            out[f] = self.text(out[f])
        return out

    def any_row(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """One row whatever its columns (rows read back from a ledger leave NULLs out)."""
        victim = tuple(c for c in VICTIM_MASKS if c in row)
        free = tuple(c for c in FREE_TEXT if c in row)
        return self.row(table, row, victim, free) if _needs(row, victim, free) else row

    def tables(self, tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        out = {}
        for table, rows in tables.items():
            if not rows:
                out[table] = rows
                continue
            cols = rows[0].keys()  # an entry's rows of one table share their columns
            victim = tuple(c for c in VICTIM_MASKS if c in cols)
            free = tuple(c for c in FREE_TEXT if c in cols)
            if not victim and not free:
                out[table] = rows
                continue
            out[table] = [self.row(table, r, victim, free) if _needs(r, victim, free) else r for r in rows]
        return out


def _needs(row: dict[str, Any], victim: tuple[str, ...], free: tuple[str, ...]) -> bool:
    return any(row.get(c) for c in victim) or any(
        isinstance(row.get(c), str) and privacy.PII_IN_TEXT.search(row[c]) for c in free)


def same_victim_value(current: Any, typed: Any, field: str) -> Any:
    """What an amendment stores for a victim field: the current (sealed) value when the typed
    one is the same person's data, so that "nothing changed" is recognised; else the typed."""
    if typed is None or not vault.is_sealed(current):
        return typed
    try:
        return current if vault.opener().open(current, field) == typed else typed
    except FanzhaError:  # no key: cannot tell, so the typed value is taken as a change
        return typed


def same_text(current: Any, typed: Any) -> Any:
    """As `same_victim_value`, for free text with sealed numbers in it."""
    if not isinstance(current, str) or "⟦" not in current or typed is None:
        return typed
    try:
        return current if vault.text_revealed(current, vault.opener()) == typed else typed
    except FanzhaError:
        return current if vault.text_masked(current) == privacy.mask_text(typed) else typed


def same_victims(conn: sqlite3.Connection, id_number: str | None, case_no: str) -> list[str]:
    """Other cases whose victim has this ID number, found by the keyed hash (no decryption),
    across key rotations."""
    if not id_number:
        return []
    key = vault.load_key()
    if key is None:
        return []
    blind = key.blind(id_number)
    try:
        rows = conn.execute(queries.SAME_VICTIM_CASES, {"blind": blind, "case_no": case_no}).fetchall()
    except sqlite3.OperationalError:
        return []
    return [r[0] for r in rows]


def victim_groups(conn: sqlite3.Connection, hashes: dict[str, str | None]) -> dict[str, list[str]]:
    """For each case (case number -> its ID number's keyed hash), the other cases with the
    same victim: compared by keyed hash alone, so this needs no key at all. Hashes made under
    an older key are followed through `key rotate`'s reseals to the newest."""
    try:
        newer = dict(conn.execute(queries.RESEALS).fetchall())
    except sqlite3.OperationalError:
        newer = {}

    def latest(h: str) -> str:
        for _ in range(1000):
            if h not in newer:
                break
            h = newer[h]
        return h

    by: dict[str, list[str]] = {}
    for case_no, h in hashes.items():
        if h:
            by.setdefault(latest(h), []).append(case_no)
    return {c: sorted(x for x in by[latest(h)] if x != c) for c, h in hashes.items() if h and len(by[latest(h)]) > 1}
