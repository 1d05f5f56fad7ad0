"""`fanzha db`: where the ledger is, whether it is intact, a safe copy of it, and putting one back."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import edge, fail, settings

app = typer.Typer(no_args_is_help=True, help="账本文件：路径、完整性校验、备份与恢复。")


@app.command("path")
@edge
def path_cmd(ctx: typer.Context) -> None:
    """打印账本文件的路径。

    --db、环境变量 FANZHA_DB 或默认位置。"""
    typer.echo(str(settings(ctx).db_path))


@app.command("verify")
@edge
def verify_cmd(
    ctx: typer.Context,
    anchor: Annotated[Optional[list[str]], typer.Option("--anchor", metavar="编号:哈希", help="已印发通报末尾的锚点“记录编号:哈希”（哈希可只写前 16 位），可重复：账本中该记录已不存在或哈希不符即报错。")] = None,
    no_evidence: Annotated[bool, typer.Option("--no-evidence", help="不校验证据文件（只有账本、没有证据文件夹的机器上使用）。")] = False,
) -> None:
    """校验账本是否完整、未被改动。

    重算哈希链，运行 SQLite 完整性检查，检查只追加保护触发器和已印发通报的锚点，并按账本中的 SHA-256 逐个校验证据文件（报送照片）。一切正常时不输出、退出码 0；否则指出第一条有问题的记录和每个缺失或被改动的证据文件，退出码 1。"""
    from fanzha_cli import issuing, verify

    anchors = [issuing.parse_anchor(a) for a in anchor or []]
    problems = verify.verify(settings(ctx), anchors, evidence_files=not no_evidence)
    if problems:
        raise fail("\n".join(problems))


@app.command("backup")
@edge
def backup_cmd(
    ctx: typer.Context,
    dest: Annotated[Path, typer.Argument(help="备份文件路径（或文件夹）。正在使用的账本也可安全备份。", metavar="路径")],
) -> None:
    """备份账本（写入过程中也安全）。

    用 SQLite 在线备份生成账本的一致副本（写入过程中也安全），并把证据文件（报送照片）逐个校验后复制到备份旁的“备份文件名-evidence”文件夹。拷到 U 盘时把备份文件和这个文件夹一起拷走。"""
    from fanzha_cli import evidence, ledger

    led = ledger.open_ledger(settings(ctx))
    try:
        written = ledger.backup(led, dest)
        target = evidence.folder(written)
        n, bad = evidence.copy_all(led.conn, evidence.folder(led.path), target)
    finally:
        led.close()
    files = f"，证据文件 {n} 个复制到 {target}（请与备份文件一起保存）" if n else ""
    typer.echo(f"已备份到 {written}{files}。", err=True)
    if bad:
        raise fail("以下证据文件有问题，未能备份：\n" + "\n".join(bad)
                   + "\n提示：账本已备份；这些照片需从原始文件重新找回（fanzha db verify 可再次检查）。")


@app.command("restore")
@edge
def restore_cmd(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="要恢复的备份文件（fanzha db backup 生成的账本副本）。", metavar="备份文件")],
    no_evidence: Annotated[bool, typer.Option("--no-evidence", help="只恢复账本，不校验、不放回证据文件。")] = False,
) -> None:
    """从备份恢复账本。先校验备份（SQLite 完整性检查与整条哈希链），不通过则拒绝、账本不动；通过后在一个事务中整体替换当前账本（等待正在进行的写入完成，其他程序看到的要么是原账本、要么是恢复后的账本），原账本完整另存为“账本文件名.时间.bak”。备份旁的证据文件夹（“备份文件名-evidence”）中的照片逐个按账本中的 SHA-256 校验后放回；有缺失或被改动的证据时拒绝恢复、什么都不改。"""
    from fanzha_cli import restore
    from fanzha_cli.render.console import note

    done = restore.restore(settings(ctx), source, evidence_files=not no_evidence)
    kept = f"原账本已另存为 {done.kept}。" if done.kept else "原先没有账本。"
    files = f"证据文件 {done.evidence} 个已校验并放回。" if done.evidence else ""
    note(f"已从 {done.source} 恢复账本 {done.ledger}：{done.entries} 条记录，校验通过。{files}{kept}")


@app.command("reseal")
@edge
def reseal_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="新账本的路径（不能是已有文件）。", metavar="新账本")],
) -> None:
    """把明文的旧账本重新生成为加密的新账本。

    受害人信息仍为明文的旧账本（加密功能启用前录入）：全部记录和各项统计不变，受害人姓名、电话、身份证号（含备注中的电话、身份证号）加密保存。新账本的第 0 条记录写明旧账本最后一条记录的编号和哈希，由新账本为旧账本作证；旧账本中印发通报的锚点在新账本中仍可校验。旧账本不动，请按本局规定保管或销毁。"""
    from fanzha_cli import rekey
    from fanzha_cli.render.console import note

    done = rekey.reseal(settings(ctx), out)
    files = f"，证据文件 {done.evidence_files} 个已复制" if done.evidence_files else ""
    note(f"已生成加密的新账本 {done.path}：{done.entries} 条记录（含第 0 条重新加密记录），校验通过{files}。"
         f"原账本最后一条记录为第 {done.old_last_id} 条，哈希 {done.old_last_hash}。"
         f"今后请用 --db {done.path}（或 FANZHA_DB）使用新账本；旧账本含明文受害人信息，请按本局规定保管或销毁。")
