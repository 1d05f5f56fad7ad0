"""The frame around every command: Chinese help, Chinese usage errors, options given twice.

Why this module reaches into Typer's copy of Click (and the only one that does): Typer ≥ 0.26
carries its own Click, whose help and usage errors are hard-coded English ("Usage:",
"Show this message and exit.", "Missing option '--dept'.", "[default: table]", metavars such
as <str>). Typer's documented `cls=` hook lets the root app use our group class; that class
adopts every command and sub-group beneath it (including those other modules add later), so
each one gets, with no per-command work:

- help written here in Chinese (用法、选项、命令、[必填]、[默认：table]) with natural metavars
  (文本、整数、日期、文件…), wrapped to the terminal without cutting anything to "…";
- usage errors caught at the edge and said in Chinese (缺少选项 --dept；没有选项 --leaflet，
  是不是 --leaflets？…), still exit code 2;
- a single-value option given twice (--unit 宣传部 --unit 文联) refused, not reduced to the last.

Everything here reads only the public attributes of Click's parameter objects (opts, help,
required, default, multiple, is_flag, nargs, metavar) and the exception types Typer exposes
in `typer._click.exceptions`.
"""

from __future__ import annotations

import enum
import shutil
import sys
from pathlib import Path
from typing import Any

from typer import _click
from typer.core import TyperCommand, TyperGroup

from fanzha_cli.cjk import cells, wrap

# --- metavars: what an option's value is, in words a clerk reads --------------------------------

# By option (or argument) name. An explicit `metavar=` on the option wins; a name not listed
# falls back to its type (整数, 文本, 文件 …), so a new option always gets a Chinese metavar.
NAME_METAVARS = {
    "--date": "日期", "--from": "日期", "--to": "日期", "--on": "日期", "--effective": "日期",
    "--as-of": "日期", "--issued-on": "日期",
    "--week": "周次", "--submitted-at": "时间",
    "--dept": "科所队", "--explain": "科所队", "--unit": "单位", "--grid": "网格",
    "--officer": "警号", "--case": "案件编号", "--case-no": "案件编号", "--group": "群组",
    "--place": "地点",
    "--reason": "原因", "--note": "说明", "--type": "类型", "--status": "状态", "--step": "步骤",
    "--duty": "职责", "--progress": "百分比", "--loss": "金额", "--amount-saved": "金额",
    "--victim": "姓名", "--operator": "姓名", "--phone": "电话", "--id-number": "身份证号",
    "--photo": "照片文件", "--output": "文件", "--out": "文件夹", "--plan": "文件", "--db": "文件",
    "--formats": "格式列表", "--publicity-received": "yes|no", "--anchor": "锚点",
    "--leaflets": "数量", "--notices": "数量", "--pledges": "数量", "--app-installs": "人数",
    "--group-pushes": "天数", "--lectures": "场次", "--attendees": "人数", "--events": "场次",
    "--themes": "个数", "--photos": "张数", "--weeks": "周数", "--seed": "整数",
    # arguments, by parameter name
    "line_id": "编号", "audit_id": "回访编号", "case_no": "案件编号", "file": "文件", "files": "文件",
    "dest": "路径", "source": "备份文件", "sheet": "花名册文件", "entry_id": "记录编号",
}
NAME_ENDINGS = (("-date", "日期"), ("-on", "日期"), ("-at", "时间"), ("-week", "周次"), ("-no", "编号"),
                ("-id", "编号"), ("-file", "文件"), ("-dir", "文件夹"), ("-reason", "原因"), ("-note", "说明"))
TYPE_METAVARS = {int: "整数", float: "数字", str: "文本", Path: "文件", bool: "是|否"}


def _annotation(param) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    args = getattr(annotation, "__args__", None)
    if args and getattr(annotation, "__origin__", None) in (list, tuple, set):
        return args[0]
    return annotation


