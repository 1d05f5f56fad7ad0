"""Issuing (印发) a week's circular closes the week.

Issuing appends one `circular_issue` entry: the week, its issue number, the entry the
circular was computed up to (its anchor) and that entry's hash, the date printed on it, and
the SHA-256 of its JSON. From then on the week's circular is computed from the ledger as it
stood at the anchor (asof.as_of): regenerated in any format at any later time it gives the
same bytes, whatever has been recorded since, and its JSON is checked against the recorded
SHA-256 (a difference means fanzha itself computes differently now, and is said, not hidden).

What is recorded later about a week already issued (a late or amended line, a case dated in
it, a call-back, a verification, a revocation, ...) is listed in the next circular issued,
in its section 更正与补报 (`corrections`), and counts from that circular on. Which week an
entry concerns, and how it is said in Chinese, is the registry `DESCRIBERS` (entry kind ->
function); a kind it does not know is described generically from the dates in its rows.
The sentences' phrasing is recorded with each issue (corrections.PHRASING): a circular issued
with an older phrasing is regenerated in it, so that its bytes never change.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from fanzha_cli import asof, chain, queries
from fanzha_cli.dates import iso_date
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan
from fanzha_cli.weeks import Week

KIND = "circular_issue"
HASH_SHOWN = 16  # hex digits of the anchor's hash printed on paper

# The phrasing of the corrections section being composed (corrections.PHRASING), set by
# _compose for the describers; outside it (None), the newest.
_PHRASING: contextvars.ContextVar[int | None] = contextvars.ContextVar("fanzha_phrasing", default=None)


def phrasing() -> int:
    from fanzha_cli import corrections

    return _PHRASING.get() or corrections.PHRASING


@contextlib.contextmanager
def _phrased(value: int):
    token = _PHRASING.set(value)
    try:
        yield
    finally:
        _PHRASING.reset(token)


# --- the circular with its issue keys ---------------------------------------------------------

def json_bytes(c: dict[str, Any]) -> bytes:
    """The circular's JSON exactly as written to a file or stdout."""
    from fanzha_cli.render import data

    return b"".join(data.json_chunks(c))


def sha256(c: dict[str, Any]) -> str:
    return hashlib.sha256(json_bytes(c)).hexdigest()


def _compose(led: Ledger, week: Week, *, status: str, issued_on: str, anchor: tuple[int, str],
             phrasing: int) -> dict[str, Any]:
    """The circular of `week` from the ledger as `led` reads it now (inside an as-of block for an
    issued week), with the keys issuing adds: status, issued_on, corrections (in `phrasing`), anchor."""
    from fanzha_cli import circular

    c = circular.build(led, week)
    out = {"week": c.pop("week"), "status": status, "issued_on": issued_on}
    out.update(c)
    out["document"] = {**c["document"], "printed_on": issued_on}  # the 版记's 印发 date: the issue date
    with _phrased(phrasing):
        out["corrections"] = corrections(led, anchor[0])
    out["anchor"] = {"entry_id": anchor[0], "hash": anchor[1]}
    return out


@dataclass(frozen=True)
class Issue:
    entry_id: int
    week: str
    issue_no: int | None
    anchor_id: int
    anchor_hash: str
    issued_on: str
    json_sha256: str
    phrasing: int | None = None  # of its corrections section (corrections.PHRASING); None: 1, issued before m016

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Issue":
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})


def issue_of(led: Ledger, week: str) -> Issue | None:
    rows = led.query(queries.ISSUE_OF_WEEK, {"week": week})
    return Issue.of(rows[0]) if rows else None


def as_issued(led: Ledger, week: Week):
    """Read as the week's circular was issued (as of its anchor), or as the ledger is now if it
    has not been: for what must agree with the circular, such as `fanzha rank`."""
    issue = issue_of(led, week.label)
    return asof.as_of(led, issue.anchor_id if issue else None)


def issued_on_date(value: str | None, week: Week, today: dt.date | None = None) -> str:
    """The date printed on an issued circular: --date, or the day it is issued; never before
    the week it reports on has begun."""
    day = iso_date(value, "印发日期") if value and value.strip() else (today or dt.date.today()).isoformat()
    if day < week.monday.isoformat():
        raise FanzhaError(f"印发日期 {day} 早于 {week.span()} 的第一天，不能为尚未开始的一周印发通报。",
                          hint="--date 写印发当天的日期（默认今天），不早于该周的周一。")
    return day


