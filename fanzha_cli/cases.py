"""Fraud cases (发案) and zero-case (零发案) pairings.

A case is a unit case (the victim works in a paired unit) or a grid case (the victim lives
in a grid). Who answers for it is judged against the plan in force on the case date, so a
unit or grid moved to another department or officer later does not move its past cases.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Iterable

from fanzha_cli import plan_store, privacy, queries
from fanzha_cli.dates import iso_date
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan, parse_yuan

TARGET_LABELS = {"unit": "单位", "grid": "网格"}


# --- the campaign: which dates may be entered ---

def latest_settings(led: Ledger) -> dict[str, Any]:
    rows = led.query(queries.LATEST_PLAN_VERSION)
    if not rows:
        raise FanzhaError("账本中还没有载入计划。", hint="先运行 fanzha plan load data/assignments.yaml。")
    return json.loads(rows[0]["settings"])


def campaign_period(led: Ledger) -> tuple[str, str]:
    p = latest_settings(led)["campaign"]["routine_period"]
    return str(p["start"]), str(p["end"])


def campaign_date(led: Ledger, value: str, what: str = "日期") -> str:
    """A date typed by the user, which must lie within the campaign."""
    day = iso_date(value, what)
    start, end = campaign_period(led)
    if not start <= day <= end:
        raise FanzhaError(
            f"{what} {day} 不在活动期 {start} 至 {end} 内。",
            hint="只能登记活动期内的日期；活动期见 fanzha plan show。",
        )
    return day


def period(led: Ledger, start: str | None, end: str | None, today: dt.date | None = None,
           from_plan: bool = False) -> tuple[str, str]:
    """--from/--to, by default the campaign so far (its start to today, or its end if over).
    `from_plan`: by default from the day the plan took effect instead (zero-case and
    commendation: a pairing that did not exist cannot have failed)."""
    c_start, c_end = campaign_period(led)
    if from_plan:
        effective = led.query(queries.FIRST_PLAN_EFFECTIVE, {"upto": None})[0]["effective"]
        c_start = max(c_start, effective or c_start)
    day_from = campaign_date(led, start, "起始日期") if start else c_start
    if end:
        day_to = campaign_date(led, end, "截止日期")
    else:
        day_to = max(day_from, min((today or dt.date.today()).isoformat(), c_end))
    if day_from > day_to:
        raise FanzhaError(f"起始日期 {day_from} 晚于截止日期 {day_to}。", hint="--from 应不晚于 --to。")
    return day_from, day_to


def fraud_type(settings: dict[str, Any], value: str) -> dict[str, str]:
    """A fraud type by its code or its Chinese name, as the plan lists them."""
    text = (value or "").strip()
    types = settings.get("fraud_types", [])
    for t in types:
        if text in (t["code"], t["name"]):
            return t
    raise plan_store.unknown_name("诈骗类型", text, [t["name"] for t in types] + [t["code"] for t in types])


def type_names(settings: dict[str, Any]) -> dict[str, str]:
    return {t["code"]: t["name"] for t in settings.get("fraud_types", [])}


def required_text(value: str | None, what: str, hint: str) -> str:
    text = (value or "").strip()
    if not text:
        raise FanzhaError(f"{what}不能为空。", hint=hint)
    return text


def find_case(led: Ledger, case_no: str) -> dict[str, Any]:
    rows = led.query(queries.CASE_BY_NO, {"case_no": (case_no or "").strip()})
    if not rows:
        raise FanzhaError(f"没有编号为“{case_no}”的案件。", hint="用 fanzha case list 查看已登记的案件，或先用 fanzha case add 登记。")
    return rows[0]


# --- cases ---

def case_row(
    led: Ledger,
    *,
    case_no: str,
    date: str,
    type_: str,
    unit: str | None = None,
    grid: str | None = None,
    loss: str | None = None,
    victim: str | None = None,
    phone: str | None = None,
    id_number: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """One case as typed, checked against the plan in force on its date: the row to append."""
    case_no = required_text(case_no, "案件编号", "用 --case-no 写明案件编号。")
    if bool(unit) == bool(grid):
        raise FanzhaError(
            "须指明案件发生在哪个包联单位或网格（--unit 或 --grid，二者选一）。",
            hint="受害人是包联单位工作人员用 --unit 单位名称；是网格群众用 --grid 网格名称。",
        )
    case_date = campaign_date(led, date, "发案日期")
    idx = plan_store.index_on(led, case_date)
    kind, target = ("unit", idx.unit(unit.strip())) if unit else ("grid", grid.strip())
    if kind == "grid":
        idx.grid(target)
    return {
        "case_no": case_no,
        "case_date": case_date,
        "fraud_type": fraud_type(idx.settings, type_)["code"],
        "target_kind": kind,
        "target": target,
        "loss_fen": parse_yuan(loss, "损失金额") if loss is not None and loss.strip() else None,
        "victim_name": privacy.clean_name(victim),
        "victim_phone": privacy.clean_phone(phone),
        "victim_id_number": privacy.clean_id_number(id_number),
        "note": (note or "").strip() or None,
    }


def add_case(led: Ledger, **fields: Any) -> dict[str, Any]:
    """Register one case (the fields of `case_row`)."""
    return add_cases(led, [fields])[0]


def add_cases(led: Ledger, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Register many cases (each the fields of `case_row`): every one is checked first, then
    all are appended, one entry each, in one transaction; one bad case writes nothing."""
    rows = [case_row(led, **fields) for fields in items]
    out = []
    with led.write() as w:
        for row in rows:
            # Checked under the write lock, so two clerks cannot both enter the same number;
            # a number twice in one batch meets its first copy here too.
            existing = led.query(queries.CASE_BY_NO, {"case_no": row["case_no"]})
            if existing:
                e = existing[0]
                raise FanzhaError(
                    f"案件编号 {row['case_no']} 已登记（第 {e['entry_id']} 条记录，{e['operator']} 于 {e['recorded_at']} 录入），不能重复登记。",
                    hint="核对案件编号；已登记的案件不能修改，如有错误请联系反诈中心说明情况。",
                )
            out.append({"entry_id": w.append("case", {"cases": [row]}), **row})
    return out


