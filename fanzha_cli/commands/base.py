"""What every command shares: the --format option, the settings, and the error edge."""

import functools
import sqlite3
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from fanzha_cli.errors import FanzhaError
from fanzha_cli.settings import Settings


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    Format,
    typer.Option("--format", "-f", help="输出格式：table（表格，默认）、json（供脚本使用）、csv（可用 Excel 打开）。"),
]


OutputOption = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", help="写入文件而不是显示在终端（文件名以 .csv 或 .json 结尾时默认用该格式；CSV 带 BOM，Excel 可直接打开）。"),
]


def output_to(path: Optional[Path], fmt):
    """`with output_to(output, fmt) as fmt:` around a list command's printing (see outputs.py)."""
    from fanzha_cli.outputs import output_to as redirect

    return redirect(path, fmt)


FromOption = Annotated[Optional[str], typer.Option("--from", help="起始日期 YYYY-MM-DD，默认活动开始日。")]
ToOption = Annotated[Optional[str], typer.Option("--to", help="截止日期 YYYY-MM-DD，默认今天（活动已结束则为活动结束日）。")]
ShowPiiOption = Annotated[bool, typer.Option("--show-pii", help="显示受害人完整姓名、电话、身份证号（默认脱敏，如 张*三、138****5678）。")]


def settings(ctx: typer.Context) -> Settings:
    return ctx.find_root().obj


def on_ledger(ctx: typer.Context, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Open the ledger, run one domain call on it, close it: the body of most commands."""
    from fanzha_cli import ledger

    led = ledger.open_ledger(settings(ctx))
    try:
        return action(led, *args, **kwargs)
    finally:
        led.close()


def fail(message: str, exit_code: int = 1) -> typer.Exit:
    from fanzha_cli.render.console import plain

    # Messages quote what was typed or read from a file: shown, never obeyed by the terminal.
    sys.stderr.write(plain(message.rstrip()) + "\n")
    return typer.Exit(exit_code)


# Options whose values are a victim's personal data: masked in the error log.
_PII_OPTIONS = {"--victim": "mask_name", "--phone": "mask_phone", "--id-number": "mask_id_number"}


def _masked_argv(argv: list[str]) -> list[str]:
    from fanzha_cli import privacy

    out: list[str] = []
    mask = None
    for arg in argv:
        option, eq, value = arg.partition("=")
        if mask is not None:
            out.append(getattr(privacy, mask)(arg))
            mask = None
        elif eq and option in _PII_OPTIONS:
            out.append(f"{option}={getattr(privacy, _PII_OPTIONS[option])(value)}")
        else:
            out.append(arg)
            mask = _PII_OPTIONS.get(arg)
    return out


def _log_internal_error() -> str | None:
    """Write the traceback to a log file and return its path (None if even that fails).

    The log is the user's own (folder 0700, file 0600, never followed through a symlink) and
    names the command with any victim's name, phone and ID number masked."""
    import os
    import tempfile
    import traceback
    from datetime import datetime
    from pathlib import Path

    try:
        log_dir = Path(typer.get_app_dir("fanzha")) / "logs"
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = "fanzha-error.log"
    except OSError:
        log_dir = Path(tempfile.gettempdir())
        name = f"fanzha-error-{os.getuid() if hasattr(os, 'getuid') else 'user'}.log"
    path = log_dir / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with open(fd, "a", encoding="utf-8") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
            fh.write(f"\n==== {datetime.now().isoformat(timespec='seconds')} {' '.join(_masked_argv(sys.argv))}\n")
            fh.write(traceback.format_exc())
        return str(path)
    except OSError:
        return None


_DAMAGED = "文件中有 SQLite 无法读取的内容"


def _ledger_damage(args: tuple, kwargs: dict) -> str | None:
    """After an unexpected error: does the ledger fail `db verify`? Then a damaged or altered
    ledger (a record's JSON cut in half, say), not a bug in fanzha, is the likely cause."""
    ctx = kwargs.get("ctx") or next((a for a in args if isinstance(a, typer.Context)), None)
    if ctx is None or not isinstance(ctx.find_root().obj, Settings):
        return None
    path = settings(ctx).db_path
    if not path.is_file():
        return None
    try:
        from fanzha_cli import ledger, verify

        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        led = ledger.Ledger(path, "", conn)
        try:
            problems = verify.problems(led)
        finally:
            led.close()
    except Exception:  # not even readable: damaged
        return _DAMAGED
    return problems[0] if problems else None


def _damaged_ledger(exc: Exception) -> bool:
    """SQLite's own complaint about the file (not about our SQL), or text in it that is not
    UTF-8: the ledger file was damaged (every file fanzha reads itself is decoded with care)."""
    if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        return False
    return isinstance(exc, (sqlite3.DatabaseError, UnicodeDecodeError))


def edge(func: Callable) -> Callable:
    """Turn whatever a command raises into one Chinese message and an exit code.

    A FanzhaError is the user's to fix (exit 1). A locked or broken database is named as
    such. Anything else is our bug: a short message, and the traceback goes to a log file
    instead of the clerk's screen.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise  # BadParameter: a usage error (exit 2), said in Chinese by commands/frame.py
        except FanzhaError as exc:
            raise fail(f"错误：{exc}", exc.exit_code)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise fail("错误：账本正被其他程序长时间占用，本次操作未写入任何内容。\n提示：稍后重试；若一直如此，检查是否有卡住的 fanzha 进程。")
            raise fail(f"错误：账本数据库出错：{exc}\n提示：运行 fanzha db verify 检查账本。")
        except BrokenPipeError:
            # The reader (`| head`) went away: stop quietly, as Unix tools do.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1)
        except KeyboardInterrupt:
            raise fail("已中断，本次操作未写入任何内容。", 130)
        except OSError as exc:
            if exc.filename is None:
                raise fail(_internal(args, kwargs, exc))
            from fanzha_cli.outputs import os_error

            raise fail(f"错误：{os_error(exc)}")
        except Exception as exc:
            raise fail(_internal(args, kwargs, exc))

    return wrapper


def _internal(args: tuple, kwargs: dict, exc: Exception) -> str:
    """Our bug (or a damaged ledger): log the traceback, and say so briefly."""
    log = _log_internal_error()
    where = f"详细信息已写入 {log}" if log else "且无法写入错误日志"
    damage = _ledger_damage(args, kwargs) or (_DAMAGED if _damaged_ledger(exc) else None)
    if damage:
        return (f"错误：账本已损坏或在 fanzha 之外被改动，本次操作未写入任何内容：{damage}\n{where}。\n"
                "提示：用 fanzha db restore 从最近的完好备份恢复（fanzha db verify 可检查备份）。")
    return f"内部错误：fanzha 遇到意外问题，本次操作未写入任何内容。{where}，请将该文件发给维护人员。"
