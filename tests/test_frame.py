"""The frame around every command: Chinese usage errors (exit 2), Chinese help that fits 80
columns, options given twice, --version. Checked over every command that exists."""

from __future__ import annotations

import pytest
from typer.main import get_command

from fanzha_cli.cli import app
from fanzha_cli.commands import frame

ENGLISH = ("Usage:", "Options", "Commands", "Arguments", "Show this message", "[required]", "[default",
           "Error", "Missing", "Invalid value", "No such", "Try '", "<str>", "<bool>", "<int>", "<list", "<path>",
           "Possible options", "Got unexpected")


def all_commands():
    """(path, command) for the root, every group and every command beneath it."""
    import typer

    root = get_command(app)
    out = []

    def walk(cmd, path):
        out.append((path, cmd))
        ctx = typer.Context(cmd, info_name=path[-1] if path else "fanzha")
        for name in getattr(cmd, "list_commands", lambda c: [])(ctx):
            walk(cmd.get_command(ctx, name), [*path, name])

    walk(root, [])
    return out


def usage_error(cli, *args):
    result = cli(*args)
    assert result.exit_code == 2, (args, result.exit_code, result.stdout, result.stderr)
    err = result.stderr
    for word in ENGLISH:
        assert word not in err, (word, err)
    return err


@pytest.mark.parametrize("args, expected", [
    (("report", "add", "--week", "2022-W05"), "错误：缺少选项 --dept：报送的科所队"),
    (("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--leaflet", "3"), "没有选项 --leaflet，是不是 --leaflets？"),
    (("report", "amend", "abc"), "参数 编号 的值“abc”不对：须为整数。"),
    (("demo", "--weeks", "100"), "选项 --weeks 的值“100”不对：须在 1 到 52 之间。"),
    (("plan", "show", "--format", "pdf"), "选项 --format 的值“pdf”不对：可选 table、json、csv。"),
    (("report", "missing", "--week"), "选项 --week 后面缺少值（周次）。"),
    (("db", "path", "extra"), "多余的参数：extra。"),
    (("reprot",), "没有命令 reprot，是不是 report"),
    (("report", "nosuch"), "没有命令 nosuch。可用的命令：add、"),
    (("plan", "check"), "缺少参数 文件"),
    (("case", "list", "--show-pii=yes"), "选项 --show-pii 不带值"),
    (("--db", "x.db"), "错误：缺少命令。"),
    (("plan", "show", "--zzzz"), "错误：没有选项 --zzzz。"),
    (("plan", "show", "-x"), "错误：没有选项 -x"),
])
def test_usage_errors_are_chinese_and_exit_2(cli, args, expected):
    err = usage_error(cli, *args)
    assert expected in err
    assert "用法：fanzha" in err and "查看帮助：fanzha" in err


@pytest.mark.parametrize("args, expected", [
    (("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--unit", "文联"),
     "选项 --unit 只能写一次，这里写了 2 次（宣传部、文联）"),
    (("case", "list", "--from", "2022-01-01", "--from=2022-02-01"), "选项 --from 只能写一次，这里写了 2 次（2022-01-01、2022-02-01）"),
    (("plan", "show", "-fjson", "--format", "csv"), "只能写一次，这里写了 2 次（json、csv）"),
    (("--db", "a.db", "--db", "b.db", "db", "path"), "选项 --db 只能写一次"),
    (("audit", "list", "--status", "pending", "--status", "revoked"), "选项 --status 只能写一次"),
    (("audit", "verify", "1", "--negligent", "--not-negligent", "--note", "x"), "选项 --negligent、--not-negligent 只能写一次"),
])
def test_a_single_value_option_given_twice_is_refused(cli, db_path, args, expected):
    err = usage_error(cli, *args)
    assert expected in err
    assert not db_path.exists()


def test_the_same_value_twice_is_not_a_contradiction(cli, loaded):
    assert cli.json("plan", "show", "--format", "json")["campaign"]


def test_a_repeatable_option_and_a_value_that_looks_like_an_option_pass(cli, loaded):
    # --duty may be repeated; "--unit" as the value of --note is a value, not a second --unit
    result = cli("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部",
                 "--duty", "1", "--duty", "2", "--note", "--unit")
    assert result.exit_code != 2, result.stderr


def test_no_args_shows_chinese_help(cli):
    result = cli("report")
    assert result.exit_code == 2
    assert "用法：fanzha report" in result.stderr and "命令：" in result.stderr


def test_version(cli):
    from fanzha_cli import __version__
    from fanzha_cli.plan import SCHEMA_VERSION

    out = cli.ok("--version").stdout
    assert out.strip() == f"fanzha {__version__}（读取计划格式版本 {SCHEMA_VERSION}）"


