"""Run every benchmark and print one table: figure, value, what it is measured against, ratio, goal.

    python benchmarks/run.py [--scale province] [--repeat 15] [--data benchmarks/data]

Ledgers are generated once (benchmarks/generate.py) into the data folder and reused; their
generation time is printed. Every ratio is taken within this one run, on this machine: each
figure and its comparison are measured side by side (interleaved, median of repeated runs).
Timed commands run as subprocesses, the way a clerk or cron runs fanzha; the peak memory of
one is its maximum resident set size (getrusage of a wrapper's only child).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import platform
import random
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import generate  # noqa: E402

PY = sys.executable
_SCRIPT = Path(PY).parent / "fanzha"
FANZHA = [PY, str(_SCRIPT)] if _SCRIPT.exists() else [PY, "-m", "fanzha_cli"]
BARE = [PY, str(HERE / "bare_app.py")]
IMPORT_LINES = 100_000

# Runs `argv` as its only child and prints the child's wall time and peak RSS (KB) as JSON.
_MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "s = time.perf_counter() - t\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'seconds': s, 'rss_kb': u.ru_maxrss, 'cpu': u.ru_utime + u.ru_stime,"
    " 'code': p.returncode, 'stderr': p.stderr.decode('utf-8', 'replace')[-2000:]}))\n"
)


@dataclass
class Run:
    seconds: float
    rss_mb: float
    cpu: float = 0.0  # user + system seconds of the command (all its threads)


def measure(argv: list[str], env: dict[str, str] | None = None) -> Run:
    out = subprocess.run([PY, "-c", _MEASURE, *argv], capture_output=True, text=True, env=env, check=True)
    got = json.loads(out.stdout)
    if got["code"] != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({got['code']}):\n{got['stderr']}")
    return Run(got["seconds"], got["rss_kb"] / 1024, got["cpu"])


def median_pair(a: list[str], b: list[str], n: int, prepare=None) -> tuple[float, float]:
    """Medians of `a` and `b` run alternately n times each (`prepare(i)` may return new argv)."""
    ta, tb = [], []
    for i in range(n):
        if prepare:
            a, b = prepare(i)
        ta.append(measure(a).seconds)
        tb.append(measure(b).seconds)
    return statistics.median(ta), statistics.median(tb)


@dataclass
class Row:
    figure: str
    value: str
    comparison: str
    ratio: str
    goal: str
    met: str


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def copy_ledger(src: Path, dest: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", f"{dest}{suffix}")
    return dest


# --- the ledgers ------------------------------------------------------------------------------------


def ensure_ledger(data: Path, scale: str) -> tuple[Path, dict]:
    """data/<scale>.db, generated once; its generation record (time, counts) beside it."""
    db, record = data / f"{scale}.db", data / f"{scale}.json"
    if not db.exists():
        print(f"生成 {scale} 账本（只需一次）……", file=sys.stderr, flush=True)
        started = time.perf_counter()
        out = subprocess.run([PY, str(HERE / "generate.py"), "--scale", scale, "--db", str(db), "--quiet"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            db.unlink(missing_ok=True)
            raise RuntimeError(out.stderr)
        result = _last_json(out.stdout)
        result["wall_seconds"] = round(time.perf_counter() - started, 1)
        record.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return db, json.loads(record.read_text(encoding="utf-8"))


def _last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def plan_ledger(data: Path, scale: str, plan_file: Path | None) -> Path:
    """A ledger holding only the scale's plan: where the import benchmark imports into."""
    db = data / f"{scale}-plan.db"
    if not db.exists():
        from fanzha_cli import ledger, plan, plan_store
        from fanzha_cli.settings import Settings

        tmp = data / f".{scale}-plan.db"
        copy_ledger(Path("/nonexistent"), tmp)
        led = ledger.open_ledger(Settings(tmp, "规模测试"), create=True)
        try:
            parsed = plan.parse_plan(plan_file or generate.SHIPPED_PLAN)
            plan_store.load(led, parsed, effective=parsed.routine_period[0], reason="规模测试")
            ledger.backup(led, db)
        finally:
            led.close()
        copy_ledger(Path("/nonexistent"), tmp)
    return db


