"""The command line as a whole: help, usage errors, the module entry point, internal errors."""

from __future__ import annotations

import subprocess
import sys

from .conftest import PLAN


def test_help_is_in_chinese(cli):
    out = cli.ok("--help").stdout
    assert "反电诈宣传活动台账" in out and "plan" in out and "db" in out
    assert "包联计划" in cli.ok("plan", "--help").stdout


def test_usage_errors_exit_2(cli):
    assert cli("plan", "check").exit_code == 2
    assert cli("plan", "show", "--format", "pdf").exit_code == 2
    assert cli("no-such-command").exit_code == 2


def test_python_dash_m_runs_the_cli(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "fanzha_cli", "--db", str(tmp_path / "m.db"), "plan", "load", str(PLAN), "--dry-run"],
        capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "将首次载入计划" in out.stderr


def test_an_internal_error_shows_a_short_message_and_logs_the_traceback(cli, loaded, monkeypatch, tmp_path):
    from fanzha_cli import plan_store

    def boom(*a, **k):
        raise RuntimeError("模拟的程序错误")

    monkeypatch.setattr(plan_store, "state_on", boom)
    result = cli("plan", "show")
    assert result.exit_code == 1
    assert "内部错误" in result.stderr and "Traceback" not in result.stderr
    log = result.stderr.split("详细信息已写入 ")[1].split("，")[0]
    assert "RuntimeError: 模拟的程序错误" in open(log, encoding="utf-8").read()
