"""The root command: global options and the wiring of command groups, nothing else."""

from typing import Annotated, Optional

import typer

from fanzha_cli.commands import db, plan, roster
from fanzha_cli.commands import report
from fanzha_cli.commands import audit, case, discipline, dissuasion, zero_case
from fanzha_cli.commands import circular, commend, demo, key
from fanzha_cli.commands.frame import FanzhaGroup
from fanzha_cli.settings import Settings, resolve_db_path, resolve_operator

app = typer.Typer(
    name="fanzha",
    help="fanzha（反诈）：县公安局反电诈宣传活动台账。\n载入包联计划，登记每周报送、案件与回访，生成每周通报。",
    cls=FanzhaGroup,  # Chinese help and usage errors for every command beneath (commands/frame.py)
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from fanzha_cli import __version__
        from fanzha_cli.plan import SCHEMA_VERSION

        typer.echo(f"fanzha {__version__}（读取计划格式版本 {SCHEMA_VERSION}）")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db_path: Annotated[
        Optional[str],
        typer.Option("--db", help="账本文件路径。不写则用环境变量 FANZHA_DB，再不写则用用户目录下的默认账本（fanzha db path 可查看）。"),
    ] = None,
    operator: Annotated[
        Optional[str],
        typer.Option("--operator", help="操作人姓名，记入每条记录。不写则用环境变量 FANZHA_OPERATOR，再不写则用系统登录名。"),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_version, help="显示版本号和所读计划的格式版本，然后退出。"),
    ] = False,
) -> None:
    ctx.obj = Settings(db_path=resolve_db_path(db_path), operator=resolve_operator(operator),
                       db_given=bool(db_path))


app.add_typer(plan.app, name="plan")
app.add_typer(roster.app, name="roster")
app.add_typer(db.app, name="db")
app.add_typer(key.app, name="key")
app.add_typer(report.app, name="report")
app.add_typer(case.app, name="case")
app.command("zero-case")(zero_case.zero_case_cmd)
app.add_typer(audit.app, name="audit")
app.add_typer(discipline.app, name="discipline")
app.add_typer(dissuasion.app, name="dissuasion")
app.add_typer(commend.app, name="commend")
app.command("rank")(circular.rank_cmd)
app.command("weekly-circular")(circular.circular_cmd)
app.command("export")(circular.export_cmd)
app.command("demo")(demo.demo_cmd)


def main() -> None:
    app(prog_name="fanzha")
