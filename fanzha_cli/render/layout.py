"""The weekly circular (每周通报), described once: its header, its sections and their tables.

Every renderer (terminal, Markdown, CSV, Word, Excel, HTML) walks `sections(c)` (the seven
fixed `SECTIONS`, then corrections and the rules note when the circular has them) and
`ATTACHMENTS` (the long lists the body only summarises), and asks
`display()` or `Column.kind` how to show a value, so the formats cannot drift apart: a column
added here appears everywhere, in the same place, under the same Chinese header.

The circular arrives as the plain dict of the JSON contract (tests/data/circular_sample.json).
Rows keep numbers as numbers (Excel wants them typed) and translate every code into Chinese
(按时/迟报/未报, 科室、大队/基层派出所, 是/否). The sentences (the header, each section's
opening paragraph) are wording.py's; values.py says how a value reads. The contract carries no
victim data and nothing here adds any. This module imports nothing heavy: the CLI may import it at start-up.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from fanzha_cli.render.values import (  # noqa: F401  (re-exported: renderers read them from here)
    AMOUNT, AMOUNT_CHANGE, CHANGE, DATE, DATETIME, INT, LONG, NUMERIC, PERCENT, PERCENT_CHANGE, PROGRESS,
    SCORE, TEXT, amount_change, change, cn_date, display, is_wide, joined, ratio, short_datetime, text_width,
    tight, yuan_words)
from fanzha_cli.render.wording import (  # noqa: F401  (re-exported: renderers read them from here)
    ADDRESSEE, CATEGORIES, CATEGORY_LABELS, COMMEND_LIST, MEASURES, NONE_TEXT, RULES_LIST, ZERO_LIST, anchor_line,
    commendation_lead,
    corrections_lead, criticised, deduction_lead, discipline_lead, document, is_preview, issue_line, issued_on,
    issuer, late_lead, opening, overall_lead, period_text, ranking, ranking_lead, rules_lead, title, title_lines,
    verdict, week_label, week_numbers, zero_lead)

STATUS_LABELS = {"on_time": "按时", "late": "迟报", "missing": "未报"}


SUBJECT_LABELS = {"officer": "民辅警", "department": "单位负责人"}


COMMENDED_LABELS = {"officer": "民辅警", "department": "单位"}




@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    width: int = 0  # relative width for Word and Excel, in Chinese characters; 0: from the header
    optional: bool = False  # left out of a table in which no row has a value for it


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # second-level heading "（一）…"; "" when it is its section's only table
    sheet: str  # the Excel sheet's name: unique, at most 31 characters
    columns: tuple[Column, ...]
    rows: Callable[[dict], list[dict]]

    def for_rows(self, rows: list[dict]) -> "Table":
        """The table as shown for these rows: an optional column only when some row has a value."""
        columns = tuple(col for col in self.columns if not col.optional or any(r.get(col.key) is not None for r in rows))
        return self if columns == self.columns else replace(self, columns=columns)


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # first-level heading "一、…"
    lead: Callable[[dict], str]  # the paragraph that opens the section
    tables: tuple[Table, ...]


def _subject(row: dict, labels: dict = SUBJECT_LABELS) -> dict:
    """The columns every person-or-head row shares: who, with the kind translated."""
    return {"subject": labels.get(row.get("subject_kind"), row.get("subject_kind")),
            "badge": row.get("badge"), "name": row.get("name"), "department": row.get("department")}


# --- 一、总体情况 ---


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
             "change": change(current.get(k), previous.get(k)), "ratio": ratio(current.get(k), previous.get(k))}
            for k in keys]


def _case_row(name: str, r: dict) -> dict:
    return {"name": name, "cases": r.get("cases"), "cases_previous": r.get("cases_previous"),
            "case_change": change(r.get("cases"), r.get("cases_previous")),
            "loss": r.get("loss"), "loss_previous": r.get("loss_previous"),
            "loss_change": amount_change(r.get("loss"), r.get("loss_previous"))}


def _case_type_rows(c: dict) -> list[dict]:
    s = c["summary"]
    rows = [_case_row(r["name"], r) for r in s.get("cases_by_type") or []]
    if rows or s.get("cases") or s.get("cases_previous"):
        rows.append(_case_row("合计", s))
    return rows


def _case_group_rows(c: dict) -> list[dict]:
    # `cases` is {"items": [...], "by_group": [...]}: the week's cases by focus group.
    cases = c.get("cases")
    return [{"group": g.get("group"), "cases": g.get("cases"), "loss": g.get("loss")}
            for g in (cases.get("by_group") or [] if isinstance(cases, dict) else [])]


def _trend_rows(c: dict) -> list[dict]:
    return [{"week": week_label(t["week"]), "cases": t.get("cases"), "loss": t.get("loss"), "reports": t.get("reports")}
            for t in c["summary"].get("trend") or []]


# --- 二、排名 ---


def _ranking_rows(category: str) -> Callable[[dict], list[dict]]:
    def rows(c: dict) -> list[dict]:
        out = []
        for r in ranking(c, category):
            parts = r.get("components") or {}
            out.append({"rank": r.get("rank"), "department": r["department"],
                        "status": STATUS_LABELS.get(r.get("status"), r.get("status")),
                        "targets": r.get("targets"), "covered": r.get("covered"),
                        **{k: parts.get(k) for k in ("coverage", "activity", "timeliness", "photos", "deduction")},
                        "progress": r.get("progress"),
                        "score": r.get("score"), "verdict": verdict(c, category, r["department"])})
        return out
    return rows


# --- 三、未报、迟报 ---


def _department(r: dict) -> dict:
    return {"department": r["department"], "category": CATEGORY_LABELS.get(r.get("category"), r.get("category"))}


def _missing_rows(c: dict) -> list[dict]:
    return [_department(r) for r in c.get("missing_reports") or []]


def _late_rows(c: dict) -> list[dict]:
    return [{**_department(r), "submitted_at": r.get("submitted_at"), "deadline": r.get("deadline")}
            for r in c.get("late_reports") or []]


# --- 四、零发案单位和网格 ---


def _zero_unit_rows(c: dict) -> list[dict]:
    return [{"unit": r["unit"], "departments": joined(r.get("departments"))} for r in c.get("zero_case_units") or []]


def _zero_grid_rows(c: dict) -> list[dict]:
    return [{"grid": r["grid"], "station": r.get("station"), "officers": joined(r.get("officers"))}
            for r in c.get("zero_case_grids") or []]


# --- 五、本周通报扣分 ---


def _deducted(r: dict) -> str:
    """Who was deducted, in one cell: 谢志刚（140801） for an officer, 某所负责人 for a head."""
    if r.get("subject_kind") == "officer" and r.get("badge"):
        return f"{r.get('name') or ''}（{r['badge']}）"
    return r.get("name") or ""


def _deduction_rows(c: dict) -> list[dict]:
    return [{"date": r.get("date"), "case_no": r.get("case_no"), "audit_id": r.get("audit_id"),
             "subject": SUBJECT_LABELS.get(r.get("subject_kind"), r.get("subject_kind")), "who": _deducted(r),
             "department": r.get("department"), "reason": tight(r.get("reason") or "")}
            for r in c.get("deductions") or []]


# --- 六、约谈与问责 ---


def _due_rows(key: str) -> Callable[[dict], list[dict]]:
    def rows(c: dict) -> list[dict]:
        return [{**_subject(r), "count": r.get("count"), "done": "是" if r.get("done") else "否",
                 "done_on": r.get("done_on")} for r in c.get(key) or []]
    return rows


# --- 七、拟表彰对象 ---


def _commendation_rows(c: dict) -> list[dict]:
    # A department is commended as a unit, not through its head; reasons are clauses with
    # their own commas, so they are set apart by semicolons.
    return [{**_subject(r, COMMENDED_LABELS), "reasons": tight(joined(r.get("reasons"), "；"))}
            for r in c.get("commendation_candidates") or []]


# --- 八、更正与补报 ---

def _correction_rows(c: dict) -> list[dict]:
    return [{"week": r.get("week"), "issue_no": r.get("issue_no"), "entry_id": r.get("entry_id"),
             "what": tight(r.get("what") or ""), "operator": r.get("operator"), "recorded_at": r.get("recorded_at"),
             "reason": tight(r["reason"]) if r.get("reason") else r.get("reason")}
            for r in c.get("corrections") or []]


# --- 九、考核规则说明 ---

RULE_SOURCES = {"plan": "方案规定", "local": "本局细则（非方案原文）"}


def _rules_rows(c: dict) -> list[dict]:
    return [{"source": RULE_SOURCES.get(n.get("source"), n.get("source")), "text": tight(n.get("text") or ""),
             "quote": n.get("quote") or ""} for n in c.get("rules_note") or []]


# --- the layout ---


PERSON_COLUMNS = (Column("subject", "对象类别", width=5), Column("badge", "警号", width=4),
                  Column("name", "姓名", width=6), Column("department", "所属单位", width=6))


DUE_COLUMNS = PERSON_COLUMNS + (Column("count", "累计扣分次数", INT, 3), Column("done", "是否落实", width=2),
                                Column("done_on", "落实日期", DATE, 5))


RANKING_COLUMNS = (
    Column("rank", "名次", INT, 2), Column("department", "单位", width=6), Column("status", "报送", width=2),
    Column("targets", "包联对象", INT, 2), Column("covered", "已覆盖", INT, 2),
    Column("progress", "进度%", INT, 2, optional=True),  # 宣传进度 as reported; left out when nobody reported one
    Column("coverage", "覆盖分", SCORE, 3), Column("activity", "工作量分", SCORE, 3),
    Column("timeliness", "时效分", SCORE, 3), Column("photos", "图片分", SCORE, 3),
    Column("deduction", "扣分", SCORE, 3), Column("score", "总分", SCORE, 3), Column("verdict", "评价", width=4),
)


COMMENDATION_COLUMNS = (*PERSON_COLUMNS, Column("reasons", "事由", LONG, 16))


DEPARTMENT_COLUMNS = (Column("department", "单位", width=8), Column("category", "类别", width=6))


@dataclass(frozen=True)
class Attachment:
    """A long list the body only summarises, printed after the body (GB/T 9704 附件)."""

    number: int
    title: str
    tables: tuple[Table, ...]

    @property
    def label(self) -> str:
        return f"附件{self.number}"


ZERO_ATTACHMENT = Attachment(int(ZERO_LIST[-1]), "零发案单位和网格名单", (
    Table("zero_case_units", "一、零发案包联单位", "零发案单位", (
        Column("unit", "包联单位", width=10), Column("departments", "包联科所队", LONG, 16),
    ), _zero_unit_rows),
    Table("zero_case_grids", "二、零发案网格", "零发案网格", (
        Column("grid", "网格", width=10), Column("station", "派出所", width=6),
        Column("officers", "结对民辅警", LONG, 14),
    ), _zero_grid_rows),
))


COMMEND_ATTACHMENT = Attachment(int(COMMEND_LIST[-1]), "拟表彰对象名单", (
    Table("commendation_candidates", "", "拟表彰对象", COMMENDATION_COLUMNS, _commendation_rows),
))


RULES_ATTACHMENT = Attachment(int(RULES_LIST[-1]), "考核规则说明", (
    Table("rules_note", "", "考核规则说明", (
        Column("source", "来源", width=6), Column("text", "规则", LONG, 16), Column("quote", "方案原文", LONG, 16),
    ), _rules_rows),
))
ATTACHMENTS: tuple[Attachment, ...] = (ZERO_ATTACHMENT, COMMEND_ATTACHMENT, RULES_ATTACHMENT)


SECTIONS: tuple[Section, ...] = (
    Section("overall", "一、总体情况", overall_lead, (
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
    Section("ranking", "二、排名", ranking_lead, tuple(
        Table(f"ranking_{cat}", f"（{n}）{CATEGORY_LABELS[cat]}", f"排名（{CATEGORY_LABELS[cat]}）",
              RANKING_COLUMNS, _ranking_rows(cat))
        for n, cat in zip("一二", CATEGORIES)
    )),
    Section("late", "三、未报、迟报", late_lead, (
        Table("missing_reports", "（一）未报单位", "未报单位", DEPARTMENT_COLUMNS, _missing_rows),
        Table("late_reports", "（二）迟报单位", "迟报单位", (
            *DEPARTMENT_COLUMNS, Column("submitted_at", "报送时间", DATETIME, 8), Column("deadline", "截止时间", DATETIME, 8),
        ), _late_rows),
    )),
    Section("zero_case", "四、零发案单位和网格", zero_lead, ()),
    Section("deductions", "五、本周通报扣分", deduction_lead, (
        Table("deductions", "", "通报扣分", (
            Column("date", "日期", DATE, 5), Column("case_no", "案件编号", width=6), Column("audit_id", "回访编号", INT, 2),
            Column("who", "扣分对象", width=7),
            Column("department", "所属单位", width=6), Column("reason", "扣分原因", LONG, 12),
        ), _deduction_rows),
    )),
    Section("discipline", "六、约谈与问责", discipline_lead, (
        Table("warning_talks_due", "（一）应约谈、责令再宣传", "应约谈", DUE_COLUMNS, _due_rows("warning_talks_due")),
        Table("accountability_due", "（二）应严肃问责", "应问责", DUE_COLUMNS, _due_rows("accountability_due")),
    )),
    Section("commendation", "七、拟表彰对象", commendation_lead, ()),
    Section("corrections", "八、更正与补报", corrections_lead, (
        Table("corrections", "", "更正与补报", (
            Column("week", "周次", width=5), Column("issue_no", "期数", INT, 2), Column("entry_id", "记录编号", INT, 3),
            Column("what", "内容", LONG, 18), Column("operator", "录入人", width=3),
            Column("recorded_at", "录入时间", DATETIME, 6), Column("reason", "原因", LONG, 8),
        ), _correction_rows),
    )),
    Section("rules", "九、考核规则说明", rules_lead, ()),
)



def sections(c: dict) -> list[Section]:
    """The circular's sections in order (the same for every circular; `c` for the callers'
    sake, should a section ever depend on what the circular holds)."""
    return list(SECTIONS)


def tables(c: dict) -> list[tuple[str, Table]]:
    """Every table of the circular with the heading that names it, body first, then attachments."""
    out = [(table_heading(section, table), table) for section in sections(c) for table in section.tables]
    out += [(f"{a.label} {a.title}{table.title}", table) for a in ATTACHMENTS for table in a.tables]
    return out


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


