"""`db restore`: put a backup back in place of the live ledger, verified first, atomically.

1. The backup is copied (SQLite's online backup) to a private file beside the ledger, and
   that copy, exactly what will be installed, must pass `db verify`: SQLite's integrity
   check and the whole hash chain. A broken backup is refused and nothing is touched.
2. The copy is written into the live ledger with SQLite's backup API, as one write
   transaction. SQLite takes the ledger's write lock for it (waiting for a writer that is
   mid-transaction to finish), writes through the ledger's own WAL, and every other
   connection sees the old ledger or the restored one, never a mixture; no -wal or -shm
   file is ever renamed or deleted under a running process.
3. While that transaction holds the write lock, before anything is committed, the ledger
   as it was is saved whole as `<ledger>.<timestamp>.bak`: nothing written before the
   restore is lost, and nothing can be written between that copy and the restore.

A live file that is not a database at all (which may be why it is being restored) is
moved aside to the .bak name instead, with its -wal, and the copy renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fanzha_cli import evidence, ledger, verify
from fanzha_cli.errors import FanzhaError
from fanzha_cli.settings import Settings

SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass
class Restored:
    source: Path
    ledger: Path
    entries: int
    kept: Path | None  # the ledger as it was, or None if there was none
    evidence: int = 0  # evidence files checked and put back


def restore(settings: Settings, source: Path, now: datetime | None = None, evidence_files: bool = True) -> Restored:
    live = settings.db_path
    source = Path(source).expanduser()
    if not source.is_file():
        raise FanzhaError(f"找不到备份文件：{source}", hint="写 fanzha db backup 生成的备份文件路径。")
    if live.exists() and source.resolve() == live.resolve():
        raise FanzhaError("要恢复的备份文件就是正在使用的账本本身。", hint="写备份文件的路径。")
    live.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = live.with_name(f".{live.name}.restore.{os.getpid()}.tmp")
    try:
        entries = _stage(source, staged, live)
        files = _evidence(source, staged, live) if evidence_files else 0
        kept = _install(staged, live, _kept_path(live, now or datetime.now()))
    finally:
        for suffix in ("", *SIDE_FILES):
            Path(f"{staged}{suffix}").unlink(missing_ok=True)
    return Restored(source, live, entries, kept, files)


def _evidence(source: Path, staged: Path, live: Path) -> int:
    """The backup's evidence (beside it, as `db backup` writes it), every file checked
    against the SHA-256 the backup's ledger holds before anything is put back: one missing
    or changed file refuses the whole restore. Files are named by their hash, so putting
    them into the live evidence folder adds or repairs, never loses, what is there."""
    with contextlib.closing(sqlite3.connect(staged)) as conn:
        bad = evidence.problems(conn, evidence.folder(source))
        if bad:
            raise FanzhaError(
                f"备份 {source} 的证据文件与账本不符，未恢复，当前账本和证据没有任何改动：\n" + "\n".join(bad),
                hint=f"把备份时生成的证据文件夹 {evidence.folder(source)} 原样放在备份文件旁再恢复；"
                     "确实只恢复账本时加 --no-evidence。")
        n, _ = evidence.copy_all(conn, evidence.folder(source), evidence.folder(live))
    return n


def _refuse(source: Path, why: str) -> FanzhaError:
    return FanzhaError(f"备份 {source} {why}，未恢复，当前账本没有任何改动。",
                       hint="换一个较早的完好备份；可用 fanzha --db 备份文件 db verify 逐个检查。")


def _stage(source: Path, staged: Path, live: Path) -> int:
    """Copy the backup beside the ledger and verify the copy; return its number of entries."""
    ledger._create_private(staged)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(staged, isolation_level=None)
        try:
            src.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise _refuse(source, f"不是 SQLite 数据库或已损坏（{exc}）") from exc
    led = ledger.Ledger(staged, "", copy)
    try:
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "entries" not in tables:
            raise _refuse(source, "不是 fanzha 账本（没有记录表 entries）")
        try:
            problems = verify.problems(led)
        except sqlite3.DatabaseError as exc:
            raise _refuse(source, f"已损坏（{exc}）") from exc
        if problems:
            raise _refuse(source, "未通过校验：\n" + "\n".join(p for p in problems if not p.startswith("提示")))
        ledger.migrate(copy)  # an older backup gets today's schema before it goes live
        _match_page_size(copy, live)
        return copy.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        led.close()


def _match_page_size(copy: sqlite3.Connection, live: Path) -> None:
    """SQLite can back up into a WAL database only page for page of the same size."""
    if not live.exists():
        return
    with contextlib.closing(sqlite3.connect(f"{live.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        try:
            size = conn.execute("PRAGMA page_size").fetchone()[0]
        except sqlite3.DatabaseError:
            return  # not a database: it is replaced by rename, any page size will do
    if copy.execute("PRAGMA page_size").fetchone()[0] != size:
        copy.execute(f"PRAGMA page_size = {int(size)}")
        copy.execute("VACUUM")


def _kept_path(live: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    kept = live.with_name(f"{live.name}.{stamp}.bak")
    n = 1
    while kept.exists():
        n += 1
        kept = live.with_name(f"{live.name}.{stamp}-{n}.bak")
    return kept


def _install(staged: Path, live: Path, kept: Path) -> Path | None:
    if not live.exists():
        os.replace(staged, live)
        return None
    conn = None
    try:
        conn = ledger._connect(live)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        if conn is not None:
            conn.close()
        return _swap_files(staged, live, kept)
    saved: list[Path] = []

    def keep_old(status: int, remaining: int, total: int) -> None:
        # After the first page: the restore holds the write lock and has committed nothing,
        # so this reader sees exactly the ledger as it stands, and no one can change it now.
        if not saved and status == sqlite3.SQLITE_OK:
            reader = ledger.Ledger(live, "", sqlite3.connect(live, timeout=ledger.BUSY_TIMEOUT_S))
            try:
                ledger.backup(reader, kept)
            finally:
                reader.close()
            saved.append(kept)

    try:
        with contextlib.closing(sqlite3.connect(staged)) as copy:
            # Page by page, so that keep_old runs while the first step holds the lock.
            if copy.execute("PRAGMA page_count").fetchone()[0] < 2:
                raise FanzhaError("备份文件过小，不是完整的账本，未恢复。", hint="换一个备份文件。")
            copy.backup(conn, pages=1, progress=keep_old)
        if not saved:  # cannot happen: a verified ledger has more than one page
            raise RuntimeError("restore committed before the old ledger was kept")
        with contextlib.suppress(sqlite3.OperationalError):  # fold the WAL in; readers may delay it
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return kept


def _swap_files(staged: Path, live: Path, kept: Path) -> Path:
    os.replace(live, kept)
    for suffix in SIDE_FILES:
        side = Path(f"{live}{suffix}")
        if side.exists():
            if suffix == "-wal":
                os.replace(side, Path(f"{kept}{suffix}"))  # the old file's last writes stay with it
            else:
                side.unlink()
    os.replace(staged, live)
    return kept
