"""Helpers for the case, call-back and discipline tests: short commands, plan variants, and
one prepared ledger (`scene`) that the many error tests copy instead of rebuilding."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest

from fanzha_cli import ledger
from fanzha_cli.settings import Settings

from .conftest import PLAN, Cli

STATION = "蔚汾派出所"
GRID = "蔚汾镇东关社区网格"  # paired with 140101 (民警) and FJ0101 (辅警)
GRID_NORTH = "蔚汾镇北坡社区网格"  # 140101 and FJ0102
GRID_WEST = "蔚汾镇西关社区网格"  # 140102 and FJ0102
PAIRED_EAST = 'officers: ["140101", "FJ0101"]'
VICTIM = ["--victim", "张小三", "--phone", "13812345678", "--id-number", "140123199001011234"]


def entry_id(result) -> int:
    """The record number a write reports on stderr (记录编号 N; for a call-back, 回访 #N)."""
    m = re.search(r"记录编号：?\s*(\d+)", result.stderr) or re.search(r"回访 #(\d+)", result.stderr)
    assert m, result.stderr
    return int(m[1])


def add_case(cli, no: str, date: str = "2022-03-01", grid: str | None = GRID, *extra: str) -> int:
    where = ["--grid", grid] if grid else []
    return entry_id(cli.ok("case", "add", "--case-no", no, "--date", date, "--type", "online_loan", *where, *extra))


def audit(cli, no: str, date: str = "2022-03-10", received: str = "no", *extra: str) -> int:
    return entry_id(cli.ok("audit", "record", "--case", no, "--date", date, "--publicity-received", received, *extra))


def negligent(cli, no: str, date: str = "2022-03-01", grid: str = GRID, *extra: str) -> int:
    """A grid case, called back and verified negligent at once: returns the audit id."""
    add_case(cli, no, date, grid)
    return audit(cli, no, "2022-12-01", "no", "--verified-negligent", *extra)


def plan_variant(tmp_path: Path, name: str, swaps: dict[str, str]) -> Path:
    text = PLAN.read_text(encoding="utf-8")
    for old, new in swaps.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def due(cli) -> dict[tuple[str, str], dict]:
    return {(i["subject_kind"], i["subject"]): i for i in cli.json("discipline", "list")["items"]}


def explain(cli, *who: str) -> dict:
    return cli.json("discipline", "explain", *who)


@contextlib.contextmanager
def opened(db_path: Path):
    """The ledger itself, for calling a domain function directly."""
    led = ledger.open_ledger(Settings(db_path=db_path, operator="测试员"))
    try:
        yield led
    finally:
        led.close()


def failed(cli, unchanged, args, *words: str):
    """Run a command that must fail: exit 1, each Chinese word in stderr, ledger untouched."""
    with unchanged():
        result = cli(*args)
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    for w in words:
        assert w in result.stderr, (w, result.stderr)
    return result


def _build_scene(cli: Cli) -> dict[str, int]:
    """140101: one counting deduction (G3, north grid) and one revoked (G5); 140102: one (G4);
    so 蔚汾派出所 counts 2. G1 has a pending call-back, G2 a 'received' one, U1 none."""
    ids = {"plan": entry_id(cli.ok("plan", "load", PLAN))}
    ids["G1"] = add_case(cli, "G1", "2022-03-01", GRID, *VICTIM)
    ids["G2"] = add_case(cli, "G2", "2022-03-02", GRID)
    ids["G3"] = add_case(cli, "G3", "2022-03-03", GRID_NORTH, "--loss", "12000.50", *VICTIM)
    ids["G4"] = add_case(cli, "G4", "2022-03-04", GRID_WEST)
    ids["G5"] = add_case(cli, "G5", "2022-03-05", GRID)
    ids["U1"] = add_case(cli, "U1", "2022-03-06", None, "--unit", "财政局")
    ids["pending"] = audit(cli, "G1")
    ids["received"] = audit(cli, "G2", "2022-03-10", "是")
    ids["neg"] = audit(cli, "G3", "2022-03-10", "否", "--verified-negligent")
    ids["neg_west"] = audit(cli, "G4", "2022-03-10", "no", "--verified-negligent")
    ids["rev"] = audit(cli, "G5", "2022-03-10", "no")
    cli.ok("audit", "verify", ids["rev"], "--negligent", "--note", "经核实未入户宣传")
    ids["revocation"] = entry_id(cli.ok("audit", "revoke", ids["rev"], "--reason", "申诉成立：受害人记错"))
    return ids


class Prepared:
    """A ledger built once per test session and copied for each test that uses it.

    Rebuilt when its file is gone or the run's key is another: a runner that calls pytest
    several times in one process (mutmut) keeps a module's cache while pytest clears old
    temporary folders and makes a new key for each run (the victims are sealed under it)."""

    def __init__(self, name: str, build):
        self.name, self.build, self.built = name, build, None  # build(path) -> ids

    def template(self, tmp_path_factory, key_file: Path) -> tuple[Path, dict]:
        if self.built and (not self.built[0].exists() or self.built[2] != key_file):
            self.built = None
        if not self.built:
            path = tmp_path_factory.mktemp(self.name) / "ledger.db"
            self.built = (path, self.build(path), key_file)
        return self.built[:2]


def copy_ledger(src: Path, dst: Path) -> None:
    """A prepared ledger (and its write-ahead log, if any) at a test's own path."""
    for suffix in ("", "-wal"):
        if Path(str(src) + suffix).exists():
            shutil.copy(str(src) + suffix, str(dst) + suffix)


def _build_scene_at(path: Path) -> dict[str, int]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FANZHA_DB", str(path))
        mp.setenv("FANZHA_OPERATOR", "测试员")
        return _build_scene(Cli())


_SCENE = Prepared("scene", _build_scene_at)


@pytest.fixture(scope="session")
def scene_template(tmp_path_factory, session_key_file):
    # Each test module that imports this fixture gets its own copy of it; build once for all.
    return _SCENE.template(tmp_path_factory, session_key_file)


@pytest.fixture
def scene(scene_template, db_path) -> dict[str, int]:
    """A copy of the prepared ledger at this test's path; returns the ids of its records."""
    path, ids = scene_template
    copy_ledger(path, db_path)
    return ids
