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
    out = console()
    for category, label in CATEGORY.items():
        group = [r for r in rows if r["category"] == category]
        if not group:
            continue
        from fanzha_cli.render.fit import Col, print_table

        # Names and scores are never broken; on a narrow terminal the score's parts go first.
        cols = [Col("rank", "名次", justify="right"), Col("department", "科所队"), Col("status", "报送"),
                Col("score", "得分", justify="right")]
        cols += [Col(k, name, priority=1, justify="right") for k, name in COMPONENTS]
        cols.append(Col("targets", "对象", priority=2, justify="right"))
        print_table(f"{week} 排名：{label}", cols, [
            {"rank": str(r["rank"]), "department": r["department"], "status": STATUS[r["status"]],
             "score": f"{r['score']:.1f}", **{k: f"{r['components'][k]:.1f}" for k, _ in COMPONENTS},
             "targets": f"{r['covered']}/{r['targets']}"} for r in group])
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
