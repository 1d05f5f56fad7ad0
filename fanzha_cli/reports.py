"""Weekly reports (每周报送): validating report lines and writing them to the ledger.

A report line is one department's work for one week on one paired target: a unit, a grid
(stations only), or `self` (officers' own pushes to relatives, friends and home community).
Lines are identified by `line_id`; an amend or a void appends a whole new version that
supersedes the last one, and the current line is the latest version unless it is a void.

Pairings are judged against the plan in force on the week's Monday, so a plan change that
takes effect mid-week applies from the next week, and every line of a week is judged
against one plan. The deadline (weekday and hour) comes from that plan's rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from fanzha_cli import clock, evidence, plan_lookup, privacy, queries, rules, weeks
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import MAX_ID, Ledger
from fanzha_cli.plan_lookup import PlanLookup
from fanzha_cli.plan_store import PlanIndex, index_on
from fanzha_cli.weeks import Week

# key, what it is called in messages, its column header in sheets
MEASURES: list[tuple[str, str, str]] = [
    ("leaflets", "宣传折页", "宣传折页（份）"),
    ("notices", "告知书", "告知书（份）"),
    ("pledges", "承诺书", "签订承诺书（份）"),
    ("app_installs", "国家反诈中心APP", "指导安装国家反诈中心APP（人）"),
    ("group_pushes", "微信群推送", "微信群推送（天）"),
    ("lectures", "职工大会、专题讲座", "职工大会、专题讲座（场）"),
    ("attendees", "讲座参加人数", "讲座参加人数（人）"),
    ("events", "宣讲活动", "宣讲活动（场）"),
    ("themes", "宣传主题创建", "宣传主题创建（个）"),
    ("photos", "宣传图片", "宣传图片（张）"),
]
MEASURE_KEYS = [m[0] for m in MEASURES]
MEASURE_LABELS = {m[0]: m[1] for m in MEASURES}
MAX_COUNT = 1_000_000_000  # beyond any real week; keeps a typo from overflowing the ledger
MAX_PUSH_DAYS = 7  # group pushes are days in the week with a push

TARGET_KINDS = {"unit": "单位", "grid": "网格", "self": "本人亲友"}
SELF_LABEL = "民辅警本人（亲属、朋友、居住小区）"
ACTION_LABELS = {"add": "登记", "amend": "更正", "void": "作废"}

# The sheet layout: template, import, and `report list --format csv` share these headers.
COL_DEPT, COL_WEEK, COL_KIND, COL_TARGET = "科所队", "周次", "对象类型", "包联对象"
COL_WORKER = "网格员"
COL_PROGRESS = "宣传进度（%）"
COL_DUTIES = "已完成行业职责（填编号）"
COL_CHECKLIST = "行业职责清单"
COL_NOTE = "备注"
COL_SUBMITTED = "报送时间"
SHEET_COLUMNS = (
    [COL_DEPT, COL_WEEK, COL_KIND, COL_TARGET, COL_WORKER]
    + [m[2] for m in MEASURES]
    + [COL_PROGRESS, COL_DUTIES, COL_CHECKLIST, COL_NOTE, COL_SUBMITTED]
)
# Reference columns in the template, and the extra columns of `report list --format csv`:
# present in a sheet, they are read past.
IGNORED_COLUMNS = {"序号", "编号", COL_WORKER, COL_CHECKLIST, "截止时间", "是否迟报", "版本",
                   "照片文件数", "录入人", "录入时间", "说明"}
KIND_WORDS = {
    "单位": "unit", "包联单位": "unit", "unit": "unit",
    "网格": "grid", "包联网格": "grid", "grid": "grid",
    "本人": "self", "本人亲友": "self", "民辅警本人": "self", "self": "self",
}


class Problem(Exception):
    """One wrong value: which field (a sheet column or a command option) and why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _header_key(header: str) -> str:
    """Headers match without spaces, a trailing unit in brackets, or a leading *."""
    text = re.sub(r"\s+", "", header or "").lstrip("*＊")
    return re.sub(r"[（(][^（）()]*[）)]$", "", text) or text