def import_sheet(data: Path, scale: str, plan_db: Path) -> tuple[Path, int]:
    """IMPORT_LINES report lines (fewer if the scale's whole campaign has fewer), in one CSV."""
    sheet = data / f"import-{scale}.csv"
    if not sheet.exists():
        from fanzha_cli import cases, demo, ledger, plan_store, rules, weeks
        from fanzha_cli.settings import Settings

        led = ledger.open_ledger(Settings(plan_db, "规模测试"), read_only=True)
        try:
            idx = plan_store.index_on(led, cases.campaign_period(led)[0])
            rng = random.Random(2022)
            care = generate.diligence_of(rng, idx)
            rows: list[dict] = []
            for wk in generate.campaign_weeks(idx, 52):
                rows += demo.sheet_rows(rng, idx, wk, care, weeks.deadline(wk, rules.of(idx.settings).weekly_report))
                if len(rows) >= IMPORT_LINES:
                    break
        finally:
            led.close()
        demo.write_sheet(sheet, rows[:IMPORT_LINES])
    with open(sheet, encoding="utf-8") as fh:
        return sheet, sum(1 for _ in fh) - 1


# --- the benchmarks -----------------------------------------------------------------------------------


def bench_startup(work: Path, county: Path, n: int) -> list[Row]:
    help_f, help_b = median_pair(FANZHA + ["--help"], BARE + ["--help"], n)
    rows = [Row("start-up: `fanzha --help`", f"{help_f * 1000:.0f} ms", f"bare Typer app `--help`: {help_b * 1000:.0f} ms",
                f"{help_f / help_b:.2f}×", "≤ 1.2×", verdict(help_f / help_b <= 1.2))]

    # `report add` end to end, on a copy of the county ledger: each run a target not yet reported.
    ledger_copy = copy_ledger(county, work / "add.db")
    free = _free_targets(ledger_copy, n)["units"]

    def prepare(i: int):
        return report_add(ledger_copy, *free[i]), BARE + ["--sqlite-utils"]

    add_f, add_b = median_pair([], [], n, prepare)
    rows.append(Row("start-up: `fanzha report add` end to end (county ledger)", f"{add_f * 1000:.0f} ms",
                    f"bare Typer app + `import sqlite_utils`: {add_b * 1000:.0f} ms", f"{add_f / add_b:.2f}×",
                    "≤ 1.3×", verdict(add_f / add_b <= 1.3)))
    return rows


def _free_targets(db: Path, n: int) -> dict:
    """What n single writes on a copy of `db` can each write anew: (week, department, unit)
    paired and not yet reported, from 2022-W30 on, and grids with officers paired (for cases)."""
    conn = sqlite3.connect(db)
    try:
        units = []
        for w in range(30, 53):
            week = f"2022-W{w:02d}"
            units += [(week, d, u) for d, u in conn.execute(
                """SELECT p.parent, p.key FROM plan_items AS p
                   WHERE p.item_kind = 'pairing' AND p.action = 'start'
                     AND NOT EXISTS (SELECT 1 FROM report_lines AS r WHERE r.week = ? AND r.dept = p.parent
                                     AND r.target_kind = 'unit' AND r.target = p.key)
                   ORDER BY p.entry_id, p.seq LIMIT ?""", (week, n - len(units)))]
            if len(units) >= n:
                break
        grids = [g for (g,) in conn.execute(
            "SELECT DISTINCT parent FROM plan_items WHERE item_kind = 'officer_grid' AND action = 'start'"
            " ORDER BY entry_id, seq LIMIT ?", (n,))]
    finally:
        conn.close()
    if len(units) < n or len(grids) < n:
        raise RuntimeError(f"{db}: only {len(units)} unreported units, {len(grids)} grids from 2022-W30 on")
    return {"units": units, "grids": grids}


def report_add(db: Path, week: str, dept: str, unit: str) -> list[str]:
    friday = dt.date.fromisocalendar(2022, int(week[-2:]), 5)
    return FANZHA + ["--db", str(db), "report", "add", "--dept", dept, "--week", week, "--unit", unit,
                     "--leaflets", "120", "--pledges", "30", "--submitted-at", f"{friday} 10:00"]


