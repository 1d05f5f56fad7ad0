"""Importing filled-in report sheets (.xlsx / .csv): every row checked, all or nothing."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanzha_cli import privacy, queries, weeks
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.reports.cells import (
    _FIELD_OF_HEADER, _HEADER_OF_FIELD, _IGNORED_KEYS, COL_TARGET, CONTENT_FIELDS, KIND_WORDS, MEASURE_KEYS,
    MEASURE_LABELS, SELF_LABEL, LineInput, _header_key, parse_content,
)
from fanzha_cli.reports.sheet_set import ASK, compact, screen
from fanzha_cli.reports.week_plan import WeekPlans
from fanzha_cli.reports.write import _row_columns, public, target_label

_ROW_COLUMNS = tuple(_row_columns())

# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    file: str
    sheet: str
    row: int | None
    column: str
    message: str

    def text(self) -> str:
        where = Path(self.file).name + (f"［{self.sheet}］" if self.sheet else "")
        at = f" 第 {self.row} 行" if self.row is not None else ""
        col = f"“{self.column}”列" if self.column else ""
        return f"{where}{at}{('，' + col) if col else ''}：{self.message}"


@dataclass
class ImportResult:
    files: list[str]
    rows: int = 0
    new_lines: list[dict[str, Any]] = field(default_factory=list)  # as stored
    unchanged: int = 0
    superseded: int = 0
    blank: int = 0
    entry_id: int | None = None
    dry_run: bool = False

    @functools.cached_property
    def added(self) -> list[dict[str, Any]]:
        """The new lines as JSON shows them (made when asked for: a large import need not)."""
        return [public(r) for r in self.new_lines]


class ImportRejected(FanzhaError):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        rows = {(p.file, p.sheet, p.row) for p in problems}
        listing = "\n".join(f"  - {p.text()}" for p in problems)
        super().__init__(
            f"导入被拒绝：{len(rows)} 行有错误（共 {len(problems)} 处），未写入任何内容。\n{listing}",
            hint="改正表中这些行后重新导入（全部无误才会写入）；与已登记报送不同的行请先用 fanzha report amend 更正，或从表中删去。",
        )


class Progress:
    """What an import reports as it goes; the command hands in a progress bar."""

    def start(self, label: str, total: int | None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class _SkipFile(Exception):
    pass


@dataclass
class _Sheet:
    """One file's rows, read before the ledger is locked."""

    path: Path
    fields: dict[str, str]  # header -> field
    rows: list[_Line]
    names: list[str] = field(default_factory=list)  # the named headers, in the sheet's order
    file: str = ""
    title: str = ""  # the worksheet's name (Excel only)


class _Line:
    """A data row: its number and its cells under the sheet's named headers (`_Sheet.names`);
    read as tabular.Row (file, sheet, number, values by header) by the row validator."""

    __slots__ = ("_of", "number", "cells")

    def __init__(self, of: _Sheet, number: int, cells: tuple[str, ...]):
        self._of, self.number, self.cells = of, number, cells

    @property
    def values(self) -> dict[str, str]:
        return dict(zip(self._of.names, self.cells))  # a header named twice: the later cell, as tabular's

    @property
    def file(self) -> str:
        return self._of.file

    @property
    def sheet(self) -> str:
        return self._of.title


def _read_sheet(path: Path, problems: list[ImportProblem], progress: Progress) -> _Sheet | None:
    from fanzha_cli.tabular import read_rows

    sheet = _Sheet(path, {}, [])

    def on_header(header: list[str], where) -> None:
        sheet.names, sheet.file, sheet.title = [h for h in header if h], where.file, where.sheet
        seen: dict[str, str] = {}
        for h in header:
            if not h:
                continue
            key = _header_key(h)
            f = _FIELD_OF_HEADER.get(key)
            if f is None:
                if key in _IGNORED_KEYS:
                    continue
                import difflib

                close = difflib.get_close_matches(key, list(_FIELD_OF_HEADER), n=1, cutoff=0.5)
                tip = f"；是不是“{_HEADER_OF_FIELD[_FIELD_OF_HEADER[close[0]]]}”？" if close else "；请删去该列或改为模板中的列名"
                problems.append(ImportProblem(where.file, where.sheet, where.number, h, f"不认识的列{tip}"))
            elif f in seen:
                problems.append(ImportProblem(where.file, where.sheet, where.number, h, f"与“{seen[f]}”列重复"))
            else:
                seen[f] = h
                sheet.fields[h] = f
        lacking = [_HEADER_OF_FIELD[f] for f in ("dept", "week", "target") if f not in seen]
        if lacking:
            problems.append(ImportProblem(where.file, where.sheet, where.number, "",
                                          f"表头缺少列：{'、'.join(lacking)}（请用 fanzha report template 生成的表格）"))
        if lacking or any(p.file == where.file and p.row == where.number for p in problems):
            raise _SkipFile

    try:
        for row in read_rows(path, [], on_header, lambda number, cells: _Line(sheet, number, cells)):
            sheet.rows.append(row)
            progress.advance()
    except _SkipFile:
        return None
    except FanzhaError as exc:
        problems.append(ImportProblem(str(path), "", None, "", exc.message))
        return None
    return sheet