_FIELD_OF_HEADER = {_header_key(h): f for h, f in [
    (COL_DEPT, "dept"), (COL_WEEK, "week"), (COL_KIND, "target_kind"), (COL_TARGET, "target"),
    (COL_PROGRESS, "progress"), (COL_DUTIES, "duties"), ("行业职责", "duties"), (COL_NOTE, "note"),
    (COL_SUBMITTED, "submitted_at"),
    *[(m[2], m[0]) for m in MEASURES], *[(m[1], m[0]) for m in MEASURES], *[(m[0], m[0]) for m in MEASURES],
]}
_HEADER_OF_FIELD = {"dept": COL_DEPT, "week": COL_WEEK, "target_kind": COL_KIND, "target": COL_TARGET,
                    "progress": COL_PROGRESS, "duties": COL_DUTIES, "note": COL_NOTE,
                    "submitted_at": COL_SUBMITTED, **{m[0]: m[2] for m in MEASURES}}
_IGNORED_KEYS = {_header_key(h) for h in IGNORED_COLUMNS}


# --- values -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # a sheet repeats the same few numbers: parse each once
def parse_count(value: str | None, key: str) -> int:
    """A measure as typed: a whole number ≥ 0 (empty is 0)."""
    text = str(value).strip() if value is not None else ""
    if text == "":
        return 0
    if text.isdigit() and text.isascii() and len(text) < 9:
        n = int(text)  # the usual case, quickly
        if key != "group_pushes" or n <= MAX_PUSH_DAYS:
            return n
    label = MEASURE_LABELS[key]
    if re.fullmatch(r"[+-]?\d{1,3}([,，]\d{3})+", text):  # 1,200 as Excel shows thousands
        text = re.sub(r"[,，]", "", text)
    m = re.fullmatch(r"([+-]?)(\d+)(?:\.0*)?", text)
    if not m:
        raise Problem(key, f"{label}应为整数，实际是“{text}”")
    if m[1] == "-" and int(m[2]) != 0:
        raise Problem(key, f"{label}不能为负数（{text}）")
    n = int(m[2])
    if n >= MAX_COUNT:
        raise Problem(key, f"{label} {n} 过大，请核实")
    if key == "group_pushes" and n > MAX_PUSH_DAYS:
        raise Problem(key, f"{label}按天计，一周最多 {MAX_PUSH_DAYS} 天，实际是 {n}")
    return n


@functools.lru_cache(maxsize=256)
def parse_progress(value: str | None) -> int | None:
    """Progress in percent, 0–100, whole; `85%` is accepted. Empty is 'not reported'."""
    text = str(value).strip().rstrip("%％").strip() if value is not None else ""
    if text == "":
        return None
    m = re.fullmatch(r"(-?\d+)(?:\.0*)?", text)
    if not m:
        raise Problem("progress", f"宣传进度应为 0 到 100 的整数（85 表示 85%），实际是“{value}”")
    n = int(m[1])
    if not 0 <= n <= 100:
        raise Problem("progress", f"宣传进度应在 0 到 100 之间，实际是 {n}")
    return n


def parse_duties(values: Iterable[str], checklist: list[str], target_label: str) -> list[str]:
    """Duties done, each by its number in the checklist, its full text, or a unique part of it."""
    pieces = [p.strip() for v in values for p in re.split(r"[；;\n]+", v or "") if p.strip()]
    if not pieces:
        return []
    if not checklist:
        raise Problem("duties", f"“{target_label}”没有行业职责清单（只有方案第五部分列出的行业单位有），不能填写行业职责")
    numbered = "；".join(f"{i}. {d}" for i, d in enumerate(checklist, start=1))
    done: list[str] = []
    for piece in pieces:
        if re.fullmatch(r"[\d\s,，、/]+", piece):
            picks = []
            for n in re.findall(r"\d+", piece):
                if not 1 <= int(n) <= len(checklist):
                    raise Problem("duties", f"行业职责编号 {n} 不存在；“{target_label}”的清单为：{numbered}")
                picks.append(checklist[int(n) - 1])
        elif piece in checklist:
            picks = [piece]
        else:
            matches = [d for d in checklist if piece in d]
            if len(matches) != 1:
                raise Problem("duties", f"“{piece}”不是“{target_label}”的行业职责；清单为：{numbered}（可只填编号）")
            picks = matches
        done += [d for d in picks if d not in done]
    return sorted(done, key=checklist.index)


