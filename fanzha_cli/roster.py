"""The real roster: police stations, grids, grid workers and paired officers from a sheet.

The plan file stays the one source of truth: a roster import rewrites only its `stations`
section (comments elsewhere kept, the old file kept as .bak), after the whole new plan
has passed validation. `fanzha plan load` then records the change in the ledger.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from fanzha_cli.errors import FanzhaError
from fanzha_cli.plan import build_plan, read_yaml
from fanzha_cli.tabular import read_rows

COLUMNS = ["派出所", "辖区", "网格", "网格员", "警号", "姓名", "身份"]
ROLE_WORDS = {"民警": "police", "辅警": "auxiliary", "police": "police", "auxiliary": "auxiliary"}
STATION_UNIT_KINDS = ["党政机关", "各村（社区）", "企事业单位", "商贸场所"]


def stations_from_sheet(path: Path, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Build the `stations` list from roster rows: one row per officer and grid pairing."""
    old_units = {s.get("name"): s.get("units") for s in existing if isinstance(s, dict)}
    stations: "OrderedDict[str, dict[str, Any]]" = OrderedDict()
    officer_seen: dict[str, tuple[str, str, str]] = {}
    problems: list[str] = []
    for row in read_rows(path, COLUMNS):
        where = f"{row.source} 第 {row.number} 行"
        v = row.values
        name = v["派出所"]
        if not name:
            problems.append(f"{where}：“派出所”为空")
            continue
        st = stations.setdefault(name, {"name": name, "jurisdiction": v["辖区"] or None,
                                        "officers": OrderedDict(), "grids": OrderedDict()})
        badge, officer, role_word = v["警号"], v["姓名"], v["身份"]
        if badge:
            role = ROLE_WORDS.get(role_word)
            if role is None:
                problems.append(f"{where}：“身份”应为 民警 或 辅警，实际是“{role_word}”")
                continue
            if not officer:
                problems.append(f"{where}：警号 {badge} 缺少“姓名”")
                continue
            previous = officer_seen.get(badge)
            if previous and previous != (name, officer, role):
                problems.append(f"{where}：警号 {badge} 与前面的行不一致（{previous[1]}，{previous[0]}）")
                continue
            officer_seen[badge] = (name, officer, role)
            st["officers"].setdefault(badge, {"badge": badge, "name": officer, "role": role})
        grid = v["网格"]
        if grid:
            g = st["grids"].setdefault(grid, {"name": grid, "worker": v["网格员"], "officers": []})
            if v["网格员"] and g["worker"] and v["网格员"] != g["worker"]:
                problems.append(f"{where}：网格“{grid}”的网格员前后不一致（{g['worker']} / {v['网格员']}）")
            if badge and badge not in g["officers"]:
                g["officers"].append(badge)
    if problems:
        raise FanzhaError("花名册有误，未修改计划文件：\n" + "\n".join(f"  - {p}" for p in problems),
                          hint="改正花名册中这些行后重新导入。")
    if not stations:
        raise FanzhaError(f"花名册 {path} 中没有任何派出所数据", hint=f"每行应填写：{'、'.join(COLUMNS)}。")
    out = []
    for st in stations.values():
        town = st["jurisdiction"]
        units = old_units.get(st["name"]) or (
            [{"name": f"{town}{k}", "collective": True} for k in STATION_UNIT_KINDS] if town else []
        )
        entry: dict[str, Any] = {"name": st["name"]}
        if town:
            entry["jurisdiction"] = town
        entry["units"] = units
        entry["officers"] = list(st["officers"].values())
        entry["grids"] = list(st["grids"].values())
        out.append(entry)
    return out


_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")


def replace_stations_block(text: str, stations_yaml: str) -> str:
    """Swap the `stations:` block of the plan text, leaving every other line as it was."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^stations\s*:", line)), None)
    if start is None:
        return text.rstrip("\n") + "\n" + stations_yaml
    end = next((j for j in range(start + 1, len(lines)) if _TOP_KEY.match(lines[j])), len(lines))
    # Comment lines just above the next key belong to that key.
    while end - 1 > start and (lines[end - 1].startswith("#") or not lines[end - 1].strip()):
        end -= 1
    return "".join(lines[:start]) + stations_yaml + "".join(lines[end:])


def import_roster(sheet: Path, plan_path: Path, dry_run: bool = False) -> dict[str, int]:
    import yaml

    data, _ = read_yaml(plan_path)
    if not isinstance(data, dict):
        raise FanzhaError(f"计划文件 {plan_path} 内容不是键值表", hint="先用 fanzha plan check 检查计划文件。")
    stations = stations_from_sheet(sheet, data.get("stations") or [])
    block = yaml.safe_dump({"stations": stations}, allow_unicode=True, sort_keys=False, width=120)
    new_text = replace_stations_block(plan_path.read_text(encoding="utf-8-sig"), block)
    parsed = build_plan(yaml.safe_load(new_text), str(plan_path), "")  # the whole plan must still be valid
    counts = {
        "stations": len(stations),
        "grids": len(parsed.grids),
        "officers": len(parsed.officers),
    }
    if dry_run:
        return counts
    backup = plan_path.with_name(plan_path.name + ".bak")
    backup.write_bytes(plan_path.read_bytes())
    tmp = plan_path.with_name(f".{plan_path.name}.{os.getpid()}.tmp")
    tmp.write_text(new_text, encoding="utf-8")
    os.replace(tmp, plan_path)
    return counts
