"""`fanzha demo`: a realistic, deterministic demo ledger built through fanzha's own write paths.

The shipped plan is loaded, then N weeks of Friday reports are written as the sheets a clerk
would import (`report import`), and cases, call-backs, deductions, dissuasions and one
warning talk are entered as the center would enter them. The same seed gives the same
ledger content, so the demo's circular is the same every time (only entry times differ).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from fanzha_cli import audits, cases, clock, discipline, dissuasion, plan, plan_store, reports, rules, weeks
from fanzha_cli.ledger import Ledger

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国文华秀英玉兰桂芳志强海燕丽娟明亮红梅春生金凤晓东永刚彩霞德胜玉梅淑珍国栋雪莲振华小燕学军"


def default_plan_path() -> Path:
    """The plan shipped inside the package (the repository's data/assignments.yaml)."""
    from fanzha_cli import shipped

    return shipped.plan_path()


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _id_number(rng: random.Random, born: dt.date) -> str:
    body = "141127" + born.strftime("%Y%m%d") + "".join(rng.choice("0123456789") for _ in range(3))
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def sheet_rows(rng: random.Random, idx: plan_store.PlanIndex, week: weeks.Week, diligence: dict[str, float],
               deadline: dt.datetime) -> list[dict[str, Any]]:
    """One week's sheet rows, as clerks fill them in, for every department that reported
    (each department's `diligence`, 0 to 1, makes its report, lateness and coverage likely)."""
    rows = []
    for dept, attrs in idx.departments.items():
        care = diligence[dept]
        if rng.random() > care + 0.35:
            continue  # this week's report never came
        late = rng.random() > care + 0.15
        when = deadline + dt.timedelta(hours=rng.randint(3, 40)) if late else deadline - dt.timedelta(hours=rng.randint(1, 30))
        station = attrs.get("category") == "station"
        targets = [("unit", u) for u in idx.units_of(dept)]  # a station's units too (item 23)
        if station:
            targets += [("grid", g) for g in idx.grids_of(dept)]
        for kind, target in targets + [("self", "")]:
            if kind != "self" and rng.random() > care + 0.1:
                continue  # a paired target not covered this week
            scale = care * (1.5 if kind == "grid" else 1)
            rows.append({
                reports.COL_DEPT: dept, reports.COL_WEEK: week.label,
                reports.COL_KIND: reports.TARGET_KINDS[kind], reports.COL_TARGET: reports.target_label(kind, target),
                "宣传折页（份）": int(rng.randint(10, 120) * scale), "告知书（份）": int(rng.randint(0, 60) * scale),
                "签订承诺书（份）": int(rng.randint(0, 40) * scale),
                "指导安装国家反诈中心APP（人）": int(rng.randint(0, 30) * scale),
                "微信群推送（天）": rng.randint(3, 7) if care > 0.6 else rng.randint(0, 4),
                "职工大会、专题讲座（场）": rng.choice((0, 0, 1)), "讲座参加人数（人）": rng.choice((0, 30, 60, 120)),
                "宣讲活动（场）": rng.choice((0, 0, 0, 1)), "宣传主题创建（个）": rng.choice((0, 0, 1)),
                "宣传图片（张）": rng.randint(0, 4),
                # 宣传进度 climbs through the concentrated quarter, faster where the department cares
                reports.COL_PROGRESS: min(100, int(care * 100 * min(1.0, week.number / 13))),
                reports.COL_SUBMITTED: weeks.stamp(when).replace("T", " "),
            })
    return rows


def write_sheet(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Sheet rows as a CSV in the template's columns, as `report import` reads it."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=reports.SHEET_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def build(led: Ledger, plan_path: Path, *, n_weeks: int = 8, seed: int = 2022,
          progress=lambda message: None) -> weeks.Week:
    """Fill an empty ledger; return the last demo week (the one whose circular to show)."""
    rng = random.Random(seed)
    parsed = plan.parse_plan(plan_path)
    plan_store.load(led, parsed, reason="演示：载入计划")
    # The demo's weeks are due weeks: from the first week after the plan took effect.
    start, first = clock.first_due(led, parsed.settings)
    idx = plan_store.index_on(led, start)
    n_weeks = max(1, min(n_weeks, 52))
    week_list = [weeks.resolve((first.monday + dt.timedelta(days=7 * i)).isoformat()) for i in range(n_weeks)]
    end = parsed.routine_period[1]
    week_list = [wk for wk in week_list if wk.monday.isoformat() <= end] or week_list[:1]
    rule = rules.of(idx.settings).weekly_report
    # Most departments are diligent; a few struggle, so the circular has someone to name.
    diligence = {d: rng.uniform(0.75, 1.0) for d in idx.departments}
    for d in rng.sample(sorted(idx.departments), 3):
        diligence[d] = rng.uniform(0.2, 0.45)

    progress("生成每周报送表")
    with tempfile.TemporaryDirectory(prefix="fanzha-demo-") as tmp:
        sheets = [write_sheet(Path(tmp) / f"报送-{wk.label}.csv", sheet_rows(rng, idx, wk, diligence, weeks.deadline(wk, rule)))
                  for wk in week_list]
        progress("导入报送表")
        reports.import_files(led, sheets)

    progress("登记案件、回访与劝阻")
    fraud_codes = [t["code"] for t in idx.settings["fraud_types"]]
    grids = sorted(idx.grids)
    units = sorted(idx.unit_depts)
    # One grid keeps having victims who got no publicity: its officers reach the thresholds.
    careless_grid = rng.choice([g for g in grids if idx.grid_officers.get(g)])
    careless_officer = discipline_target = None
    n = 0
    for wk in week_list:
        for _ in range(rng.randint(1, 4)):
            n += 1
            day = wk.monday + dt.timedelta(days=rng.randint(0, 6))
            on_grid = rng.random() < 0.7
            grid = careless_grid if on_grid and rng.random() < 0.3 else rng.choice(grids)
            born = dt.date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
            case_no = f"J{day:%Y%m%d}{n:03d}"
            cases.add_case(
                led, case_no=case_no, date=day.isoformat(), type_=rng.choice(fraud_codes),
                grid=grid if on_grid else None, unit=None if on_grid else rng.choice(units),
                loss=f"{rng.randint(5, 900) * 100}.00", victim=_person(rng), phone=_phone(rng),
                id_number=_id_number(rng, born), note="演示数据",
            )
            call_back = min(day + dt.timedelta(days=rng.randint(1, 4)), week_list[-1].sunday)
            if on_grid and grid == careless_grid:
                got = audits.record(led, case_no=case_no, date=call_back.isoformat(), received="否",
                                    verified_negligent=True, note="受害人称未收到面对面宣传，经核实宣传未到位")
                careless_officer = got["officer"]["badge"] if got.get("officer") else careless_officer
            elif rng.random() < 0.5:
                audits.record(led, case_no=case_no, date=call_back.isoformat(),
                              received="是" if rng.random() < 0.8 else "否", note="电话回访")
        if rng.random() < 0.6:
            badge = rng.choice(sorted(idx.officers))
            dissuasion.add(led, officer=badge, date=wk.sunday.isoformat(),
                           amount_saved=f"{rng.randint(20, 500) * 100}.00", note="演示：银行网点联动劝阻")
    if careless_officer:
        r = discipline.rules(led)
        s = discipline.subject(led, careless_officer, None)
        if discipline.count_of(led, s, r) >= r.talk_at:
            discipline_target = careless_officer
            discipline.record_step(led, officer=discipline_target, dept=None, step="talk",
                                   date=week_list[-1].sunday.isoformat(), note="演示：县局反诈中心约谈")
    return week_list[-1]
