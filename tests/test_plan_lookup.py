"""Single-record writes look names up in the recorded plan (plan_lookup) instead of building
the whole-plan index (plan_store.index_on): the two must give the same answers on every date,
whatever the plan's history. Property test over generated plans loaded one after another with
re-pairings, ends, restarts, same-day reloads, aliases shared with other units' names."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from fanzha_cli import ledger, plan_lookup, plan_store
from fanzha_cli.errors import FanzhaError

DEPTS = ["宣传科", "刑侦大队", "城关派出所", "东关派出所"]
STATIONS = DEPTS[2:]
UNITS = ["宣传部", "教育局", "检察院", "法院", "人民法院"]
NAMES = UNITS + ["法院（别称）", "宣传", "不存在"]
GRIDS = ["东关网格", "西关网格", "南关网格"]
BADGES = ["140101", "140102", "FJ0101"]
START = dt.date(2022, 1, 1)


def _canon(attrs):
    return json.dumps(attrs, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@st.composite
def plans(draw):
    """The items one load asserts (plan_store.desired_items' shape)."""
    items = {}
    for order, d in enumerate(draw(st.lists(st.sampled_from(DEPTS), unique=True, min_size=1)), start=1):
        items[("department", d, "")] = _canon({"category": "station" if d in STATIONS else "office",
                                               "kind": "x", "order": draw(st.sampled_from([order, 9]))})
    depts = [k[1] for k in items]
    for u in draw(st.lists(st.sampled_from(UNITS), unique=True)):
        aliases = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=2))
        items[("unit", u, "")] = _canon({"aliases": aliases} if aliases else {})
        for d in draw(st.lists(st.sampled_from(depts), unique=True, max_size=2)):
            items[("pairing", u, d)] = _canon({})
    stations = [d for d in depts if d in STATIONS]
    if stations:
        for b in draw(st.lists(st.sampled_from(BADGES), unique=True)):
            items[("officer", b, draw(st.sampled_from(stations)))] = _canon(
                {"name": "张" + b[-1], "role": draw(st.sampled_from(["police", "auxiliary"]))})
        for g in draw(st.lists(st.sampled_from(GRIDS), unique=True)):
            items[("grid", g, draw(st.sampled_from(stations)))] = _canon({"worker": draw(st.sampled_from(["甲", "乙"]))})
            for b in draw(st.lists(st.sampled_from(BADGES), unique=True, max_size=2)):
                items[("officer_grid", b, g)] = _canon({})
    # The file's order is not the identity's order: shuffle, as a re-ordered plan file would.
    return dict(draw(st.permutations(list(items.items()))))


def _load(led: ledger.Ledger, desired, effective: str) -> None:
    with led.write() as w:
        current = plan_store.current_items(led)
        changes = plan_store.diff(desired, current)
        if not changes:
            return
        w.append("plan_load", {
            "plan_versions": [{"effective": effective, "source": "t.yaml", "source_sha256": "0", "settings": "{}"}],
            "plan_items": [{"seq": i, "item_kind": c.item_kind, "key": c.key, "parent": c.parent, "action": c.action,
                            "effective": effective, "attrs": c.attrs} for i, c in enumerate(changes, start=1)],
            "plan_states": [{"state": plan_store.state_after(current, changes)}],
        }, reason="载入")


def _answers(idx, name):
    out = {}
    for attr in ("departments", "units", "unit_by_alias", "unit_depts", "grids", "grid_workers", "officers",
                 "grid_officers"):
        got = getattr(idx, attr).get(name)
        out[attr] = list(got) if isinstance(got, list) else got
    for method in ("dept", "unit", "grid", "officer"):
        try:
            out[method] = getattr(idx, method)(name)
        except FanzhaError as exc:
            out[method] = (exc.message if hasattr(exc, "message") else str(exc), exc.hint)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=st.lists(st.tuples(plans(), st.integers(0, 40)), min_size=1, max_size=5),
       days=st.lists(st.integers(0, 200), min_size=1, max_size=4))
