"""`db verify`: the hash chain and SQLite's own integrity check, as a list of problems."""

from __future__ import annotations

from fanzha_cli import chain, ledger
from fanzha_cli.settings import Settings


def verify(settings: Settings) -> list[str]:
    """Empty when the ledger is intact; otherwise Chinese sentences naming the first break."""
    led = ledger.open_ledger(settings)
    try:
        problems = [f"SQLite 完整性检查未通过：{p}" for p in ledger.integrity_problems(led)]
        checked, broken = chain.verify_chain(led.conn)
        if broken is not None:
            problems.append(
                f"账本校验失败：第 {broken.entry_id} 条记录{broken.problem}。"
                f"此前 {checked} 条记录完好。"
            )
            problems.append("提示：请勿再写入；用 fanzha db backup 留存现状，并从最近的完好备份恢复。")
        return problems
    finally:
        led.close()
