"""A report line's cells: the measures and sheet columns, and each value parsed with a
Chinese message naming the field (every write path, command or sheet, parses through here)."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from fanzha_cli.errors import FanzhaError


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
        # Each duty once, even when one piece names it twice ("1,1"): a line lists what was done, not how often.
        for d in picks:
            if d not in done:
                done.append(d)
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


