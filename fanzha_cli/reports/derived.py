"""The per-week counts kept beside the report lines (report_week_status), checked by `db verify`."""

from __future__ import annotations


from fanzha_cli import queries
from fanzha_cli.ledger import Ledger

# --- checking the derived counts -----------------------------------------------------------------


def derived_problems(led: Ledger) -> list[str]:
    """Where the per-week counts the report triggers keep (report_week_status) disagree with
    the lines themselves: `db verify` runs this beside the hash chain, which does not cover them."""
    wrong = led.conn.execute(queries.REPORT_WEEK_STATUS_DISAGREEING).fetchall()
    if not wrong:
        return []
    week, dept = wrong[0]
    return [f"每周报送统计（report_week_status）与报送记录不符：{len(wrong)} 处，首处为 {dept} {week}。",
            "提示：该表由报送记录推导，不一致说明账本文件在 fanzha 之外被改动；请用 fanzha db backup 留存现状，并从最近的完好备份恢复。"]
