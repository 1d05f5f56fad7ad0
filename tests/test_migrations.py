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
from tests.conftest import PLAN

LEGACY = Path(__file__).resolve().parent / "legacy"
MANIFEST = json.loads((LEGACY / "manifest.json").read_text(encoding="utf-8"))

# What differs between two ledgers holding the same records by construction: who and when
# entered them, and the chain's own numbers.
VOLATILE = {"source", "recorded_at",
            # How the plan states its rules: an old stored plan has no quotes and its local
            # numbers sit under `rules`; the numbers themselves are compared through the figures.
            "quote", "stated", "rules", "local_rules", "full_name", "operator", "anchor", "issued_on", "status", "hash", "entry_id", "prev_hash"}


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


def _today_form(legacy_plan: Path, tmp_path: Path) -> Path:
    """The legacy plan file as it reads in today's form: the same pairings, and the numbers
    the old file kept under `rules` now under `local_rules` with the same values (what a
    bureau does when `plan check` asks it to move them). A ledger loaded before keeps the
    numbers it stored, so these are the figures it must still give."""
    old = legacy_plan.read_text(encoding="utf-8")
    assert "commendation: {zero_case: true, min_dissuasions: 1, max_deductions: 0, min_on_time_share: 0.8}" in old
    text = PLAN.read_text(encoding="utf-8")
    for key, value in (("commendation_max_deductions", "0"), ("commendation_min_on_time_share", "0.8")):
        line = next(l for l in text.splitlines() if l.lstrip().startswith(f"{key}:"))
        text = text.replace(line, line.replace("value: null", f"value: {value}"), 1)
    # The legacy files had no campaign.document (how the circular is printed: its red header and
    # 版记); today's form of them has none either, so plan show and the circular compare whole.
    start = text.index("  # 每周通报作为红头文件印发")
    end = text.index("\n", text.index("    printed_by:", start)) + 1
    text = text[:start] + text[end:]
    out = tmp_path / "today-form.yaml"
    out.write_text(text, encoding="utf-8")
    return out


def _replay(cli, db: Path, steps: list[int], plan: Path) -> None:
    """The same records (and the same plan, in today's form) through today's code; the
    legacy plans took effect on 2022-01-01."""
    for i in steps:
        args = [a.replace("{plan}", str(plan)) for a in STEPS[i]]
        if args[:2] == ["plan", "load"]:
            args += ["--effective", "2022-01-01"]
        if args[:2] == ["audit", "record"] and "--verified-negligent" in args:
            # Old verifications carry no date of their own: they count as of the call-back.
            args += ["--verify-date", args[args.index("--date") + 1]]
        cli.ok("--db", str(db), *args)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_legacy_ledger_upgrades_verifies_and_keeps_its_figures(cli, tmp_path, name):
    legacy = tmp_path / "legacy.db"
    shutil.copyfile(LEGACY / name, legacy)
    before = _applied(legacy)
    every = [m.name for m in migrations_module.migrations._migrations]
    assert before == [m for m in every if m in before], "the legacy ledger is a prefix of today's steps"

    upgraded = cli.ok("--db", str(legacy), "db", "verify")  # opening upgrades it; the old chain still holds
    assert "正在升级账本结构" in upgraded.stderr  # (it can take a while on a large ledger)
    assert _applied(legacy) == before + [m for m in every if m not in before]
    again = cli.ok("--db", str(legacy), "db", "verify")  # and again after the upgrade, silently
    assert "正在升级账本结构" not in again.stderr

    steps = MANIFEST[name]["steps"]
    fresh = tmp_path / "fresh.db"
    _replay(cli, fresh, steps, _today_form(LEGACY / MANIFEST[name]["plan"], tmp_path))
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


def test_a_new_ledger_is_set_up_without_the_upgrade_notice(cli, tmp_path):
    new = cli.ok("--db", str(tmp_path / "new.db"), "plan", "load", PLAN)
    assert "正在升级账本结构" not in new.stderr
