"""Reading CSV and Excel sheets into rows of text, with clear errors for broken files.

Cells are read as values, never as formulas (openpyxl data_only), and every value comes
back as stripped text, so a number typed in Excel and the same number in a CSV agree.

A department's file is not trusted: a CSV is read as UTF-8 (with or without BOM), UTF-16
with BOM, or GBK/GB18030 as Windows Excel saves it, and refused (never guessed into
mojibake) when it mixes encodings or holds binary; a file larger than fanzha will hold in
memory is refused before it is read; an .xlsx is checked for what its zip declares before
openpyxl inflates anything (a zip bomb is refused, not opened); a formula whose result Excel
never saved is refused, since fanzha does not compute formulas.
"""

from __future__ import annotations

import csv
import io
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from fanzha_cli.errors import FanzhaError


@dataclass
class Row:
    source: str  # file name, and sheet for Excel
    number: int  # 1-based row number as the clerk sees it in the sheet
    values: dict[str, str]
    file: str = ""  # the file as given
    sheet: str = ""  # the worksheet's name (Excel only)


# Limits that keep one import within a clerk's laptop memory (an import validates every row
# before it writes any, so it holds them all): far above a county's weekly sheets.
MAX_ROWS = 200_000  # data rows per file
MAX_CSV_BYTES = 100 * 1024 * 1024
MAX_XLSX_INFLATED = 512 * 1024 * 1024  # all parts of an .xlsx, as its zip declares them
MAX_XLSX_PARTS = 10_000
MAX_XLSX_RATIO = 200  # a part of more than 1 MB inflating more than this is a zip bomb
# Text a spreadsheet reads as a formula; our CSV output guards it with a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
_SAVE_AS = "请在 Excel 或 WPS 中另存为“CSV UTF-8”或 .xlsx 后再试。"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_cell(value: str) -> str:
    """A CSV cell as read: the apostrophe fanzha's own CSV puts before a formula-like text comes off."""
    if value.startswith(FORMULA_GUARD) and value[1:2] and value[1] in FORMULA_START:
        return value[1:]
    return value


def _decode(raw: bytes, path: Path) -> str:
    """The text of a CSV; refuses what cannot be read faithfully rather than guessing."""
    text = None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            if _mixed(raw):
                raise FanzhaError(
                    f"文件 {path} 的文字编码混杂：有的行是 UTF-8，有的行不是，按任何一种编码读都会出现乱码。",
                    hint=_SAVE_AS,
                )
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError:
                pass
    if text is None:
        raise FanzhaError(f"无法识别文件 {path} 的文字编码", hint=_SAVE_AS)
    if "\x00" in text:
        raise FanzhaError(f"文件 {path} 含有二进制内容，不是 CSV 表格", hint="请提供 .xlsx 或 .csv 文件。" + _SAVE_AS)
    return text


def _mixed(raw: bytes) -> bool:
    """Whether a file that is not all UTF-8 has lines that are: pieced together from two
    encodings. GBK text read as UTF-8 is almost all broken; a GBK line of six Chinese
    characters or more reads as valid UTF-8 about once in a million."""
    loose = raw.decode("utf-8", errors="replace")
    broken = loose.count("\ufffd")
    readable = sum(1 for ch in loose if ord(ch) > 0x7F and ch != "\ufffd")
    if readable >= 4 * broken:
        return True
    for line in raw.splitlines():
        try:
            if sum(1 for ch in line.decode("utf-8") if ord(ch) > 0x7F) >= 6:
                return True
        except UnicodeDecodeError:
            continue
    return False


def _too_big(path: Path, what: str) -> FanzhaError:
    return FanzhaError(
        f"文件 {path} {what}，超出一次导入的上限（每个文件最多 {MAX_ROWS:,} 行数据）。",
        hint="请把表格拆成几个较小的文件分别导入。",
    )


def read_rows(path: Path, required: list[str], on_header: Callable[[list[str], "Row"], None] | None = None,
              make_row: Callable[[int, tuple[str, ...]], Any] | None = None) -> Iterator[Row]:
    """Rows of a .csv or .xlsx file keyed by header; missing headers are an error up front.

    `on_header`, if given, sees the header cells (and where they are, as a Row) before any row.
    `make_row`, if given, makes each row instead of Row, from its number and its cells under
    the named headers, in the header's order (a short row's missing cells are empty): a
    100,000-row import need not build a dict per row.
    """
    if not path.exists():
        raise FanzhaError(f"找不到文件：{path}", hint="检查文件路径。")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if path.stat().st_size > MAX_CSV_BYTES:
            raise _too_big(path, f"有 {path.stat().st_size / 1024 / 1024:.0f} MB")
        text = _decode(path.read_bytes(), path)
        first = text.split("\n", 1)[0]
        tabbed = "\t" in first and "," not in first  # Excel's "Unicode text" is tab-separated
        reader = csv.reader(io.StringIO(text), dialect="excel-tab" if tabbed else "excel")
        # _csv_cell, then _text, written out: this runs for every cell of a 100,000-row sheet.
        rows = ([(c[1:] if c[:1] == FORMULA_GUARD and c[1:2] in FORMULA_START else c).strip() for c in r]
                for r in _guarded(reader, path, csv.Error, _broken_csv))
        yield from _keyed(rows, str(path), required, path, "", on_header, make_row)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _excel(path, required, on_header, make_row)
    else:
        raise FanzhaError(f"不支持的文件类型：{path.name}", hint="请提供 .xlsx 或 .csv 文件。")


