"""Where output goes: -o on every list command (CSV with a BOM), paths that cannot be
written said in Chinese (exit 1, never 内部错误), another week's circular never silently
replaced, the demo saying what it did, and the plan shipped inside the package."""

from __future__ import annotations

import json
import os

import pytest

from .conftest import PLAN
from .test_circular import WEEK, week  # noqa: F401  (the fixture)

LISTS = [
    ("report", "list", "--week", WEEK), ("report", "missing", "--week", WEEK), ("case", "list"), ("audit", "list"),
    ("dissuasion", "list"), ("discipline", "list"), ("zero-case",), ("commend", "candidates"), ("plan", "show"),
    ("plan", "history"), ("rank", "--week", WEEK),
]


@pytest.mark.parametrize("command", LISTS, ids=" ".join)
def test_every_list_command_writes_a_file_with_o(week, tmp_path, command):  # noqa: F811
    csv_file = tmp_path / "out.csv"
    result = week.ok(*command, "-o", csv_file)
    assert result.stdout == "" and f"已写入 {csv_file}" in result.stderr
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese
    assert raw.decode("utf-8-sig") == week.ok(*command, "--format", "csv").stdout
    json_file = tmp_path / "out.json"
    week.ok(*command, "--output", json_file)
    assert json.loads(json_file.read_text(encoding="utf-8")) == json.loads(week.ok(*command, "--format", "json").stdout)
    txt = tmp_path / "out.txt"
    week.ok(*command, "-o", txt)
    assert not txt.read_bytes().startswith(b"\xef\xbb\xbf") and txt.read_text(encoding="utf-8").strip()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("args", [
    ("export", "--week", WEEK, "--out", "/dev/null/x"),
    ("weekly-circular", "--week", WEEK, "-o", "/dev/null/通报.docx"),
    ("weekly-circular", "--week", WEEK, "--format", "md", "-o", "没有的文件夹/通报.md"),
    ("case", "list", "-o", "/dev/null/案件.csv"),
    ("report", "template", "--dept", "宣传科", "--week", WEEK, "-o", "/dev/null/宣传科.xlsx"),
], ids=lambda a: " ".join(a[:1] + a[-1:]))
def test_an_output_path_that_cannot_be_written_is_said_in_chinese(week, unchanged, args):  # noqa: F811
    with unchanged():
        result = week(*args)
    assert result.exit_code == 1, result.stderr
    path = args[-1]
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    assert path in result.stderr or os.path.dirname(path) in result.stderr
    assert result.stderr.startswith("错误：")


def test_a_folder_without_write_permission(week, tmp_path, monkeypatch):  # noqa: F811
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    # as a clerk without rights sees it (the tests may run as root, who may write anywhere)
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(locked) and mode & os.W_OK else real(p, mode))
    for args in (("weekly-circular", "--week", WEEK, "--format", "md", "-o", locked / "x.md"),
                 ("case", "list", "-o", locked / "x.csv"), ("export", "--week", WEEK, "--out", locked)):
        result = week(*args)
        assert result.exit_code == 1 and "没有写入权限" in result.stderr and str(locked) in result.stderr, (args, result.stderr)
    assert not list(locked.iterdir())


def test_weekly_circular_never_silently_replaces_another_weeks_file(week, tmp_path):  # noqa: F811
    for fmt in ("docx", "md", "json", "xlsx"):
        target = tmp_path / f"通报.{fmt}"
        week.ok("weekly-circular", "--week", WEEK, "--format", fmt, "-o", target)
        week.ok("weekly-circular", "--week", WEEK, "--format", fmt, "-o", target)  # the same week: replaced
        before = target.read_bytes()
        refused = week("weekly-circular", "--week", "2022-W04", "--format", fmt, "-o", target)
        assert refused.exit_code == 1, fmt
        assert f"文件已存在：{target}（是 {WEEK} 的每周通报）" in refused.stderr and "--force" in refused.stderr
        assert target.read_bytes() == before
        week.ok("weekly-circular", "--week", "2022-W04", "--format", fmt, "-o", target, "--force")
        assert target.read_bytes() != before
    other = tmp_path / "别的文件.md"
    other.write_text("不是通报", encoding="utf-8")
    refused = week("weekly-circular", "--week", WEEK, "--format", "md", "-o", other)
    assert refused.exit_code == 1 and "不是本周的每周通报" in refused.stderr
    assert other.read_text(encoding="utf-8") == "不是通报"


def test_demo_says_whether_it_replaces_or_makes_its_ledger(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first = cli.ok("demo", "--weeks", "1", "--seed", "11")
    assert f"新建演示账本：{tmp_path / 'fanzha-demo-11.db'}" in first.stderr
    again = cli.ok("demo", "--weeks", "1", "--seed", "11")
    assert f"替换上次生成的演示账本：{tmp_path / 'fanzha-demo-11.db'}" in again.stderr


def test_plan_load_without_a_file_loads_the_shipped_plan_and_says_which(cli, db_path):
    from fanzha_cli import shipped

    result = cli.ok("plan", "load")
    assert f"未指定计划文件，载入随工具提供的计划：{shipped.plan_path()}" in result.stderr
    assert shipped.plan_path().read_bytes() == PLAN.read_bytes()  # the repository's file, not a copy
    assert cli.json("plan", "show")["campaign"]["document_no"]


def test_the_wheel_ships_the_plan_from_data_and_nothing_else_of_the_repository():
    """setup.py maps data/ to fanzha_cli.plan_data: the one copy of the plan is data/assignments.yaml."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    text = (root / "setup.py").read_text(encoding="utf-8")
    assert '"fanzha_cli.plan_data": "data"' in text
    assert not list((root / "fanzha_cli").rglob("assignments.yaml"))


def test_the_readme_usage_tables_show_the_new_options():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in readme.splitlines() if line.startswith("| `fanzha ")}
    for command in LISTS:
        name = "fanzha " + " ".join(a for a in command if not a.startswith(("-", "20")) and a != WEEK)
        row = next(v for k, v in rows.items() if k.startswith(name + " ") or k == name)
        assert "-o 文件" in row, name
    assert "--force" in next(v for k, v in rows.items() if k.startswith("fanzha weekly-circular"))
    assert "fanzha plan load [文件]" in readme and "--dept 科所队" in rows[next(k for k in rows if k.startswith("fanzha report missing"))]


def test_refusing_another_weeks_file_issues_nothing(week, tmp_path, unchanged):  # noqa: F811
    target = tmp_path / "通报.md"
    week.ok("weekly-circular", "--week", "2022-W04", "--format", "md", "-o", target)
    with unchanged():
        refused = week("weekly-circular", "--week", WEEK, "--issue", "--date", "2022-02-06", "-o", target)
    assert refused.exit_code == 1 and "是 2022-W04 的每周通报" in refused.stderr
    with unchanged():
        bad = week("export", "--week", WEEK, "--out", "/dev/null/x")
    assert bad.exit_code == 1 and "/dev/null/x" in bad.stderr
