"""Machine formats: JSON (stable English keys) and CSV (Chinese headers, for Excel)."""

from __future__ import annotations

import csv
import json
import re
import sys
from typing import IO, Any, Iterable

from fanzha_cli.tabular import FORMULA_GUARD, FORMULA_START  # reading takes the guard off again

_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?%?")


def json_bytes(data: Any) -> bytes:
    """`data` as UTF-8 JSON, indented by two, with a final newline: the same bytes as
    json.dumps(data, ensure_ascii=False, indent=2) + "\n", made by orjson (about ten times
    faster: a province's circular is tens of MB). What orjson refuses (an integer beyond 64
    bits) goes through the standard library instead."""
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_json(data: Any, fh: IO[str]) -> None:
    """Write `data` as JSON (json_bytes) to a text stream: straight to its bytes when it is UTF-8."""
    raw = json_bytes(data)
    buffer = getattr(fh, "buffer", None)
    if buffer is not None and (getattr(fh, "encoding", "") or "").lower().replace("-", "") == "utf8":
        fh.flush()
        buffer.write(raw)
        buffer.flush()
    else:
        fh.write(raw.decode("utf-8"))


def emit_json(data: Any) -> None:
    write_json(data, sys.stdout)


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
