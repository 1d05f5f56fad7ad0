"""What the weekly circular says in sentences: its header and the paragraph that opens each section.

The figures come from the circular (the JSON contract); the wording is a county bureau's: amounts
in 万元 (values.yuan_words), no space between Chinese and a number, departments praised and
criticised by name (who is criticised is decided once, in `criticised`, for the sentences and
the ranking table's 评价 column alike). layout.py places these sentences and the tables.
"""

from __future__ import annotations

import datetime as dt

from fanzha_cli.dates import parse_week
from fanzha_cli.render.values import INT, amount_change, change, cn_date, display, joined, yuan_words

ZERO_LIST, COMMEND_LIST, RULES_LIST = "附件1", "附件2", "附件3"  # the attachments the body refers to
CATEGORY_LABELS = {"bureau": "科室、大队", "station": "基层派出所"}
CATEGORIES = ("bureau", "station")
ADDRESSEE = "各科、室、所、队："
NONE_TEXT = "无"  # what an empty section says, in every format

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


# --- the header: title, issue, issuer, date, opening ---

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
    """Who signs: the issuer's full name (兴县公安局反诈中心) when the circular has it, else the
    plan's office (县局反诈中心)."""
    if c.get("issuer"):
        return c["issuer"]
    campaign = c["summary"].get("campaign") or {}
    return campaign.get("office") or campaign.get("issuer") or ""


def document(c: dict) -> dict:
    """The red header and 版记 data (`document` in the contract), with what an older circular lacks."""
    doc = dict(c.get("document") or {})
    doc.setdefault("mark", "")
    doc["copy_to"] = list(doc.get("copy_to") or [])
    doc["printed_by"] = doc.get("printed_by") or issuer(c)
    doc["printed_on"] = doc.get("printed_on") or issued_on(c).isoformat()
    return doc


def is_preview(c: dict) -> bool:
    return c.get("status") == "preview"


def issued_on(c: dict) -> dt.date:
    """The circular's date: the day it was issued when the circular says so, else the last day
    of its week, so that a re-run gives the same file."""
    if c.get("issued_on"):
        return dt.date.fromisoformat(str(c["issued_on"])[:10])
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
    diff = amount_change(current, previous) if unit == "元" else change(current, previous)
    if diff is None:
        return ""
    if diff == 0:
        return "持平"
    word = "增加" if diff > 0 else "减少"
    return f"{word}{yuan_words(abs(diff))}" if unit == "元" else f"{word}{abs(diff)}{unit}"


def opening(c: dict) -> str:
    """The first paragraph: the week in one sentence, then the customary 现将……通报如下."""
    s = c["summary"]
    year, week = week_numbers(c)
    cases = (f"全县发生电信网络诈骗案件{s.get('cases', 0)}起，造成损失{yuan_words(s.get('loss') or '0')}"
             f"，与上周相比发案{_more_or_less(s.get('cases'), s.get('cases_previous'), '起')}"
             f"、损失{_more_or_less(s.get('loss'), s.get('loss_previous'), '元')}")
    campaign = s.get("campaign") or {}
    basis = f"按照{campaign.get('name', '')}（{campaign['document_no']}）要求，" if campaign.get("document_no") else ""
    return (f"{year}年第{week}周（{period_text(c)}），全县应报送宣传工作情况的科所队{s.get('departments', 0)}个，"
            f"按时报送{s.get('on_time', 0)}个、迟报{s.get('late', 0)}个、未报{s.get('missing', 0)}个；{cases}。"
            f"{basis}现将本周工作情况通报如下：")


def week_label(week: str) -> str:
    year, number = parse_week(week)
    return f"{year}年第{number}周"


# --- who is praised and criticised ---

def criticised(c: dict, category: str) -> list[str]:
    """Who is criticised in a category (鞭策后进): the circular's bottom names, and every department
    of the category that did not report at all, whether or not the bottom names include it: the
    last-placed department always carries its 评价."""
    named = list((c["summary"].get("bottom") or {}).get(category) or [])
    return named + [r["department"] for r in ranking(c, category)
                    if r.get("status") == "missing" and r["department"] not in named]


def verdict(c: dict, category: str, department: str) -> str:
    """表扬 for the top of a category, 通报批评 for the bottom (奖励先进、鞭策后进)."""
    if department in (c["summary"].get("top") or {}).get(category, []):
        return "表扬"
    if department in criticised(c, category):
        return "通报批评"
    return ""


def ranking(c: dict, category: str) -> list[dict]:
    """One category's rows, best first; the contract's order breaks ties in rank."""
    rows = [r for r in c.get("ranking") or [] if r.get("category") == category]
    return sorted(rows, key=lambda r: r.get("rank") or 0)


# --- the paragraph that opens each section ---

def overall_lead(c: dict) -> str:
    measures = c["summary"].get("measures") or {}
    said = [phrase.format(measures[key]) for key, _, phrase in MEASURES if measures.get(key) is not None]
    if not said:
        return "本周各单位未报送宣传工作量。"
    return f"本周各单位共{'，'.join(said)}。"


