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


def _widths(cols: list[Col], cells: list[list[str]], shown: list[int], need: dict[int, int], width: int) -> dict[int, int]:
    """Every shown column's width: atoms as they need; the room left shared among the folding
    columns, each up to its longest cell (the narrowest wants filled first)."""
    free = [i for i in shown if cols[i].kind != ATOM]
    got = {i: need[i] for i in shown}
    natural = {i: max([_width(row[i]) for row in cells] + [need[i]]) for i in free}
    room = width - sum(got.values()) - GAP * (len(shown) - 1)
    while room > 0:
        hungry = [i for i in free if got[i] < natural[i]]
        if not hungry:
            break
        i = min(hungry, key=lambda i: (got[i], i))
        got[i] += 1
        room -= 1
    return got


def _folded(kind: str, text: str, width: int) -> str:
    """A folding cell broken into lines of `width` cells: free text where Chinese may break
    (a number or Latin word stays whole, cjk.py); a list only between its items."""
    from fanzha_cli.cjk import wrap

    def fit_wrap(value: str) -> list[str]:
        # a closing mark kept with the character before it (，never starts a line) can make a
        # line a character too long: then break a character earlier
        lines = wrap(value, width)
        return lines if all(_width(x) <= width for x in lines) else wrap(value, max(4, width - 2))

    if kind == TEXT or not text:
        return "\n".join(fit_wrap(text))
    sep = "；" if "；" in text else "、"
    items = [p + sep for p in text.split(sep)]
    items[-1] = items[-1][:-1]
    lines, line = [], ""
    for item in items:
        if line and _width(line + item) > width:
            lines.append(line)
            line = ""
        if _width(item) > width:  # one item wider than the column: it alone folds
            parts = fit_wrap(item)
            lines += parts[:-1]
            line = parts[-1]
        else:
            line += item
    lines.append(line)
    return "\n".join(lines)


def print_table(title: str | None, cols: list[Col], rows: Iterable[dict[str, Any]], *,
                more: str = "--format csv", console=None) -> None:
    """Print `rows` (values already formatted as text; None shows empty) under `cols`."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from fanzha_cli.render.console import console as default_console, note, plain

    out = console or default_console()
    cells = [["" if r.get(c.key) is None else plain(str(r.get(c.key))) for c in cols] for r in rows]
    planned = plan_columns(cols, cells, out.width)
    if planned is None:
        _stacked(title, cols, cells, out)
        return
    shown, need = planned
    widths = _widths(cols, cells, shown, need, out.width)
    if title:  # its own line: a title is never squeezed into a narrow table's width
        out.print(Text(title, style="bold"))
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for i in shown:
        col = cols[i]
        header = _header(col.header, widths[i]) if col.kind == ATOM else col.header
        t.add_column(header, width=widths[i], no_wrap=False, overflow="fold", justify=col.justify)
    for row in cells:
        t.add_row(*(Text(row[i] if cols[i].kind == ATOM else _folded(cols[i].kind, row[i], widths[i])) for i in shown))
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
    value_width = max(10, out.width - label - 1)
    for n, row in enumerate(cells, start=1):
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=label, no_wrap=True)
        grid.add_column(width=value_width, overflow="fold")
        for col, value in zip(cols, row):
            shown = value if col.kind == ATOM and _width(value) <= value_width else _folded(
                TEXT if col.kind == ATOM else col.kind, value, value_width)
            grid.add_row(Text(f"{col.header}："), Text(shown))
        out.print(Text(f"—— 第 {n} 条 ——", style="dim"))
        out.print(grid)
