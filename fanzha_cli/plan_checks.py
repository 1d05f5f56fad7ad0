"""Warnings about a valid plan: what a careful clerk would query in the document.

Pure functions over a parsed plan. Nothing here comes from a list of known problems:
the checks find shared units and look-alike names by comparing every name with every other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

from fanzha_cli.plan import Plan

# Prefixes that name the county itself and add nothing to a unit's identity.
_COUNTY_PREFIX = re.compile(r"^(兴县|县)")


def _core(name: str) -> str:
    return _COUNTY_PREFIX.sub("", name)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def probably_same(a: str, b: str) -> bool:
    """Two different names that likely denote one unit.

    The shorter (after dropping a county prefix) must appear in order inside the longer,
    as an abbreviation does (市场监管局 in 市场监督管理局), and both must end with the same
    character, the kind of body (局、院、行…). Two-character names are common bank
    abbreviations (农行, 中行), so they only match a longer name that ends with them
    (法院 in 人民法院), never by skipping characters (农行 is not 农发行).
    """
    ca, cb = _core(a), _core(b)
    if ca == cb:
        return a != b
    short, long = sorted((ca, cb), key=len)
    if len(short) < 2 or short[-1] != long[-1] or len(short) == len(long):
        return False
    if len(short) == 2:
        return long.endswith(short)
    return _is_subsequence(short, long)


def warnings(plan: Plan) -> list[str]:
    out: list[str] = []
    owners: dict[str, list[str]] = defaultdict(list)
    aliases_of: dict[str, set[str]] = defaultdict(set)
    for dept in plan.departments:
        for unit in dept.units:
            owners[unit.name].append(dept.name)
            for alias in unit.aliases:
                aliases_of[unit.name].add(alias)

    for unit, depts in owners.items():
        if len(depts) > 1:
            out.append(
                f"单位“{unit}”同时由 {len(depts)} 个科所队包联：{'、'.join(depts)}。"
                "请确认是共同包联，还是应只归一个单位。"
            )

    names = sorted(owners)
    for a, b in combinations(names, 2):
        if any(probably_same(x, y) for x in {a} | aliases_of[a] for y in {b} | aliases_of[b]):
            where_a = "、".join(owners[a])
            where_b = "、".join(owners[b])
            out.append(
                f"“{a}”（{where_a}）与“{b}”（{where_b}）可能是同一单位的两种写法。"
                "若是，请统一名称或写为别名（aliases）；若不是，可忽略此提示。"
            )
    return out