def ranking_lead(c: dict) -> str:
    if not c.get("ranking"):
        return "本周无排名。"
    s = c["summary"]
    said = []
    for category in CATEGORIES:
        missing = {r["department"] for r in ranking(c, category) if r.get("status") == "missing"}
        top = joined((s.get("top") or {}).get(category))
        low = joined([d for d in criticised(c, category) if d not in missing])
        absent = joined([d for d in criticised(c, category) if d in missing])
        bottom = "，".join(([f"{low}排名靠后"] if low else []) + ([f"{absent}未报送"] if absent else []))
        parts = ([f"{top}排名靠前，予以表扬"] if top else []) + ([f"{bottom}，予以通报批评"] if bottom else [])
        if parts:
            said.append(f"{CATEGORY_LABELS[category]}中，{'；'.join(parts)}")
    verdicts = f"{'。'.join(said)}。" if said else ""
    return f"根据各单位报送情况和评分细则，对科室、大队和基层派出所分别排名。{verdicts}"


def late_lead(c: dict) -> str:
    missing = joined([r["department"] for r in c.get("missing_reports") or []])
    late = joined([r["department"] for r in c.get("late_reports") or []])
    if not missing and not late:
        return "本周各单位均按时报送。"
    parts = ([f"未报送的单位：{missing}"] if missing else []) + ([f"迟报的单位：{late}"] if late else [])
    return f"{'；'.join(parts)}。请上述单位严格落实每周报送要求。"


def zero_lead(c: dict) -> str:
    """Counts, and the departments all of whose pairings are zero-case; the lists are 附件1."""
    units, grids = len(c.get("zero_case_units") or []), len(c.get("zero_case_grids") or [])
    since = (c.get("summary") or {}).get("zero_case_since")
    # Zero-case is judged over the campaign so far, not one week: a week is too short to mean much.
    when = f"自{cn_date(since)}至{cn_date(c['period']['end'])}" if since else "本周"
    depts = c.get("zero_case_departments") or []
    said = []
    for category in CATEGORIES:
        names = [d["department"] for d in depts if d.get("category") == category]
        if names:
            said.append(f"{CATEGORY_LABELS[category]}{len(names)}个：{joined(names)}")
    whole = f"包联单位、网格全部零发案的科所队有{'；'.join(said)}" if said else "没有包联单位、网格全部零发案的科所队"
    where = f"名单见{ZERO_LIST}" if units or grids else ""
    return (f"{when}，零发案包联单位{units}个、零发案网格{grids}个"
            f"{'（' + where + '）' if where else ''}；{whole}。")


def deduction_lead(c: dict) -> str:
    n = len(c.get("deductions") or [])
    if not n:
        return "本周无通报扣分。"
    return f"本周经回访核实宣传未到位、予以通报扣分{n}人次。"


def discipline_lead(c: dict) -> str:
    talks, acc = c.get("warning_talks_due") or [], c.get("accountability_due") or []
    done = lambda rows: sum(1 for r in rows if r.get("done"))  # noqa: E731
    return ("依照方案，对累计通报扣分达到规定次数的民辅警和单位负责人，分别予以约谈、责令再宣传或严肃问责。"
            f"本周应约谈{len(talks)}人、已落实{done(talks)}人；应问责{len(acc)}人、已落实{done(acc)}人。")


TOP_CANDIDATES = 5  # named in the body; the full list is 附件2


def _candidate(r: dict) -> str:
    if r.get("subject_kind") == "officer":
        return f"{r.get('department') or ''}{r.get('name') or ''}"
    return r.get("name") or r.get("department") or ""


def commendation_lead(c: dict) -> str:
    rows = c.get("commendation_candidates") or []
    if not rows:
        return "本周无拟表彰对象。"
    officers = sum(1 for r in rows if r.get("subject_kind") == "officer")
    counts = "、".join(part for part in (f"民辅警{officers}名" if officers else "",
                                           f"单位{len(rows) - officers}个" if len(rows) > officers else "") if part)
    top = "、".join(_candidate(r) for r in rows[:TOP_CANDIDATES])
    first = f"，其中{top}等" if len(rows) > TOP_CANDIDATES else f"：{top}"
    return (f"经审核，{counts}工作积极、成效明显，拟报请表彰{first}"
            f"（名单及事由见{COMMEND_LIST}）。")


def corrections_lead(c: dict) -> str:
    n = len(c.get("corrections") or [])
    if not n:
        return "已印发的各期通报此后没有更正与补报。"
    return f"已印发的通报印发后，又登记了以下{n}项涉及该周的内容（补报、更正、作废、补登等），自本期起计入："


def rules_lead(c: dict) -> str:
    notes = c.get("rules_note") or []
    if not notes:
        return NONE_TEXT
    doc = (c["summary"].get("campaign") or {}).get("document_no") or "活动方案"
    plan = sum(1 for n in notes if n.get("source") == "plan")
    counts = "、".join(p for p in (f"方案规定{plan}条" if plan else "",
                                   f"本局细则{len(notes) - plan}条" if len(notes) > plan else "") if p)
    return (f"本通报按{len(notes)}条规则考核（{counts}，见{RULES_LIST}）：“方案规定”为{doc}原文规定，附原文；"
            "“本局细则”为方案未规定、由本局反诈中心确定的做法和数字。")


# --- the closing line ---

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
