"""The plan shipped inside the package: the repository's data/assignments.yaml (see setup.py)."""

from __future__ import annotations

from pathlib import Path

PLAN_NAME = "assignments.yaml"


def plan_path() -> Path:
    """The shipped plan as a file on disk, wherever fanzha is installed (editable or not)."""
    from importlib.resources import files

    from fanzha_cli.errors import FanzhaError

    path = Path(str(files("fanzha_cli.plan_data") / PLAN_NAME))
    if not path.is_file():  # an install that lost its data: say so rather than crash
        raise FanzhaError(f"随工具提供的计划文件不见了：{path}",
                          hint="重新安装 fanzha，或用 fanzha plan load 文件 载入您自己的计划文件。")
    return path
