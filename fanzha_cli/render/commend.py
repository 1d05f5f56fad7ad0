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
    from fanzha_cli.render.fit import LIST, Col, print_table

    crit = result["criteria"]
    out = console()
    cols = [Col(k, h) for k, h in CSV_COLUMNS[:4]] + [Col("reasons", "依据", LIST)]
    print_table(f"拟表彰对象（{result['from']} 至 {result['to']}，共 {result['weeks']} 个报送周）", cols,
                list(csv_rows(result)))
    out.print(
        f"评选条件（计划 rules.commendation）：通报扣分不超过 {crit.get('max_deductions', 0)} 次，按时报送不少于 "
        f"{crit.get('min_on_time_share', 0):.0%} 的周次；并且劝阻不少于 {crit.get('min_dissuasions', 1)} 起"
        + ("，或包联单位、网格零发案。" if crit.get("zero_case", True) else "。")
    )
    if not result["candidates"]:
        out.print("本期没有符合条件的对象。")
