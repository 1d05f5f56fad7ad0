"""How commendation candidates look."""

from __future__ import annotations

from typing import Any, Iterator

from fanzha_cli.render.console import console

KIND = {"officer": "民辅警", "department": "单位"}
CSV_COLUMNS = [("kind", "类别"), ("name", "姓名或单位"), ("badge", "警号"), ("department", "所在单位"),
               ("reasons", "依据")]


def csv_rows(result: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for c in result["candidates"]:
        yield {**c, "kind": KIND[c["subject_kind"]], "reasons": "；".join(c["reasons"])}


def table(result: dict[str, Any]) -> None:
    from fanzha_cli.render.fit import LIST, Col, print_table, say

    crit = result["criteria"]
    out = console()
    cols = [Col(k, h) for k, h in CSV_COLUMNS[:4]] + [Col("reasons", "依据", LIST)]
    print_table(f"拟表彰对象（{result['from']} 至 {result['to']}，共 {result['weeks']} 个报送周）", cols,
                list(csv_rows(result)))
    say(criteria_text(crit), out)
    if not result["candidates"]:
        out.print("本期没有符合条件的对象。")


def criteria_text(crit: dict[str, Any]) -> str:
    """The plan's grounds for commendation and the bureau's limits, as one sentence; a limit
    the plan leaves out (None) is off and not mentioned."""
    grounds = []
    if crit.get("dissuasion"):
        grounds.append(f"劝阻避免重大损失（单起 {crit['major_loss']} 元以上）" if crit.get("major_loss") else "有劝阻成效")
    if crit.get("zero_case"):
        grounds.append("包联单位、网格零发案")
    limits = []
    if crit.get("max_deductions") is not None:
        limits.append(f"通报扣分不超过 {crit['max_deductions']} 次")
    if crit.get("min_on_time_share") is not None:
        limits.append(f"按时报送不少于 {crit['min_on_time_share']:.0%} 的周次")
    text = "评选条件（计划）：" + ("，或".join(grounds) or "计划未规定表彰依据")
    if limits:
        text += "；并且" + "，".join(limits)
    return text + "。"