def test_lookups_answer_as_the_whole_plan_index(history, days):
    led = ledger.open_scratch("测试")
    try:
        effective = START
        for desired, gap in history:
            effective += dt.timedelta(days=gap)  # 0: a same-day reload, the later load wins
            _load(led, desired, effective.isoformat())
        if not led.query("SELECT 1 FROM plan_versions"):
            return
        for day in days:
            on = (START + dt.timedelta(days=day)).isoformat()
            try:
                full = plan_store.index_on(led, on)
            except FanzhaError as exc:
                with pytest.raises(FanzhaError, match=str(exc.args[0]) if exc.args else None):
                    plan_lookup.lookup_on(led, on)
                continue
            point = plan_lookup.lookup_on(led, on)
            assert point.settings == full.settings
            # The circular reads a week's unit pairings and grids in one query per kind.
            ahead = plan_lookup.PlanLookup(led, on, plan_store.version_on(led, on))
            ahead.prefetch("pairing", [*NAMES, *GRIDS])
            ahead.prefetch("grid", [*GRIDS, *NAMES])
            for name in {*NAMES, *DEPTS, *GRIDS, *BADGES}:
                assert _answers(point, name) == _answers(full, name), (on, name)
                assert ahead.unit_depts.get(name) == full.unit_depts.get(name), (on, name)
                assert ahead.grids.get(name) == full.grids.get(name), (on, name)
            # What a lookup cannot answer by name it takes from the index, in its order.
            for d in DEPTS:
                assert point.units_of(d) == full.units_of(d) and point.grids_of(d) == full.grids_of(d)
            assert dict(point.departments.items()) == full.departments
    finally:
        led.close()


def test_a_single_report_add_does_not_build_the_whole_plan(cli, loaded, db_path, monkeypatch):
    built = []
    real = plan_store._build_index
    monkeypatch.setattr(plan_store, "_build_index", lambda *a: built.append(a[1]) or real(*a))
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--leaflets", "10",
           "--submitted-at", "2022-02-04 10:00")
    cli.ok("case", "add", "--case-no", "LK1", "--date", "2022-02-03", "--type", "online_loan", "--unit", "宣传部")
    cli.ok("audit", "record", "--case", "LK1", "--date", "2022-02-10", "--publicity-received", "no",
           "--verified-negligent", "--verify-date", "2022-02-11")
    cli.ok("report", "amend", "1", "--leaflets", "12", "--reason", "更正")
    cli.ok("case", "amend", "LK1", "--loss", "100", "--reason", "更正")
    cli.ok("dissuasion", "add", "--officer", "140101", "--date", "2022-03-01", "--amount-saved", "5000")
    assert built == []


# --- case numbers: only the unusual ones are compared in Python ---------------------------------


def _usual(conn, case_no: str) -> bool:
    from fanzha_cli import queries

    return not conn.execute(f"SELECT {queries.UNUSUAL_CASE_NO} FROM (SELECT ? AS case_no)", (case_no,)).fetchone()[0]


_CASE_TEXT = st.text(st.sampled_from("xgXG20 ２０ＸＧ-_ßſKİı\t/Ａa"), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(stored=_CASE_TEXT, typed=_CASE_TEXT)
def test_a_usual_stored_number_is_found_by_the_normalised_typed_one(stored, typed):
    # resolve_case_no looks the typed and the normalised number up exactly, then compares
    # case_key with the unusual numbers only: a usual number must be reached the first way.
    import sqlite3

    from fanzha_cli import cases

    conn = sqlite3.connect(":memory:")
    if not _usual(conn, stored):
        return
    assert cases.normalize_case_no(stored) == stored
    try:
        normalised = cases.normalize_case_no(typed)
    except FanzhaError:
        return
    if cases.case_key(typed) == cases.case_key(stored):
        assert stored in (typed.strip(), normalised)
