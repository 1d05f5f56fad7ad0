"""Values as people read them in the weekly circular: cells, dates, amounts in sentences.

The column kinds say how a table cell is shown (`display`, the same in every format); the
sentence helpers say how a figure reads inside Chinese body text: 14.66万元, never a space
between a Chinese character and a number. Nothing heavy is imported here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

# Column kinds. Text renderers format them with display(); Excel writes typed cells from them.
TEXT, LONG = "text", "long"  # LONG: free text that may wrap (reasons, fraud-type names)
INT, CHANGE = "int", "change"  # CHANGE: a signed week-on-week difference
SCORE = "score"  # float, two decimals
AMOUNT, AMOUNT_CHANGE = "amount", "amount_change"  # yuan as a "1234.50" string / signed Decimal
PERCENT, PERCENT_CHANGE = "percent", "percent_change"  # ratios: 0.838 -> 83.8%, 0.276 -> +27.6%
PROGRESS = "progress"  # a whole percentage 0–100 as reported: 85 -> 85%
DATE, DATETIME = "date", "datetime"  # ISO strings from the contract
NUMERIC = {INT, CHANGE, SCORE, AMOUNT, AMOUNT_CHANGE, PERCENT, PERCENT_CHANGE, PROGRESS}
WAN = Decimal(10000)


def display(value: Any, kind: str = TEXT) -> str:
    """One cell as text, the same in the terminal, Markdown, CSV, Word and HTML."""
    if value is None:
        return "—" if kind in NUMERIC else ""
    return _FORMATTERS.get(kind, str)(value)


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    CHANGE: lambda v: f"{int(v):+d}",
    SCORE: lambda v: f"{float(v):.2f}",
    AMOUNT: lambda v: f"{Decimal(str(v)):.2f}",
    AMOUNT_CHANGE: lambda v: f"{Decimal(str(v)):+.2f}",
    PERCENT: lambda v: f"{float(v) * 100:.1f}%",
    PERCENT_CHANGE: lambda v: f"{float(v) * 100:+.1f}%",
    PROGRESS: lambda v: f"{int(v)}%",
    DATETIME: lambda v: short_datetime(v),
}


def short_datetime(value: str) -> str:
    """'2022-02-04T09:12:00+08:00' -> '2022-02-04 09:12': the clerk's wall-clock time, no offset."""
    return value.replace("T", " ")[:16]


def is_wide(ch: str) -> bool:
    """A full-width character: Chinese, and the Chinese punctuation （）、“” …"""
    return ord(ch) > 0x2E7F or ch in "“”‘’—…"


def text_width(text: str) -> int:
    """Width in half-width cells: a Chinese character counts two, so columns line up in CJK fonts."""
    return sum(2 if is_wide(ch) else 1 for ch in text)


def joined(items: list[str] | None, sep: str = "、") -> str:
    return sep.join(str(i) for i in items or [])


def cn_date(value: str | dt.date, with_year: bool = True) -> str:
    """'2022-02-06' -> '2022年2月6日' (GB/T 9704: Arabic numerals, no leading zeros)."""
    d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{d.year}年{d.month}月{d.day}日" if with_year else f"{d.month}月{d.day}日"


def yuan_words(value: Any) -> str:
    """An amount as a sentence says it: 146600.00 -> 14.66万元, 150000 -> 15万元, 600.00 -> 600元,
    7100.50 -> 7100.50元. Tables keep the exact yuan (display(…, AMOUNT))."""
    amount = Decimal(str(value))
    if abs(amount) >= WAN:
        wan = (amount / WAN).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return f"{_trimmed(wan)}万元"
    return f"{_trimmed(amount.quantize(Decimal('0.01')), keep_cents=True)}元"


def _trimmed(d: Decimal, keep_cents: bool = False) -> str:
    """Two decimals, or none when they are zero; 万 figures also drop a trailing zero (14.60 -> 14.6)."""
    if d == d.to_integral_value():
        return f"{d:.0f}"
    text = f"{d:.2f}"
    return text if keep_cents else text.rstrip("0")


_LOOSE = re.compile(r"(?<=[\u2e80-\uffef]) +(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%]) +(?=[\u2e80-\uffef])")


def tight(text: str) -> str:
    """A sentence from the ledger without the spaces Western typing puts between Chinese and
    numbers: 「劝阻 1 起，避免损失 29700.00 元」 -> 「劝阻1起，避免损失29700.00元」."""
    return _LOOSE.sub("", text)


def change(current, previous):
    return None if current is None or previous is None else current - previous


def ratio(current, previous):
    if current is None or not previous:
        return None
    return (current - previous) / previous


def amount_change(current: str | None, previous: str | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return Decimal(str(current)) - Decimal(str(previous))
