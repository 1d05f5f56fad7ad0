"""Every older schema upgrades: a ledger written by an older fanzha opens, verifies, and
gives the same figures as the same records written by this one.

The ledgers in tests/legacy/ were written by fanzha's own code at the commit each is named
after (see tests/legacy/build.py), through that commit's schema: m001 only; m001–m003;
m001–m004. New migrations are tested by this file without a change: it upgrades every
legacy ledger to whatever the code has now.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from fanzha_cli import migrations as migrations_module

LEGACY = Path(__file__).resolve().parent / "legacy"
MANIFEST = json.loads((LEGACY / "manifest.json").read_text(encoding="utf-8"))

# What differs between two ledgers holding the same records by construction: who and when
# entered them, and the chain's own numbers.
VOLATILE = {"source", "recorded_at", "operator", "anchor", "issued_on", "status", "hash", "entry_id", "prev_hash"}


def _load_steps():
    import importlib.util

    spec = importlib.util.spec_from_file_location("legacy_build", LEGACY / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.STEPS


STEPS = _load_steps()


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _plan_as_sets(plan: dict) -> dict:
    """The plan shown, with each department's units and each station's grids and units as
    sets: the first ledgers wrote a department's units in another order (the order shown is
    the order written, which the first release did not fix), and no figure depends on it."""
    for group in ("departments", "stations"):
        for item in plan.get(group, []):
            for key in ("units", "grids"):
                if key in item:
                    item[key] = sorted(item[key], key=lambda u: json.dumps(u, ensure_ascii=False, sort_keys=True))
    return plan


def _applied(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    finally:
        conn.close()


def _figures(cli, db: Path, steps: list[int]) -> dict:
    """What the circular and the lists say about the legacy records' week."""
    base = ["--db", str(db)]
    out = {"plan": _plan_as_sets(_strip(cli.json(*base, "plan", "show")))}
    if any(STEPS[i][0] == "report" for i in steps):
        out["reports"] = _strip(cli.json(*base, "report", "list", "--week", "2022-W05"))
        out["circular"] = _strip(cli.json(*base, "weekly-circular", "--week", "2022-W05"))
    if any(STEPS[i][0] == "case" for i in steps):
        out["cases"] = _strip(cli.json(*base, "case", "list"))
        out["zero_case"] = _strip(cli.json(*base, "zero-case"))
    if any(STEPS[i][0] == "audit" for i in steps):
        out["audits"] = _strip(cli.json(*base, "audit", "list"))
        out["discipline"] = _strip(cli.json(*base, "discipline", "list"))
    if any(STEPS[i][0] == "dissuasion" for i in steps):
        out["dissuasions"] = _strip(cli.json(*base, "dissuasion", "list"))
    return out


def _replay(cli, db: Path, steps: list[int], plan: Path) -> None:
    """The same records (and the same plan file) through today's code; the legacy plans
    took effect on 2022-01-01."""
    for i in steps:
        args = [a.replace("{plan}", str(plan)) for a in STEPS[i]]
        if args[:2] == ["plan", "load"]:
            args += ["--effective", "2022-01-01"]
        cli.ok("--db", str(db), *args)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_legacy_ledger_upgrades_verifies_and_keeps_its_figures(cli, tmp_path, name):
    legacy = tmp_path / "legacy.db"
    shutil.copyfile(LEGACY / name, legacy)
    before = _applied(legacy)
    every = [m.name for m in migrations_module.migrations._migrations]
    assert before == [m for m in every if m in before], "the legacy ledger is a prefix of today's steps"

    cli.ok("--db", str(legacy), "db", "verify")  # opening upgrades it; the old chain still holds
    assert _applied(legacy) == before + [m for m in every if m not in before]
    cli.ok("--db", str(legacy), "db", "verify")  # and again after the upgrade

    steps = MANIFEST[name]["steps"]
    fresh = tmp_path / "fresh.db"
    _replay(cli, fresh, steps, LEGACY / MANIFEST[name]["plan"])
    assert _figures(cli, legacy, steps) == _figures(cli, fresh, steps)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_upgrade_twice_changes_nothing(cli, tmp_path, name):
    legacy = tmp_path / "legacy.db"
    shutil.copyfile(LEGACY / name, legacy)
    cli.ok("--db", str(legacy), "db", "verify")

    def schema():
        conn = sqlite3.connect(legacy)
        try:
            return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=repr)
        finally:
            conn.close()

    first = schema()
    cli.ok("--db", str(legacy), "db", "verify")
    assert schema() == first


def test_legacy_ledgers_cover_every_older_schema():
    """One legacy ledger stops before each step that has landed since m001 (m002 and m003
    landed together): a new step needs a new legacy ledger once it has landed."""
    stops = {tuple(_applied(LEGACY / n)) for n in MANIFEST}
    assert ("m001_entries_and_plan",) in stops
    assert any("m003_cases_audits" in s and "m004_performance" not in s for s in stops)
    assert any("m004_performance" in s for s in stops)