def _note(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


@dataclass
class LineInput:
    """What a clerk gave for a line, as text; None means 'not given'."""

    measures: dict[str, str | None] = field(default_factory=dict)
    progress: str | None = None
    duties: list[str] | None = None
    note: str | None = None

    def given(self) -> bool:
        return (any(v is not None for v in self.measures.values()) or self.progress is not None
                or self.duties is not None or self.note is not None)


CONTENT_FIELDS = MEASURE_KEYS + ["progress", "duties", "note"]


def parse_content(values: LineInput, checklist: list[str], target_label: str,
                  base: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """The content of a line (measures, progress, duties as JSON, note) and what was wrong.

    With `base` (an amend), what was not given keeps its recorded value.
    """
    def duties(raw: Any) -> str:
        return _canon(parse_duties(raw or [], checklist, target_label))

    given = [(k, values.measures.get(k), _COUNT_PARSERS[k]) for k in MEASURE_KEYS]
    given += [("progress", values.progress, parse_progress), ("duties", values.duties, duties),
              ("note", values.note, _note)]
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for key, raw, parse in given:
        if raw is None and base is not None:
            out[key] = base[key]
            continue
        try:
            out[key] = parse(raw)
        except Problem as p:
            problems.append(p)
    return out, problems


_COUNT_PARSERS: dict[str, Callable[[Any], int]] = {k: functools.partial(parse_count, key=k) for k in MEASURE_KEYS}


def _canon(items: list[str]) -> str:
    if not items:
        return "[]"
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def _raise_all(problems: list[Problem]) -> None:
    if len(problems) == 1:
        raise FanzhaError(f"{problems[0].message}。", hint=_HINTS.get(problems[0].field))
    if problems:
        hints = dict.fromkeys(_HINTS.get(p.field) for p in problems if _HINTS.get(p.field))
        raise FanzhaError("以下数值有误，未写入：\n" + "\n".join(f"  - {p.message}" for p in problems),
                          hint="".join(hints) or None)


_HINTS = {
    **{k: "数量填不小于 0 的整数；没有就不填（按 0 计）。" for k in MEASURE_KEYS},
    "group_pushes": "微信群推送填本周推送的天数（0 到 7）。",
    "progress": "宣传进度填 0 到 100 的整数，例如 --progress 85。",
    "duties": "--duty 填行业职责清单中的编号或原文；用 fanzha plan show --dept 科所队 查看单位的行业职责。",
}


# --- the plan for a week --------------------------------------------------------------------


@dataclass
class WeekPlan:
    """The plan in force on a week's Monday, as what report lines are checked against."""

    week: Week
    index: PlanIndex | PlanLookup
    deadline: dt.datetime
    checklists: dict[str, list[str]]  # unit -> sector duties

    def dept(self, name: str) -> str:
        name = (name or "").strip()
        if not name:
            raise FanzhaError("没有写科所队名称。", hint="用 --dept 写明报送的科所队，例如 --dept 宣传科。")
        self.index.dept(name)
        return name

    def is_station(self, dept: str) -> bool:
        return self.index.departments.get(dept, {}).get("category") == "station"

    def target(self, dept: str, kind: str, name: str) -> str:
        """The canonical name of a target paired with `dept` this week ('' for self)."""
        name = (name or "").strip()
        if kind == "self":
            return ""
        if kind == "unit":
            unit = self.index.unit(name)
            depts = self.index.unit_depts.get(unit, [])
            if dept not in depts:
                mine = self.index.units_of(dept)
                raise FanzhaError(
                    f"{dept} 在 {self.week.label} 没有包联“{unit}”（该单位由 {'、'.join(depts) or '无'} 包联）。",
                    hint=f"{dept} 的包联单位：{'、'.join(mine) or '无'}。",
                )
            return unit
        if not self.is_station(dept):
            raise FanzhaError(f"{dept} 不是派出所，没有结对网格。",
                              hint="科室、大队报送包联单位用 --unit，民辅警本人亲友宣传用 --self。")
        station = self.index.grid(name)
        if station != dept:
            raise FanzhaError(
                f"网格“{name}”是 {station} 的结对网格，不是 {dept} 的。",
                hint=f"{dept} 的网格：{'、'.join(self.index.grids_of(dept)) or '无'}。",
            )
        return name

    def checklist(self, kind: str, target: str) -> list[str]:
        return self.checklists.get(target, []) if kind == "unit" else []

    def targets_of(self, dept: str) -> list[tuple[str, str]]:
        """Every target the department reports on this week, in the plan's order."""
        out = [("unit", u) for u in self.index.units_of(dept)]
        if self.is_station(dept):
            out += [("grid", g) for g in self.index.grids_of(dept)]
        return out + [("self", "")]

    def is_late(self, submitted: dt.datetime) -> bool:
        return submitted > self.deadline


def week_plan(led: Ledger, week: Week, *, point: bool = False) -> WeekPlan:
    """The plan a week is judged by: the one in force on its Monday, or on the day the first
    plan took effect if that is later in the week. A week outside the campaign, or before the
    first due week (see clock), is refused. `point`: for one line, look up only the names it
    names (plan_lookup) rather than build the whole plan."""
    settings = clock.latest_settings(led)
    period = settings.get("campaign", {}).get("routine_period", {})
    start, end = period.get("start"), period.get("end")
    monday = week.monday.isoformat()
    if start and end and (week.sunday.isoformat() < start or monday > end):
        raise FanzhaError(f"周次 {week.span()} 不在活动期 {start} 至 {end} 内。", hint="检查周次是否写错。")
    plan_start, first = clock.first_due(led, settings)
    clock.refuse_not_due(week, plan_start, first, settings)
    on = max(monday, plan_start)
    try:
        index = plan_lookup.lookup_on(led, on) if point else index_on(led, on)
    except FanzhaError as exc:
        raise FanzhaError(
            f"{week.span()} 的周一（{monday}）账本中还没有生效的计划，无法判断包联关系。",
            hint=exc.hint,
        ) from exc
    checklists: dict[str, list[str]] = {}
    for sector in index.settings.get("sector_duties", []):
        for unit in sector["units"]:
            checklists.setdefault(unit, [])
            checklists[unit] += [d for d in sector["duties"] if d not in checklists[unit]]
    return WeekPlan(week, index, weeks.deadline(week, rules.of(index.settings).weekly_report), checklists)


class WeekPlans:
    """Week plans and report times for a whole import, each distinct week text and each
    distinct time resolved once (the plan index itself is built once per plan version:
    plan_store.index_on keeps it)."""

    def __init__(self, led: Ledger, today: dt.date):
        self.led = led
        self.today = today
        self._by_text: dict[str, WeekPlan | FanzhaError] = {}
        self._times: dict[tuple, dt.datetime | FanzhaError] = {}

    def of_text(self, text: str) -> WeekPlan:
        def resolve() -> WeekPlan:
            wk = weeks.resolve(text or "（空）", self.today)
            weeks.refuse_future(wk, self.today)
            return week_plan(self.led, wk)

        return _once(self._by_text, text, resolve)

    def submitted(self, value: str | None, week: Week, now: dt.datetime, default: dt.datetime | None) -> dt.datetime:
        """`submitted_time`: a sheet holds one time, or a few, for all its rows."""
        return _once(self._times, (value, week, now, default), lambda: submitted_time(value, week, now, default))


def _once(cache: dict, key: Any, compute: Callable[[], Any]) -> Any:
    """compute() once per key; a FanzhaError it raised is raised again for the same key."""
    if key not in cache:
        try:
            cache[key] = compute()
        except FanzhaError as exc:
            cache[key] = exc
    got = cache[key]
    if isinstance(got, FanzhaError):
        raise got
    return got


# --- times ----------------------------------------------------------------------------------


def submitted_time(value: str | None, week: Week, now: dt.datetime, default: dt.datetime | None = None) -> dt.datetime:
    """When the report came in: given, else `default`, else now; never in the future or before the week."""
    when = weeks.parse_datetime(value) if value not in (None, "") else (default or now)
    if when > now:
        raise FanzhaError(f"报送时间 {weeks.stamp(when).replace('T', ' ')} 在将来。",
                          hint="--submitted-at 只用于补录已经收到的报送，写实际收到的时间。")
    if when.date() < week.monday:
        raise FanzhaError(
            f"报送时间 {weeks.stamp(when).replace('T', ' ')} 早于 {week.span()}的开始，不可能是这一周的报送。",
            hint="检查周次或报送时间是否写错。",
        )
    return when


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


# --- reading ----------------------------------------------------------------------------------


def history(led: Ledger, line_id: int, show_pii: bool = False) -> dict[str, Any]:
    """Every version of a line, oldest first, with who recorded it, when and why; and its photos.
    Phone and ID-card numbers typed into a note (or a reason) are masked unless show_pii."""
    versions = _versions(led, line_id)
    first, last = versions[0], versions[-1]
    return {
        "line_id": line_id,
        "dept": first["dept"],
        "week": first["week"],
        "target_kind": first["target_kind"],
        "target": first["target"] or None,
        "voided": last["action"] == "void",
        "versions": [
            {"version": v["version"], "action": v["action"], "entry_id": v["entry_id"],
             "operator": v["operator"], "recorded_at": v["recorded_at"],
             "reason": privacy.mask_text(v["reason"], show_pii),
             "supersedes": v["supersedes"], "source": v["source"], "source_row": v["source_row"],
             **{k: val for k, val in public(v, show_pii).items() if k in MEASURE_KEYS + [
                 "progress", "duties", "note", "submitted_at", "deadline", "late"]}}
            for v in versions
        ],
        "photos": [
            {"name": p["name"], "sha256": p["sha256"], "size": p["size"], "stored": p["stored"],
             "entry_id": p["entry_id"], "recorded_at": p["recorded_at"]}
            for p in led.query(queries.REPORT_LINE_PHOTOS, {"line_id": line_id})
        ],
    }


def _plan_order(plan: WeekPlan | None) -> Callable[[dict[str, Any]], tuple]:
    if plan is None:
        return lambda r: (r["dept"], r["line_id"])
    depts = {d: i for i, d in enumerate(plan.index.departments)}
    rank: dict[tuple[str, str, str], int] = {}
    for d in plan.index.departments:
        for i, t in enumerate(plan.targets_of(d)):
            rank[(d, *t)] = i
    big = len(rank) + 1
    return lambda r: (depts.get(r["dept"], big), r["dept"],
                      rank.get((r["dept"], r["target_kind"], r["target"]), big), r["line_id"])


def list_lines(led: Ledger, week: str, dept: str | None = None, *,
               today: dt.date | None = None, show_pii: bool = False) -> tuple[Week, list[dict[str, Any]]]:
    wk = weeks.resolve(week, today)
    try:
        plan: WeekPlan | None = week_plan(led, wk)
    except FanzhaError:
        plan = None  # a week before any plan: nothing can have been reported
    if dept is not None and plan is not None:
        dept = plan.dept(dept)
    rows = led.query(queries.REPORT_LIST_OF_WEEK, {"week": wk.label, "dept": dept})
    rows.sort(key=_plan_order(plan))
    return wk, [public(r, show_pii) for r in rows]


def list_department(led: Ledger, dept: str, *, show_pii: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """One department's current lines over the whole campaign, week by week (plan order within a week)."""
    from fanzha_cli import plan_store

    state = plan_store.select_department(plan_store.state_on(led, plan_store.FAR_FUTURE), dept)
    name = (state["departments"] + state["stations"])[0]["name"]
    rows = led.query(queries.REPORT_LIST_OF_DEPT, {"dept": name})
    return name, [public(r, show_pii) for r in rows]


def complete(row: dict[str, Any]) -> bool:
    """Reported on every paired target (a department paired with none: reported at all)."""
    if row["paired_targets"]:
        return row["reported_targets"] >= row["paired_targets"]
    return row["lines"] > 0


def missing(led: Ledger, week: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Each department's report status for a week against the plan in force that week.

    missing: no line at all and the deadline has passed; pending: none yet, deadline ahead;
    late: at least one line came in after the deadline; on_time: every line before it.
    """
    now = now or weeks.now()
    wk = weeks.resolve(week, now.date())
    weeks.refuse_future(wk, now.date())
    plan = week_plan(led, wk)
    lines_of: dict[str, list[dict[str, Any]]] = {}
    for r in led.query(queries.REPORT_CURRENT_OF_WEEK, {"week": wk.label}):
        lines_of.setdefault(r["dept"], []).append(r)
    rows = []
    late_if_any_line = rules.of(plan.index.settings).late_if_any_line
    for dept, attrs in plan.index.departments.items():
        lines = lines_of.get(dept, [])
        paired = [t for t in plan.targets_of(dept) if t[0] != "self"]
        reported = {(r["target_kind"], r["target"]) for r in lines}
        late = sum(r["late"] for r in lines)
        if not lines:
            status = "pending" if now <= plan.deadline else "missing"
        elif late_if_any_line:
            status = "late" if late else "on_time"
        else:  # local rule: the first line's time decides
            status = "late" if plan.is_late(weeks.parse_datetime(min(r["submitted_at"] for r in lines))) else "on_time"
        rows.append({
            "dept": dept,
            "category": attrs.get("category"),
            "status": status,
            "lines": len(lines),
            "late_lines": late,
            "paired_targets": len(paired),
            "reported_targets": sum(1 for t in paired if t in reported),
            "unreported_targets": [t[1] for t in paired if t not in reported],
            "self_reported": ("self", "") in reported,
            "first_submitted_at": weeks.show(min(r["submitted_at"] for r in lines)) if lines else None,
            "last_submitted_at": weeks.show(max(r["submitted_at"] for r in lines)) if lines else None,
        })
    return {"week": wk.label, "monday": wk.monday.isoformat(), "sunday": wk.sunday.isoformat(),
            "deadline": weeks.show(weeks.stamp(plan.deadline)), "plan_on": plan.index.on,
            "departments": rows}


def template(led: Ledger, dept: str, week: str, *, today: dt.date | None = None) -> dict[str, Any]:
    """What a department's sheet for a week holds: one row per paired unit or grid, and self."""
    wk = weeks.resolve(week, today)
    plan = week_plan(led, wk)
    dept = plan.dept(dept)
    rows = []
    for kind, target in plan.targets_of(dept):
        checklist = plan.checklist(kind, target)
        rows.append({
            "target_kind": kind,
            "target": target_label(kind, target),
            "worker": plan.index.grid_workers.get(target, "") if kind == "grid" else "",
            "checklist": checklist,
        })
    return {"dept": dept, "week": wk.label, "span": wk.span(),
            "deadline": weeks.describe_deadline(plan.deadline), "rows": rows}


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
    rows: list[Any]


def _read_sheet(path: Path, problems: list[ImportProblem], progress: Progress) -> _Sheet | None:
    from fanzha_cli.tabular import read_rows

    sheet = _Sheet(path, {}, [])

    def on_header(header: list[str], where) -> None:
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
        for row in read_rows(path, [], on_header):
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
        plans = WeekPlans(led, now.date())
        stamp = functools.lru_cache(maxsize=None)(weeks.stamp)  # a few distinct times in all
        existing: dict[str, dict[tuple[str, str, str], dict[str, Any]]] = {}
        seen: dict[tuple[str, str, str, str], str] = {}
        new_rows: list[dict[str, Any]] = []
        progress.start("校验", result.rows)
        for sheet in sheets:
            source = _source(sheet.rows[0]) if sheet.rows else ""
            for row in sheet.rows:
                progress.advance()
                checked = _check_row(row, sheet.fields, plans, now, default_submitted)
                if isinstance(checked, list):
                    problems += checked
                    continue
                if checked is None:
                    result.blank += 1
                    continue
                ident, content, submitted, plan = checked
                key = (ident["dept"], ident["week"], ident["target_kind"], ident["target"])
                if key in seen:
                    problems.append(ImportProblem(row.file, row.sheet, row.number, COL_TARGET,
                                                  f"与 {seen[key]}重复（同一科所队、周次、对象只能报送一次）"))
                    continue
                seen[key] = f"{source} 第 {row.number} 行"
                if ident["week"] not in existing:
                    existing[ident["week"]] = _recorded(led, ident["week"])
                old, earlier = existing[ident["week"]].get(key, (None, set()))
                figures = tuple(content[k] for k in CONTENT_FIELDS)
                # A sheet written by `report list` (its notes masked) is the line as recorded too.
                if old is not None and figures in _as_listed(tuple(old[k] for k in CONTENT_FIELDS)):
                    result.unchanged += 1
                    continue
                if figures in earlier:  # recorded once, then amended or voided on purpose
                    result.superseded += 1
                    continue
                if old is not None:
                    diff = [k for k in CONTENT_FIELDS if old[k] != content[k]]
                    k = diff[0]
                    problems.append(ImportProblem(
                        row.file, row.sheet, row.number, _header_in(sheet.fields, k),
                        f"{ident['dept']} {ident['week']} “{target_label(ident['target_kind'], ident['target'])}”"
                        f"已登记为第 {old['line_id']} 条，{_what(k)}已登记为 {_shown(old, k)}，表中为 {_shown(content, k)}"
                        f"{'（另有 ' + str(len(diff) - 1) + ' 项不同）' if len(diff) > 1 else ''}；导入不覆盖已登记的报送",
                    ))
                    continue
                new_rows.append(_row(0, 1, "add", ident, content, stamp(submitted),
                                     stamp(plan.deadline), plan.is_late(submitted), source, row.number))
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


# --- checking the derived counts -----------------------------------------------------------------


def derived_problems(led: Ledger) -> list[str]:
    """Where the per-week counts the report triggers keep (report_week_status) disagree with
    the lines themselves: `db verify` runs this beside the hash chain, which does not cover them."""
    kept = {(r["week"], r["dept"]): (r["lines"], r["late_lines"]) for r in led.query(queries.REPORT_WEEK_STATUS_KEPT)}
    fresh = {(r["week"], r["dept"]): (r["lines"], r["late_lines"])
             for r in led.query(queries.REPORT_WEEK_STATUS_FROM_LINES)}
    wrong = sorted(k for k in kept.keys() | fresh.keys() if kept.get(k) != fresh.get(k))
    if not wrong:
        return []
    week, dept = wrong[0]
    return [f"每周报送统计（report_week_status）与报送记录不符：{len(wrong)} 处，首处为 {dept} {week}。",
            "提示：该表由报送记录推导，不一致说明账本文件在 fanzha 之外被改动；请用 fanzha db backup 留存现状，并从最近的完好备份恢复。"]