def regenerate(led: Ledger, issue: Issue, week: Week) -> dict[str, Any]:
    """An issued week's circular, computed as of its anchor, checked against its recorded hash."""
    with asof.as_of(led, issue.anchor_id):
        c = _compose(led, week, status="issued", issued_on=issue.issued_on,
                     anchor=(issue.anchor_id, issue.anchor_hash), phrasing=issue.phrasing or 1)
    got = sha256(c)
    if got != issue.json_sha256:
        raise FanzhaError(
            f"{issue.week} 的每周通报（第 {issue.issue_no} 期）已于 {issue.issued_on} 印发，"
            f"但现在按账本第 {issue.anchor_id} 条记录重新生成的内容与印发时记录的指纹不一致"
            f"（印发时 {issue.json_sha256[:HASH_SHOWN]}，现在 {got[:HASH_SHOWN]}）。"
            "账本本身校验无误时，这通常是 fanzha 程序更新后计算方法有变：重新生成的文件不再是印发的原件，因此不予输出。",
            hint=f"以印发时导出的文件为准（定时导出的文件夹中的 {issue.week} 子文件夹）；"
                 "需要重新生成时，请使用印发时的 fanzha 版本；可用 fanzha db verify 确认账本完好。",
        )
    return c


def preview(led: Ledger, week: Week, today: dt.date | None = None) -> dict[str, Any]:
    """A week's circular as it would be issued now, dated today; an issued week's is its issued one."""
    issue = issue_of(led, week.label)
    if issue is not None:
        return regenerate(led, issue, week)
    return _compose(led, week, status="preview", issued_on=(today or dt.date.today()).isoformat(),
                    anchor=asof.head(led), phrasing=phrasing())


@dataclass
class Issued:
    circular: dict[str, Any]
    issue: Issue
    new: bool  # False: the week had been issued already, nothing was written


def issue(led: Ledger, week: Week, date: str | None = None, today: dt.date | None = None) -> Issued:
    """Issue `week`'s circular: one entry, in one transaction, computed from the ledger as it
    stands under the write lock. Issuing a week already issued writes nothing and gives back
    the circular as issued."""
    with led.write() as w:
        existing = issue_of(led, week.label)
        if existing is None:
            issued_on = issued_on_date(date, week, today)
            anchor = (w.last_id, w.last_hash)
            phrased = phrasing()
            with asof.as_of(led, anchor[0]):  # the very reading a later regeneration makes
                c = _compose(led, week, status="issued", issued_on=issued_on, anchor=anchor, phrasing=phrased)
            row = {"week": week.label, "issue_no": c["summary"].get("issue_no"), "anchor_id": anchor[0],
                   "anchor_hash": anchor[1], "issued_on": issued_on, "json_sha256": sha256(c), "phrasing": phrased}
            no = f"第 {row['issue_no']} 期" if row["issue_no"] else ""
            entry_id = w.append(KIND, {"circular_issues": [row]}, reason=f"印发 {week.label} 每周通报{no}")
            return Issued(c, Issue(entry_id=entry_id, **row), True)
    return Issued(regenerate(led, existing, week), existing, False)


# --- corrections: what later entries say about weeks already issued ---------------------------

Described = list[tuple[str, str]]  # (week label, what changed: a Chinese sentence)
Describer = Callable[[Ledger, dict[str, Any]], Described]
DESCRIBERS: dict[str, Describer] = {}


def describes(*kinds: str) -> Callable[[Describer], Describer]:
    """Register the function that says which week(s) an entry of these kinds concerns, and what
    it changed. A new kind of entry needs only a function here (or none: see `_generic`)."""
    def register(fn: Describer) -> Describer:
        for k in kinds:
            DESCRIBERS[k] = fn
        return fn
    return register


def week_of(day: str) -> str:
    y, w, _ = dt.date.fromisoformat(day[:10]).isocalendar()
    return f"{y:04d}-W{w:02d}"


def rows_of(led: Ledger, table: str, entry_id: int) -> list[dict[str, Any]]:
    return led.query(f'SELECT * FROM "{table}" WHERE entry_id = :id', {"id": entry_id})


def _names(led: Ledger) -> tuple[dict[str, str], dict[str, str]]:
    """Fraud type names and officers' names, from the latest plan the reading sees."""
    from fanzha_cli import cases, plan_store

    try:
        idx = plan_store.index_on(led, plan_store.FAR_FUTURE)
    except FanzhaError:
        return {}, {}
    return cases.type_names(idx.settings), {b: o["name"] for b, o in idx.officers.items()}