def case_view(row: dict[str, Any], names: dict[str, str], show_pii: bool) -> dict[str, Any]:
    """One case as every output shows it: amounts in yuan text, victim masked."""
    out = {
        "case_no": row["case_no"],
        "case_date": row["case_date"],
        "fraud_type": row["fraud_type"],
        "fraud_type_name": names.get(row["fraud_type"], row["fraud_type"]),
        "target_kind": row["target_kind"],
        "target": row["target"],
        "loss": format_yuan(row["loss_fen"]),
        "loss_fen": row["loss_fen"],
        "victim_name": row["victim_name"],
        "victim_phone": row["victim_phone"],
        "victim_id_number": row["victim_id_number"],
        "note": row["note"],
        "entry_id": row["entry_id"],
        "operator": row.get("operator"),
        "recorded_at": row.get("recorded_at"),
    }
    return privacy.mask_victim(out, show_pii)


def list_cases(
    led: Ledger, start: str | None, end: str | None, type_: str | None, show_pii: bool = False,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    settings = latest_settings(led)
    day_from, day_to = period(led, start, end, today)
    code = fraud_type(settings, type_)["code"] if type_ else None
    names = type_names(settings)
    rows = led.query(queries.CASES_IN_PERIOD, {"start": day_from, "end": day_to, "fraud_type": code})
    return [case_view(r, names, show_pii) for r in rows]


# --- zero-case ---

def _segments(led: Ledger, start: str, end: str) -> list[tuple[str, str]]:
    """[start, end] cut at each day a plan change took effect: within a piece the plan holds still."""
    days = [start] + [r["effective"] for r in led.query(queries.PLAN_CHANGE_DAYS, {"start": start, "end": end})]
    out = []
    for i, day in enumerate(days):
        last = end if i + 1 == len(days) else (dt.date.fromisoformat(days[i + 1]) - dt.timedelta(days=1)).isoformat()
        out.append((day, last))
    return out


Pairing = tuple[str, str, str]  # (department, unit | grid, target)


@dataclass
class Pairings:
    """Every pairing in force at some time in a period, in plan order, and whether a case fell
    on it while it was; each grid's officers over the period; each department's counts."""

    had_case: dict[Pairing, bool]
    officers: dict[Pairing, list[str]]
    categories: dict[str, str]
    order: dict[str, int]
    officer_names: dict[str, str]

    def keys(self) -> list[Pairing]:
        """Department by department in plan order, units before grids."""
        last = len(self.order)
        return sorted(self.had_case, key=lambda k: (self.order.get(k[0], last), k[1] != "unit"))

    def free(self) -> list[Pairing]:
        """The case-free pairings, in `keys` order."""
        return [k for k in self.keys() if not self.had_case[k]]

    def per_department(self, keys: list[Pairing]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for key in keys:
            c = out.setdefault(key[0], {"unit": 0, "grid": 0, "with_case": 0})
            c[key[1]] += 1
            c["with_case"] += self.had_case[key]
        return out


def _in_force(idx: plan_store.PlanIndex) -> tuple[list[Pairing], list[tuple[str, str]], dict[Pairing, list[str]], dict[str, str]]:
    """An index's pairings (units, then grids), their (kind, target), each grid's officers, and
    officers' names: worked out once per plan version (kept with the index)."""
    if "pairings" not in idx.derived:
        keys = [(d, "unit", u) for u, ds in idx.unit_depts.items() for d in ds]
        keys += [(s, "grid", g) for g, s in idx.grids.items()]
        grid_officers = {(s, "grid", g): idx.grid_officers.get(g, []) for g, s in idx.grids.items()}
        names = {badge: o["name"] for badge, o in idx.officers.items()}
        idx.derived["pairings"] = (keys, [k[1:] for k in keys], grid_officers, names)
    return idx.derived["pairings"]


def pairings(led: Ledger, day_from: str, day_to: str) -> Pairings:
    """The pairings of [day_from, day_to] (ISO dates in the campaign), each case counted against
    the pairings in force on its own date: the period is cut where the plan changed, and each
    piece's cases are matched with that piece's plan. Days before the first plan took effect
    count for nothing: no pairing existed then."""
    effective = led.query(queries.FIRST_PLAN_EFFECTIVE, {"upto": None})[0]["effective"]
    if effective and day_from < effective:
        day_from = effective
    had_case: dict[Pairing, bool] = {}
    officers: dict[Pairing, list[str]] = {}
    categories: dict[str, str] = {}
    dept_order: list[str] = []
    officer_names: dict[str, str] = {}
    for seg_start, seg_end in (_segments(led, day_from, day_to) if day_from <= day_to else []):
        idx = plan_store.index_on(led, seg_start)
        keys, targets, grid_officers, names = _in_force(idx)
        hit = set(led.conn.execute(queries.CASE_TARGETS_IN, {"start": seg_start, "end": seg_end}))
        piece = dict(zip(keys, map(hit.__contains__, targets)))
        for name, attrs in idx.departments.items():
            if name not in categories:
                categories[name] = attrs.get("category", "")
                dept_order.append(name)
        if not had_case:  # the first piece (usually the only one)
            had_case, officers, officer_names = piece, dict(grid_officers), dict(names)
            continue
        officer_names = names | officer_names  # the first name wins
        for key, had in piece.items():
            had_case[key] = had_case.get(key, False) or had
        for key, badges in grid_officers.items():
            mine = officers.get(key, [])
            officers[key] = mine + [b for b in badges if b not in mine]  # never changes the index's lists
    return Pairings(had_case, officers, categories, {d: i for i, d in enumerate(dept_order)}, officer_names)


def case_free(led: Ledger, start: str, end: str) -> tuple[set[Pairing], set[str]]:
    """What `zero_case` names, as sets: the case-free pairings, and the departments all of
    whose pairings are case-free (for a caller that needs no more than that)."""
    return free_of(pairings(led, start, end))


def free_of(p: Pairings) -> tuple[set[Pairing], set[str]]:
    """`case_free` of pairings already judged."""
    free = {key for key, had in p.had_case.items() if not had}
    hit = {key[0] for key, had in p.had_case.items() if had}
    return free, {key[0] for key in p.had_case} - hit


def zero_case(led: Ledger, start: str | None, end: str | None, today: dt.date | None = None) -> dict[str, Any]:
    """Paired units and grids with no case in the period, and departments with none at all.

    A pairing is listed if it was in force at any time in the period and no case fell on
    it while it was (see `pairings`); a department, if every such pairing of it is case-free.
    """
    day_from, day_to = period(led, start, end, today, from_plan=True)
    effective = led.query(queries.FIRST_PLAN_EFFECTIVE, {"upto": None})[0]["effective"]
    day_from = max(day_from, effective or day_from)
    p = pairings(led, day_from, day_to)
    keys = p.keys()
    targets = [
        {
            "department": key[0],
            "category": p.categories.get(key[0], ""),
            "target_kind": key[1],
            "target": key[2],
            "officers": [{"badge": b, "name": p.officer_names.get(b)} for b in p.officers.get(key, [])],
        }
        for key in keys
        if not p.had_case[key]
    ]
    per_dept = p.per_department(keys)
    last = len(p.order)
    departments = [
        {"department": d, "category": p.categories.get(d, ""), "units": c["unit"], "grids": c["grid"]}
        for d, c in sorted(per_dept.items(), key=lambda x: p.order.get(x[0], last))
        if c["with_case"] == 0
    ]
    return {
        "from": day_from,
        "to": day_to,
        "pairings": len(p.had_case),
        "departments_judged": len(per_dept),
        "targets": targets,
        "departments": departments,
    }
