"""Checking a sheet's rows as a set: its names against the plan in force, its cells by column.

The import's row validator (`sheet._check_row`) judges one row at a time against the whole
plan in force (a province's plan index: 405,000 items, about a second to build) and parses
every cell of every row. Most rows of a sheet are right, and a sheet repeats a few distinct
values per column, so `screen` settles a whole sheet at once:

- names: every department, unit and grid the sheet names goes into a temporary table, and
  one query (`queries.IMPORT_NAMES_IN_FORCE`) joins it with the plan's recorded history
  (`plan_items`) to find which are in force on the week's plan date, and paired with what;
- cells: each distinct value of each count and progress column is parsed once;
- weeks and submitted times: each distinct text is resolved once.

A row whose every part passed is accepted here, with exactly what the row validator would
give for it (identity, content, time and week plan). Any other row (a name not in force or
written by an alias, a value not in its plain form, a wrong week or time...) is handed to the
row validator, which finds and words its problems as it always has. So a good sheet never
builds the whole plan, and which rows are refused, with which messages in which order, does
not change (tests/test_import_set.py compares the two over generated sheets).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from typing import Any

from fanzha_cli import queries
from fanzha_cli.errors import FanzhaError
from fanzha_cli.ledger import Ledger
from fanzha_cli.reports.cells import (
    CONTENT_FIELDS, KIND_WORDS, MAX_PUSH_DAYS, MEASURE_KEYS, SELF_LABEL, Problem, _canon, parse_duties,
)
from fanzha_cli.reports.week_plan import WeekPlan, WeekPlans
from fanzha_cli.reports.write import target_label

ASK = object()  # a row for the row validator

_TEXT_FIELDS = ("dept", "week", "target_kind", "target", "submitted_at", "progress", "duties", "note")


def screen(led: Ledger, fields: dict[str, str], names: list[str], rows: list[Any], plans: WeekPlans,
           now: dt.datetime, default_submitted: dt.datetime | None) -> list[Any]:
    """For each row: None for a blank row (nothing filled in), `(key, figures, submitted,
    plan)` for a row that is right (what `sheet._check_row` gives for it, as `compact`
    puts it), or ASK where only the row validator can tell. `plans` look names up
    (WeekPlans(point=True)): the whole plan is not built."""
    n = len(rows)
    header = {f: h for h, f in fields.items()}
    present = [f for f in (*_TEXT_FIELDS, *MEASURE_KEYS) if f in header]
    # Each row's cells come under the sheet's named headers (`names`, in order; a header
    # named twice reads as its later cell, as tabular's rows do): one C-level pick per row,
    # then columns.
    at = {h: i for i, h in enumerate(names)}
    pick = operator.itemgetter(*(at[header[f]] for f in present))
    picked = [pick(r.cells) for r in rows] if len(present) > 1 else [(pick(r.cells),) for r in rows]
    got = dict(zip(present, zip(*picked))) if n else {}
    blank = ("",) * n

    def column(f: str) -> tuple[str, ...]:
        return got.get(f, blank)

    text = {f: column(f) for f in _TEXT_FIELDS}
    raw_counts = [column(k) for k in MEASURE_KEYS]

    # Weeks, kinds: each distinct text once.
    week_of: dict[str, tuple[WeekPlan, str]] = {}
    for w in set(text["week"]):
        try:
            plan = plans.of_text(w.strip())
        except FanzhaError:
            continue  # the row validator words it
        week_of[w] = (plan, plan.week.label)
    kind_of: dict[str, str | None] = {}
    for k in set(text["target_kind"]):
        t = k.strip()
        kind_of[k] = KIND_WORDS.get(t.lower() if t.isascii() else t) if t else ""

    # Names: which are in force on each plan date, all at once.
    wanted: dict[str, dict[str, set[str]]] = {}
    for w, d, k, t in zip(text["week"], text["dept"], text["target_kind"], text["target"]):
        if w not in week_of:
            continue
        on = week_of[w][0].index.on
        if on not in wanted:
            wanted[on] = {"department": set(), "unit": set(), "grid": set()}
        names = wanted[on]
        names["department"].add(d.strip())
        t = t.strip()
        kind = kind_of[k]
        if not t or kind == "self" or (kind == "" and t == SELF_LABEL):
            continue
        if kind != "grid":
            names["unit"].add(t)
        if kind != "unit":
            names["grid"].add(t)
    for names in wanted.values():
        names["pairing"] = names["unit"]  # a unit's pairings: the departments it is paired with
    in_force = {on: _in_force(led, on, names) for on, names in wanted.items()}

    # Cells: each distinct value of a count or progress column parsed once; a value not in
    # its plain form (or out of range) is left to the row validator, which words it.
    counts = [list(map(_plain_counts(k, set(col)).get, col)) for k, col in zip(MEASURE_KEYS, raw_counts)]
    progress_of = _plain_progress(set(text["progress"]))
    times: dict[tuple[str, str], Any] = {}
    duties_of: dict[tuple[int, str, str, str], Any] = {}

    out: list[Any] = []
    add = out.append
    for (d, w, k, t, st, prog, duty, note), raw, figures in zip(
            zip(*(text[f] for f in _TEXT_FIELDS)), zip(*raw_counts), zip(*counts)):
        if not (prog or duty.strip() or note or any(raw)):
            add(None)  # nothing filled in: not a report
            continue
        week = week_of.get(w)
        progress = progress_of.get(prog, ASK)
        if week is None or progress is ASK or None in figures:
            add(ASK)
            continue
        plan, label = week
        found = in_force[plan.index.on]
        d = d.strip()
        category = found.dept.get(d, ASK) if d else ASK
        kind = kind_of[k]
        if category is ASK or kind is None:  # not in force; a type the row validator words
            add(ASK)
            continue
        t = t.strip()
        if kind == "":
            kind = "self" if t in ("", SELF_LABEL) else ("grid" if t in found.grids else "unit")
        if kind == "self":
            target = ""
        elif not t:
            add(ASK)
            continue
        elif kind == "unit":
            if t not in found.units or d not in found.pairings.get(t, ()):
                add(ASK)  # not in force, an alias, or not this department's
                continue
            target = t
        elif category == "station" and found.grids.get(t) == d:
            target = t
        else:
            add(ASK)
            continue
        if duty:
            key = (id(plan), kind, target, duty)
            if key not in duties_of:
                try:
                    duties_of[key] = _canon(parse_duties([duty], plan.checklist(kind, target), target_label(kind, target)))
                except Problem:
                    duties_of[key] = ASK
            duties = duties_of[key]
            if duties is ASK:
                add(ASK)
                continue
        else:
            duties = "[]"
        when = (st, label)
        if when not in times:
            try:
                times[when] = plans.submitted(st.strip() or None, plan.week, now, default_submitted)
            except FanzhaError:
                times[when] = ASK
        submitted = times[when]
        if submitted is ASK:
            add(ASK)
            continue
        add(((d, label, kind, target), (*figures, progress, duties, note.strip() or None), submitted, plan))
    return out


def compact(checked: Any) -> Any:
    """What `sheet._check_row` gives (problems, None, or identity, content, time and plan)
    in the form `screen` gives it: the identity as the key (department, week, kind, target),
    the content as a tuple in CONTENT_FIELDS order."""
    if checked is None or isinstance(checked, list):
        return checked
    ident, content, submitted, plan = checked
    return ((ident["dept"], ident["week"], ident["target_kind"], ident["target"]),
            tuple(content[k] for k in CONTENT_FIELDS), submitted, plan)


class _Found:
    """The names of a sheet in force on one plan date."""

    def __init__(self) -> None:
        self.dept: dict[str, Any] = {}  # department -> its category (ASK if not one fact)
        self.units: set[str] = set()
        self.pairings: dict[str, set[str]] = {}  # unit -> departments paired with it
        self.grids: dict[str, Any] = {}  # grid -> its station (ASK if not one)


def _in_force(led: Ledger, on: str, names: dict[str, set[str]]) -> _Found:
    """Which of `names` (kind -> keys: department, unit, pairing, grid) are in force on `on`."""
    conn = led.conn
    conn.execute(queries.IMPORT_NAMES_CREATE)
    try:
        for kind in sorted(names):
            conn.execute(queries.IMPORT_NAMES_ADD, {"kind": kind, "keys": json.dumps(list(names[kind]), ensure_ascii=False)})
        latest: dict[tuple[str, str, str], tuple] = {}
        for kind, key, parent, action, effective, entry_id, category in conn.execute(queries.IMPORT_NAMES_FACTS, {"on": on}):
            held = latest.get((kind, key, parent))
            if held is None or (effective, entry_id) > held[:2]:
                latest[(kind, key, parent)] = (effective, entry_id, action, category)
    finally:
        conn.execute(queries.IMPORT_NAMES_DROP)
    found = _Found()
    for (kind, key, parent), (_, _, action, category) in latest.items():
        if action != "start":
            continue
        if kind == "department":
            found.dept[key] = ASK if key in found.dept else category
        elif kind == "unit":
            found.units.add(key)
        elif kind == "pairing":
            found.pairings.setdefault(key, set()).add(parent)
        else:
            found.grids[key] = ASK if key in found.grids else parent
    return found


def _plain_counts(key: str, values: set[str]) -> dict[str, int]:
    """The values of a count column in their plain form (as `cells.parse_count` reads them
    first): empty is 0, else ASCII digits, fewer than nine; group pushes at most 7 days."""
    out = {"": 0}
    for v in values:
        if v.isdigit() and v.isascii() and len(v) < 9:
            n = int(v)
            if key != "group_pushes" or n <= MAX_PUSH_DAYS:
                out[v] = n
    return out


def _plain_progress(values: set[str]) -> dict[str, int | None]:
    """Progress values in their plain form: empty (not reported), or ASCII digits 0 to 100."""
    out: dict[str, int | None] = {"": None}
    for v in values:
        if v.isdigit() and v.isascii() and int(v) <= 100:
            out[v] = int(v)
    return out
