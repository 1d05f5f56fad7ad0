"""The ledger file: opening it, and every write, each inside one transaction.

Writes take SQLite's write lock up front (BEGIN IMMEDIATE) because each entry's hash
depends on the previous one: two writers must not both read the same chain head.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from fanzha_cli import chain, sealing, vault
from fanzha_cli.errors import FanzhaError
from fanzha_cli.settings import Settings

BUSY_TIMEOUT_S = 60
MAX_ID = 2**63 - 1  # SQLite's largest integer: no record number goes beyond it


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _value(v: Any) -> Any:
    """Only text, integers and NULL enter the ledger, so what is hashed is what is read back."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    raise TypeError(f"ledger values are text or integers, not {type(v).__name__}: {v!r}")


class Writer:
    """Appends entries inside one open write transaction."""

    def __init__(self, ledger: "Ledger"):
        self.ledger = ledger
        self.conn = ledger.conn
        row = self.conn.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
        self.last_id, self.last_hash = row if row else (0, chain.GENESIS)
        self.recorded_at = now_iso()
        self.sealer = sealing.Sealer(self.conn)  # victims' data never enters in clear

    def append(
        self,
        kind: str,
        tables: dict[str, list[dict[str, Any]]],
        *,
        reason: str | None = None,
        supersedes: int | None = None,
    ) -> int:
        entry_id = self.last_id + 1
        tables = self.sealer.tables(tables)
        reason = self.sealer.text(reason)
        clean = {
            t: [row if _PLAIN.issuperset(map(type, row.values())) else {k: _value(v) for k, v in row.items()}
                for row in rows]
            for t, rows in tables.items()
        }
        meta = dict(
            kind=kind,
            operator=self.ledger.operator,
            recorded_at=self.recorded_at,
            reason=reason,
            supersedes=supersedes,
        )
        digest = chain.entry_hash(self.last_hash, meta, clean)
        self.conn.execute(
            "INSERT INTO entries (id, kind, operator, recorded_at, reason, supersedes, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entry_id, kind, meta["operator"], meta["recorded_at"], reason, supersedes,
             self.last_hash, digest),
        )
        for table, rows in clean.items():
            if rows:
                _insert(self.conn, table, entry_id, rows)
        if clean.get("plan_versions"):  # a plan load: its version's derived rows, in this transaction
            from fanzha_cli import plan_rows

            plan_rows.fill(self.conn, entry_id)
        self.last_id, self.last_hash = entry_id, digest
        return entry_id


_PLAIN = {str, int, type(None)}  # values that enter the ledger as they are


