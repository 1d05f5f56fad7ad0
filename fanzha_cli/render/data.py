"""Machine formats: JSON (stable English keys) and CSV (Chinese headers, for Excel)."""

from __future__ import annotations

import csv
import json
import re
import sys
from typing import Any, Iterable

from fanzha_cli.tabular import FORMULA_GUARD, FORMULA_START  # reading takes the guard off again

_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?%?")


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def emit_csv(rows: Iterable[dict[str, Any]], columns: list[tuple[str, str]]) -> None:
    """`columns` pairs each row key with its Chinese header; rows stream, never held whole."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([header for _, header in columns])
    for row in rows:
        writer.writerow(["" if row.get(k) is None else csv_text(_cell(row.get(k))) for k, _ in columns])


def csv_text(text: str) -> str:
    """A cell that Excel would read as a formula (a note "=HYPERLINK(…)" from a department's
    sheet) gets a leading apostrophe, so it stays text; numbers such as "-2" are left alone."""
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return FORMULA_GUARD + text
    return text


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)
