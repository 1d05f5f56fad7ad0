"""`fanzha demo`: build a demo ledger from the shipped plan and show its latest circular."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import edge, fail, settings


@edge
def demo_cmd(
    ctx: typer.Context,
    n_weeks: Annotated[int, typer.Option("--weeks", min=1, max=52, help="演示几周的数据（1—52）。")] = 8,
    seed: Annotated[int, typer.Option("--seed", help="随机种子；同一种子生成相同的演示数据。")] = 2022,
    plan_file: Annotated[Optional[Path], typer.Option("--plan", help="计划文件，默认随工具提供的计划。")] = None,
) -> None:
    """生成演示账本，显示最近一周的每周通报。

    演示账本含随附计划和若干周的模拟报送、案件、回访、扣分和劝阻。不会动用您的正式账本：演示账本放在临时目录，除非用 --db 指定一个新文件。"""
    import tempfile

    from fanzha_cli import demo, issuing, ledger
    from fanzha_cli.render import circular_text
    from fanzha_cli.render.console import note
    from fanzha_cli.settings import Settings

    conf = settings(ctx)
    if conf.db_given:
        path = conf.db_path
        if path.exists() and path.stat().st_size > 0:
            raise fail(f"错误：{path} 已存在，演示数据不会写入已有的账本。\n提示：用 --db 指定一个新文件名，或不写 --db（演示账本放在临时目录）。")
        note(f"新建演示账本：{path}")
    else:
        # FANZHA_DB names the real ledger: the demo never uses it.
        path = Path(tempfile.gettempdir()) / f"fanzha-demo-{seed}.db"
        if path.exists():
            note(f"替换上次生成的演示账本：{path}")
        else:
            note(f"新建演示账本：{path}")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    led = ledger.open_ledger(Settings(path, conf.operator), create=True)
    try:
        last = demo.build(led, plan_file or demo.default_plan_path(), n_weeks=n_weeks, seed=seed,
                          progress=lambda m: note(f"演示：{m}……"))
        c = issuing.preview(led, last)
    finally:
        led.close()
    circular_text.to_console(c)
    note(f"\n演示账本：{path}\n可继续查看，例如：fanzha --db {path} weekly-circular --week {c['week']} --format docx")