def _guarded(rows, path: Path, errors, explain) -> Iterator:
    """Rows from a parser of untrusted files, its failures (any, from a damaged file) explained."""
    it = iter(rows)
    while True:
        try:
            row = next(it)
        except StopIteration:
            return
        except errors as exc:
            raise explain(path, exc) from exc
        yield row


def _broken_csv(path: Path, exc: Exception) -> FanzhaError:
    return FanzhaError(f"CSV 文件 {path} 无法读取：某个单元格过长或引号不配对（{exc}）",
                       hint="请用 Excel 或 WPS 打开确认，另存为 .xlsx 或“CSV UTF-8”后再试。")


def _broken_excel(path: Path, exc: Exception) -> FanzhaError:
    return FanzhaError(
        f"Excel 文件 {path} 已损坏或不是 .xlsx 格式（{type(exc).__name__}）",
        hint="请用 Excel 或 WPS 打开确认，另存为 .xlsx 后再试。",
    )


def _check_zip(path: Path) -> bool:
    """Refuse an .xlsx whose parts would inflate beyond reason, before anything is inflated.

    Python's zipfile never inflates a part beyond the size its directory declares (and then
    fails its CRC check), so the declared sizes bound what openpyxl can be made to read.
    Returns whether any worksheet holds a formula (a cheap byte scan, bounded the same way).
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
            inflated = sum(p.file_size for p in parts)
            if len(parts) > MAX_XLSX_PARTS or inflated > MAX_XLSX_INFLATED:
                raise FanzhaError(
                    f"Excel 文件 {path} 解压后有 {inflated / 1024 / 1024:.0f} MB、{len(parts)} 个部件，超出上限，未打开。",
                    hint="请确认文件来源；正常的报送表只有几 MB。表格确实很大时，请拆成几个文件分别导入。",
                )
            for p in parts:
                if p.file_size > 1024 * 1024 and p.file_size > MAX_XLSX_RATIO * max(p.compress_size, 1):
                    raise FanzhaError(
                        f"Excel 文件 {path} 中的 {p.filename} 压缩比异常（{p.compress_size} 字节解压为 {p.file_size} 字节），"
                        "疑似“压缩炸弹”，未打开。",
                        hint="请确认文件来源，在 Excel 或 WPS 中打开后另存为 .xlsx 再试。",
                    )
            return any(_has_formula(z, p) for p in parts if p.filename.startswith("xl/worksheets/"))
    except FanzhaError:
        raise
    except Exception as exc:  # zipfile and zlib fail in many ways on a damaged file
        raise _broken_excel(path, exc) from exc


def _has_formula(z, part) -> bool:
    tail = b""
    with z.open(part) as fh:
        while chunk := fh.read(1 << 20):
            if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                return True
            tail = chunk[-8:]
    return False


def _excel(path: Path, required: list[str], on_header=None, make_row=None) -> Iterator[Row]:
    from openpyxl import load_workbook

    formulas = _check_zip(path)
    wb = wbf = None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        # Only when a sheet has formulas: the same sheet as formulas, to tell an empty cell
        # from a formula whose result was never saved (files written by scripts, not Excel).
        wbf = load_workbook(path, read_only=True, data_only=False) if formulas else None
        ws = wb.worksheets[0]
    except Exception as exc:  # openpyxl, zipfile, zlib and the XML parser each fail their own way
        for book in (wb, wbf):
            if book is not None:
                book.close()
        raise _broken_excel(path, exc) from exc
    try:
        source = f"{path}［{ws.title}］"
        values = _guarded(ws.iter_rows(values_only=True), path, Exception, _broken_excel)
        if wbf is not None:
            formula_rows = _guarded(wbf.worksheets[0].iter_rows(values_only=True), path, Exception, _broken_excel)
            values = _saved_results(values, formula_rows, source)
        rows = ([_text(c) for c in r] for r in values)
        yield from _keyed(rows, source, required, path, ws.title, on_header, make_row)
    finally:
        wb.close()
        if wbf is not None:
            wbf.close()


def _saved_results(values, formulas, source: str):
    """Rows of cached results; a formula with no saved result is refused, never read as empty."""
    from openpyxl.utils import get_column_letter

    for number, (row, frow) in enumerate(zip(values, formulas), start=1):
        for col, (value, formula) in enumerate(zip(row, frow), start=1):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                raise FanzhaError(
                    f"{source} 第 {number} 行 {get_column_letter(col)} 列是公式（{formula[:40]}），"
                    "但文件中没有保存它的计算结果；fanzha 不计算公式。",
                    hint="在 Excel 或 WPS 中打开该文件并保存（会存下计算结果）后再导入，或把公式改成数值。",
                )
        yield row


def _keyed(rows, source: str, required: list[str], path: Path, sheet: str = "", on_header=None,
           make_row=None) -> Iterator[Row]:
    """Rows of cells already as text (`_text`), keyed by the header's names."""
    header: list[str] | None = None
    for number, cells in enumerate(rows, start=1):
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
            keep = [i for i, h in enumerate(header) if h]
            names, width = [header[i] for i in keep], keep[-1] + 1 if keep else 0
            pick = operator.itemgetter(*keep) if keep else None
            continue
        if not any(cells):
            continue
        if number > MAX_ROWS + 1:
            raise _too_big(path, f"超过 {MAX_ROWS:,} 行")
        if make_row is not None:
            if len(names) > 1 and len(cells) >= width:
                yield make_row(number, pick(cells))
            else:
                yield make_row(number, tuple(cells[i] if i < len(cells) else "" for i in keep))
            continue
        if len(names) > 1 and len(cells) >= width:  # the usual row: every named column present
            values = dict(zip(names, pick(cells)))
        else:
            values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        yield Row(source, number, values, str(path), sheet)
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
