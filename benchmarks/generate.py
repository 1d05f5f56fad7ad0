"""A deterministic ledger at county, city or province scale, built through fanzha's own write paths.

    python benchmarks/generate.py --scale county|city|province [--weeks N] [--seed N] --db PATH

- county: the shipped plan (data/assignments.yaml);
- city, province: a generated plan (written beside the ledger as PATH.plan.yaml) of
  `counties` counties, each with bureau departments, police stations, paired units, officers
  and grids — the province has 5,000 departments, 20,000 paired units, 60,000 officers and
  100,000 grids — loaded with `plan load`'s own code.

Then, week by week: the departments' Friday sheets (made as `fanzha demo` makes them) as one
CSV, imported with `report import`'s own code (one entry per week); the week's cases (`cases.add_cases`, one transaction) and the
call-backs of last week's cases, a share verified negligent with their deductions at once
(`audits.record_many`); a few later verifications and revocations; dissuasions; and at the end
the warning talks due. The same seed gives the same ledger content (entry times differ).
"""

from __future__ import annotations

import argparse
import json
import datetime as dt
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fanzha_cli import audits, cases, demo, discipline, dissuasion, ledger, plan, plan_store, reports, rules, weeks  # noqa: E402
from fanzha_cli.demo import _id_number, _person, _phone  # noqa: E402
from fanzha_cli.settings import Settings  # noqa: E402

SHIPPED_PLAN = ROOT / "data" / "assignments.yaml"


@dataclass(frozen=True)
class Scale:
    counties: int = 0  # 0: the shipped plan
    bureaus: int = 10  # bureau departments per county
    stations: int = 40  # police stations per county
    units_per_bureau: int = 12
    units_per_station: int = 2
    grids_per_station: int = 25
    police_per_station: int = 5
    auxiliaries_per_station: int = 10
    cases_per_week: int = 4
    audit_share: float = 0.25  # of cases, called back the week after
    dissuasions_per_week: int = 1


SCALES = {
    "county": Scale(cases_per_week=4, dissuasions_per_week=1),
    "city": Scale(counties=10, cases_per_week=385, dissuasions_per_week=10),
    "province": Scale(counties=100, cases_per_week=3846, dissuasions_per_week=100),
    # For the tests: a generated plan small enough to build in a second.
    "tiny": Scale(counties=1, bureaus=3, stations=3, units_per_bureau=3, units_per_station=1, grids_per_station=4,
                  police_per_station=2, auxiliaries_per_station=2, cases_per_week=6, audit_share=0.5),
}

BUREAUS = [("办公室", "科室"), ("宣传科", "科室"), ("政工科", "科室"), ("法制科", "科室"), ("治安大队", "大队"),
           ("刑侦大队", "大队"), ("经侦大队", "大队"), ("网安大队", "大队"), ("交警大队", "大队"), ("禁毒大队", "大队")]
AGENCIES = ("县委办 县政府办 政法委 财政局 审计局 税务局 人社局 民政局 教科局 卫健局 住建局 交通局 水利局 农业农村局 "
            "商务局 文旅局 应急局 统计局 医保局 市场监管局 自然资源局 生态环境局 退役军人事务局 信访局 工信局 能源局 "
            "林业局 供销社 工会 团委 妇联 科协 法院 检察院 司法局 人民医院 中医院 疾控中心 融媒体中心 农商行").split()
SECTORS = [
    ("银行业、保险业", "农商行", ["在各网点设立宣传台", "发现可疑资金流出的及时向公安机关通报"]),
    ("医院、卫健部门", "人民医院", ["在收费、挂号接诊台等服务场所张贴宣传标语", "滚动播放防骗音视频"]),
]
SYLLABLES = "安宁和平兴华东西南北中新永昌盛泰丰乐康福长青阳城山河湖江川林原"


