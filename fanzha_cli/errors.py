"""The one error type that reaches the user: a Chinese message, a hint, an exit code."""

from __future__ import annotations


class FanzhaError(Exception):
    """A failure the user can fix. Commands turn it into stderr text and exit code 1."""

    def __init__(self, message: str, hint: str | None = None, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n提示：{self.hint}"
        return self.message


class PlanError(FanzhaError):
    """The plan file is unreadable or invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[str], source: str):
        self.problems = problems
        self.source = source
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"计划文件 {source} 有 {len(problems)} 处错误：\n{lines}",
            hint="请按提示修改计划文件后，先运行 fanzha plan check 检查，再重新载入。",
        )
