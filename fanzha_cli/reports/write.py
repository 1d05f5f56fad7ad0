"""Writing report lines: add, amend and void, each one entry; photos kept as evidence."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from fanzha_cli import evidence, privacy, queries, weeks
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import MAX_ID, Ledger
from fanzha_cli.reports.cells import CONTENT_FIELDS, MEASURE_KEYS, SELF_LABEL, LineInput, _raise_all, parse_content
from fanzha_cli.reports.week_plan import submitted_time, week_plan

# --- rows -----------------------------------------------------------------------------------


def target_label(kind: str, target: str) -> str:
    return SELF_LABEL if kind == "self" else target


def _row(line_id: int, version: int, action: str, ident: dict[str, Any], content: dict[str, Any],
         submitted: str, deadline: str, late: bool, source: str, source_row: int | None) -> dict[str, Any]:
    """Every column, always: what is hashed must be exactly what is stored."""
    row = {"line_id": line_id, "version": version, "action": action,
           "dept": ident["dept"], "week": ident["week"], "target_kind": ident["target_kind"],
           "target": ident["target"]}
    row.update({k: content[k] for k in MEASURE_KEYS})
    row.update(progress=content["progress"], duties=content["duties"], note=content["note"],
               submitted_at=submitted, deadline=deadline, late=int(late), source=source,
               source_row=source_row)
    return row


def public(row: dict[str, Any], show_pii: bool = False) -> dict[str, Any]:
    """A stored line as JSON: English keys, duties as a list, late as a boolean; phone and
    ID-card numbers in the note masked unless show_pii."""
    out = {"line_id": row["line_id"], "version": row["version"], "dept": row["dept"],
           "week": row["week"], "target_kind": row["target_kind"],
           "target": row["target"] or None}
    out.update({k: row[k] for k in MEASURE_KEYS})
    duties = [] if row["duties"] == "[]" else json.loads(row["duties"])
    out.update(progress=row["progress"], duties=duties, note=privacy.mask_text(row["note"], show_pii),
               submitted_at=weeks.show(row["submitted_at"]), deadline=weeks.show(row["deadline"]),
               late=bool(row["late"]))
    for k in ("photo_files", "operator", "recorded_at"):
        if k in row:
            out[k] = row[k]
    return out


def _photo_rows(line_id: int, photos: list[evidence.Photo], start_seq: int = 1) -> list[dict[str, Any]]:
    return [{"seq": seq, "line_id": line_id, "sha256": p.sha256, "size": p.size, "name": p.name,
             "stored": p.stored} for seq, p in enumerate(photos, start=start_seq)]


def _inspect_photos(paths: Iterable[Path]) -> list[evidence.Photo]:
    seen: dict[str, evidence.Photo] = {}
    for path in paths:
        photo = evidence.inspect(path)
        seen.setdefault(photo.sha256, photo)
    return list(seen.values())


def _store_photos(led: Ledger, photos: list[evidence.Photo]) -> list[str]:
    """Copy photos into the evidence folder; say which were already reported on other lines."""
    folder = evidence.folder(led.path)
    warnings = []
    for p in photos:
        uses = [r["line_id"] for r in led.query(queries.REPORT_PHOTO_USES, {"sha256": p.sha256})]
        if uses:
            warnings.append(f"照片 {p.name} 已登记在第 {'、'.join(map(str, uses))} 条报送中（同一张照片重复报送）。")
        evidence.store(p, folder)
    return warnings


@dataclass
class Written:
    line: dict[str, Any]
    entry_id: int
    warnings: list[str] = field(default_factory=list)


def _choose_target(unit: str | None, grid: str | None, self_target: bool) -> tuple[str, str]:
    chosen = [(k, v) for k, v in (("unit", unit), ("grid", grid)) if v is not None]
    if self_target:
        chosen.append(("self", ""))
    if len(chosen) != 1:
        raise FanzhaError("报送对象须且只能写一个：--unit 包联单位、--grid 网格 或 --self（民辅警本人亲友）。",
                          hint="例如 fanzha report add --dept 宣传科 --week 2022-W05 --unit 宣传部 --leaflets 120。")
    return chosen[0]


def _settle_photos(content: dict[str, Any], values: LineInput, files: int) -> None:
    """The photo count is at least the number of photo files attached; unstated, it is that number."""
    if values.measures.get("photos") is None:
        content["photos"] = max(content["photos"], files)
    elif content["photos"] < files:
        raise FanzhaError(f"宣传图片写了 {content['photos']} 张，但附了 {files} 个不同的照片文件。",
                          hint="--photos 应不少于附上的照片数；不写 --photos 则按附上的照片数计。")


def _existing_hint(line_id: int) -> str:
    return f"要更正已登记的数字，用 fanzha report amend {line_id} --字段 新值 --reason \"原因\"（如 --leaflets 150）。"


def add_line(
    led: Ledger,
    *,
    dept: str,
    week: str,
    unit: str | None = None,
    grid: str | None = None,
    self_target: bool = False,
    values: LineInput | None = None,
    photos: Iterable[Path] = (),
    submitted_at: str | None = None,
    now: dt.datetime | None = None,
) -> Written:
    now = now or weeks.now()
    values = values or LineInput()
    wk = weeks.resolve(week, now.date())
    weeks.refuse_future(wk, now.date())
    kind, name = _choose_target(unit, grid, self_target)
    files = _inspect_photos(photos)
    with led.write() as writer:
        plan = week_plan(led, wk, point=True)
        dept = plan.dept(dept)
        target = plan.target(dept, kind, name)
        content, problems = parse_content(values, plan.checklist(kind, target), target_label(kind, target))
        _raise_all(problems)
        submitted = submitted_time(submitted_at, wk, now)
        existing = led.query(queries.REPORT_CURRENT_OF_TARGET,
                             {"week": wk.label, "dept": dept, "target_kind": kind, "target": target})
        if existing:
            line_id = existing[0]["line_id"]
            raise FanzhaError(
                f"{dept} {wk.label} “{target_label(kind, target)}”已有报送（第 {line_id} 条），不能重复登记。",
                hint=_existing_hint(line_id),
            )
        _settle_photos(content, values, len(files))
        line_id = led.query(queries.REPORT_MAX_LINE_ID)[0]["n"] + 1
        ident = {"dept": dept, "week": wk.label, "target_kind": kind, "target": target}
        row = _row(line_id, 1, "add", ident, content, weeks.stamp(submitted), weeks.stamp(plan.deadline),
                   plan.is_late(submitted), "command", None)
        warnings = _store_photos(led, files)
        entry_id = writer.append("report_add", {"report_lines": [row],
                                                "report_photos": _photo_rows(line_id, files)})
    return Written(public(row), entry_id, warnings)


def _versions(led: Ledger, line_id: int) -> list[dict[str, Any]]:
    versions = led.query(queries.REPORT_LINE_VERSIONS, {"line_id": line_id}) if 0 < line_id <= MAX_ID else []
    if not versions:
        raise FanzhaError(f"没有编号为 {line_id} 的报送。",
                          hint="用 fanzha report list --week 周次 查看报送编号。")
    return versions


def _live(versions: list[dict[str, Any]], doing: str) -> dict[str, Any]:
    current = versions[-1]
    if current["action"] == "void":
        raise FanzhaError(
            f"第 {current['line_id']} 条报送已于 {current['recorded_at']} 作废（原因：{current['reason']}），不能{doing}。",
            hint="如需重新登记这一周这一对象的报送，用 fanzha report add。",
        )
    return current


def _need_reason(reason: str | None, doing: str) -> str:
    if not (reason and reason.strip()):
        raise FanzhaError(f"{doing}报送须写明原因。", hint=f"加上 --reason \"……\" 说明为什么{doing}，原记录会保留。")
    return reason.strip()


def amend_line(
    led: Ledger,
    line_id: int,
    *,
    values: LineInput | None = None,
    photos: Iterable[Path] = (),
    submitted_at: str | None = None,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> Written:
    now = now or weeks.now()
    values = values or LineInput()
    photos = list(photos)
    if not (values.given() or photos or submitted_at):
        raise FanzhaError("没有指定要更正的内容。",
                          hint="写上要更正的字段和新值，例如 --leaflets 150、--progress 80、--note 文字或 --photo 照片。")
    reason = _need_reason(reason, "更正")
    inspected = _inspect_photos(photos)
    with led.write() as writer:
        versions = _versions(led, line_id)
        current = _live(versions, "更正")
        wk = weeks.resolve(current["week"])
        plan = week_plan(led, wk, point=True)
        kind, target = current["target_kind"], current["target"]
        content, problems = parse_content(values, plan.checklist(kind, target), target_label(kind, target), current)
        _raise_all(problems)
        submitted = submitted_time(submitted_at, wk, now) if submitted_at else weeks.parse_datetime(current["submitted_at"])
        attached = {r["sha256"] for r in led.query(queries.REPORT_LINE_PHOTOS, {"line_id": line_id})}
        files = [p for p in inspected if p.sha256 not in attached]
        _settle_photos(content, values, len(attached) + len(files))
        same = all(content[k] == current[k] for k in CONTENT_FIELDS) and weeks.stamp(submitted) == current["submitted_at"]
        if same and not files:
            raise FanzhaError(f"更正内容与第 {line_id} 条报送的现有记录相同，未写入。", hint="检查要更正的字段和数值。")
        ident = {k: current[k] for k in ("dept", "week", "target_kind", "target")}
        row = _row(line_id, current["version"] + 1, "amend", ident, content, weeks.stamp(submitted),
                   weeks.stamp(plan.deadline), plan.is_late(submitted), current["source"], current["source_row"])
        warnings = _store_photos(led, files)
        entry_id = writer.append("report_amend",
                                 {"report_lines": [row], "report_photos": _photo_rows(line_id, files)},
                                 reason=reason, supersedes=current["entry_id"])
    return Written(public(row), entry_id, warnings)


def void_line(led: Ledger, line_id: int, *, reason: str | None = None) -> Written:
    reason = _need_reason(reason, "作废")
    with led.write() as writer:
        versions = _versions(led, line_id)
        current = _live(versions, "再次作废")
        row = {k: current[k] for k in _row_columns()}
        row.update(version=current["version"] + 1, action="void")
        entry_id = writer.append("report_void", {"report_lines": [row]},
                                 reason=reason, supersedes=current["entry_id"])
    return Written(public(row), entry_id)


def _row_columns() -> list[str]:
    ident = {"dept": "", "week": "", "target_kind": "", "target": ""}
    content = {k: 0 for k in CONTENT_FIELDS}
    return list(_row(0, 0, "", ident, content, "", "", False, "", None))


