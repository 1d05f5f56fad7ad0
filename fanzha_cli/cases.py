"""Fraud cases (发案) and zero-case (零发案) pairings.

A case is a unit case (the victim works in a paired unit), a grid case (the victim lives
in a grid), or a place case (neither: it counts in the county's figures and touches no
pairing). Its current version is derived (queries.CURRENT_CASES): corrections are new
entries (corrections.py). Case numbers are normalised (`normalize_case_no`, `case_key`). Who answers for it is judged against the plan in force on the case date, so a
unit or grid moved to another department or officer later does not move its past cases.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from fanzha_cli import plan_lookup, plan_store, privacy, queries, sealing
from fanzha_cli.clock import latest_settings  # noqa: F401  (one place; callers import it from here too)
from fanzha_cli.dates import iso_date
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.money import format_yuan, parse_yuan

TARGET_LABELS = {"unit": "单位", "grid": "网格", "place": "地点"}


# --- the campaign: which dates may be entered ---

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


# --- case numbers ---

MAX_CASE_NO = 64


def case_key(value: str) -> str:
    """What two case numbers are compared by: full-width made half-width (NFKC), spaces
    around trimmed, letters without case. `xg2022001`, `ＸＧ２０２２００１` and ` XG2022001 `
    are one case."""
    return unicodedata.normalize("NFKC", value or "").strip().casefold()


def normalize_case_no(value: str | None) -> str:
    """A case number as typed, made what is stored: NFKC, trimmed, letters in upper case;
    at most 64 characters, no control characters."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        raise FanzhaError("案件编号不能为空。", hint="用 --case-no 写明案件编号，如 XG2022001。")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        raise FanzhaError(f"案件编号 {text!r} 中含有控制字符。", hint="案件编号只写字母、数字和连字符等可见字符。")
    if len(text) > MAX_CASE_NO:
        raise FanzhaError(f"案件编号太长（{len(text)} 个字符），最多 {MAX_CASE_NO} 个字符。", hint="核对案件编号。")
    return text.upper()


def resolve_case_no(led: Ledger, typed: str, upto: int | None = None) -> str | None:
    """The registered number a typed case number means, or None.

    New numbers are stored normalised, so the index finds them. An older ledger may hold
    numbers that differ only in case or width (`XG2022001` and `xg2022001`): each stays its
    own case, reached by typing it exactly as stored; typed otherwise, the one the
    normalised number names is meant, and if none is stored so, an ambiguous number is refused."""
    raw = (typed or "").strip()
    for candidate in dict.fromkeys([raw, normalize_case_no(typed)]):
        if led.query(queries.CASE_BY_NO, {"case_no": candidate, "upto": upto}):
            return candidate
    key = case_key(typed)
    found = [r["case_no"] for r in led.query(queries.UNUSUAL_CASE_NOS, {"upto": upto}) if case_key(r["case_no"]) == key]
    if len(found) > 1:
        raise FanzhaError(
            f"案件编号“{raw}”对应多起已登记的案件：{'、'.join(found)}（旧账本中只有大小写或全半角不同的编号）。",
            hint="按账本中的原样输入其中一个编号；重复登记的一起可用 fanzha case void 编号 --reason 原因 作废。",
        )
    return found[0] if found else None


def case_versions(led: Ledger, case_no: str, upto: int | None = None) -> list[dict[str, Any]]:
    """Every version of a case (registration, amendments, void), oldest first; the case is
    found by its typed number (see `resolve_case_no`)."""
    stored = resolve_case_no(led, case_no, upto)
    if stored is None:
        raise FanzhaError(f"没有编号为“{(case_no or '').strip()}”的案件。",
                          hint="用 fanzha case list 查看已登记的案件，或先用 fanzha case add 登记。")
    return led.query(queries.CASE_HISTORY, {"case_no": stored, "upto": upto})


def find_case(led: Ledger, case_no: str, upto: int | None = None) -> dict[str, Any]:
    """The current version of a case (voided: refused)."""
    versions = case_versions(led, case_no, upto)
    last = versions[-1]
    if last["action"] == "void":
        raise FanzhaError(
            f"案件 {last['case_no']} 已于第 {last['version_entry']} 条记录作废（{last['reason']}）。",
            hint="用 fanzha case history 查看该案件的全部记录。",
        )
    return last


# --- where a case happened, and who answers for it ---

