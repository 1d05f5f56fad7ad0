"""Amounts of money as users type them (yuan) and as the ledger keeps them (integer fen).

No floats anywhere: "1234.5" is read digit by digit into 123450 fen, and 123450 fen is
written back as "1234.50". A negative amount, more than two decimals, or anything that is
not a number is refused with a Chinese message.
"""

from __future__ import annotations

import re

from fanzha_cli.errors import FanzhaError

# Digits, optionally grouped by thousands commas, and at most two decimals.
_YUAN = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")
MAX_DIGITS = 13  # up to a hundred billion yuan: far above any real case, far below int64


def parse_yuan(value: str, what: str = "金额") -> int:
    """'1,234.5' / '1234.50元' / '¥1234.5' -> 123450 (fen)."""
    raw = value if isinstance(value, str) else str(value)
    text = raw.strip().replace("，", ",").replace("．", ".")
    text = text.removeprefix("¥").removeprefix("￥").removesuffix("元").strip()
    hint = "金额以元为单位，最多两位小数，例如 1234.56；不能为负数。"
    if text.startswith("-") or text.startswith("−"):
        raise FanzhaError(f"{what}不能为负数：{raw}", hint=hint)
    m = _YUAN.match(text)
    if not m:
        if re.match(r"^[\d,]+\.\d{3,}$", text):
            raise FanzhaError(f"{what}最多两位小数（精确到分）：{raw}", hint=hint)
        raise FanzhaError(f"{what}不是有效的金额：{raw!r}", hint=hint)
    whole = m[1].replace(",", "")
    if len(whole.lstrip("0")) > MAX_DIGITS:
        raise FanzhaError(f"{what}过大：{raw}", hint=hint)
    cents = (m[2] or "").ljust(2, "0")
    return int(whole) * 100 + int(cents)


def format_yuan(fen: int | None) -> str | None:
    """123450 -> '1234.50'; None stays None (amount not given)."""
    if fen is None:
        return None
    return f"{fen // 100}.{fen % 100:02d}"
