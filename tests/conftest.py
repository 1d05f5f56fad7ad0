"""Every test gets its own ledger in tmp_path; none touches a real home directory."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fanzha_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data" / "assignments.yaml"


@pytest.fixture(scope="session", autouse=True)
def session_key_file(tmp_path_factory) -> Path:
    """One key for the whole run, set before any fixture builds a ledger: ledgers prepared
    once and copied into many tests (the scene) hold victims sealed under it, and no test
    ever makes a key in the real home folder. A test about the key sets FANZHA_KEY_FILE itself."""
    path = tmp_path_factory.mktemp("key") / "key.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FANZHA_KEY_FILE", str(path))
        mp.setenv("XDG_CONFIG_HOME", str(path.parent / "config"))
        yield path


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, session_key_file):
    monkeypatch.setenv("FANZHA_DB", str(tmp_path / "ledger.db"))
    monkeypatch.setenv("FANZHA_KEY_FILE", str(session_key_file))
    monkeypatch.setenv("FANZHA_OPERATOR", "测试员")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def db_path(isolated) -> Path:
    return isolated / "ledger.db"


class Cli:
    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, [str(a) for a in args], input=input)

    def ok(self, *args: str):
        result = self(*args)
        assert result.exit_code == 0, f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        return result

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--format", "json").stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def loaded(cli, db_path):
    """A ledger with the shipped plan loaded."""
    cli.ok("plan", "load", PLAN)
    return db_path


def snapshot(db_path: Path) -> dict[str, list]:
    """Every row of every table, to prove that a failed command changed nothing."""
    if not db_path.exists():
        return {}
    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        conn.close()


@pytest.fixture
def unchanged(db_path):
    """Use as `with unchanged(): ...` around a command that must not write."""
    import contextlib

    @contextlib.contextmanager
    def guard():
        before = snapshot(db_path)
        yield
        assert snapshot(db_path) == before, "the ledger changed"

    return guard