def bench_writes(work: Path, ledgers: dict[str, Path], n: int) -> list[Row]:
    """One `report add`, and one `case add` followed by its `audit record` (negligent: the
    officer and station charged, the standing reported), end to end on a copy of each scale's
    ledger; the scales run in turn, each run a new target. The case names its victim, phone and
    ID number, as a clerk's does (the ID number is looked up among every case's victims). The
    figure is each scale against the county."""
    from fanzha_cli.demo import _id_number, _person, _phone

    monday = "2022-07-25"
    rng = random.Random(15)
    copies = {scale: copy_ledger(db, work / f"write-{scale}.db") for scale, db in ledgers.items()}
    for path in copies.values():  # migrated once, before timing (m008 on an older ledger)
        measure(FANZHA + ["--db", str(path), "db", "path"])
    free = {scale: _free_targets(path, n) for scale, path in copies.items()}
    add_t: dict[str, list[float]] = {s: [] for s in copies}
    case_t: dict[str, list[float]] = {s: [] for s in copies}
    for i in range(n):
        for scale, path in copies.items():
            add_t[scale].append(measure(report_add(path, *free[scale]["units"][i])).seconds)
            grid, case_no = free[scale]["grids"][i], f"BENCH{i:04d}"
            fz = shlex.join(FANZHA + ["--db", str(path)])
            script = (f"{fz} case add --case-no {case_no} --date {monday} --type online_loan "
                      f"--grid {shlex.quote(grid)} --loss 1000 --victim {_person(rng)} --phone {_phone(rng)} "
                      f"--id-number {_id_number(rng, dt.date(1960, 3, 1 + i % 28))} && "
                      f"{fz} audit record --case {case_no} --date 2022-07-28 --publicity-received no "
                      f"--verified-negligent --verify-date 2022-07-28 --note 核实")
            case_t[scale].append(measure(["sh", "-c", script]).seconds)
    rows = []
    base = "county"
    for label, times in (("`fanzha report add`", add_t), ("`fanzha case add` + `audit record`", case_t)):
        b = statistics.median(times[base])
        for scale in copies:
            t = statistics.median(times[scale])
            if scale == base:
                rows.append(Row(f"{label}, one record ({scale} ledger)", f"{t * 1000:.0f} ms", "—", "—", "report", "—"))
            else:
                rows.append(Row(f"{label}, one record ({scale} ledger)", f"{t * 1000:.0f} ms",
                                f"county ledger: {b * 1000:.0f} ms", f"{t / b:.2f}×",
                                "≤ 1.1×" if scale == "province" else "report",
                                verdict(t / b <= 1.1) if scale == "province" else "—"))
    return rows


_BASELINE_INSERT = """
import pickle, sqlite3, sys, time
cols, rows = pickle.load(open(sys.argv[2], "rb"))
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("INSERT INTO entries (id, kind, operator, recorded_at, prev_hash, hash)"
             " VALUES (?, 'bench', 'bench', '2022-01-01', '', 'bench')", (rows[0][0],))
sql = "INSERT INTO report_lines ({}) VALUES ({})".format(", ".join(cols), ", ".join("?" for _ in cols))
t = time.perf_counter()
conn.execute("BEGIN")
conn.executemany(sql, rows)
conn.execute("COMMIT")
print(time.perf_counter() - t)
"""