def focus_group(settings: dict[str, Any], value: str | None) -> str | None:
    """--group: one of the plan's focus groups (code, name, or a unique part of the name, such
    as 学生群体), or 其他 (`other`)."""
    text = (value or "").strip()
    if not text:
        return None
    if text in ("其他", "other"):
        return "other"
    groups = settings.get("focus_groups", [])
    for g in groups:
        if text in (g["code"], g["name"]):
            return g["code"]
    partial = [g["code"] for g in groups if text in g["name"]]
    if len(partial) == 1:
        return partial[0]
    raise FanzhaError(
        f"没有“{text}”这个重点人群。",
        hint="可选：" + "、".join([g["name"] for g in groups] + ["其他"]) + "（也可写计划中的代码）。",
    )


def group_names(settings: dict[str, Any]) -> dict[str, str]:
    return {g["code"]: g["name"] for g in settings.get("focus_groups", [])} | {"other": "其他"}


def place_of(idx: plan_store.PlanIndex, unit: str | None, grid: str | None, place: str | None) -> tuple[str, str]:
    """(target_kind, target) of --unit / --grid / --place, exactly one, checked against the plan."""
    given = [x for x in (unit, grid, place) if x is not None and x.strip()]
    if len(given) != 1:
        raise FanzhaError(
            "须指明案件发生在哪里：--unit 包联单位、--grid 网格或 --place 地点，三者选一。",
            hint="受害人是包联单位工作人员用 --unit；是网格群众用 --grid；都不是用 --place 写明地点（不计入任何包联的零发案）。",
        )
    if unit and unit.strip():
        return "unit", idx.unit(unit.strip())
    if grid and grid.strip():
        idx.grid(grid.strip())
        return "grid", grid.strip()
    return "place", place.strip()


def charged_departments(idx: plan_store.PlanIndex, case: dict[str, Any]) -> list[str]:
    """The departments a case charges, per the plan on its date: a unit's paired department(s),
    a grid's station; a place outside every pairing charges no one."""
    if case["target_kind"] == "unit":
        return list(idx.unit_depts.get(case["target"], []))
    if case["target_kind"] == "grid":
        station = idx.grids.get(case["target"])
        return [station] if station else []
    return []


# --- cases ---

