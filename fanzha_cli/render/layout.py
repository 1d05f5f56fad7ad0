"""The weekly circular (每周通报), described once: its header, its sections and their tables.

Every renderer (terminal, Markdown, CSV, Word, Excel, HTML) walks `SECTIONS` and asks
`display()` or `Column.kind` how to show a value, so the formats cannot drift apart: a column
added here appears everywhere, in the same place, under the same Chinese header.

The circular arrives as the plain dict of the JSON contract (tests/data/circular_sample.json).
Rows keep numbers as numbers (Excel wants them typed) and translate every code into Chinese
(按时/迟报/未报, 科室、大队/基层派出所, 是/否). The contract carries no victim data and
nothing here adds any. This module imports nothing heavy: the CLI may import it at start-up.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from fanzha_cli.dates import parse_week

STATUS_LABELS = {"on_time": "按时", "late": "迟报", "missing": "未报"}
CATEGORY_LABELS = {"bureau": "科室、大队", "station": "基层派出所"}
SUBJECT_LABELS = {"officer": "民辅警", "department": "单位负责人"}
COMMENDED_LABELS = {"officer": "民辅警", "department": "单位"}
CATEGORIES = ("bureau", "station")
NONE_TEXT = "无"  # what an empty section says, in every format
ADDRESSEE = "各科、室、所、队："

# Each measure: its table label, and how the overall paragraph says it ({} is the figure).
MEASURES = (
    ("leaflets", "宣传折页（份）", "发放宣传折页{}份"),
    ("notices", "告知书（份）", "发放告知书{}份"),
    ("pledges", "承诺书（份）", "签订承诺书{}份"),
    ("app_installs", "国家反诈中心APP安装注册（人）", "指导安装注册国家反诈中心APP{}人"),
    ("group_pushes", "群内推送（次）", "在单位、网格微信群推送{}次"),
    ("lectures", "职工大会、专题讲座（场）", "举办职工大会、专题讲座{}场"),
    ("attendees", "参加人数（人次）", "参加{}人次"),
    ("events", "宣讲活动（场）", "开展宣讲活动{}场"),
    ("themes", "宣传主题创建（个）", "创建宣传主题{}个"),
    ("photos", "宣传图片（张）", "报送宣传图片{}张"),
)

# Column kinds. Text renderers format them with display(); Excel writes typed cells from them.
TEXT, LONG = "text", "long"  # LONG: free text that may wrap (reasons, fraud-type names)
INT, CHANGE = "int", "change"  # CHANGE: a signed week-on-week difference
SCORE = "score"  # float, two decimals
AMOUNT, AMOUNT_CHANGE = "amount", "amount_change"  # yuan as a "1234.50" string / signed Decimal
PERCENT, PERCENT_CHANGE = "percent", "percent_change"  # ratios: 0.838 -> 83.8%, 0.276 -> +27.6%
DATE, DATETIME = "date", "datetime"  # ISO strings from the contract
NUMERIC = {INT, CHANGE, SCORE, AMOUNT, AMOUNT_CHANGE, PERCENT, PERCENT_CHANGE}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    width: int = 0  # relative width for Word and Excel, in Chinese characters; 0: from the header


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # second-level heading "（一）…"; "" when it is its section's only table
    sheet: str  # the Excel sheet's name: unique, at most 31 characters
    columns: tuple[Column, ...]
    rows: Callable[[dict], list[dict]]


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # first-level heading "一、…"
    lead: Callable[[dict], str]  # the paragraph that opens the section
    tables: tuple[Table, ...]


# --- values as people read them ---

def display(value: Any, kind: str = TEXT) -> str:
    """One cell as text, the same in the terminal, Markdown, CSV, Word and HTML."""
    if value is None:
        return "—" if kind in NUMERIC else ""
    return _FORMATTERS.get(kind, str)(value)


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    CHANGE: lambda v: f"{int(v):+d}",
    SCORE: lambda v: f"{float(v):.2f}",
    AMOUNT: lambda v: f"{Decimal(str(v)):.2f}",
    AMOUNT_CHANGE: lambda v: f"{Decimal(str(v)):+.2f}",
    PERCENT: lambda v: f"{float(v) * 100:.1f}%",
    PERCENT_CHANGE: lambda v: f"{float(v) * 100:+.1f}%",
    DATETIME: lambda v: short_datetime(v),
}


def short_datetime(value: str) -> str:
    """'2022-02-04T09:12:00+08:00' -> '2022-02-04 09:12': the clerk's wall-clock time, no offset."""
    return value.replace("T", " ")[:16]


