"""How a plan looks: `plan show` tables and CSV rows, `plan check` and `plan load` reports."""

from __future__ import annotations

from typing import Any, Iterator

from fanzha_cli.render.console import console, note, plain

ROLE_LABELS = {"police": "民警", "auxiliary": "辅警"}
CATEGORY_LABELS = {"bureau": "科室、大队", "station": "基层派出所"}

CSV_COLUMNS = [
    ("department", "科所队"),
    ("category", "类别"),
    ("target_kind", "包联对象类型"),
    ("target", "包联对象"),
    ("collective", "集体（“各……”）"),
    ("aliases", "别名"),
    ("note", "备注"),
    ("grid_worker", "网格员"),
    ("officers", "结对民辅警"),
]


def _unit_label(u: dict[str, Any]) -> str:
    label = u["name"]
    if u.get("aliases"):
        label += f"（又称{'、'.join(u['aliases'])}）"
    if u.get("collective"):
        label += "[集体]"
    return label


def _unit_remarks(u: dict[str, Any]) -> str:
    parts = []
    if u.get("collective"):
        parts.append("集体单位")
    if u.get("aliases"):
        parts.append(f"又称{'、'.join(u['aliases'])}")
    if u.get("note"):
        parts.append(u["note"])
    if u.get("duties"):
        parts.append(f"行业职责：{'、'.join(sorted({d['sector'] for d in u['duties']}))}")
    return "；".join(parts)


def csv_rows(state: dict[str, Any]) -> Iterator[dict[str, Any]]:
    officer_names = {
        o["badge"]: f"{o['name']}（{ROLE_LABELS.get(o['role'], o['role'])} {o['badge']}）"
        for s in state["stations"] for o in s["officers"]
    }
    for d in state["departments"] + state["stations"]:
        category = CATEGORY_LABELS.get(d["category"], d["category"])
        for u in d["units"]:
            yield {
                "department": d["name"], "category": category, "target_kind": "单位",
                "target": u["name"], "collective": u["collective"], "aliases": u["aliases"],
                "note": u.get("note"),
            }
        for g in d.get("grids", []):
            yield {
                "department": d["name"], "category": category, "target_kind": "网格",
                "target": g["name"], "grid_worker": g["worker"],
                "officers": [officer_names.get(b, b) for b in g["officers"]],
            }


def show(state: dict[str, Any]) -> None:
    from rich.text import Text

    out = console()
    c = state["campaign"]
    v = state["plan_version"]
    out.print(Text.assemble((plain(c.get("name", "")), "bold"),
                            plain(f"（{c.get('document_no', '')}，{c.get('issuer', '')} {c.get('issued_on', '')}）")))
    cp, rp = c.get("concentrated_period", {}), c.get("routine_period", {})
    out.print(f"集中宣传：{cp.get('start')} 至 {cp.get('end')}；常态化：{rp.get('start')} 至 {rp.get('end')}")
    lead = state.get("leadership", {})
    if lead.get("leader"):
        deputies = "、".join(d["name"] for d in lead.get("deputies", []))
        out.print(f"领导小组组长：{lead['leader']['name']}；副组长：{deputies or '无'}；办公室：{lead.get('office', {}).get('name', '')}")
    on = state["on"] or "现行"
    out.print(f"计划版本：第 {v['entry_id']} 条记录，{v['effective']} 起生效（{v['source']}，{v['operator']} 于 {v['recorded_at']} 载入）；查看日期：{on}")

    from fanzha_cli.render.fit import LIST, TEXT, Col, print_table

    if state["departments"]:
        rows = []
        for d in state["departments"]:
            for i, u in enumerate(d["units"]):
                first = i == 0
                rows.append({"item": str(d.get("item") or "") if first else "",
                             "dept": f"{d['name']}（{len(d['units'])}）" if first else "",
                             "unit": u["name"], "remarks": _unit_remarks(u)})
        print_table("科室、大队包联单位", [Col("item", "序号", justify="right"), Col("dept", "科所队"),
                                      Col("unit", "包联单位"), Col("remarks", "说明", TEXT, 1)], rows,
                    more="--dept 名称 或 --format csv")

    if state["stations"]:
        rows = []
        for s in state["stations"]:
            names = {o["badge"]: o for o in s["officers"]}
            label = s["name"] + ("（示例）" if s.get("sample") else "")
            for i, g in enumerate(s["grids"]):
                officers = "、".join(
                    f"{names[b]['name']}（{ROLE_LABELS.get(names[b]['role'], '')} {b}）" if b in names else b
                    for b in g["officers"]
                ) or "未结对"
                rows.append({"station": label if i == 0 else "", "area": (s.get("jurisdiction") or "") if i == 0 else "",
                             "grid": g["name"], "worker": g["worker"] or "", "officers": officers})
            if not s["grids"]:
                rows.append({"station": label, "area": s.get("jurisdiction") or "", "grid": "无网格"})
        print_table("基层派出所：网格与结对民辅警", [Col("station", "派出所"), Col("area", "辖区", priority=1),
                                              Col("grid", "网格", TEXT), Col("worker", "网格员"),
                                              Col("officers", "结对民辅警", LIST)], rows,
                    more="--dept 名称 或 --format csv")
        units = sum(len(s["units"]) for s in state["stations"])
        out.print(f"各派出所另包联辖区单位共 {units} 个（用 --dept 查看某所明细）。")

    n_units = sum(len(d["units"]) for d in state["departments"])
    n_grids = sum(len(s["grids"]) for s in state["stations"])
    out.print(f"合计：科室、大队 {len(state['departments'])} 个，包联单位 {n_units} 个；派出所 {len(state['stations'])} 个，网格 {n_grids} 个。")
    show_rules(state)