def case_row(
    led: Ledger,
    *,
    case_no: str,
    date: str,
    type_: str,
    unit: str | None = None,
    grid: str | None = None,
    place: str | None = None,
    loss: str | None = None,
    group: str | None = None,
    victim: str | None = None,
    phone: str | None = None,
    id_number: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """One case as typed, checked against the plan in force on its date: the row to append."""
    case_no = normalize_case_no(case_no)
    case_date = campaign_date(led, date, "发案日期")
    idx = plan_lookup.lookup_on(led, case_date)
    kind, target = place_of(idx, unit, grid, place)
    return {
        "case_no": case_no,
        "case_date": case_date,
        "fraud_type": fraud_type(idx.settings, type_)["code"],
        "target_kind": kind,
        "target": target,
        "loss_fen": parse_yuan(loss, "损失金额") if loss is not None and loss.strip() else None,
        "group_name": focus_group(idx.settings, group),
        "victim_name": privacy.clean_name(victim),
        "victim_phone": privacy.clean_phone(phone),
        "victim_id_number": privacy.clean_id_number(id_number),
        "note": (note or "").strip() or None,
    }


def add_case(led: Ledger, **fields: Any) -> dict[str, Any]:
    """Register one case (the fields of `case_row`)."""
    return add_cases(led, [fields])[0]


def _duplicate(led: Ledger, case_no: str) -> None:
    stored = resolve_case_no(led, case_no)
    if stored is None:
        return
    versions = led.query(queries.CASE_HISTORY, {"case_no": stored, "upto": None})
    first, last = versions[0], versions[-1]
    state = "，已作废" if last["action"] == "void" else ""
    raise FanzhaError(
        f"案件编号 {case_no} 已登记{'' if stored == case_no else '为 ' + stored}（第 {first['entry_id']} 条记录，"
        f"{first['operator']} 于 {first['recorded_at']} 录入{state}），"
        "不能重复登记。编号比较时不分大小写、全角半角。",
        hint=f"核对案件编号。已登记的案件有误时用 fanzha case amend {stored} … --reason 原因 更正，"
             f"登记错了用 fanzha case void {stored} --reason 原因 作废；fanzha case history {stored} 查看全部记录。",
    )


def add_cases(led: Ledger, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Register many cases (each the fields of `case_row`): every one is checked first, then
    all are appended, one entry each, in one transaction; one bad case writes nothing."""
    rows = [case_row(led, **fields) for fields in items]
    out = []
    with led.write() as w:
        for row in rows:
            # Checked under the write lock, so two clerks cannot both enter the same number;
            # a number twice in one batch meets its first copy here too.
            _duplicate(led, row["case_no"])
            # Found by the keyed hash of the ID number: no victim's data is decrypted.
            seen = sealing.same_victims(led.conn, row["victim_id_number"], row["case_no"])
            out.append({"entry_id": w.append("case", {"cases": [row]}), **row, "same_victim_cases": seen})
    return out


def case_view(row: dict[str, Any], names: dict[str, str], show_pii: bool,
              groups: dict[str, str] | None = None) -> dict[str, Any]:
    """One case as every output shows it: amounts in yuan text, victim (and any phone or ID
    number typed into the note) masked."""
    group = row.get("group_name")
    out = {
        "case_no": row["case_no"],
        "case_date": row["case_date"],
        "fraud_type": row["fraud_type"],
        "fraud_type_name": names.get(row["fraud_type"], row["fraud_type"]),
        "target_kind": row["target_kind"],
        "target": row["target"],
        "place": row["target"] if row["target_kind"] == "place" else None,
        "group": group,
        "group_name": (groups or {}).get(group, group) if group else None,
        "loss": format_yuan(row["loss_fen"]),
        "loss_fen": row["loss_fen"],
        "victim_name": row["victim_name"],
        "victim_phone": row["victim_phone"],
        "victim_id_number": row["victim_id_number"],
        "note": row["note"],
        "entry_id": row["entry_id"],
        "version_entry": row.get("version_entry", row["entry_id"]),
        "operator": row.get("operator"),
        "recorded_at": row.get("recorded_at"),
    }
    return privacy.mask_victim(out, show_pii)


def list_cases(
    led: Ledger, start: str | None, end: str | None, type_: str | None, show_pii: bool = False,
    today: dt.date | None = None, upto: int | None = None,
) -> list[dict[str, Any]]:
    settings = latest_settings(led)
    day_from, day_to = period(led, start, end, today)
    code = fraud_type(settings, type_)["code"] if type_ else None
    names, groups = type_names(settings), group_names(settings)
    rows = led.query(queries.CASES_IN_PERIOD, {"start": day_from, "end": day_to, "fraud_type": code, "upto": upto})
    # The same victim (same ID number) in another case, by keyed hash: no key needed.
    same = sealing.victim_groups(led.conn, {r["case_no"]: r["victim_id_hmac"] for r in led.query(
        queries.CASES_IN_PERIOD, {"start": "0000-01-01", "end": "9999-12-31", "fraud_type": None, "upto": upto})})
    return [{**case_view(r, names, show_pii, groups), "same_victim_cases": same.get(r["case_no"], [])} for r in rows]


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

    def free_departments(self) -> set[str]:
        """The departments all of whose pairings were case-free: the one judgement of a
        zero-case department (`zero-case`, the commendation, the circular)."""
        hit = {key[0] for key, had in self.had_case.items() if had}
        return {key[0] for key in self.had_case} - hit

    def per_department(self, keys: list[Pairing]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for key in keys:
            c = out.setdefault(key[0], {"unit": 0, "grid": 0})
            c[key[1]] += 1
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


def pairings(led: Ledger, day_from: str, day_to: str, upto: int | None = None) -> Pairings:
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
        hit = set(led.conn.execute(queries.CASE_TARGETS_IN, {"start": seg_start, "end": seg_end, "upto": upto}))
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


def case_free(led: Ledger, start: str, end: str, upto: int | None = None) -> tuple[set[Pairing], set[str]]:
    """What `zero_case` names, as sets: the case-free pairings, and the departments all of
    whose pairings are case-free (for a caller that needs no more than that)."""
    return free_of(pairings(led, start, end, upto))


def free_of(p: Pairings) -> tuple[set[Pairing], set[str]]:
    """`case_free` of pairings already judged."""
    return set(p.free()), p.free_departments()


def zero_case(led: Ledger, start: str | None, end: str | None, today: dt.date | None = None,
              upto: int | None = None) -> dict[str, Any]:
    """Paired units and grids with no case in the period, and departments with none at all.

    A pairing is listed if it was in force at any time in the period and no case fell on
    it while it was (see `pairings`); a department, if every such pairing of it is case-free.
    """
    day_from, day_to = period(led, start, end, today, from_plan=True)
    effective = led.query(queries.FIRST_PLAN_EFFECTIVE, {"upto": upto})[0]["effective"]
    day_from = max(day_from, effective or day_from)
    p = pairings(led, day_from, day_to, upto)
    keys = p.keys()
    free_depts = p.free_departments()
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
        if d in free_depts
    ]
    return {
        "from": day_from,
        "to": day_to,
        "pairings": len(p.had_case),
        "departments_judged": len(per_dept),
        "targets": targets,
        "departments": departments,
    }