def bench_import(work: Path, data: Path, scale: str, plan_file: Path | None, n: int) -> list[Row]:
    plan_db = migrated(plan_ledger(data, scale, plan_file))  # a schema step is not the import's time
    sheet, lines = import_sheet(data, scale, plan_db)
    fan, base = [], []
    for i in range(n):
        target = copy_ledger(plan_db, work / "import.db")
        run = measure(FANZHA + ["--db", str(target), "report", "import", str(sheet)])
        fan.append(run.seconds)
        conn = sqlite3.connect(target)
        cur = conn.execute("SELECT * FROM report_lines ORDER BY line_id")
        cols = [d[0] for d in cur.description]
        stored = cur.fetchall()
        conn.close()
        if len(stored) != lines:
            raise RuntimeError(f"imported {len(stored)} of {lines} lines")
        import pickle

        rows_file = work / "rows.pickle"
        rows_file.write_bytes(pickle.dumps((cols, stored)))
        baseline_db = copy_ledger(plan_db, work / "baseline.db")
        out = subprocess.run([PY, "-c", _BASELINE_INSERT, str(baseline_db), str(rows_file)],
                             capture_output=True, text=True, check=True)
        base.append(float(out.stdout))
    f, b = statistics.median(fan), statistics.median(base)
    ratio = (lines / f) / (lines / b)
    return [Row(f"`fanzha report import` of {lines:,} lines (CSV, {scale} plan), end to end",
                f"{f:.1f} s ({lines / f:,.0f} lines/s)",
                f"sqlite3 `executemany` of the same rows, one transaction: {b:.1f} s ({lines / b:,.0f} rows/s)",
                f"{ratio:.2f}×", "≥ 0.5×", verdict(ratio >= 0.5))]


def bench_circular(db: Path, scale: str, n: int) -> list[Row]:
    def cmd(week: str) -> list[str]:
        return FANZHA + ["--db", str(db), "weekly-circular", "--week", week, "--format", "json"]

    early, late = [], []
    for _ in range(n):
        early.append(measure(cmd("2022-W04")))
        late.append(measure(cmd("2022-W52")))
    t4 = statistics.median(r.seconds for r in early)
    t52 = statistics.median(r.seconds for r in late)
    rss = max(r.rss_mb for r in early + late)
    return [
        Row(f"weekly circular JSON, week 52 ({scale})", f"{t52:.2f} s", "goal", "—", "< 2 s", verdict(t52 < 2)),
        Row(f"weekly circular JSON, week 52 vs week 4 ({scale})", f"{t52:.2f} s", f"week 4: {t4:.2f} s",
            f"{t52 / t4:.2f}×", "≤ 1.5×", verdict(t52 / t4 <= 1.5)),
        Row(f"weekly circular JSON, peak memory ({scale})", f"{rss:.0f} MB", "goal", "—", "< 300 MB", verdict(rss < 300)),
    ]


def bench_circular_scales(ledgers: dict[str, Path], n: int) -> list[Row]:
    """The week-4 circular on each scale's ledger, interleaved (the circular across scales)."""
    runs: dict[str, list[Run]] = {s: [] for s in ledgers}
    for _ in range(n):
        for scale, db in ledgers.items():
            runs[scale].append(measure(FANZHA + ["--db", str(db), "weekly-circular", "--week", "2022-W04", "--format", "json"]))
    t = {s: statistics.median(r.seconds for r in rs) for s, rs in runs.items()}
    return [Row(f"weekly circular JSON, week 4 ({scale})", f"{t[scale]:.2f} s ({max(r.rss_mb for r in runs[scale]):.0f} MB)",
                f"county: {t['county']:.2f} s", f"{t[scale] / t['county']:.2f}×", "report", "—")
            for scale in ledgers if scale != "county"]


def bench_missing(ledgers: dict[str, Path], n: int) -> list[Row]:
    """`fanzha report missing` of one week on each scale's ledger, interleaved; the ratio to the
    county's is the figure."""
    runs: dict[str, list[float]] = {s: [] for s in ledgers}
    for _ in range(n):
        for scale, db in ledgers.items():
            runs[scale].append(measure(FANZHA + ["--db", str(db), "report", "missing", "--week", "2022-W04",
                                                 "--format", "json"]).seconds)
    t = {s: statistics.median(v) for s, v in runs.items()}
    return [Row(f"`fanzha report missing --week 2022-W04` ({scale})", f"{t[scale]:.2f} s",
                f"county: {t['county']:.2f} s", f"{t[scale] / t['county']:.2f}×",
                "≤ 2×" if scale == "province" else "report",
                verdict(t[scale] / t["county"] <= 2) if scale == "province" else "—")
            for scale in ledgers if scale != "county"]