def _officer(led: Ledger, badge: str, on: str) -> str:
    """An officer in a sentence about a record dated `on`: from phrasing 2, as every sentence of
    the section names him (plan_lookup.officer_label: the plan in force that day); in phrasing 1,
    as the latest plan names him, as circulars issued with it said."""
    if phrasing() >= 2:
        from fanzha_cli import plan_lookup

        return plan_lookup.officer_label(led, badge, on)
    name = _names(led)[1].get(badge)
    return f"{name}（{badge}）" if name else badge


def _time(stamped: str) -> str:
    """A stored time in a sentence: from phrasing 2 as people read it, to the minute."""
    return stamped if phrasing() < 2 else stamped.replace("T", " ")[:16]


_TARGET = {"unit": "{}", "grid": "{}", "self": "本人亲友"}


def _line_target(r: dict[str, Any]) -> str:
    return _TARGET.get(r["target_kind"], "{}").format(r["target"])


@describes("report_add", "report_amend", "report_void", "report_import")
def _report_lines(led: Ledger, e: dict[str, Any]) -> Described:
    from fanzha_cli.reports import MEASURE_LABELS

    by_week: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows_of(led, "report_lines", e["entry_id"]):
        by_week[r["week"]].append(r)
    out = []
    for week, lines in by_week.items():
        if len(lines) == 1:
            r = lines[0]
            who = f"{r['dept']}对{_line_target(r)}的报送（编号 {r['line_id']}）"
            if r["action"] == "void":
                what = f"作废{who}"
            elif r["action"] == "amend":
                before = led.query("SELECT * FROM report_lines WHERE line_id = :l AND version = :v",
                                   {"l": r["line_id"], "v": r["version"] - 1})
                changed = [f"{MEASURE_LABELS[k]} {before[0][k]}→{r[k]}" for k in MEASURE_LABELS
                           if before and before[0][k] != r[k]]
                if before and before[0]["submitted_at"] != r["submitted_at"]:
                    changed.append(f"报送时间 {_time(before[0]['submitted_at'])}→{_time(r['submitted_at'])}")
                what = f"更正{who}" + (f"：{'，'.join(changed)}" if changed else "")
            else:
                late = "，迟报" if r["late"] else ""
                what = f"补报{r['dept']}对{_line_target(r)}的报送（编号 {r['line_id']}，报送时间 {r['submitted_at'].replace('T', ' ')[:16]}{late}）"
        else:
            counts = defaultdict(int)
            for r in lines:
                counts[r["action"]] += 1
            depts = list(dict.fromkeys(r["dept"] for r in lines))
            parts = [f"{label} {counts[a]} 条" for a, label in (("add", "补报"), ("amend", "更正"), ("void", "作废"))
                     if counts[a]]
            shown = "、".join(depts[:5]) + (f"等 {len(depts)} 个科所队" if len(depts) > 5 else "")
            what = f"导入报送 {len(lines)} 条（{'、'.join(parts)}）：{shown}"
        out.append((week, what))
    return out


@describes("case")
def _case(led: Ledger, e: dict[str, Any]) -> Described:
    types, _ = _names(led)
    out = []
    for c in rows_of(led, "cases", e["entry_id"]):
        where = {"unit": "单位", "grid": "网格", "place": "地点"}.get(c["target_kind"], "")
        where = f"{where}：{c['target']}" if where else c.get("target") or ""
        loss = format_yuan(c["loss_fen"])
        out.append((week_of(c["case_date"]),
                    f"补登案件 {c['case_no']}：{c['case_date']} 发案，{types.get(c['fraud_type'], c['fraud_type'])}"
                    + (f"，{where}" if where else "") + (f"，损失 {loss} 元" if loss else "")))
    return out


_RECEIVED = {1: "受害人反馈已收到面对面宣传", 0: "受害人反馈未收到面对面宣传，待核实"}


@describes("audit")
def _audit(led: Ledger, e: dict[str, Any]) -> Described:
    return [(week_of(a["audit_date"]),
             f"补登回访 #{a['entry_id']}（案件 {a['case_no']}，回访日期 {a['audit_date']}）：{_RECEIVED[a['publicity_received']]}")
            for a in rows_of(led, "audits", e["entry_id"])]


def _circulated_on(led: Ledger, audit_id: int) -> str | None:
    rows = led.query(
        "SELECT coalesce(f.verified_on, a.audit_date) AS day FROM audits AS a "
        "JOIN audit_findings AS f ON f.audit_id = a.entry_id WHERE a.entry_id = :id", {"id": audit_id})
    return rows[0]["day"] if rows else None