def import_files(
    led: Ledger,
    paths: list[Path],
    *,
    dry_run: bool = False,
    submitted_at: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate every row of every file; write all new lines as one entry, or nothing.

    A row whose department, week and target already has a line is skipped when its figures
    are the same (re-importing a file adds nothing) and is a problem when they differ: an
    import never overwrites what was recorded; `report amend` does, with a reason.
    Rows with no figures at all (a template row left empty) are not reports and are skipped.
    """
    from fanzha_cli.tabular import size_hint

    now = now or weeks.now()
    progress = progress or Progress()
    default_submitted = weeks.parse_datetime(submitted_at, "--submitted-at") if submitted_at else None
    if default_submitted is not None and default_submitted > now:
        raise FanzhaError(f"--submitted-at {weeks.show(weeks.stamp(default_submitted))} 在将来。",
                          hint="--submitted-at 写收到表格的实际时间。")
    result = ImportResult(files=[str(p) for p in paths], dry_run=dry_run)
    problems: list[ImportProblem] = []
    sizes = [size_hint(p) for p in paths]
    progress.start("读取", sum(s or 0 for s in sizes) or None)
    sheets = [s for s in (_read_sheet(p, problems, progress) for p in paths) if s is not None]
    result.rows = sum(len(s.rows) for s in sheets)

    with led.write() as writer:
        plans = WeekPlans(led, now.date())  # the row validator's: the whole plan, built only if a row needs it
        names = WeekPlans(led, now.date(), point=True)  # the set check's: names looked up in the plan
        stamped: dict[tuple[dt.datetime, int], tuple[str, str, int]] = {}  # a few distinct times in all
        existing: dict[str, dict[tuple[str, str, str, str], tuple[dict | None, set[tuple]]]] = {}
        seen: dict[tuple[str, str, str, str], tuple[str, int]] = {}
        new_rows: list[dict[str, Any]] = []
        progress.start("校验", result.rows)
        for sheet in sheets:
            source = _source(sheet.rows[0]) if sheet.rows else ""
            # The sheet's rows checked as a set (sheet_set.screen); a row it cannot settle,
            # and every wrong row, is checked and worded by the row validator.
            screened = screen(led, sheet.fields, sheet.names, sheet.rows, names, now, default_submitted)
            for row, checked in zip(sheet.rows, screened):
                progress.advance()
                if checked is ASK:
                    checked = compact(_check_row(row, sheet.fields, plans, now, default_submitted))
                if isinstance(checked, list):
                    problems += checked
                    continue
                if checked is None:
                    result.blank += 1
                    continue
                key, figures, submitted, plan = checked
                if key in seen:
                    first_source, first_row = seen[key]
                    problems.append(ImportProblem(row.file, row.sheet, row.number, COL_TARGET,
                                                  f"与 {first_source} 第 {first_row} 行重复（同一科所队、周次、对象只能报送一次）"))
                    continue
                seen[key] = (source, row.number)  # worded only if another row repeats it
                week = key[1]
                if week not in existing:
                    existing[week] = _recorded(led, week)
                recorded = existing[week].get(key)
                if recorded is not None:
                    old, earlier = recorded
                    # A sheet written by `report list` (its notes masked) is the line as recorded too.
                    if old is not None and figures in _as_listed(tuple(old[k] for k in CONTENT_FIELDS)):
                        result.unchanged += 1
                        continue
                    if figures in earlier:  # recorded once, then amended or voided on purpose
                        result.superseded += 1
                        continue
                    if old is not None:
                        content = dict(zip(CONTENT_FIELDS, figures))
                        ident = dict(zip(("dept", "week", "target_kind", "target"), key))
                        diff = [k for k in CONTENT_FIELDS if old[k] != content[k]]
                        k = diff[0]
                        problems.append(ImportProblem(
                            row.file, row.sheet, row.number, _header_in(sheet.fields, k),
                            f"{ident['dept']} {ident['week']} “{target_label(ident['target_kind'], ident['target'])}”"
                            f"已登记为第 {old['line_id']} 条，{_what(k)}已登记为 {_shown(old, k)}，表中为 {_shown(content, k)}"
                            f"{'（另有 ' + str(len(diff) - 1) + ' 项不同）' if len(diff) > 1 else ''}；导入不覆盖已登记的报送",
                        ))
                        continue
                when = (submitted, id(plan))
                if when not in stamped:
                    stamped[when] = (weeks.stamp(submitted), weeks.stamp(plan.deadline), int(plan.is_late(submitted)))
                # The stored row, as write._row makes it (_ROW_COLUMNS is its column order).
                new_rows.append(dict(zip(_ROW_COLUMNS, (0, 1, "add", *key, *figures, *stamped[when], source, row.number))))
        if problems:
            raise ImportRejected(problems)
        first = led.query(queries.REPORT_MAX_LINE_ID)[0]["n"] + 1
        for i, r in enumerate(new_rows):
            r["line_id"] = first + i
        result.new_lines = new_rows
        if dry_run or not new_rows:
            return result
        progress.start("写入", None)
        result.entry_id = writer.append("report_import", {"report_lines": new_rows})
    return result


def _as_listed(figures: tuple) -> set[tuple]:
    """A line's content as recorded, and as `report list` shows it (phone and ID-card numbers
    in the note masked): either, read back from a sheet, is that line (CONTENT_FIELDS ends
    with the note)."""
    return {figures, figures[:-1] + (privacy.mask_text(figures[-1]),)}


def _recorded(led: Ledger, week: str) -> dict[tuple[str, str, str, str], tuple[dict | None, set[tuple]]]:
    """For each department, week and target: its current line (None if voided), and the
    figures of every version ever recorded for it, so a sheet imported again is recognised
    even after its figures were amended or its line voided."""
    out: dict[tuple[str, str, str, str], tuple[dict | None, set[tuple]]] = {}
    for r in led.query(queries.REPORT_VERSIONS_OF_WEEK, {"week": week}):
        key = (r["dept"], r["week"], r["target_kind"], r["target"])
        current, seen = out.get(key, (None, set()))
        seen.update(_as_listed(tuple(r[k] for k in CONTENT_FIELDS)))
        current = None if r["action"] == "void" else r  # rows come in line, then version order
        out[key] = (current, seen)
    return out


def _source(row) -> str:
    return Path(row.file).name + (f"［{row.sheet}］" if row.sheet else "")


def _header_in(fields: dict[str, str], key: str) -> str:
    return next((h for h, f in fields.items() if f == key), _HEADER_OF_FIELD[key])


def _what(key: str) -> str:
    return {"progress": "宣传进度", "duties": "已完成行业职责", "note": "备注"}.get(key) or MEASURE_LABELS[key]


def _shown(values: dict[str, Any], key: str) -> str:
    v = values[key]
    if key == "duties":
        return "、".join(json.loads(v)) or "无"
    return "空" if v is None else str(v)


def _check_row(row, fields: dict[str, str], plans: WeekPlans, now: dt.datetime,
               default_submitted: dt.datetime | None):
    """A row's identity, content, time and week plan; a list of problems; or None for a blank row."""
    v = {f: row.values.get(h, "") for h, f in fields.items()}
    text = {f: (v.get(f) or "").strip() for f in ("dept", "week", "target_kind", "target", "submitted_at")}
    values = LineInput(
        measures={k: v[k] for k in MEASURE_KEYS if k in v and v[k].strip() != ""},
        progress=v.get("progress") or None,
        duties=[v["duties"]] if (v.get("duties") or "").strip() else None,
        note=v.get("note") or None,
    )
    if not values.given():
        return None
    out: list[ImportProblem] = []

    def problem(f: str, message: str) -> None:
        out.append(ImportProblem(row.file, row.sheet, row.number, _header_in(fields, f), message.rstrip("。")))

    plan = dept = kind = target = None
    try:
        plan = plans.of_text(text["week"])
    except FanzhaError as exc:
        problem("week", exc.message)
    if plan is not None:
        try:
            dept = plan.dept(text["dept"])
        except FanzhaError as exc:
            problem("dept", _with_hint(exc))
    if dept is not None:
        kind = KIND_WORDS.get(text["target_kind"].lower() if text["target_kind"].isascii() else text["target_kind"])
        if kind is None and text["target_kind"]:
            problem("target_kind", f"对象类型应为 单位、网格 或 本人，实际是“{text['target_kind']}”")
        elif kind is None:
            kind = "self" if text["target"] in ("", SELF_LABEL) else ("grid" if text["target"] in plan.index.grids else "unit")
        if kind is not None and kind != "self" and not text["target"]:
            problem("target", "没有写包联对象")
        elif kind is not None:
            try:
                target = plan.target(dept, kind, text["target"])
            except FanzhaError as exc:
                problem("target", _with_hint(exc))
    checklist = plan.checklist(kind, target) if plan is not None and target is not None else []
    content, bad = parse_content(values, checklist, target_label(kind or "unit", target or text["target"]))
    if target is None:  # the checklist is unknown: judge duties only once the target is right
        bad = [p for p in bad if p.field != "duties"]
    for p in bad:
        problem(p.field, p.message)
    submitted = None
    if plan is not None:
        try:
            submitted = plans.submitted(text["submitted_at"] or None, plan.week, now, default_submitted)
        except FanzhaError as exc:
            problem("submitted_at", exc.message)
    if out:
        return out
    ident = {"dept": dept, "week": plan.week.label, "target_kind": kind, "target": target}
    return ident, content, submitted, plan


def _with_hint(exc: FanzhaError) -> str:
    return exc.message.rstrip("。") + (f"（{exc.hint.rstrip('。')}）" if exc.hint else "")


