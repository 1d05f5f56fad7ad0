"""How the weekly ranking looks: the table, one department's score explained, CSV rows."""

from __future__ import annotations

from typing import Any, Iterator

from fanzha_cli.render.console import console

STATUS = {"on_time": "按时", "late": "迟报", "missing": "未报"}
CATEGORY = {"bureau": "科室、大队", "station": "基层派出所"}
COMPONENTS = [("coverage", "覆盖"), ("activity", "宣传"), ("timeliness", "时效"), ("photos", "图片"),
              ("deduction", "扣分")]
CSV_COLUMNS = [("category", "类别"), ("rank", "名次"), ("department", "科所队"), ("status", "报送"),
               ("score", "得分")] + COMPONENTS + [("covered", "已覆盖对象"), ("targets", "包联对象"),
                                                   ("activity_per_target", "每对象宣传量"),
                                                   ("photos_per_target", "每对象图片")]


def csv_rows(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for r in rows:
        yield {**r, **r["components"], "category": CATEGORY[r["category"]], "status": STATUS[r["status"]]}


def table(week: str, rows: list[dict[str, Any]]) -> None:
    from rich import box
    from rich.table import Table

    out = console()
    for category, label in CATEGORY.items():
        group = [r for r in rows if r["category"] == category]
        if not group:
            continue
        # No vertical rules: the whole ranking fits an 80-column terminal without cutting names.
        t = Table(title=f"{week} 排名：{label}", box=box.SIMPLE_HEAD, pad_edge=False)
        for col, justify in [("名次", "right"), ("科所队", "left"), ("报送", "left"), ("得分", "right")] + \
                [(name, "right") for _, name in COMPONENTS] + [("对象", "right")]:
            t.add_column(col, justify=justify, no_wrap=True, min_width=4)
        for r in group:
            c = r["components"]
            t.add_row(str(r["rank"]), r["department"], STATUS[r["status"]], f"{r['score']:.1f}",
                      *(f"{c[k]:.1f}" for k, _ in COMPONENTS), f"{r['covered']}/{r['targets']}")
        out.print(t)
        out.print("得分说明：fanzha rank --explain 科所队")


def explain(week: str, r: dict[str, Any], rules: dict[str, Any]) -> None:
    out = console()
    c = r["components"]
    timeliness = rules.get("timeliness", {})
    photos = rules.get("photos", {})
    out.print(f"{r['department']} {week} 得分 {r['score']:.2f}（{CATEGORY[r['category']]}第 {r['rank']} 名，{STATUS[r['status']]}）")
    out.print(f"  覆盖 {c['coverage']:.2f} = {rules.get('coverage', 0)} × 有报送的包联对象 {r['covered']}/{r['targets']}")
    out.print(f"  宣传量 {c['activity']:.2f} = {rules.get('activity', 0)} × min(1, 每对象加权宣传量 {r['activity_per_target']:.2f} / {rules.get('activity_full_at')})"
              "（各项先按每对象上限封顶）")
    out.print(f"  报送时效 {c['timeliness']:.2f}（按时 {timeliness.get('on_time')}，迟报 {timeliness.get('late')}，未报 {timeliness.get('missing')}）")
    out.print(f"  图片 {c['photos']:.2f} = {photos.get('points')} × min(1, 每对象图片 {r['photos_per_target']:.2f} / {photos.get('full_at_per_target')})")
    out.print(f"  扣分 {c['deduction']:.2f}（本周每次通报扣分减 {rules.get('deduction')} 分）")
    if r["status"] == "missing":
        out.print("  未报送：覆盖、宣传量、图片均计 0 分，排在本类别最后。")