def migrated(db: Path) -> Path:
    """Open a ledger once so that it is migrated before anything is timed (a read-only command
    refuses a ledger that still needs upgrading)."""
    subprocess.run([PY, "-c", "import sqlite3, sys\nfrom fanzha_cli import ledger\n"
                    "ledger.migrate(sqlite3.connect(sys.argv[1], isolation_level=None))", str(db)], check=True)
    return db


def chain_rows(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        from fanzha_cli import chain

        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        rows = sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in chain.ledger_tables(conn))
        return entries, rows
    finally:
        conn.close()


def _opened_once(db: Path) -> None:
    """Open (and so migrate) a ledger before it is timed: a schema step landing on a
    generated ledger is not `db verify`'s time."""
    from fanzha_cli import ledger
    from fanzha_cli.settings import Settings

    ledger.open_ledger(Settings(db, "规模测试")).close()


def bench_verify(work: Path, ledgers: list[tuple[str, Path]], n: int) -> list[Row]:
    """`db verify` on each ledger (smaller first), and its fixed start-up: the same command on
    an empty ledger (Python, imports, opening, the thread and the checks of an empty file).
    The per-row rate is rows / (time − start-up): what grows with the ledger. Its ratio,
    largest ledger to the next, shows whether verifying is linear; a ledger so small that its
    time is nearly all start-up (the county's) says nothing about that, so it is left out
    when a city ledger is there."""
    from fanzha_cli import ledger
    from fanzha_cli.settings import Settings

    empty = work / "empty.db"
    ledger.open_ledger(Settings(empty, "规模测试"), create=True).close()
    start = statistics.median(measure(FANZHA + ["--db", str(empty), "db", "verify"]).seconds for _ in range(n))
    out = [Row("`fanzha db verify` start-up (empty ledger)", f"{start * 1000:.0f} ms", "—", "—", "report", "—")]
    rates = []
    for name, path in ledgers:
        _opened_once(path)
        entries, rows = chain_rows(path)
        runs = [measure(FANZHA + ["--db", str(path), "db", "verify"]) for _ in range(n if rows < 2_000_000 else 1)]
        run = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
        per_row = rows / max(run.seconds - start, 1e-9)
        rates.append(per_row)
        out.append(Row(f"`fanzha db verify` ({name}: {entries:,} entries, {rows:,} rows)",
                       f"{run.seconds:.1f} s ({rows / run.seconds:,.0f} rows/s; CPU {run.cpu:.1f} s; {run.rss_mb:.0f} MB)",
                       f"above start-up: {per_row:,.0f} rows/s", "—",
                       *(("≥ 100,000 rows/s", verdict(rows / run.seconds >= 100_000)) if path == ledgers[-1][1]
                         else ("report", "—"))))
    if len(ledgers) > 1:
        (small, _), (big, _) = ledgers[-2], ledgers[-1]
        ratio = rates[-1] / rates[-2]
        out.append(Row(f"`fanzha db verify` per-row rate above start-up, {big} vs {small}", f"{rates[-1]:,.0f} rows/s",
                       f"{small}: {rates[-2]:,.0f} rows/s", f"{ratio:.2f}×", "linear (≈ 1×)",
                       verdict(0.75 <= ratio <= 1.33)))
    return out


def bench_reads(db: Path, scale: str, small: Path, small_scale: str, n: int) -> list[Row]:
    out = []
    for label, args in (("`fanzha discipline list`", ["discipline", "list", "--format", "json"]),
                        ("`fanzha zero-case`", ["zero-case", "--format", "json"])):
        big = [measure(FANZHA + ["--db", str(db), *args]) for _ in range(n)]
        little = [measure(FANZHA + ["--db", str(small), *args]) for _ in range(n)]
        tb, tl = statistics.median(r.seconds for r in big), statistics.median(r.seconds for r in little)
        out.append(Row(f"{label} ({scale})", f"{tb:.2f} s ({max(r.rss_mb for r in big):.0f} MB)",
                       f"{small_scale}: {tl:.2f} s", f"{tb / tl:.2f}×", "report", "—"))
    return out


# --- the report -------------------------------------------------------------------------------------


