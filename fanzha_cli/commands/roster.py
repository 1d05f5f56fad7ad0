"""`fanzha roster`: replace the sample police stations with the bureau's real roster."""

from pathlib import Path
from typing import Annotated

import typer

from fanzha_cli.commands.base import edge

app = typer.Typer(no_args_is_help=True, help="派出所花名册：用本局真实名单替换示例数据。\n\n真实的派出所、网格、网格员和结对民辅警。")


@app.command("import")
@edge
def import_cmd(
    sheet: Annotated[Path, typer.Argument(help="花名册 .xlsx 或 .csv，列为：派出所、辖区、网格、网格员、警号、姓名、身份（民警/辅警），每个“民辅警—网格”结对一行。")],
    plan_file: Annotated[Path, typer.Option("--plan", help="要更新的计划文件。")] = Path("data/assignments.yaml"),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并显示数量，不修改计划文件。")] = False,
) -> None:
    """用花名册替换计划文件中的示例派出所。

    替换计划文件的 stations 部分（先整体校验，原文件另存为 .bak），之后用 fanzha plan load 载入账本。"""
    from fanzha_cli import roster

    counts = roster.import_roster(sheet, plan_file, dry_run=dry_run)
    verb = "将写入" if dry_run else "已写入"
    typer.echo(
        f"{verb} {plan_file}：派出所 {counts['stations']} 个，网格 {counts['grids']} 个，民辅警 {counts['officers']} 人。"
        + ("（预演，未修改文件）" if dry_run else f"\n下一步：fanzha plan load {plan_file} --reason \"更新派出所花名册\""),
        err=True,
    )
