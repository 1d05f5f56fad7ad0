"""Every terminal table fits the terminal, and never breaks a value a clerk reads whole.

One rule for all tables (case list, call-backs, discipline, ranking, the circular's tables …):
a number, date, time, case number, badge number or person's name (an ATOM column) is never
broken across lines nor cut; only free text (a TEXT column: notes, reasons, lists of names)
folds, and a list folds between its items. When the terminal is too narrow for all columns,
the least important ones (highest `priority`) are left out with a one-line note naming them
and the option that shows them; when even the essential columns do not fit, each row is
printed as a stacked block of 「字段：值」 lines instead. No column ever silently disappears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

ATOM, TEXT, LIST = "atom", "text", "list"  # LIST: text that folds only between its items
TEXT_MIN = 12  # cells a folding column keeps at least (six Chinese characters)
HEADER_MIN = 8  # an atom column widens for its header up to this; a longer header wraps
GAP = 3  # cells between two columns: padding, rule, padding


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: str = ATOM
    priority: int = 0  # 0: always shown; larger: dropped first when the terminal is narrow
    justify: str = "left"


def _width(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.split("\n")), default=0)


def _soft(text: str) -> str:
    """A list folds between its items, never inside a name: a space after each separator
    (a terminal breaks lines at spaces; a Chinese line without them anywhere). Items that are
    clauses (joined by ；) keep their own 、 unbroken."""
    return text.replace("；", "； ") if "；" in text else text.replace("、", "、 ")


_IDEOGRAPH = "\u3400-\u9fff\uf900-\ufaff"  # Chinese characters, not punctuation (，。： stay attached)
_CJK_THEN_ASCII = re.compile(f"(?<=[{_IDEOGRAPH}])(?=[0-9A-Za-z])")
_ASCII_THEN_CJK = re.compile(f"(?<=[0-9A-Za-z%])(?=[{_IDEOGRAPH}])")


def _spaced(text: str) -> str:
    """A space where Chinese meets a number or Latin word (损失 30400.00 元): a terminal breaks
    lines only at spaces, so free text folds around its numbers, never through one."""
    return _ASCII_THEN_CJK.sub(" ", _CJK_THEN_ASCII.sub(" ", text))


def say(text: str, console=None) -> None:
    """A sentence under a table, broken where Chinese may break (cjk.py), never mid-number."""
    from rich.text import Text

    from fanzha_cli.cjk import wrap
    from fanzha_cli.render.console import console as default_console, plain

    out = console or default_console()
    out.print(Text(plain("\n".join(wrap(text, out.width)))))


def _header(header: str, content: int) -> str:
    """A header wider than its column's values breaks in two: before its unit (损失金额\n（元）),
    after a slash (已报/\n应报), else in the middle (累计扣分\n次数)."""
    if _width(header) <= max(content, HEADER_MIN) or "\n" in header:
        return header
    if "（" in header[1:]:
        return header[0] + header[1:].replace("（", "\n（", 1)
    if "/" in header[1:-1]:
        return header.replace("/", "/\n", 1)
    half = (len(header) + 1) // 2
    return f"{header[:half]}\n{header[half:]}"


def plan_columns(cols: list[Col], cells: list[list[str]], width: int) -> tuple[list[int], dict[int, int]] | None:
    """Which columns to show at `width`, and the width each atom column needs; None: stack."""
    need: dict[int, int] = {}
    for i, col in enumerate(cols):
        content = max((_width(row[i]) for row in cells), default=0)
        if col.kind == ATOM:
            need[i] = max(content, _width(_header(col.header, content)), 1)
        else:
            need[i] = max(min(content, TEXT_MIN), min(_width(col.header), 4), 1)
    shown = list(range(len(cols)))

    def total(idx: list[int]) -> int:
        return sum(need[i] for i in idx) + GAP * (len(idx) - 1)

    for priority in sorted({c.priority for c in cols if c.priority > 0}, reverse=True):
        if total(shown) <= width:
            break
        # drop this priority's columns, the rightmost first, only as many as needed
        for i in [i for i in reversed(shown) if cols[i].priority == priority]:
            if total(shown) <= width:
                break
            shown.remove(i)
    if total(shown) > width:
        return None
    return shown, need


def print_table(title: str | None, cols: list[Col], rows: Iterable[dict[str, Any]], *,
                more: str = "--format csv", console=None) -> None:
    """Print `rows` (values already formatted as text; None shows empty) under `cols`."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from fanzha_cli.render.console import console as default_console, note, plain

    out = console or default_console()
    cells = [["" if r.get(c.key) is None else plain(str(r.get(c.key))) for c in cols] for r in rows]
    for row in cells:
        for i, col in enumerate(cols):
            if col.kind == LIST:
                row[i] = _spaced(_soft(row[i]))
            elif col.kind == TEXT:
                row[i] = _spaced(row[i])
    planned = plan_columns(cols, cells, out.width)
    if planned is None:
        _stacked(title, cols, cells, out)
        return
    shown, need = planned
    if title:  # its own line: a title is never squeezed into a narrow table's width
        out.print(Text(title, style="bold"))
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for i in shown:
        col = cols[i]
        if col.kind == ATOM:
            header = _header(col.header, max((_width(row[i]) for row in cells), default=0))
            t.add_column(header, width=need[i], no_wrap=False, overflow="fold", justify=col.justify)
        else:
            t.add_column(col.header, min_width=need[i], overflow="fold", justify=col.justify)
    for row in cells:
        t.add_row(*(Text(row[i]) for i in shown))
    out.print(t)
    dropped = [cols[i].header for i in range(len(cols)) if i not in shown]
    if dropped:
        out.file.flush()  # the note after the table, also when both streams go to one place
        note(f"（终端宽 {out.width} 列，未显示：{'、'.join(dropped)}；加宽终端，或用 {more} 查看全部列。）")


def _stacked(title: str | None, cols: list[Col], cells: list[list[str]], out) -> None:
    """One 「字段：值」 block per row: for terminals too narrow for the columns side by side."""
    from rich.table import Table
    from rich.text import Text

    if title:
        out.print(Text(title, style="bold"))
    label = max(_width(c.header) for c in cols) + 2
    for n, row in enumerate(cells, start=1):
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=label, no_wrap=True)
        grid.add_column(overflow="fold")
        for col, value in zip(cols, row):
            grid.add_row(Text(f"{col.header}："), Text(value))
        out.print(Text(f"—— 第 {n} 条 ——", style="dim"))
        out.print(grid)