def machine(load_before: str) -> list[str]:
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    return [
        f"- date: {dt.datetime.now().astimezone().isoformat(timespec='minutes')}",
        f"- CPUs (`nproc`): {os.cpu_count()}; load average before / after the run: {load_before} / {_load()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.platform()}",
        "- `free -h`:", "", "```", free, "```",
    ]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def table(rows: list[Row]) -> str:
    head = "| figure | value | measured against | ratio | goal | |\n| --- | --- | --- | --- | --- | --- |\n"
    return head + "\n".join(f"| {r.figure} | {r.value} | {r.comparison} | {r.ratio} | {r.goal} | {r.met} |" for r in rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", choices=["county", "city", "province"], default="province",
                   help="the ledger the circular, verify and read benchmarks run on (default province)")
    p.add_argument("--repeat", type=int, default=15, help="runs of each start-up command (median)")
    p.add_argument("--data", type=Path, default=HERE / "data", help="where generated ledgers are kept")
    p.add_argument("--only", nargs="*", choices=["startup", "writes", "import", "circular", "missing", "verify", "reads"])
    args = p.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    # Byte-compiled, as an installed fanzha is (pip compiles it; a checkout compiles itself on
    # its first run, unless PYTHONDONTWRITEBYTECODE is set, as in some CI): start-up is then
    # fanzha's own, not Python compiling its 400 KB of source on every run.
    compileall.compile_dir(str(ROOT / "fanzha_cli"), quiet=1)
    wanted = set(args.only or ["startup", "writes", "import", "circular", "missing", "verify", "reads"])
    load_before = _load()
    small_scale = "county" if args.scale != "county" else "tiny"
    county, county_gen = ensure_ledger(args.data, "county")
    big, big_gen = ensure_ledger(args.data, args.scale) if args.scale != "county" else (county, county_gen)
    small = county if args.scale != "county" else ensure_ledger(args.data, "tiny")[0]
    # Linear in the ledger's size: the province against the city (generated if need be), the
    # city against the county; never against a ledger whose time is all start-up.
    verify_scale = {"province": "city", "city": "county", "county": "tiny"}[args.scale]
    plan_file = Path(big_gen["plan"]) if args.scale != "county" else None
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="fanzha-bench-") as tmp:
        work = Path(tmp)
        if "startup" in wanted:
            rows += bench_startup(work, county, args.repeat)
        if "writes" in wanted:
            scales = {"county": county}
            for scale in ("city", "province"):
                if (args.data / f"{scale}.db").exists() and (scale == args.scale or scale == "city"):
                    scales[scale] = args.data / f"{scale}.db"
            rows += bench_writes(work, scales, min(args.repeat, 11))
        if "import" in wanted:
            rows += bench_import(work, args.data, args.scale, plan_file, 5)
        by_scale = {"county": county}
        for scale in ("city", "province"):
            if (args.data / f"{scale}.db").exists() and (scale == args.scale or scale == "city"):
                by_scale[scale] = args.data / f"{scale}.db"
        if wanted & {"circular", "missing"}:
            for db in by_scale.values():
                migrated(db)
        if "circular" in wanted:
            rows += bench_circular(big, args.scale, 5)
            rows += bench_circular_scales(by_scale, 5)
        if "missing" in wanted:
            rows += bench_missing(by_scale, 7)
        if "verify" in wanted:
            smaller = ensure_ledger(args.data, verify_scale)[0]
            rows += bench_verify(work, [(verify_scale, smaller), (args.scale, big)], 3)
        if "reads" in wanted:
            rows += bench_reads(big, args.scale, small, small_scale, 3)
    totals = big_gen["totals"]
    print("\n".join(machine(load_before)))
    print(f"\n{args.scale} ledger: {totals['lines']:,} report lines, {totals['cases']:,} cases, "
          f"{totals['audits']:,} call-backs ({totals['negligent']:,} negligent), {totals['dissuasions']:,} dissuasions; "
          f"generated once in {big_gen['wall_seconds']:,.0f} s ({big_gen['seconds']}).\n")
    print(table(rows))
    (args.data / f"results-{args.scale}.md").write_text(table(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