def _rule_value(value: Any) -> str:
    if value is None:
        return "不限（不启用）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{k} {_rule_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _scoring_value(v: dict[str, Any]) -> str:
    t = v.get("timeliness", {})
    p = v.get("photos", {})
    return (f"覆盖 {v.get('coverage')}、宣传量 {v.get('activity')}（每对象 {v.get('activity_full_at')} 满分）、"
            f"时效 {t.get('on_time')}/{t.get('late')}/{t.get('missing')}（按时/迟报/未报）、"
            f"图片 {p.get('points')}（每对象 {p.get('full_at_per_target')} 张满分）；各项权重与封顶见计划文件")


def show_rules(state: dict[str, Any]) -> None:
    """The plan's rules with its words (方案规定), then the bureau's own (本局细则（非方案原文）)."""
    from fanzha_cli.render.fit import TEXT, Col, print_table

    plan_rules = state.get("rules") or {}
    order = ("weekly_report", "discipline", "commendation")
    quoted = [(k, plan_rules[k]) for k in order if isinstance(plan_rules.get(k), dict) and plan_rules[k].get("quote")]
    if quoted:
        names = {"weekly_report": "每周报送", "discipline": "约谈与问责", "commendation": "表彰"}
        print_table("方案规定", [Col("name", "规则"), Col("quote", "方案原文", TEXT)],
                    [{"name": names.get(key, key), "quote": f"“{r['quote']}”"} for key, r in quoted])
    local = state.get("local_rules") or []
    if local:
        print_table("本局细则（非方案原文）",
                    [Col("label", "细则", TEXT), Col("value", "规定", TEXT), Col("key", "键", priority=1)],
                    [{"label": r["label"], "key": r["key"],
                      "value": _scoring_value(r["value"]) if r["key"] == "scoring" else _rule_value(r["value"])}
                     for r in local], more="--format json")


def show_station_units(state: dict[str, Any]) -> None:
    """With --dept on a station, also list the units it is paired with."""
    out = console()
    for s in state["stations"]:
        out.print(f"{s['name']} 包联单位：{'、'.join(_unit_label(u) for u in s['units']) or '无'}")


def check_report(source: str, warnings: list[str], summary: dict[str, int]) -> None:
    for w in warnings:
        note(f"警告：{w}")
    note(
        f"计划文件 {source} 检查通过：科室、大队 {summary['departments']} 个，包联单位 {summary['units']} 个（去重后），"
        f"派出所 {summary['stations']} 个，网格 {summary['grids']} 个，民辅警 {summary['officers']} 人；"
        f"警告 {len(warnings)} 条。"
    )


def load_report(result, summary_text: str, warnings: list[str]) -> None:
    if warnings and not result.unchanged:
        for w in warnings:
            note(f"警告：{w}")
    elif warnings:
        note(f"（计划检查有 {len(warnings)} 条警告，可运行 fanzha plan check 查看）")
    if result.unchanged:
        note(f"计划与账本中现行计划一致，未写入任何内容（{result.source}）。")
        return
    verb = "将" if result.dry_run else "已"
    what = "首次载入计划" if result.first_load else "载入计划变动"
    note(f"{verb}{what}：{summary_text}；{result.effective} 起生效。")
    if result.dry_run:
        from fanzha_cli.plan_store import KIND_LABELS

        for ch in result.changes:
            sign = "+" if ch.action == "start" else "-"
            parent = f"（{ch.parent}）" if ch.parent else ""
            note(f"  {sign} {KIND_LABELS[ch.item_kind]}：{ch.key}{parent}")
        note("（预演，未写入账本）")
    else:
        note(f"账本记录编号：{result.entry_id}")


def history(rows: list[dict[str, Any]]) -> None:
    from fanzha_cli.render.fit import TEXT, Col, print_table

    cols = [Col("entry_id", "记录编号", justify="right"), Col("effective", "生效日期"), Col("source", "来源文件", TEXT, 2),
            Col("started", "新增/变更", justify="right"), Col("ended", "结束", justify="right"), Col("operator", "操作人"),
            Col("recorded_at", "录入时间", priority=1), Col("reason", "原因", TEXT)]
    print_table("计划载入历史", cols, [{k: None if v is None else str(v) for k, v in r.items()} for r in rows])
