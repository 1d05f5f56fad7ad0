"""`db verify`: the hash chain and SQLite's own integrity check, as a list of problems."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

from fanzha_cli import chain, evidence, issuing, ledger, plan_rows, reports
from fanzha_cli.settings import Settings


def verify(settings: Settings, anchors: list[tuple[int, str]] | None = None, evidence_files: bool = True) -> list[str]:
    """Empty when the ledger is intact and holds every anchor given (entry id, hash or its first
    16 hex digits: the closing line of an issued circular); otherwise Chinese sentences naming
    the first break and each anchor the ledger no longer holds; and (unless `evidence_files` is
    off) every evidence file missing or changed."""
    led = ledger.open_ledger(settings)
    try:
        found = problems(led)
        if anchors:
            found += issuing.anchor_problems(led, anchors)
        if evidence_files:
            bad = evidence.problems(led.conn, evidence.folder(settings.db_path))
            if bad:
                found += bad + ["提示：证据文件夹是账本旁的 " + str(evidence.folder(settings.db_path))
                                + "；从备份恢复（fanzha db restore）会连同证据一起放回。只校验账本可加 --no-evidence。"]
        return found
    finally:
        led.close()


def guard_problems(led: ledger.Ledger) -> list[str]:
    """Each ledger table must refuse UPDATE and DELETE (migrations._guard): without its
    triggers, entries could be cut off the end of the chain and the rest would still verify."""
    triggers = {(r[0], r[1]): r[2] or "" for r in led.conn.execute(
        "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'")}
    out = []
    for table in ["entries", *chain.ledger_tables(led.conn)]:
        for action, verb in (("update", "修改"), ("delete", "删除")):
            name = f"{table}_no_{action}"
            if "RAISE(ABORT" not in triggers.get((table, name), "").upper().replace(" ", ""):
                out.append(f"表 {table} 缺少禁止{verb}的只追加保护（触发器 {name}）：账本可能在工具之外被改动过。")
    return out


def resealed_problems(led: ledger.Ledger) -> list[str]:
    """A ledger made by `db reseal` copied entries 1..N of the old one (its entry 0 says N):
    holding fewer means it was cut back, whatever its chain says."""
    out = []
    for (n, last) in led.conn.execute(
            "SELECT o.old_last_id, (SELECT max(id) FROM entries) FROM reseal_origins AS o"):
        if last is None or last < n:
            out.append(f"账本是由旧账本重新加密生成的，应至少包含旧账本的全部 {n} 条记录，现在只到第 {last} 条："
                       "账本可能被截短过。")
    return out


def _replacing(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _side_checks(led: ledger.Ledger) -> tuple[list[str], list[str]]:
    """SQLite's integrity check and the derived tables recomputed: (integrity problems,
    derived problems). Both run inside SQLite, which lets go of Python's lock meanwhile."""
    return ledger.integrity_problems(led), reports.derived_problems(led)


class _Beside:
    """`_side_checks` on a second, read-only connection in a thread, while the caller walks
    the hash chain: SQLite runs them on the other core. `result()` waits for them and raises
    whatever they raised; a ledger that is not a file (in memory) gets them in turn instead."""

    def __init__(self, led: ledger.Ledger):
        self.led = led
        self.outcome: tuple[list[str], list[str]] | BaseException | None = None
        self.conn: sqlite3.Connection | None = None
        self.cancelled = False
        path = Path(led.path)
        self.thread = None
        if str(led.path) != ":memory:" and path.is_file():
            self.thread = threading.Thread(target=self._run, args=(path,), name="fanzha-verify", daemon=True)
            self.thread.start()

    def _run(self, path: Path) -> None:
        try:
            conn = self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                               timeout=ledger.BUSY_TIMEOUT_S, check_same_thread=False)
            try:
                if self.cancelled:
                    raise RuntimeError("cancelled")
                conn.text_factory = _replacing
                conn.execute("BEGIN")  # one snapshot for both checks
                self.outcome = _side_checks(ledger.Ledger(path, "", conn))
            finally:
                conn.close()
        except BaseException as exc:  # handed to the caller by result()
            self.outcome = exc

    def cancel(self) -> None:
        """Stop the checks (the chain walk failed or was interrupted) and wait for the thread:
        SQLite's interrupt, again until the thread has ended (it may be between statements)."""
        self.cancelled = True
        while self.thread is not None and self.thread.is_alive():
            if self.conn is not None:
                with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile: done anyway
                    self.conn.interrupt()
            self.thread.join(0.05)

    def result(self) -> tuple[list[str], list[str]]:
        if self.thread is None:
            return _side_checks(self.led)
        self.thread.join()
        outcome = self.outcome
        if isinstance(outcome, BaseException):
            raise outcome
        if outcome is None:
            raise RuntimeError("db verify: the integrity check gave no answer")
        return outcome


def problems(led: ledger.Ledger) -> list[str]:
    """What `verify` finds wrong with an open ledger (also a backup before it is restored).

    Text that a damaged file no longer holds as UTF-8 is read with replacement characters,
    so that its entry fails its hash and is named, instead of the check stopping short.
    SQLite's integrity check and the derived tables run beside the hash chain (`_Beside`),
    and half the chain of a large ledger file in a second process."""
    led.conn.text_factory = _replacing
    try:
        beside = _Beside(led)
        try:
            # A ledger file: half the chain in a second process too (chain.verify_chain_split).
            checked, broken = (chain.verify_chain(led.conn) if beside.thread is None
                               else chain.verify_chain_split(led.conn, Path(led.path)))
        except BaseException:
            beside.cancel()
            raise
        integrity, derived = beside.result()
        found = [f"SQLite 完整性检查未通过：{p}" for p in integrity]
        found += derived
        found += plan_rows.problems(led)
        found += guard_problems(led)
        found += issuing.recorded_anchor_problems(led)
        found += resealed_problems(led)
    except sqlite3.DatabaseError as exc:
        return [f"账本文件已损坏，无法逐条读取：{exc}",
                "提示：请勿再写入；用 fanzha db backup 留存现状，并用 fanzha db restore 从最近的完好备份恢复。"]
    if broken is not None:
        found.append(
            f"账本校验失败：第 {broken.entry_id} 条记录{broken.problem}。"
            f"此前 {checked} 条记录完好。"
        )
        found.append("提示：请勿再写入；用 fanzha db backup 留存现状，并从最近的完好备份恢复。")
    return found
