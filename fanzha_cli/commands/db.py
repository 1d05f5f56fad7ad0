"""`fanzha db`: where the ledger is, whether it is intact, and a safe copy of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fanzha_cli.commands.base import edge, fail, settings

app = typer.Typer(no_args_is_help=True, help="账本文件：路径、完整性校验、备份。")


@app.command("path")
@edge
def path_cmd(ctx: typer.Context) -> None:
    """打印账本文件的路径（--db、环境变量 FANZHA_DB 或默认位置）。"""
    typer.echo(str(settings(ctx).db_path))


@app.command("verify")
@edge
def verify_cmd(ctx: typer.Context) -> None:
    """重算哈希链并运行 SQLite 完整性检查。一切正常时不输出、退出码 0；否则指出第一条有问题的记录，退出码 1。"""
    from fanzha_cli import verify

    problems = verify.verify(settings(ctx))
    if problems:
        raise fail("\n".join(problems))


@app.command("backup")
@edge
def backup_cmd(
    ctx: typer.Context,
    dest: Annotated[Path, typer.Argument(help="备份文件路径（或文件夹）。正在使用的账本也可安全备份。")],
) -> None:
    """用 SQLite 在线备份生成账本的一致副本（写入过程中也安全）。"""
    from fanzha_cli import ledger

    led = ledger.open_ledger(settings(ctx))
    try:
        ledger.backup(led, dest)
    finally:
        led.close()
    typer.echo(f"已备份到 {dest}", err=True)
