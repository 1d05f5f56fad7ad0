"""`db verify`: the hash chain and SQLite's own integrity check, as a list of problems."""

from __future__ import annotations

import sqlite3

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


def problems(led: ledger.Ledger) -> list[str]:
    """What `verify` finds wrong with an open ledger (also a backup before it is restored).

    Text that a damaged file no longer holds as UTF-8 is read with replacement characters,
    so that its entry fails its hash and is named, instead of the check stopping short."""
    led.conn.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
    try:
        found = [f"SQLite 完整性检查未通过：{p}" for p in ledger.integrity_problems(led)]
        checked, broken = chain.verify_chain(led.conn)
        found += reports.derived_problems(led)
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