def is_wide(ch: str) -> bool:
    """A full-width character: Chinese, and the Chinese punctuation （）、“” …"""
    return ord(ch) > 0x2E7F or ch in "“”‘’—…"


def text_width(text: str) -> int:
    """Width in half-width cells: a Chinese character counts two, so columns line up in CJK fonts."""
    return sum(2 if is_wide(ch) else 1 for ch in text)


def joined(items: list[str] | None, sep: str = "、") -> str:
    return sep.join(str(i) for i in items or [])


def cn_date(value: str | dt.date, with_year: bool = True) -> str:
    """'2022-02-06' -> '2022年2月6日' (GB/T 9704: Arabic numerals, no leading zeros)."""
    d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{d.year}年{d.month}月{d.day}日" if with_year else f"{d.month}月{d.day}日"


def _change(current, previous):
    return None if current is None or previous is None else current - previous


def _ratio(current, previous):
    if current is None or not previous:
        return None
    return (current - previous) / previous


def _amount_change(current: str | None, previous: str | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return Decimal(str(current)) - Decimal(str(previous))


def _subject(row: dict, labels: dict = SUBJECT_LABELS) -> dict:
    """The columns every person-or-head row shares: who, with the kind translated."""
    return {"subject": labels.get(row.get("subject_kind"), row.get("subject_kind")),
            "badge": row.get("badge"), "name": row.get("name"), "department": row.get("department")}


# --- the circular's header: title, issue, issuer, opening ---

def week_numbers(c: dict) -> tuple[int, int]:
    return parse_week(c["week"])


def title_lines(c: dict) -> list[str]:
    """The title in the lines a printed circular breaks it into: the week, then the subject."""
    year, week = week_numbers(c)
    return [f"关于{year}年第{week}周", "反电诈宣传工作情况的通报"]


def title(c: dict) -> str:
    return "".join(title_lines(c))


def issue_line(c: dict) -> str:
    n = c["summary"].get("issue_no")
    return f"第{n}期" if n else ""


def issuer(c: dict) -> str:
    """Who signs: the office's full name from the plan (兴县公安局反诈中心)."""
    if c.get("issuer"):
        return c["issuer"]
    campaign = c["summary"].get("campaign") or {}
    return campaign.get("office") or campaign.get("issuer") or ""


def issued_on(c: dict) -> dt.date:
    """The circular's date: the day it was issued (a preview: the day it was made); for a
    circular without one, the last day of its week. Never the clock: a re-run gives the same file."""
    if c.get("issued_on"):
        return dt.date.fromisoformat(c["issued_on"][:10])
    period = c.get("period") or {}
    if period.get("end"):
        return dt.date.fromisoformat(period["end"][:10])
    year, week = week_numbers(c)
    return dt.date.fromisocalendar(year, week, 7)


def period_text(c: dict) -> str:
    """'2022年1月31日至2月6日'; the year is said once unless the week straddles New Year."""
    period = c.get("period") or {}
    if not period.get("start"):
        return cn_date(issued_on(c))
    start, end = (dt.date.fromisoformat(period[k][:10]) for k in ("start", "end"))
    return f"{cn_date(start)}至{cn_date(end, with_year=start.year != end.year)}"


def _more_or_less(current, previous, unit: str) -> str:
    diff = _amount_change(current, previous) if unit == "元" else _change(current, previous)
    if diff is None:
        return ""
    if diff == 0:
        return "持平"
    word = "增加" if diff > 0 else "减少"
    return f"{word}{display(abs(diff), AMOUNT if unit == '元' else INT)}{unit}"


def opening(c: dict) -> str:
    """The first paragraph: the week in one sentence, then the customary 现将……通报如下."""
    s = c["summary"]
    year, week = week_numbers(c)
    cases = (f"全县发生电信网络诈骗案件{s.get('cases', 0)}起，造成损失{display(s.get('loss', '0'), AMOUNT)}元"
             f"，与上周相比发案{_more_or_less(s.get('cases'), s.get('cases_previous'), '起')}"
             f"、损失{_more_or_less(s.get('loss'), s.get('loss_previous'), '元')}")
    campaign = s.get("campaign") or {}
    basis = f"按照{campaign.get('name', '')}（{campaign['document_no']}）要求，" if campaign.get("document_no") else ""
    return (f"{year}年第{week}周（{period_text(c)}），全县应报送宣传工作情况的科所队{s.get('departments', 0)}个，"
            f"按时报送{s.get('on_time', 0)}个、迟报{s.get('late', 0)}个、未报{s.get('missing', 0)}个；{cases}。"
            f"{basis}现将本周工作情况通报如下：")


# --- 一、总体情况 ---

def _overall_lead(c: dict) -> str:
    measures = c["summary"].get("measures") or {}
    said = [phrase.format(measures[key]) for key, _, phrase in MEASURES if measures.get(key) is not None]
    if not said:
        return "本周各单位未报送宣传工作量。"
    return f"本周各单位共{'，'.join(said)}。"


def _report_rows(c: dict) -> list[dict]:
    s = c["summary"]
    total = s.get("departments") or 0
    return [{"departments": total, "reported": s.get("reported", 0), "on_time": s.get("on_time", 0),
             "late": s.get("late", 0), "missing": s.get("missing", 0),
             "on_time_rate": s.get("on_time", 0) / total if total else None}]


def _measure_rows(c: dict) -> list[dict]:
    current = c["summary"].get("measures") or {}
    previous = c["summary"].get("measures_previous") or {}
    labels = {key: label for key, label, _ in MEASURES}
    # Known measures in the plan's order, then any the contract grows later, so none is lost.
    keys = [k for k in labels if k in current or k in previous]
    keys += sorted((set(current) | set(previous)) - set(labels))
    return [{"item": labels.get(k, k), "current": current.get(k), "previous": previous.get(k),
             "change": _change(current.get(k), previous.get(k)), "ratio": _ratio(current.get(k), previous.get(k))}
            for k in keys]


def _case_row(name: str, r: dict) -> dict:
    return {"name": name, "cases": r.get("cases"), "cases_previous": r.get("cases_previous"),
            "case_change": _change(r.get("cases"), r.get("cases_previous")),
            "loss": r.get("loss"), "loss_previous": r.get("loss_previous"),
            "loss_change": _amount_change(r.get("loss"), r.get("loss_previous"))}


def _case_type_rows(c: dict) -> list[dict]:
    s = c["summary"]
    rows = [_case_row(r["name"], r) for r in s.get("cases_by_type") or []]
    if rows or s.get("cases") or s.get("cases_previous"):
        rows.append(_case_row("合计", s))
    return rows


def _case_group_rows(c: dict) -> list[dict]:
    # `cases` is {"items": [...], "by_group": [...]}: the week's cases by focus group.
    return [{"group": g.get("group"), "cases": g.get("cases"), "loss": g.get("loss")}
            for g in (c.get("cases") or {}).get("by_group") or []]


def week_label(week: str) -> str:
    year, number = parse_week(week)
    return f"{year}年第{number}周"


def _trend_rows(c: dict) -> list[dict]:
    return [{"week": week_label(t["week"]), "cases": t.get("cases"), "loss": t.get("loss"), "reports": t.get("reports")}
            for t in c["summary"].get("trend") or []]


# --- 二、排名 ---

def verdict(c: dict, category: str, department: str) -> str:
    """表扬 for the top of a category, 通报批评 for the bottom (奖励先进、鞭策后进)."""
    s = c["summary"]
    if department in (s.get("top") or {}).get(category, []):
        return "表扬"
    if department in (s.get("bottom") or {}).get(category, []):
        return "通报批评"
    return ""


def ranking(c: dict, category: str) -> list[dict]:
    """One category's rows, best first; the contract's order breaks ties in rank."""
    rows = [r for r in c.get("ranking") or [] if r.get("category") == category]
    return sorted(rows, key=lambda r: r.get("rank") or 0)


def _ranking_rows(category: str) -> Callable[[dict], list[dict]]:
    def rows(c: dict) -> list[dict]:
        out = []
        for r in ranking(c, category):
            parts = r.get("components") or {}
            out.append({"rank": r.get("rank"), "department": r["department"],
                        "status": STATUS_LABELS.get(r.get("status"), r.get("status")),
                        "targets": r.get("targets"), "covered": r.get("covered"), "progress": r.get("progress"),
                        **{k: parts.get(k) for k in ("coverage", "activity", "timeliness", "photos", "deduction")},
                        "score": r.get("score"), "verdict": verdict(c, category, r["department"])})
        return out
    return rows


def _ranking_lead(c: dict) -> str:
    if not c.get("ranking"):
        return "本周无排名。"
    s = c["summary"]
    said = []
    for category in CATEGORIES:
        top, bottom = (joined((s.get(k) or {}).get(category)) for k in ("top", "bottom"))
        parts = ([f"{top}排名靠前，予以表扬"] if top else []) + ([f"{bottom}排名靠后，予以通报批评"] if bottom else [])
        if parts:
            said.append(f"{CATEGORY_LABELS[category]}中，{'；'.join(parts)}")
    verdicts = f"{'。'.join(said)}。" if said else ""
    return f"根据各单位报送情况和评分细则，对科室、大队和基层派出所分别排名。{verdicts}"


# --- 三、未报、迟报 ---

def _late_lead(c: dict) -> str:
    missing = joined([r["department"] for r in c.get("missing_reports") or []])
    late = joined([r["department"] for r in c.get("late_reports") or []])
    if not missing and not late:
        return "本周各单位均按时报送。"
    parts = ([f"未报送的单位：{missing}"] if missing else []) + ([f"迟报的单位：{late}"] if late else [])
    return f"{'；'.join(parts)}。请上述单位严格落实每周报送要求。"


def _department(r: dict) -> dict:
    return {"department": r["department"], "category": CATEGORY_LABELS.get(r.get("category"), r.get("category"))}


def _missing_rows(c: dict) -> list[dict]:
    return [_department(r) for r in c.get("missing_reports") or []]


def _late_rows(c: dict) -> list[dict]:
    return [{**_department(r), "submitted_at": r.get("submitted_at"), "deadline": r.get("deadline")}
            for r in c.get("late_reports") or []]


# --- 四、零发案单位和网格 ---

def _zero_lead(c: dict) -> str:
    units, grids = len(c.get("zero_case_units") or []), len(c.get("zero_case_grids") or [])
    since = (c.get("summary") or {}).get("zero_case_since")
    # Zero-case is judged over the campaign so far, not one week: a week is too short to mean much.
    when = f"自{cn_date(since)}至{cn_date(c['period']['end'])}" if since else "本周"
    return f"{when}，零发案包联单位{units}个、零发案网格{grids}个。"


def _zero_unit_rows(c: dict) -> list[dict]:
    return [{"unit": r["unit"], "departments": joined(r.get("departments"))} for r in c.get("zero_case_units") or []]


def _zero_grid_rows(c: dict) -> list[dict]:
    return [{"grid": r["grid"], "station": r.get("station"), "officers": joined(r.get("officers"))}
            for r in c.get("zero_case_grids") or []]


# --- 五、本周通报扣分 ---

def _deduction_lead(c: dict) -> str:
    n = len(c.get("deductions") or [])
    if not n:
        return "本周无通报扣分。"
    return f"本周经回访核实宣传未到位、予以通报扣分{n}人次。"


def _deduction_rows(c: dict) -> list[dict]:
    return [{"date": r.get("date"), "case_no": r.get("case_no"), "audit_id": r.get("audit_id"), **_subject(r),
             "reason": r.get("reason")} for r in c.get("deductions") or []]


# --- 六、约谈与问责 ---

def _discipline_lead(c: dict) -> str:
    talks, acc = c.get("warning_talks_due") or [], c.get("accountability_due") or []
    done = lambda rows: sum(1 for r in rows if r.get("done"))  # noqa: E731
    return ("依照方案，对累计通报扣分达到规定次数的民辅警和单位负责人，分别予以约谈、责令再宣传或严肃问责。"
            f"本周应约谈{len(talks)}人、已落实{done(talks)}人；应问责{len(acc)}人、已落实{done(acc)}人。")


def _due_rows(key: str) -> Callable[[dict], list[dict]]:
    def rows(c: dict) -> list[dict]:
        return [{**_subject(r), "count": r.get("count"), "done": "是" if r.get("done") else "否",
                 "done_on": r.get("done_on")} for r in c.get(key) or []]
    return rows


# --- 七、拟表彰对象 ---

def _commendation_lead(c: dict) -> str:
    n = len(c.get("commendation_candidates") or [])
    return "以下民辅警和单位工作积极、成效明显，拟报请表彰。" if n else "本周无拟表彰对象。"


def _commendation_rows(c: dict) -> list[dict]:
    # A department is commended as a unit, not through its head; reasons are clauses with
    # their own commas, so they are set apart by semicolons.
    return [{**_subject(r, COMMENDED_LABELS), "reasons": joined(r.get("reasons"), "；")} for r in c.get("commendation_candidates") or []]


# --- 八、更正与补报 ---

def _corrections_lead(c: dict) -> str:
    n = len(c.get("corrections") or [])
    if not n:
        return "已印发的各期通报此后没有更正与补报。"
    return f"已印发的通报印发后，又登记了以下{n}项涉及该周的内容（补报、更正、作废、补登等），自本期起计入："


def _correction_rows(c: dict) -> list[dict]:
    return [{"week": r.get("week"), "issue_no": r.get("issue_no"), "entry_id": r.get("entry_id"),
             "what": r.get("what"), "operator": r.get("operator"), "recorded_at": r.get("recorded_at"),
             "reason": r.get("reason")} for r in c.get("corrections") or []]


def anchor_line(c: dict) -> str:
    """The closing line that ties the circular to the ledger: the last entry it covers and the
    first 16 hex digits of that entry's hash (`fanzha db verify --anchor N:HASH` checks it)."""
    a = c.get("anchor") or {}
    if not a.get("entry_id"):
        return ""
    n, digest = a["entry_id"], (a.get("hash") or "")[:16]
    if c.get("status") == "preview":
        return f"预览稿，未印发（依据账本截至第{n}条记录）"
    return f"锚点：本期通报依据账本截至第{n}条记录（哈希 {digest}）。核对：fanzha db verify --anchor {n}:{digest}"


# --- the layout ---

PERSON_COLUMNS = (Column("subject", "对象类别", width=5), Column("badge", "警号", width=4),
                  Column("name", "姓名", width=6), Column("department", "所属单位", width=6))
DUE_COLUMNS = PERSON_COLUMNS + (Column("count", "累计扣分次数", INT, 3), Column("done", "是否落实", width=2),
                                Column("done_on", "落实日期", DATE, 5))
RANKING_COLUMNS = (
    Column("rank", "名次", INT, 2), Column("department", "单位", width=6), Column("status", "报送", width=2),
    Column("targets", "包联对象", INT, 2), Column("covered", "已覆盖", INT, 2),
    Column("progress", "进度%", INT, 2),
    Column("coverage", "覆盖分", SCORE, 3), Column("activity", "工作量分", SCORE, 3),
    Column("timeliness", "时效分", SCORE, 3), Column("photos", "图片分", SCORE, 3),
    Column("deduction", "扣分", SCORE, 3), Column("score", "总分", SCORE, 3), Column("verdict", "评价", width=4),
)

# --- 八、考核规则说明 ---

RULE_SOURCES = {"plan": "方案规定", "local": "本局细则（非方案原文）"}


def _rules_lead(c: dict) -> str:
    if not c.get("rules_note"):
        return NONE_TEXT
    doc = (c["summary"].get("campaign") or {}).get("document_no") or "活动方案"
    return (f"本通报按以下规则考核：“方案规定”为{doc}原文规定；"
            "“本局细则”为方案未规定、由本局反诈中心确定的做法和数字。")


def _rules_rows(c: dict) -> list[dict]:
    return [{"source": RULE_SOURCES.get(n.get("source"), n.get("source")), "text": n.get("text"),
             "quote": n.get("quote") or ""} for n in c.get("rules_note") or []]


SECTIONS: tuple[Section, ...] = (
    Section("overall", "一、总体情况", _overall_lead, (
        Table("reports", "（一）报送情况", "报送情况", (
            Column("departments", "应报单位", INT), Column("reported", "已报送", INT), Column("on_time", "按时", INT),
            Column("late", "迟报", INT), Column("missing", "未报", INT), Column("on_time_rate", "按时率", PERCENT),
        ), _report_rows),
        Table("measures", "（二）宣传工作量", "宣传工作量", (
            Column("item", "项目", width=12), Column("current", "本周", INT, 4), Column("previous", "上周", INT, 4),
            Column("change", "增减", CHANGE, 4), Column("ratio", "环比", PERCENT_CHANGE, 4),
        ), _measure_rows),
        Table("cases_by_type", "（三）发案情况", "发案情况", (
            Column("name", "诈骗类型", LONG, 12), Column("cases", "本周发案（起）", INT, 3),
            Column("cases_previous", "上周发案（起）", INT, 3), Column("case_change", "增减", CHANGE, 2),
            Column("loss", "本周损失（元）", AMOUNT, 5), Column("loss_previous", "上周损失（元）", AMOUNT, 5),
            Column("loss_change", "损失增减（元）", AMOUNT_CHANGE, 5),
        ), _case_type_rows),
        Table("cases_by_group", "（四）分重点人群发案", "分人群发案", (
            Column("group", "重点人群", width=10), Column("cases", "本周发案（起）", INT, 3),
            Column("loss", "本周损失（元）", AMOUNT, 5),
        ), _case_group_rows),
        Table("trend", "（五）近期走势", "近期走势", (
            Column("week", "周次", width=8), Column("cases", "发案（起）", INT, 4),
            Column("loss", "损失（元）", AMOUNT, 6), Column("reports", "报送单位数", INT, 4),
        ), _trend_rows),
    )),
    Section("ranking", "二、排名", _ranking_lead, tuple(
        Table(f"ranking_{cat}", f"（{n}）{CATEGORY_LABELS[cat]}", f"排名（{CATEGORY_LABELS[cat]}）",
              RANKING_COLUMNS, _ranking_rows(cat))
        for n, cat in zip("一二", CATEGORIES)
    )),
    Section("late", "三、未报、迟报", _late_lead, (
        Table("missing_reports", "（一）未报单位", "未报单位", (
            Column("department", "单位", width=8), Column("category", "类别", width=6),
        ), _missing_rows),
        Table("late_reports", "（二）迟报单位", "迟报单位", (
            Column("department", "单位", width=8), Column("category", "类别", width=6),
            Column("submitted_at", "报送时间", DATETIME, 8), Column("deadline", "截止时间", DATETIME, 8),
        ), _late_rows),
    )),
    Section("zero_case", "四、零发案单位和网格", _zero_lead, (
        Table("zero_case_units", "（一）零发案包联单位", "零发案单位", (
            Column("unit", "包联单位", width=10), Column("departments", "包联科所队", LONG, 16),
        ), _zero_unit_rows),
        Table("zero_case_grids", "（二）零发案网格", "零发案网格", (
            Column("grid", "网格", width=10), Column("station", "派出所", width=6),
            Column("officers", "结对民辅警", LONG, 14),
        ), _zero_grid_rows),
    )),
    Section("deductions", "五、本周通报扣分", _deduction_lead, (
        Table("deductions", "", "通报扣分", (
            Column("date", "日期", DATE, 5), Column("case_no", "案件编号", width=6), Column("audit_id", "回访编号", INT, 2),
            *PERSON_COLUMNS, Column("reason", "扣分原因", LONG, 12),
        ), _deduction_rows),
    )),
    Section("discipline", "六、约谈与问责", _discipline_lead, (
        Table("warning_talks_due", "（一）应约谈、责令再宣传", "应约谈", DUE_COLUMNS, _due_rows("warning_talks_due")),
        Table("accountability_due", "（二）应严肃问责", "应问责", DUE_COLUMNS, _due_rows("accountability_due")),
    )),
    Section("commendation", "七、拟表彰对象", _commendation_lead, (
        Table("commendation_candidates", "", "拟表彰对象", (*PERSON_COLUMNS, Column("reasons", "事由", LONG, 16)),
              _commendation_rows),
    )),
    Section("corrections", "八、更正与补报", _corrections_lead, (
        Table("corrections", "", "更正与补报", (
            Column("week", "周次", width=5), Column("issue_no", "期数", INT, 2), Column("entry_id", "记录编号", INT, 3),
            Column("what", "内容", LONG, 18), Column("operator", "录入人", width=3),
            Column("recorded_at", "录入时间", DATETIME, 6), Column("reason", "原因", LONG, 8),
        ), _correction_rows),
    )),
    Section("rules", "九、考核规则说明", _rules_lead, (
        Table("rules_note", "", "考核规则说明", (
            Column("source", "来源", width=6), Column("text", "规则", LONG, 16), Column("quote", "方案原文", LONG, 16),
        ), _rules_rows),
    )),
)


def table_heading(section: Section, table: Table) -> str:
    """What names a table on its own (CSV rows, terminal titles): its section, and its part if any."""
    return f"{section.title}{table.title}"


# --- what the file renderers (Word, Excel) share ---

def fixed_time(c: dict) -> dt.datetime:
    """The 'created/modified' stamp of a generated file: the circular's date, never now()."""
    return dt.datetime.combine(issued_on(c), dt.time(18, 0))


def stable_zip(path: Path, when: dt.datetime) -> None:
    """Rewrite an Office zip with every entry stamped `when`: python-docx and openpyxl stamp
    entries with the wall clock, which would make two runs over the same week differ."""
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        entries = [(info.filename, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