def metavar(param) -> str:
    """The value's name in help, usage and error messages: 日期, 文件, table|json|csv …"""
    if param.metavar:
        return param.metavar
    names = [*getattr(param, "opts", []), param.name]
    for name in names:
        if name in NAME_METAVARS:
            return NAME_METAVARS[name]
    for name in names:  # a name not listed: its ending says what it is (--verify-date, --issued-at)
        for ending, word in NAME_ENDINGS:
            if name.replace("_", "-").endswith(ending):
                return word
    annotation = _annotation(param)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "|".join(str(m.value) for m in annotation)
    return TYPE_METAVARS.get(annotation, "文本")


def _option(param) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _takes_value(param) -> bool:
    return _option(param) and not param.is_flag and not getattr(param, "count", False)


def param_label(param) -> str:
    """How a message names a parameter: the option (--dept) or the argument's metavar (编号)."""
    if _option(param):
        longs = [o for o in param.opts if o.startswith("--")]
        return (longs or param.opts)[0]
    return metavar(param)


# --- text that fits the terminal ------------------------------------------------------------

def width() -> int:
    """The help's width: the terminal's (COLUMNS wins), at most 100, at least 40."""
    return max(40, min(100, shutil.get_terminal_size((80, 24)).columns))


def _two_columns(rows: list[tuple[str, str]], total: int, indent: int = 2) -> list[str]:
    """Term and description side by side; a long term puts its description on the next line."""
    if not rows:
        return []
    left = min(max(cells(term) for term, _ in rows), max(12, total // 3))
    out = []
    for term, desc in rows:
        right = max(20, total - indent - left - 2)
        desc_lines = wrap(desc, right) if desc else [""]
        if cells(term) > left:
            out.append(" " * indent + term)
            pad = " " * (indent + left + 2)
            out += [(pad + d).rstrip() for d in desc_lines]
        else:
            first = " " * indent + term + " " * (left - cells(term) + 2)
            out.append((first + desc_lines[0]).rstrip())
            out += [(" " * (indent + left + 2) + d).rstrip() for d in desc_lines[1:]]
    return out


# --- help -----------------------------------------------------------------------------------

HELP_TEXT = "显示本帮助并退出。"


def _help_text(cmd) -> str:
    import inspect

    return inspect.cleandoc(cmd.help or "").partition("\f")[0].strip()


def short_help(cmd) -> str:
    """The first line of a command's help (up to its first 。), for the list of commands."""
    text = (cmd.short_help or _help_text(cmd)).strip()
    first = text.split("\n", 1)[0]
    head, dot, _ = first.partition("。")
    return head + dot


def _default_text(param) -> str:
    if param.required or not param.show_default or param.default is None or param.default is False:
        return ""
    if isinstance(param.default, (list, tuple)) and not param.default:
        return ""
    value = param.default.value if isinstance(param.default, enum.Enum) else param.default
    if value == "" or callable(value):
        return ""
    return f"[默认：{value}]"


def _option_row(param) -> tuple[str, str]:
    names = sorted(param.opts, key=lambda o: (o.startswith("--"), o))  # -f, --format
    term = ", ".join(names)
    if param.secondary_opts:
        term += " / " + ", ".join(param.secondary_opts)
    if _takes_value(param):
        term += f" {metavar(param)}"
    extras = []
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        extras.append(f"[{low}—{high}]")
    elif low is not None:
        extras.append(f"[不小于 {low}]")
    elif high is not None:
        extras.append(f"[不大于 {high}]")
    if param.multiple:
        extras.append("[可重复]")
    if param.required:
        extras.append("[必填]")
    default = _default_text(param)
    if default:
        extras.append(default)
    help_text = (param.help or "").strip()
    return term, " ".join(x for x in [help_text, *extras] if x)


def usage_line(cmd, ctx) -> str:
    pieces = ["[选项]"]
    for param in cmd.params:
        if _option(param) or getattr(param, "hidden", False):
            continue
        name = metavar(param) + ("…" if param.nargs == -1 else "")
        pieces.append(name if param.required else f"[{name}]")
    if isinstance(cmd, TyperGroup):
        pieces.append("命令 [参数]…")
    return f"用法：{ctx.command_path} {' '.join(pieces)}"


def render_help(cmd, ctx) -> str:
    total = width()
    out = wrap(usage_line(cmd, ctx), total)
    text = _help_text(cmd)
    if text:
        out.append("")
        for para in text.split("\n"):
            out += ["  " + line if line else "" for line in wrap(para.strip(), total - 2)]
    arguments = [(metavar(p), (p.help or "").strip()) for p in cmd.params
                 if not _option(p) and not getattr(p, "hidden", False)]
    if arguments:
        out += ["", "参数："] + _two_columns(arguments, total)
    options = [_option_row(p) for p in cmd.params if _option(p) and not p.hidden]
    help_names = ctx.help_option_names if cmd.add_help_option else []
    if help_names:
        options.append((", ".join(sorted(help_names, key=lambda o: (o.startswith("--"), o))), HELP_TEXT))
    if options:
        out += ["", "选项："] + _two_columns(options, total)
    if isinstance(cmd, TyperGroup):
        rows = [(name, short_help(sub)) for name in cmd.list_commands(ctx)
                if (sub := cmd.get_command(ctx, name)) is not None and not sub.hidden]
        if rows:
            out += ["", "命令："] + _two_columns(rows, total)
            out += ["", f"每个命令的用法：{ctx.command_path} 命令 --help"]
    return "\n".join(out)


# --- usage errors in Chinese ----------------------------------------------------------------

def _quote(value: Any) -> str:
    return f"“{value}”"


# Typer's checks of a path parameter ("Path 'x' is not readable."), in Chinese.
_PATH_PROBLEM = __import__("re").compile(
    r"^\w+ '(?P<path>.*)' (?P<what>does not exist|is a file|is a directory|is not readable|is not writable)\.$")
_PATH_WORDS = {"does not exist": "不存在", "is a file": "是文件，这里要的是文件夹", "is a directory": "是文件夹，这里要的是文件",
               "is not readable": "没有读取权限", "is not writable": "没有写入权限"}


def _bad_value(exc) -> str:
    """What is wrong with the value, from the validation error beneath Typer's message."""
    param = exc.param
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    first = errors[0] if errors else {}
    value = first.get("input")
    kind = first.get("type", "")
    ctx = first.get("ctx") or {}
    annotation = _annotation(param) if param is not None else None
    path_problem = _PATH_PROBLEM.match(exc.message or "") if not errors else None
    if path_problem:  # Typer's own check of a path option
        value, why = path_problem["path"], _PATH_WORDS[path_problem["what"]]
    elif not errors and exc.message and not exc.message.isascii():  # a command's own Chinese words
        why = exc.message.rstrip("。.")
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        why = f"可选 {'、'.join(str(m.value) for m in annotation)}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than") or (
            param is not None and (param.min is not None or param.max is not None) and kind.endswith("than_equal")):
        low = ctx.get("ge", getattr(param, "min", None))
        high = ctx.get("le", getattr(param, "max", None))
        if low is not None and high is not None and param is not None and param.min is not None and param.max is not None:
            why = f"须在 {param.min} 到 {param.max} 之间"
        elif "ge" in ctx or "gt" in ctx:
            why = f"须不小于 {ctx.get('ge', ctx.get('gt'))}"
        else:
            why = f"须不大于 {ctx.get('le', ctx.get('lt'))}"
    elif kind.startswith("int"):
        why = "须为整数"
    elif kind.startswith("float"):
        why = "须为数字"
    elif kind.startswith("bool"):
        why = "须为 yes 或 no"
    else:
        why = "格式不对"
    shown = f"的值{_quote(value)}" if value is not None else "的值"
    what = "选项" if _option(param) else "参数"
    return f"{what} {param_label(param)} {shown}不对：{why}。"


def chinese_message(exc, ctx=None) -> str:
    """One usage error as a Chinese sentence (exit code stays 2)."""
    ex = _click.exceptions
    if isinstance(exc, ChineseUsageError):
        return exc.message
    if isinstance(exc, ex.MissingParameter) and exc.param is not None:
        param = exc.param
        about = (param.help or "").split("。")[0].strip()
        about = f"：{about}" if about else ""
        if _option(param):
            return f"缺少选项 {param_label(param)}{about}。"
        return f"缺少参数 {metavar(param)}{about}。"
    if isinstance(exc, ex.NoSuchOption):
        suggestions = sorted(exc.possibilities or [])
        if not suggestions and ctx is not None:
            import difflib

            known = [o for p in ctx.command.params if _option(p) for o in (*p.opts, *p.secondary_opts)]
            suggestions = difflib.get_close_matches(exc.option_name, known + list(ctx.help_option_names), n=3)
        hint = f"，是不是 {' 或 '.join(suggestions)}？" if suggestions else "。"
        return f"没有选项 {exc.option_name}{hint}"
    if isinstance(exc, ex.BadOptionUsage):
        option = exc.option_name
        if "requires" in exc.message:
            param = _param_by_option(ctx, option)
            what = f"（{metavar(param)}）" if param is not None else ""
            return f"选项 {option} 后面缺少值{what}。"
        if "does not take a value" in exc.message:
            return f"选项 {option} 不带值，直接写 {option} 即可。"
        return f"选项 {option} 用法不对。"
    if isinstance(exc, ex.BadParameter) and exc.param is not None:
        return _bad_value(exc)
    if isinstance(exc, ex.BadParameter):
        return f"值不对：{exc.message}"
    message = getattr(exc, "message", str(exc))
    if message.startswith("No such command"):
        name = message.split("'")[1] if "'" in message else message
        return _no_such_command(name, ctx)
    if message.startswith("Missing command"):
        return "缺少命令。"
    if message.startswith("Got unexpected extra argument"):
        import re

        extra = re.search(r"\(([^()]*)\)$", message)
        return f"多余的参数：{extra[1] if extra else message}。"
    return f"命令用法不对：{message}"


def _no_such_command(name: str, ctx) -> str:
    import difflib

    if ctx is None or not isinstance(ctx.command, TyperGroup):
        return f"没有命令 {name}。"
    commands = ctx.command.list_commands(ctx)
    close = difflib.get_close_matches(name, commands, n=3)
    hint = f"，是不是 {' 或 '.join(close)}？" if close else f"。可用的命令：{'、'.join(commands)}。"
    return f"没有命令 {name}{hint}"


def _param_by_option(ctx, option: str):
    if ctx is None:
        return None
    for p in ctx.command.params:
        if _option(p) and option in (*p.opts, *p.secondary_opts):
            return p
    return None


def report_usage_error(exc) -> None:
    """Chinese text on stderr: the problem, the usage line, where help is."""
    ctx = getattr(exc, "ctx", None)
    lines = [f"错误：{chinese_message(exc, ctx)}"]
    if ctx is not None:
        lines.append(usage_line(ctx.command, ctx))
        lines.append(f"查看帮助：{ctx.command_path} --help")
    from fanzha_cli.render.console import plain

    sys.stderr.write(plain("\n".join(lines)) + "\n")


# --- an option given twice ------------------------------------------------------------------

def repeated_option(cmd, ctx, args: list[str]) -> str | None:
    """A single-value option (or a flag) given more than once, with different values, among
    this command's own arguments: the Chinese message refusing it, else None. Walks the arguments the way the
    parser does (--opt=value, -fjson, values that look like options, `--`)."""
    by_name: dict[str, Any] = {}
    for p in cmd.params:
        if _option(p):
            for name in (*p.opts, *p.secondary_opts):
                by_name[name] = p
    seen: dict[str, list[tuple[str, str | None]]] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            break
        value: str | None = None
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
            param = by_name.get(name)
            if param is not None and _takes_value(param):
                if eq:
                    value = inline
                elif i < len(args):
                    value = args[i]
                    i += param.nargs
        elif arg.startswith("-") and len(arg) > 1 and not arg[1].isdigit():
            name = arg[:2]
            param = by_name.get(name)
            if param is not None and _takes_value(param):
                if len(arg) > 2:
                    value = arg[2:]
                elif i < len(args):
                    value = args[i]
                    i += param.nargs
        else:
            if isinstance(cmd, TyperGroup):
                break  # the subcommand's name: the rest are its arguments, checked by it
            continue
        if param is None or param.multiple or getattr(param, "count", False):
            continue
        seen.setdefault(param.name, []).append((name, value))
    for param_name, uses in seen.items():
        # the same value twice says nothing new (a script adding "--format json" to its own);
        # two different values, or a flag and its opposite, are a contradiction
        param = next(p for p in cmd.params if p.name == param_name)
        meaning = {v if v is not None else n in param.secondary_opts for n, v in uses}
        if len(meaning) > 1:
            names = "、".join(dict.fromkeys(n for n, _ in uses))
            values = [v for _, v in uses if v is not None]
            given = f"（{'、'.join(values)}）" if values else ""
            return f"选项 {names} 只能写一次，这里写了 {len(uses)} 次{given}。请只保留一个。"
    return None


# --- the classes ----------------------------------------------------------------------------

class ChineseUsageError(_click.exceptions.UsageError):
    """A usage error whose message is already Chinese (an option given twice)."""


def _framed(base):
    """`base` (Typer's command or group class) with Chinese help and the repeated-option check.
    Single inheritance on purpose: a plain Typer command can then be adopted (see _adopt)."""

    class Framed(base):
        _fanzha_frame = True

        def format_help(self, ctx, formatter) -> None:
            formatter.write(render_help(self, ctx) + "\n")

        def get_usage(self, ctx) -> str:
            return usage_line(self, ctx)

        def parse_args(self, ctx, args):
            if not ctx.resilient_parsing:
                problem = repeated_option(self, ctx, list(args))
                if problem:
                    raise ChineseUsageError(problem, ctx)
            try:
                return super().parse_args(ctx, args)
            except _click.exceptions.UsageError as exc:
                if exc.ctx is None:  # the parser raises some without one: the usage line needs it
                    exc.ctx, exc.cmd = ctx, self
                raise

    Framed.__name__ = Framed.__qualname__ = f"Fanzha{base.__name__.removeprefix('Typer')}"
    return Framed


FanzhaCommand = _framed(TyperCommand)


class FanzhaGroup(_framed(TyperGroup)):
    """A group whose commands and sub-groups all speak Chinese (see the module docstring)."""

    def get_command(self, ctx, cmd_name: str):
        cmd = super().get_command(ctx, cmd_name)
        _adopt(cmd)
        return cmd

    def make_context(self, info_name, args, parent=None, **extra):
        with _usage_errors():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        with _usage_errors():
            return super().invoke(ctx)


def _adopt(cmd) -> None:
    """Give a command built by plain Typer our behaviour. Our classes add methods only, no
    state, so changing the instance's class is safe; it spares every command module (and any
    added later) from naming a class. A command with a class of its own is left as it is."""
    if cmd is None or getattr(cmd, "_fanzha_frame", False):
        return
    if type(cmd) is TyperGroup:
        cmd.__class__ = FanzhaGroup
    elif type(cmd) is TyperCommand:
        cmd.__class__ = FanzhaCommand


class _usage_errors:
    """Turn a usage error raised inside into Chinese on stderr and exit code 2."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        ex = _click.exceptions
        if exc is None or not isinstance(exc, ex.UsageError):
            return False
        if isinstance(exc, ex.NoArgsIsHelpError):
            sys.stderr.write(exc.ctx.get_help() + "\n")
        else:
            report_usage_error(exc)
        from typer import Exit

        raise Exit(2)