def _place(n: int) -> str:
    """A deterministic two-character place name for n < 900."""
    return SYLLABLES[n // len(SYLLABLES)] + SYLLABLES[n % len(SYLLABLES)]


# --- the plan ---------------------------------------------------------------------------------------


def _shipped_parts() -> tuple[str, str]:
    """The shipped plan's campaign, leadership and fraud types; and its rules, as written."""
    text = SHIPPED_PLAN.read_text(encoding="utf-8")
    return text[: text.index("\ndepartments:") + 1], text[text.index("\nrules:") + 1:]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_plan(scale: Scale, path: Path, seed: int) -> dict[str, int]:
    """A plan file of `scale.counties` counties; returns how many of each thing it holds."""
    rng = random.Random(seed)
    head, rules = _shipped_parts()
    out = [head, "departments:\n"]
    stations_yaml = ["stations:\n"]
    sectors: dict[str, list[str]] = {s[0]: [] for s in SECTORS}
    counts = dict(departments=0, units=0, officers=0, grids=0)
    badge = 0
    for c in range(scale.counties):
        county = _place(c) + "县"
        units = [f"{county}{AGENCIES[i % len(AGENCIES)]}" + (f"{i // len(AGENCIES) + 1}分部" if i >= len(AGENCIES) else "")
                 for i in range(scale.bureaus * scale.units_per_bureau)]
        for sector, agency, _ in SECTORS:
            sectors[sector] += [u for u in units if u == f"{county}{agency}"]
        for b in range(scale.bureaus):
            name, kind = BUREAUS[b % len(BUREAUS)]
            name = f"{county}公安局{name}" + (f"{b // len(BUREAUS) + 1}" if b >= len(BUREAUS) else "")
            mine = units[b * scale.units_per_bureau:(b + 1) * scale.units_per_bureau]
            out.append(f"  - name: {_q(name)}\n    category: bureau\n    kind: {kind}\n"
                       f"    units: [{', '.join(_q(u) for u in mine)}]\n")
            counts["departments"] += 1
            counts["units"] += len(mine)
        for s in range(scale.stations):
            town = _place(s) + "镇"
            station = f"{county}{town}派出所"
            stations_yaml.append(f"  - name: {_q(station)}\n    jurisdiction: {_q(county + town)}\n")
            mine = [f"{county}{town}{k}" for k in ("党政机关", "企事业单位", "商贸场所")[: scale.units_per_station]]
            stations_yaml.append(f"    units: [{', '.join(_q(u) for u in mine)}]\n    officers:\n")
            police, aux = [], []
            for i in range(scale.police_per_station + scale.auxiliaries_per_station):
                badge += 1
                is_police = i < scale.police_per_station
                b_no = f"{badge:06d}" if is_police else f"FJ{badge:06d}"
                (police if is_police else aux).append(b_no)
                stations_yaml.append(f"      - {{badge: {_q(b_no)}, name: {_person(rng)}, role: {'police' if is_police else 'auxiliary'}}}\n")
            stations_yaml.append("    grids:\n")
            for g in range(scale.grids_per_station):
                paired = [police[g % len(police)]] + ([aux[g % len(aux)]] if aux else [])
                stations_yaml.append(f"      - {{name: {_q(f'{county}{town}第{g + 1}网格')}, worker: {_person(rng)}, "
                                     f"officers: [{', '.join(_q(p) for p in paired)}]}}\n")
            counts["departments"] += 1
            counts["units"] += len(mine)
            counts["officers"] += len(police) + len(aux)
            counts["grids"] += scale.grids_per_station
    out += stations_yaml
    out.append("sector_duties:\n" if any(sectors.values()) else "sector_duties: []\n")
    for sector, _, duties in SECTORS:
        if sectors[sector]:
            out.append(f"  - sector: {sector}\n    units: [{', '.join(_q(u) for u in sectors[sector])}]\n"
                       f"    duties: [{', '.join(duties)}]\n")
    out.append(rules)
    path.write_text("".join(out), encoding="utf-8")
    return counts


# --- the whole ledger -----------------------------------------------------------------------------------


def campaign_weeks(idx: plan_store.PlanIndex, n_weeks: int) -> list[weeks.Week]:
    start = idx.settings["campaign"]["routine_period"]["start"]
    due = rules.of(idx.settings).due_weekday
    from fanzha_cli.circular import first_week

    first = first_week(start, due)
    return [weeks.resolve((first.monday + dt.timedelta(days=7 * i)).isoformat()) for i in range(n_weeks)]


def diligence_of(rng: random.Random, idx: plan_store.PlanIndex) -> dict[str, float]:
    """Most departments are diligent; a few in every hundred struggle, so circulars name someone."""
    care = {d: rng.uniform(0.75, 1.0) for d in idx.departments}
    for d in rng.sample(sorted(idx.departments), max(1, len(care) // 30)):
        care[d] = rng.uniform(0.2, 0.45)
    return care


@dataclass
class Weekly:
    """What the week-by-week writing carries from one week to the next."""
    scale: Scale
    rng: random.Random
    idx: plan_store.PlanIndex
    last_day: dt.date
    n_case: int = 0
    pending: list[int] | None = None  # call-backs waiting to be verified
    called: list[dict[str, Any]] | None = None  # last week's cases, to call back this week

    def __post_init__(self) -> None:
        self.pending = self.pending or []
        self.called = self.called or []
        self.rule = rules.of(self.idx.settings).weekly_report
        self.diligence = diligence_of(self.rng, self.idx)
        self.fraud_codes = [t["code"] for t in self.idx.settings["fraud_types"]]
        self.grids = sorted(g for g in self.idx.grids if self.idx.grid_officers.get(g))
        self.units = sorted(self.idx.unit_depts)
        # grids whose victims got no publicity
        self.careless = set(self.rng.sample(self.grids, max(1, len(self.grids) // 100)))
        self.badges = sorted(self.idx.officers)


def _totals_and_timings() -> tuple[dict[str, int], dict[str, float]]:
    return (dict(lines=0, cases=0, audits=0, negligent=0, verified=0, revoked=0, dissuasions=0, talks=0),
            dict(reports=0.0, cases=0.0, audits=0.0, other=0.0))


def write_weeks(led: ledger.Ledger, w: Weekly, week_list: list[weeks.Week], totals: dict[str, int],
                timings: dict[str, float], log: Callable[[str], None]) -> None:
    """Each week in turn: the sheets, the cases, last week's call-backs, a few verifications, dissuasions."""
    scale, rng = w.scale, w.rng
    with tempfile.TemporaryDirectory(prefix="fanzha-gen-") as tmp:
        for wk in week_list:
            t = time.perf_counter()
            rows = demo.sheet_rows(rng, w.idx, wk, w.diligence, weeks.deadline(wk, w.rule))
            sheet = demo.write_sheet(Path(tmp) / f"报送-{wk.label}.csv", rows)
            reports.import_files(led, [sheet])
            sheet.unlink()
            totals["lines"] += len(rows)
            timings["reports"] += time.perf_counter() - t

            t = time.perf_counter()
            batch = []
            for _ in range(scale.cases_per_week):
                w.n_case += 1
                day = min(wk.monday + dt.timedelta(days=rng.randint(0, 6)), w.last_day)
                on_grid = rng.random() < 0.7
                grid = rng.choice(sorted(w.careless)) if on_grid and rng.random() < 0.1 else rng.choice(w.grids)
                born = dt.date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
                batch.append(dict(
                    case_no=f"J{day:%Y%m%d}{w.n_case:07d}", date=day.isoformat(), type_=rng.choice(w.fraud_codes),
                    grid=grid if on_grid else None, unit=None if on_grid else rng.choice(w.units),
                    loss=f"{rng.randint(5, 900) * 100}.00", victim=_person(rng), phone=_phone(rng),
                    id_number=_id_number(rng, born), note="规模测试数据",
                ))
            cases.add_cases(led, batch)
            totals["cases"] += len(batch)
            timings["cases"] += time.perf_counter() - t

            t = time.perf_counter()
            call_backs = []
            for c in w.called:
                if rng.random() >= scale.audit_share:
                    continue
                when = min(dt.date.fromisoformat(c["date"]) + dt.timedelta(days=rng.randint(3, 9)), w.last_day).isoformat()
                negligent = c["grid"] is not None and (c["grid"] in w.careless or rng.random() < 0.3)
                got = "否" if negligent or rng.random() < 0.25 else "是"
                # Found negligent on the day of the call-back, as a clerk records it: its deduction is
                # circulated that week (left out, every finding would take the day it is recorded,
                # the campaign's last day, and week 52's circular would list the whole year's).
                call_backs.append(dict(case_no=c["case_no"], date=when, received=got, verified_negligent=negligent,
                                       verify_date=when if negligent else None,
                                       note="回访：受害人称未收到面对面宣传" if got == "否" else "电话回访"))
            done = audits.record_many(led, call_backs)
            totals["audits"] += len(done)
            totals["negligent"] += sum(d["status"] == "negligent" for d in done)
            w.pending += [d["audit_id"] for d in done if d["status"] == "pending"]
            w.called = batch
            timings["audits"] += time.perf_counter() - t

            t = time.perf_counter()
            # A few pending call-backs are checked each week (one transaction each, as clerks do).
            for audit_id in w.pending[: max(1, scale.cases_per_week // 100)]:
                audits.verify(led, str(audit_id), negligent=False, note="核实：受害人已接受网格宣传，记忆有误")
                totals["verified"] += 1
            w.pending = w.pending[max(1, scale.cases_per_week // 100):]
            for _ in range(scale.dissuasions_per_week):
                dissuasion.add(led, officer=rng.choice(w.badges), date=min(wk.sunday, w.last_day).isoformat(),
                               amount_saved=f"{rng.randint(20, 500) * 100}.00", note="规模测试：银行网点联动劝阻")
                totals["dissuasions"] += 1
            timings["other"] += time.perf_counter() - t
            log(f"{wk.label}：报送 {len(rows)} 条，案件 {len(batch)} 起，回访 {len(done)} 次")


def build(led: ledger.Ledger, scale_name: str, *, n_weeks: int = 52, seed: int = 2022, plan_path: Path | None = None,
          log: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    """Fill an empty ledger; return what was written and how long each part took."""
    scale = SCALES[scale_name]
    rng = random.Random(seed)
    t = time.perf_counter()
    if scale.counties:
        plan_path = plan_path or Path(tempfile.mkdtemp(prefix="fanzha-plan-")) / "plan.yaml"
        write_plan(scale, plan_path, seed)
    else:
        plan_path = SHIPPED_PLAN
    parsed = plan.parse_plan(plan_path)
    # In force from the campaign's first day, so that all 52 weeks are due weeks.
    plan_store.load(led, parsed, effective=parsed.routine_period[0], reason="规模测试：载入计划")
    plan_seconds = time.perf_counter() - t
    log(f"计划：{len(parsed.departments)} 个科所队、{len(parsed.officers)} 名民辅警、{len(parsed.grids)} 个网格（{plan_seconds:.1f} 秒）")

    idx = plan_store.index_on(led, parsed.routine_period[0])
    week_list = campaign_weeks(idx, max(1, min(n_weeks, 52)))
    last_day = min(week_list[-1].sunday, dt.date.fromisoformat(parsed.routine_period[1]))
    w = Weekly(scale, rng, idx, last_day)
    totals, timings = _totals_and_timings()
    timings["plan"] = plan_seconds
    write_weeks(led, w, week_list, totals, timings, log)
    _talks(led, last_day, totals, timings)
    return {"scale": scale_name, "seed": seed, "weeks": [w.label for w in week_list], "plan": str(plan_path),
            "totals": totals, "seconds": {k: round(v, 1) for k, v in timings.items()}}


def _talks(led: ledger.Ledger, last_day: dt.date, totals: dict[str, int], timings: dict[str, float]) -> None:
    """At the end, the warning talks due: one deduction in twenty revoked on appeal, the rest talked to."""
    t = time.perf_counter()
    due = discipline.due_list(led)["items"]
    for item in due[: max(1, len(due) // 10)]:
        # Revoke one deduction on appeal, then record the talk for the rest.
        if item["subject_kind"] == "officer" and totals["revoked"] < max(1, len(due) // 20):
            facts = discipline.explain(led, officer=item["subject"], dept=None)["deduction_items"]
            audits.revoke(led, str(facts[0]["audit_id"]), "申诉成立：规模测试")
            totals["revoked"] += 1
            continue
        who = {"officer": item["subject"], "dept": None} if item["subject_kind"] == "officer" else {"officer": None, "dept": item["subject"]}
        discipline.record_step(led, **who, step="talk", date=last_day.isoformat(), note="规模测试：约谈")
        totals["talks"] += 1
    timings["other"] += time.perf_counter() - t


def extend(led: ledger.Ledger, scale_name: str, *, n_weeks: int = 52, seed: int = 2022,
           log: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    """Add weeks to a ledger `build` stopped early (for instance a province ledger cut short),
    until it holds `n_weeks` weeks of sheets. Deterministic given the ledger it starts from: the
    added weeks draw from a generator seeded with the seed and the first added week, not from the
    stream `build` would have continued, so the content differs from an uninterrupted build's.
    The first added week calls back none of the week before's cases; no talks are recorded at the end
    when the ledger already has some."""
    scale = SCALES[scale_name]
    con = led.conn
    done_weeks = {r[0] for r in con.execute("SELECT DISTINCT week FROM report_lines")}
    first_day = con.execute("SELECT min(effective) FROM plan_versions").fetchone()[0]
    idx = plan_store.index_on(led, first_day)
    period_end = idx.settings["campaign"]["routine_period"]["end"]
    all_weeks = campaign_weeks(idx, max(1, min(n_weeks, 52)))
    todo = [wk for wk in all_weeks if wk.label not in done_weeks]
    totals, timings = _totals_and_timings()
    if not todo:
        return {"scale": scale_name, "seed": seed, "weeks": [], "totals": totals, "seconds": timings}
    rng = random.Random(f"{seed}:{todo[0].label}")
    last_day = min(all_weeks[-1].sunday, dt.date.fromisoformat(period_end))
    n_case = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    w = Weekly(scale, rng, idx, last_day, n_case=n_case)
    write_weeks(led, w, todo, totals, timings, log)
    if not con.execute("SELECT 1 FROM discipline_steps LIMIT 1").fetchone():
        _talks(led, last_day, totals, timings)
    return {"scale": scale_name, "seed": seed, "weeks": [wk.label for wk in todo],
            "totals": totals, "seconds": {k: round(v, 1) for k, v in timings.items()}}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description="生成规模测试账本（确定性：同一种子生成相同内容）。")
    p.add_argument("--scale", choices=sorted(SCALES), required=True)
    p.add_argument("--weeks", type=int, default=52)
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--extend", action="store_true",
                   help="续写本脚本生成到一半的账本，补足 --weeks 周（补写部分另起随机序列，见 extend 的说明）")
    args = p.parse_args(argv)
    args.db = args.db.resolve()
    exists = args.db.exists() and args.db.stat().st_size > 0
    if exists and not args.extend:
        p.error(f"{args.db} 已存在；规模测试只写入新账本（续写用 --extend）")
    if args.extend and not exists:
        p.error(f"{args.db} 不存在；--extend 只续写已有的规模测试账本")
    log = (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    started = time.perf_counter()
    led = ledger.open_ledger(Settings(args.db, "规模测试"), create=not args.extend)
    try:
        plan_path = args.db.with_name(args.db.name + ".plan.yaml") if SCALES[args.scale].counties else None
        if args.extend:
            result = extend(led, args.scale, n_weeks=args.weeks, seed=args.seed, log=log)
        else:
            result = build(led, args.scale, n_weeks=args.weeks, seed=args.seed, plan_path=plan_path, log=log)
    finally:
        led.close()
    result["seconds"]["total"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
