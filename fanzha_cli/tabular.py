"""Reading CSV and Excel sheets into rows of text, with clear errors for broken files.

Cells are read as values, never as formulas (openpyxl data_only), and every value comes
back as stripped text, so a number typed in Excel and the same number in a CSV agree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from fanzha_cli.errors import FanzhaError


@dataclass
class Row:
    source: str  # file name, and sheet for Excel
    number: int  # 1-based row number as the clerk sees it in the sheet
    values: dict[str, str]
    file: str = ""  # the file as given
    sheet: str = ""  # the worksheet's name (Excel only)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FanzhaError(f"无法识别文件 {path} 的文字编码", hint="请在 Excel 或 WPS 中另存为“CSV UTF-8”或 .xlsx 后再试。")


def read_rows(path: Path, required: list[str], on_header: Callable[[list[str], "Row"], None] | None = None) -> Iterator[Row]:
    """Rows of a .csv or .xlsx file keyed by header; missing headers are an error up front.

    `on_header`, if given, sees the header cells (and where they are, as a Row) before any row.
    """
    if not path.exists():
        raise FanzhaError(f"找不到文件：{path}", hint="检查文件路径。")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = _decode(path.read_bytes(), path)
        reader = csv.reader(io.StringIO(text))
        yield from _keyed(reader, str(path), required, path, "", on_header)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _excel(path, required, on_header)
    else:
        raise FanzhaError(f"不支持的文件类型：{path.name}", hint="请提供 .xlsx 或 .csv 文件。")


def _excel(path: Path, required: list[str], on_header=None) -> Iterator[Row]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FanzhaError(
            f"Excel 文件 {path} 已损坏或不是 .xlsx 格式（{type(exc).__name__}）",
            hint="请用 Excel 或 WPS 打开确认，另存为 .xlsx 后再试。",
        ) from exc
    try:
        ws = wb.worksheets[0]
        rows = ([_text(c) for c in r] for r in ws.iter_rows(values_only=True))
        yield from _keyed(rows, f"{path}［{ws.title}］", required, path, ws.title, on_header)
    finally:
        wb.close()


def _keyed(rows, source: str, required: list[str], path: Path, sheet: str = "", on_header=None) -> Iterator[Row]:
    header: list[str] | None = None
    for number, cells in enumerate(rows, start=1):
        cells = [_text(c) for c in cells]
        if header is None:
            if not any(cells):
                continue
            header = cells
            missing = [h for h in required if h not in header]
            if missing:
                raise FanzhaError(
                    f"{source} 第 {number} 行（表头）缺少列：{'、'.join(missing)}",
                    hint=f"表头应包含：{'、'.join(required)}。",
                )
            if on_header is not None:
                on_header(header, Row(source, number, {}, str(path), sheet))
            continue
        if not any(cells):
            continue
        yield Row(source, number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h},
                  str(path), sheet)
    if header is None:
        raise FanzhaError(f"{source} 是空文件，没有表头和数据", hint=f"表头应包含：{'、'.join(required)}。")


def size_hint(path: Path) -> int | None:
    """Roughly how many rows a file has (header included), cheaply, for a progress bar."""
    try:
        if path.suffix.lower() == ".csv":
            with open(path, "rb") as fh:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            # The first sheet's <dimension ref="A1:T5000"/>, without loading the workbook
            # (which parses every shared string).
            import re
            import zipfile

            with zipfile.ZipFile(path) as z:
                sheets = sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
                if not sheets:
                    return None
                with z.open(min(sheets, key=lambda n: int(re.findall(r"\d+", n)[0]))) as fh:
                    m = re.search(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', fh.read(4096))
                return int(m[1]) if m else None
    except Exception:  # a broken file is reported properly when it is read
        return None
    return None
