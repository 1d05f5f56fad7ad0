"""Shared by the reliability tests: budgets, hypothesis profiles, real processes, lock probes,
the plan's targets, and the figures that RELIABILITY.md quotes.

Budgets are small in CI and larger on demand (see RELIABILITY.md):

    FANZHA_FUZZ=long        hypothesis profile "long": 20 times the examples, fresh seeds; and
                            the larger defaults below
    FANZHA_FUZZ_SCALE=N     examples per property: N times CI's (long: 20)
    FANZHA_KILLS=N          SIGKILLs per crash test (default 10; long: 40)
    FANZHA_CRASH_ROWS=N     rows in the CSV imported under fire (default 3000; long: 15392, the most
                            distinct department-week-target rows the shipped plan allows)
    FANZHA_WRITERS=N        concurrent writer processes (default 8; long: 16)
    FANZHA_SEED=N           seed for the kill times
    FANZHA_FIGURES=path     append each test's figures to this JSON-lines file
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

LONG = os.environ.get("FANZHA_FUZZ") == "long"
SCALE = int(os.environ.get("FANZHA_FUZZ_SCALE", "20" if LONG else "1"))  # examples: CI's times this
KILLS = int(os.environ.get("FANZHA_KILLS", "40" if LONG else "10"))
CRASH_ROWS = int(os.environ.get("FANZHA_CRASH_ROWS", "15392" if LONG else "3000"))
WRITERS = int(os.environ.get("FANZHA_WRITERS", "16" if LONG else "8"))
SEED = int(os.environ.get("FANZHA_SEED", "20220121"))

# CI: few examples, the same ones every run (derandomize), no per-example deadline (a slow
# shared runner is not a bug). long: twenty times as many, fresh ones each run.
_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                      HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=25, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=25 * SCALE, derandomize=False, **_COMMON)
settings.load_profile("long" if LONG else "ci")


def examples(n: int) -> int:
    """A property's number of examples: `n` in CI, SCALE times as many in the long run."""
    return n * SCALE


def record(name: str, **figures) -> None:
    """Note a test's figures: printed (pytest -s shows them) and, with FANZHA_FIGURES, kept."""
    line = json.dumps({"test": name, **figures}, ensure_ascii=False)
    print(line)
    path = os.environ.get("FANZHA_FIGURES")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


# --- real processes -------------------------------------------------------------------------


def fanzha_cmd(db: Path, *args) -> list[str]:
    return [sys.executable, "-m", "fanzha_cli", "--db", str(db), *map(str, args)]


def run(db: Path, *args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(fanzha_cmd(db, *args), capture_output=True, text=True, timeout=timeout,
                          env=child_env())


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FANZHA_DB", None)  # every command names its ledger with --db
    env.update(FANZHA_OPERATOR=env.get("FANZHA_OPERATOR", "测试员"), COLUMNS="200", NO_COLOR="1")
    return env


def write_lock_held(pid: int, db: Path) -> bool:
    """Whether process `pid` holds the ledger's write lock right now (Linux, WAL mode).

    A WAL writer holds an fcntl lock on byte 120 of the -shm file (WAL_WRITE_LOCK) for the
    whole write transaction, BEGIN IMMEDIATE to COMMIT; /proc/locks lists it without our
    touching the ledger."""
    try:
        inode = os.stat(f"{db}-shm").st_ino
        with open("/proc/locks") as fh:
            locks = fh.read()
    except OSError:
        return False
    for line in locks.splitlines():
        p = line.split()
        if len(p) >= 8 and p[1] == "POSIX" and p[3] == "WRITE" and p[4] == str(pid) \
                and p[5].rsplit(":", 1)[-1] == str(inode) and p[6] == "120":
            return True
    return False


def can_see_locks() -> bool:
    return sys.platform.startswith("linux") and os.path.exists("/proc/locks")


def count(db: Path, sql: str, params=()) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def fresh_copy(src: Path, dest: Path) -> Path:
    """A private copy of a closed ledger (and its -wal, if any), with no stale side files."""
    import shutil

    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    for suffix in ("", "-wal"):
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", f"{dest}{suffix}")
    os.chmod(dest, 0o600)
    return dest


# --- the plan's targets -----------------------------------------------------------------------


def plan_targets(cli) -> dict:
    """Departments, their paired targets, stations' grids, from `plan show --format json`."""
    state = cli.json("plan", "show")
    out = {"bureaus": [], "stations": [], "targets": []}
    for d in state["departments"]:
        out["bureaus"].append({"name": d["name"], "units": [u["name"] for u in d["units"]]})
        out["targets"] += [(d["name"], "单位", u["name"]) for u in d["units"]]
    for s in state["stations"]:
        out["stations"].append({"name": s["name"], "grids": [g["name"] for g in s["grids"]],
                                "units": [u["name"] for u in s["units"]]})
        out["targets"] += [(s["name"], "单位", u["name"]) for u in s["units"]]
        out["targets"] += [(s["name"], "网格", g["name"]) for g in s["grids"]]
    out["targets"] += [(d["name"], "本人", "") for d in state["departments"] + state["stations"]]
    return out


SHEET_HEADERS = ["科所队", "周次", "对象类型", "包联对象", "宣传折页（份）", "告知书（份）", "备注"]


def write_report_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(SHEET_HEADERS)
        w.writerows(rows)
    return path


def bulk_rows(targets: list[tuple[str, str, str]], n: int, first_week: int = 4) -> list[list]:
    """`n` distinct report rows (department, week, target), week by week through 2022 from the first due week (2022-W04: the plan takes effect on 2022-01-21)."""
    rows = []
    week = first_week
    while len(rows) < n:
        if week > 52:
            raise ValueError(f"the plan has room for {len(rows)} distinct rows, not {n}")
        for dept, kind, target in targets:
            rows.append([dept, f"2022-W{week:02d}", kind, target, str(len(rows) % 97), "1", "批量导入"])
            if len(rows) == n:
                break
        week += 1
    return rows


# --- what a clean failure looks like ------------------------------------------------------------

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def assert_clean(result, allowed=(0, 1)) -> None:
    """No traceback and no internal error on the user's screen; a failure says why in Chinese."""
    out = (result.stdout or "") + (result.stderr or "")
    # In process, an exception that escaped the command would not print a traceback: look.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in allowed, (result.exit_code, out[-2000:], result.exception)
    assert "Traceback" not in out, out[-2000:]
    assert "内部错误" not in out, out[-2000:]
    if result.exit_code == 1:
        assert CHINESE.search(result.stderr), result.stderr