def test_every_command_is_framed():
    """Commands other modules add later are adopted too: Chinese help and the checks."""
    for path, cmd in all_commands():
        assert getattr(cmd, "_fanzha_frame", False), path


@pytest.mark.parametrize("columns", [80, 120])
def test_every_help_is_chinese_and_fits(cli, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    for path, cmd in all_commands():
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        out = result.stdout
        assert out.startswith(f"用法：fanzha {' '.join(path)}".rstrip() + " ")
        assert "显示本帮助并退出。" in out
        for word in ENGLISH:
            assert word not in out, (path, word)
        assert "…" not in out.replace("[参数]…", "").replace("文件…", "").replace("编号…", ""), path
        for line in out.splitlines():
            assert frame.cells(line) <= columns, (path, line)
        # every option is there, with a Chinese metavar when it takes a value
        for p in cmd.params:
            if p.param_type_name == "option" and not p.hidden:
                assert p.opts[0] in out, (path, p.opts)
                if not p.is_flag:
                    mv = frame.metavar(p)
                    assert mv in out and not mv.isascii() or "|" in mv, (path, p.opts, mv)


def test_help_marks_required_and_defaults(cli):
    out = cli.ok("report", "add", "--help").stdout
    assert "[必填]" in out
    out = cli.ok("plan", "show", "--help").stdout
    assert "[默认：table]" in out and "-f, --format table|json|csv" in out
    assert "[1—52]" in cli.ok("demo", "--help").stdout


def test_wrap_keeps_words_and_punctuation():
    lines = frame.wrap("周次：2022-W05、某天的日期（取其所在周），或 current（本周）、last（上周）。", 20)
    assert all(frame.cells(line) <= 20 for line in lines)
    text = "".join(lines)
    assert "2022-W05" in text and "current" in text
    assert not any(line.startswith(("，", "。", "、", "）")) for line in lines)


def test_a_bad_parameter_raised_by_a_command_keeps_its_chinese_words(monkeypatch):
    """Typer's documented BadParameter, raised with a Chinese message by a command or a
    callback, passes the error edge and is said as a usage error."""
    import typer
    from typer.testing import CliRunner

    demo = typer.Typer(cls=frame.FanzhaGroup)

    @demo.command("x")
    def x(n: int = typer.Option(1, "--n")) -> None:
        raise typer.BadParameter("须为偶数")

    @demo.command("y")
    def y() -> None:
        pass

    result = CliRunner().invoke(demo, ["x", "--n", "3"])
    assert result.exit_code == 2
    assert "错误：值不对：须为偶数" in result.stderr


def test_typers_own_path_checks_are_said_in_chinese():
    import typer

    out = next(p for path, cmd in all_commands() if path == ["export"] for p in cmd.params if p.name == "out")
    for english, chinese in (("is not readable", "没有读取权限"), ("does not exist", "不存在"),
                             ("is a file", "是文件，这里要的是文件夹")):
        exc = typer.BadParameter(f"Path '/srv/通报' {english}.", param=out)
        assert frame.chinese_message(exc) == f"选项 --out 的值“/srv/通报”不对：{chinese}。"
    assert frame.chinese_message(typer.BadParameter("Something English.", param=out)) == "选项 --out 的值不对：格式不对。"


def test_every_command_has_a_short_first_line(cli, monkeypatch):
    """The list of commands shows each one's first line: it fits one line at 80 columns."""
    monkeypatch.setenv("COLUMNS", "80")
    for path, cmd in all_commands():
        if not path:
            continue
        short = frame.short_help(cmd)
        assert short and frame.cells(short) <= 56, (path, short)
        parent = cli.ok(*path[:-1], "--help").stdout
        assert any(line.strip().startswith(path[-1]) and line.rstrip().endswith(short) for line in parent.splitlines()), path


def test_a_new_option_gets_a_chinese_metavar_from_its_name_or_type():
    import typer

    demo = typer.Typer(cls=frame.FanzhaGroup)

    @demo.command("x")
    def x(verify_date: str = typer.Option(None, "--verify-date"), count: int = typer.Option(1, "--count"),
          case_id: str = typer.Argument(...), label: str = typer.Option("", "--label")) -> None:
        pass

    @demo.command("y")
    def y() -> None:
        pass

    root = get_command(demo)
    ctx = typer.Context(root, info_name="demo")
    cmd = root.get_command(ctx, "x")
    got = {p.name: frame.metavar(p) for p in cmd.params}
    assert got == {"verify_date": "日期", "count": "整数", "case_id": "编号", "label": "文本"}