@describes("audit_verify")
def _audit_verify(led: Ledger, e: dict[str, Any]) -> Described:
    out = []
    # The classic pair in `deductions`; a unit case's departments (with or without an officer)
    # in `deduction_changes` (migrations.m006_corrections).
    charged = rows_of(led, "deductions", e["entry_id"]) + [
        d for d in rows_of(led, "deduction_changes", e["entry_id"]) if d["action"] == "charge"]
    for f in rows_of(led, "audit_findings", e["entry_id"]):
        day = _circulated_on(led, f["audit_id"])
        if not day:
            continue
        if f["finding"] == "negligent" and charged:
            who = [f"民辅警 {_officer(led, d['subject'], day)}" for d in charged if d["subject_kind"] == "officer"]
            who += [f"单位 {d['subject']}" for d in charged if d["subject_kind"] == "department"]
            what = (f"核实回访 #{f['audit_id']}（案件 {charged[0]['case_no']}）为消极懈怠、宣传未到位（核实日期 {day}），"
                    f"通报扣分：{'、'.join(who)}")
        else:
            what = f"核实回访 #{f['audit_id']}（核实日期 {day}）：非消极懈怠，不扣分"
        out.append((week_of(day), what))
    return out


@describes("audit_revoke")
def _audit_revoke(led: Ledger, e: dict[str, Any]) -> Described:
    out = []
    for r in rows_of(led, "audit_revocations", e["entry_id"]):
        day = _circulated_on(led, r["audit_id"])
        if day:
            out.append((week_of(day), f"撤销回访 #{r['audit_id']} 的通报扣分（申诉成立）：{r['reason']}"))
    return out


_STEPS = {"talk": "约谈", "re-publicity": "责令再宣传", "accountability": "严肃问责"}


@describes("discipline_step")
def _discipline_step(led: Ledger, e: dict[str, Any]) -> Described:
    out = []
    for s in rows_of(led, "discipline_steps", e["entry_id"]):
        who = _officer(led, s["subject"], s["step_date"]) if s["subject_kind"] == "officer" else f"{s['subject']}负责人"
        out.append((week_of(s["step_date"]), f"补记 {who} 已于 {s['step_date']} 落实{_STEPS.get(s['step'], s['step'])}"))
    return out


@describes("dissuasion")
def _dissuasion(led: Ledger, e: dict[str, Any]) -> Described:
    return [(week_of(d["dissuasion_date"]),
             f"补登劝阻：民辅警 {_officer(led, d['officer'], d['dissuasion_date'])}（{d['department']}）于 {d['dissuasion_date']} 劝阻，"
             f"避免损失 {format_yuan(d['amount_saved_fen'])} 元")
            for d in rows_of(led, "dissuasions", e["entry_id"])]


@describes("plan_load")
def _plan_load(led: Ledger, e: dict[str, Any]) -> Described:
    return [(week_of(v["effective"]), f"载入计划变动，自 {v['effective']} 起生效")
            for v in rows_of(led, "plan_versions", e["entry_id"])]


@describes(KIND)
def _issue(led: Ledger, e: dict[str, Any]) -> Described:
    return []  # issuing a circular corrects nothing


@describes("case_amend", "case_void", "audit_amend", "audit_void", "dissuasion_amend", "dissuasion_void",
           "discipline_void")
def _correction(led: Ledger, e: dict[str, Any]) -> Described:
    """A correction of a case, call-back, dissuasion or discipline step: the weeks of the
    record's date before and after, and what changed (corrections.describe); an entry of such a
    kind without the rows it should hold is said as `_generic` says it."""
    from fanzha_cli import corrections

    d = corrections.describe(led, e["entry_id"], phrasing())
    return [(w, d["what"]) for w in d["weeks"]] if d else _generic(led, e)


# What the generic description calls a kind of entry (the registry's own functions say more).
KIND_LABELS = {
    "case_amend": "更正案件", "case_void": "作废案件", "audit_amend": "更正回访", "audit_void": "作废回访",
    "dissuasion_amend": "更正劝阻", "dissuasion_void": "作废劝阻", "discipline_void": "撤销处理记录",
}

_DATE_COLUMN_ENDS = ("_date", "_on", "date")


def _weeks_in_rows(led: Ledger, entry_id: int) -> list[str]:
    found: list[str] = []
    for table in chain.ledger_tables(led.conn):
        for row in rows_of(led, table, entry_id):
            for col, value in row.items():
                if not isinstance(value, str):
                    continue
                if col == "week" and len(value) == 8:
                    found.append(value)
                elif col.endswith(_DATE_COLUMN_ENDS) and len(value) >= 10:
                    try:
                        found.append(week_of(value))
                    except ValueError:
                        pass
    return list(dict.fromkeys(found))