def _insert(conn: sqlite3.Connection, table: str, entry_id: int, rows: list[dict[str, Any]]) -> None:
    """Many rows per INSERT statement: SQLite sets a statement up (its CHECK constraints' value
    lists among it) once per run, so one run per row, as executemany does, costs far more."""
    cols = list(rows[0])
    width = len(cols) + 1
    per = max(1, min(500, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    head = 'INSERT INTO "{}" (entry_id, {}) VALUES '.format(table, ", ".join(f'"{c}"' for c in cols))
    one = "(" + ", ".join("?" * width) + ")"
    for start in range(0, len(rows), per):
        part = rows[start:start + per]
        values: list[Any] = []
        for r in part:
            values.append(entry_id)
            values += [r[c] for c in cols]
        conn.execute(head + ", ".join([one] * len(part)), values)


class Ledger:
    def __init__(self, path: Path, operator: str, conn: sqlite3.Connection):
        self.path = path
        self.operator = operator
        self.conn = conn
        self.as_of: int | None = None  # set while reads see an earlier entry (asof.as_of)

    @contextlib.contextmanager
    def write(self) -> Iterator[Writer]:
        """One transaction: everything appended inside lands whole, or nothing does."""
        if self.as_of is not None:  # the writer would read the chain head through a view
            raise RuntimeError("no writes while the ledger is read as of an earlier entry")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield Writer(self)
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @property
    def db(self):
        """The connection as a sqlite_utils Database (loaded only when asked for)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def query(self, sql: str, params: dict | tuple = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur]

    def close(self) -> None:
        self.conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: no hidden BEGINs; every transaction here is explicit.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a committed entry survives a power cut, not only a crashed process.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _create_private(path: Path) -> None:
    """The ledger holds victims' data: its folder and file are readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


# The schema steps of migrations.py, by name: a ledger with every one applied (nearly every
# open) is opened without loading sqlite_utils and the steps, which only migrating needs.
# tests/test_ledger.py checks that this is migrations.py's list.
SCHEMA_STEPS = (
    "m001_entries_and_plan",
    "m003_cases_audits",
    "m002_reports",
    "m004_performance",
    "m005_issued_weeks",
    "m006_corrections",
    "m007_vault",
    "m008_plan_lookups",
    "m009_case_numbers",
    "m010_plan_rows",
    "m013_report_lines_current",
    "m014_report_week_status_times",
    "m015_cases_by_target",
    "m016_circular_phrasing",
)


def _up_to_date(conn: sqlite3.Connection) -> bool:
    try:
        applied = {r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'fanzha'")}
    except sqlite3.OperationalError:  # no such table: a new ledger
        return False
    return applied.issuperset(SCHEMA_STEPS)


def _pending(conn: sqlite3.Connection) -> list:
    if _up_to_date(conn):
        return []
    import sqlite_utils

    from fanzha_cli.migrations import migrations

    return migrations.pending(sqlite_utils.Database(conn))


def migrate(conn: sqlite3.Connection) -> None:
    if not _pending(conn):
        return
    import sqlite_utils

    from fanzha_cli.migrations import migrations

    db = sqlite_utils.Database(conn)
    # Under the write lock, so two processes opening a new ledger at once migrate it once.
    conn.execute("BEGIN IMMEDIATE")
    try:
        _say_upgrading(conn)
        migrations.apply(db)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _say_upgrading(conn: sqlite3.Connection) -> None:
    """A ledger that already holds records is being upgraded by a new fanzha: say so, since on a
    large ledger a step can take a while (m014 recounts every report line: 8 s on a province's
    year on an idle machine, half a minute on a busy one). A new ledger is set up silently."""
    try:
        has_records = conn.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # no entries table yet: a new ledger
        return
    if has_records:
        import sys

        sys.stderr.write("正在升级账本结构（新版 fanzha 第一次打开本账本时进行，只需一次；账本较大时可能需要几秒到几十秒）……\n")


def open_ledger(settings: Settings, *, create: bool = False, read_only: bool = False) -> Ledger:
    """Open (and migrate) the ledger. `read_only` is for exports that must never write:
    SQLite itself then refuses any write, and an unmigrated ledger is an error, not upgraded."""
    path = settings.db_path
    if read_only:
        return _open_read_only(path)
    if not path.exists():
        if not create:
            raise FanzhaError(
                f"账本文件不存在：{path}",
                hint="先运行 fanzha plan load data/assignments.yaml 建立账本，或用 --db 指定已有账本。",
            )
        _create_private(path)
    elif path.is_dir():
        raise FanzhaError(f"账本路径是一个文件夹，不是文件：{path}", hint="用 --db 指定一个 .db 文件。")
    try:
        conn = _connect(path)
        migrate(conn)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise FanzhaError(
            f"无法打开账本 {path}：{_why(exc)}",
            hint="确认这是 fanzha 的账本文件；可用 fanzha db verify 检查，或用 fanzha db restore 从备份恢复。",
        ) from exc
    _warn_plain(conn)
    vault.use(conn)
    return Ledger(path, settings.operator, conn)


def _warn_plain(conn: sqlite3.Connection) -> None:
    """A ledger written before victims' data was sealed still holds it in clear: say so on
    every command until it is resealed (append-only: it cannot be erased in place)."""
    plain = sealing.plain_victims(conn)
    if plain:
        import sys

        sys.stderr.write(
            f"警告：本账本中有 {plain} 条记录的受害人信息仍为明文（加密功能启用前录入）。"
            "请运行 fanzha db reseal 新账本路径 生成加密的新账本，再按本局规定保管或销毁旧账本。\n")


def _why(exc: Exception) -> str:
    # A damaged schema can make even SQLite's error message undecodable.
    return "文件已损坏（数据库结构中的文字无法读取）" if isinstance(exc, UnicodeDecodeError) else str(exc)


def _open_read_only(path: Path) -> Ledger:
    if not path.is_file():
        raise FanzhaError(f"账本文件不存在：{path}", hint="用 --db 指定账本，或先运行 fanzha plan load 建立账本。")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                               isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        pending = _pending(conn)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise FanzhaError(f"无法打开账本 {path}：{_why(exc)}", hint="确认这是 fanzha 的账本文件。") from exc
    if pending:
        conn.close()
        raise FanzhaError(f"账本 {path} 的结构需要升级，只读命令不能升级它。",
                          hint="先运行一次任意写入命令（例如 fanzha plan load），或 fanzha db verify。")
    # One read transaction for the whole command: every query sees the ledger as it was at
    # the first one (WAL snapshot), so an export running during an import never mixes the
    # two (half the report lines counted in one table, all of them in the next).
    conn.execute("BEGIN")
    _warn_plain(conn)
    vault.use(conn)
    return Ledger(path, "", conn)


def open_scratch(operator: str) -> Ledger:
    """An empty, migrated ledger in memory: what a dry run compares against when no ledger exists yet."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)
    return Ledger(Path(":memory:"), operator, conn)


def backup(ledger: Ledger, dest: Path) -> Path:
    """A consistent copy of a live ledger (SQLite's online backup), written atomically;
    returns the file written."""
    dest = dest.expanduser()
    if dest.exists() and dest.is_dir():
        dest = dest / ledger.path.name
    if dest.resolve() == ledger.path.resolve():
        raise FanzhaError("备份文件不能是账本本身。", hint="换一个备份路径。")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    _create_private(tmp)
    try:
        target = sqlite3.connect(str(tmp))
        try:
            ledger.conn.backup(target)
            # A backup is one self-contained file: no -wal beside it.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def integrity_problems(ledger: Ledger) -> list[str]:
    rows = [r[0] for r in ledger.conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows
