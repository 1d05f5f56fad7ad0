"""Machine formats: JSON (stable English keys) and CSV (Chinese headers, for Excel)."""

from __future__ import annotations

import csv
import json
import re
import sys
from typing import IO, Any, Iterable, Iterator

from fanzha_cli.tabular import FORMULA_GUARD, FORMULA_START  # reading takes the guard off again

_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?%?")


def _dumps(data: Any) -> bytes:
    """`data` as json.dumps(data, ensure_ascii=False, indent=2) gives it, in UTF-8, made by
    orjson (about ten times faster: a province's circular is tens of MB). The one difference:
    a float below 1e-4 or from 1e16 up, which fanzha never writes (scores are rounded to two
    places), orjson spells without an exponent, the same number. What orjson refuses (an
    integer beyond 64 bits) goes through the standard library instead."""
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def json_chunks(data: Any) -> Iterator[bytes]:
    """`data` as JSON with a final newline, a top-level entry at a time, so that the text of
    a large document is never held whole (a newline in the text of a value is always escaped,
    so every raw newline is a line break and indenting one level is a plain replace)."""
    if not isinstance(data, dict) or not data or not all(isinstance(k, str) for k in data):
        yield _dumps(data) + b"\n"
        return
    yield b"{\n"
    last = len(data) - 1
    for i, (key, value) in enumerate(data.items()):
        yield b"  " + _dumps(key) + b": "
        yield _dumps(value).replace(b"\n", b"\n  ") + (b",\n" if i < last else b"\n")
    yield b"}\n"


def write_json(data: Any, fh: IO[str]) -> None:
    """Write `data` as JSON (json_chunks) to a text stream: straight to its bytes when it is UTF-8."""
    buffer = getattr(fh, "buffer", None)
    raw = (getattr(fh, "encoding", "") or "").lower().replace("-", "") == "utf8" and buffer is not None
    if raw:
        fh.flush()
    for chunk in json_chunks(data):
        if raw:
            buffer.write(chunk)
        else:
            fh.write(chunk.decode("utf-8"))
    if raw:
        buffer.flush()


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
