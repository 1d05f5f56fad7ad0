"""`fanzha key`: where the key to victims' data lives, and a copy of it for the bureau's safe."""

from pathlib import Path
from typing import Annotated

import typer

from fanzha_cli.commands.base import edge

app = typer.Typer(no_args_is_help=True, help="受害人信息的密钥：位置、导出备份、换用新密钥。")


@app.command("show-path")
@edge
def show_path_cmd() -> None:
    """打印密钥文件的路径。

    环境变量 FANZHA_KEY_FILE，或用户配置目录下的 key.json；并说明它是否已存在。"""
    from fanzha_cli import vault
    from fanzha_cli.render.console import note

    path = vault.key_path()
    typer.echo(str(path))
    if not path.exists():
        note("密钥文件尚不存在：第一次登记受害人信息时自动生成。")


@app.command("export")
@edge
def export_cmd(
    to: Annotated[Path, typer.Option("--to", metavar="文件", help="导出到的文件（如保险柜中的 U 盘）。已存在时拒绝覆盖。")],
) -> None:
    """把密钥复制一份，交本局按保密规定保管。没有密钥，账本中的受害人姓名、电话、身份证号无法再读出（各项统计不受影响）。"""
    from fanzha_cli import vault
    from fanzha_cli.errors import FanzhaError
    from fanzha_cli.render.console import note

    key = vault.require_key()
    if to.exists() or to.is_symlink():
        raise FanzhaError(f"文件已存在：{to}", hint="换一个文件名，或先移走该文件。")
    try:
        vault.write_key_file(to, key)
    except OSError as exc:
        raise FanzhaError(f"无法写入 {to}：{exc.strerror or exc}", hint="检查文件夹是否存在、是否可写。") from None
    note(f"已导出密钥（编号 {key.id}）到 {to}。请按本局保密规定保管，勿与账本备份放在一起。")


@app.command("rotate")
@edge
def rotate_cmd(ctx: typer.Context) -> None:
    """换用新密钥。

    账本中全部受害人信息在一个事务中用新密钥重新加密（作为新记录追加，旧密文保留在账本中、不再使用）。之后新密钥成为当前密钥，旧密钥文件移到一旁，由本局按规定销毁。各项统计不变。"""
    from fanzha_cli import rekey
    from fanzha_cli.commands.base import on_ledger
    from fanzha_cli.render.console import note

    done = on_ledger(ctx, rekey.rotate)
    where = f"（记录编号 {done.entry_id}）" if done.entry_id else "（账本中没有需要重新加密的内容）"
    note(f"已换用新密钥 {done.new_key}：{done.values} 项受害人信息已用新密钥重新加密{where}。"
         f"旧密钥 {done.old_key} 已移到 {done.retired}。请先用 fanzha key export 备份新密钥，再按本局规定销毁旧密钥文件。")