def _generic(led: Ledger, e: dict[str, Any], depth: int = 0) -> Described:
    """A kind the registry does not know: the weeks of the dates in its rows (or else of the
    entry it supersedes), said plainly."""
    found = _weeks_in_rows(led, e["entry_id"])
    if not found and e.get("supersedes") and depth < 5:
        target = led.query(queries.ENTRIES_BY_IDS, {"ids": json.dumps([e["supersedes"]])})
        if target:
            t = target[0]
            own = DESCRIBERS.get(t["kind"])
            found = [w for w, _ in (own(led, t) if own else _generic(led, t, depth + 1))]
    label = KIND_LABELS.get(e["kind"], f"新增记录（{e['kind']}）")
    what = label + (f"：第 {e['supersedes']} 条记录" if e.get("supersedes") else f"：第 {e['entry_id']} 条记录")
    return [(w, what) for w in dict.fromkeys(found)]


def describe(led: Ledger, entry: dict[str, Any]) -> Described:
    return (DESCRIBERS.get(entry["kind"]) or _generic)(led, entry)


def corrections(led: Ledger, upto: int) -> list[dict[str, Any]]:
    """Entries since the previous circular was issued (its anchor) up to `upto` that concern a
    week issued before them, in entry order: each is listed once, in the next circular issued."""
    issues = [Issue.of(r) for r in led.query(queries.ALL_ISSUES) if r["entry_id"] <= upto]
    if not issues:
        return []
    issued = {i.week: i for i in issues}
    out = []
    for e in led.query(queries.ENTRIES_BETWEEN, {"after": issues[-1].anchor_id, "upto": upto}):
        for week, what in describe(led, e):
            i = issued.get(week)
            if i is None or i.entry_id >= e["entry_id"]:
                continue  # not a week issued before this entry was recorded
            out.append({"week": week, "issue_no": i.issue_no, "entry_id": e["entry_id"], "kind": e["kind"],
                        "what": what, "operator": e["operator"], "recorded_at": e["recorded_at"],
                        "reason": e["reason"]})
    return out


# --- anchors ----------------------------------------------------------------------------------

def parse_anchor(text: str) -> tuple[int, str]:
    """`N:HASH`, HASH the entry's full hash or at least its first 16 hex digits."""
    n, sep, digest = (text or "").strip().partition(":")
    digest = digest.strip().lower()
    if (not sep or not n.strip().isdecimal() or not HASH_SHOWN <= len(digest) <= 64
            or any(ch not in "0123456789abcdef" for ch in digest)):
        raise FanzhaError(f"锚点格式不对：{text!r}",
                          hint="写成“记录编号:哈希”，哈希至少 16 位十六进制数字，如 --anchor 1234:9f2c4e1a7b3d5f60（见已印发通报末尾）。")
    return int(n), digest


def anchor_problems(led: Ledger, anchors: Iterable[tuple[int, str]]) -> list[str]:
    """Each anchor the ledger no longer holds (entry N gone, or with another hash), in Chinese."""
    out = []
    last = asof.head(led)[0]
    for n, digest in anchors:
        row = led.query(queries.ENTRY_HASH, {"id": n})
        if any(r["old_hash"].startswith(digest) for r in led.query(queries.RESEALED_HASH, {"id": n})):
            continue  # an anchor of the ledger this one was resealed from
        if not row:
            out.append(f"锚点不符：账本中已没有第 {n} 条记录（现在只到第 {last} 条），"
                       f"账本可能被截短到已印发通报的锚点之前。")
        elif not row[0]["hash"].startswith(digest):
            out.append(f"锚点不符：第 {n} 条记录的哈希是 {row[0]['hash'][:len(digest)]}，"
                       f"不是锚点中的 {digest}，账本在该记录及之前被改动过。")
    return out


def recorded_anchor_problems(led: Ledger) -> list[str]:
    """Every issued circular's anchor checked against the entry it names."""
    out = []
    for r in led.query(queries.ISSUE_ANCHORS):
        if r["anchor_id"] == 0:
            continue
        if (r["held_hash"] is None or r["held_hash"] != r["anchor_hash"]) and not r["held_before_reseal"]:
            out.append(f"第 {r['entry_id']} 条记录印发的 {r['week']} 通报锚定第 {r['anchor_id']} 条记录"
                       f"（哈希 {r['anchor_hash'][:HASH_SHOWN]}），账本中该记录"
                       + ("已不存在。" if r["held_hash"] is None else f"的哈希却是 {r['held_hash'][:HASH_SHOWN]}。"))
    return out
