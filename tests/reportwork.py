"""Shared by the weekly report tests: the shipped plan loaded once per module, copied per test."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from fanzha_cli.cli import app

from .conftest import PLAN

W05 = "2022-W05"  # 2022-01-31 .. 2022-02-06; deadline Friday 2022-02-04 18:00


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The shipped plan loaded once per module (loading it per test would dominate the run)."""
    path = tmp_path_factory.mktemp("seed") / "ledger.db"
    result = CliRunner().invoke(app, ["--db", str(path), "plan", "load", str(PLAN)])
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def ready(seeded, db_path):
    """This test's own ledger: a copy of the seeded one, where FANZHA_DB points."""
    shutil.copyfile(seeded, db_path)
    return db_path
