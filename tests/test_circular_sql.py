"""The circular and `report missing` read each plan version's rows in SQL (plan_rows.py) instead
of building the whole-plan index: the answers must be the index's, whatever the plan's history,
and the kept rows are derived data that `db verify` recomputes (tampering is caught).

Property test over generated plans loaded one after another (re-pairings, ends, restarts,
same-day reloads; tests/test_plan_lookup.py's generator) with generated cases; the demo
ledger's circulars made both ways; tampering with each derived table."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from fanzha_cli import asof, cases, circular, commend, issuing, ledger, plan_rows, plan_store, queries, weeks
from fanzha_cli.render import data
from fanzha_cli.reports import status
from fanzha_cli.reports.week_plan import week_plan
from fanzha_cli.settings import Settings
from tests.test_plan_lookup import GRIDS, START, UNITS, _load, plans


def _cases(led: ledger.Ledger, hits: list[tuple[int, str, str]]) -> None:
    with led.write() as w:
        for n, (day, kind, target) in enumerate(hits):
            w.append("case", {"cases": [{"case_no": f"T{n}", "case_date": (START + dt.timedelta(days=day)).isoformat(),
                                         "fraud_type": "x", "target_kind": kind, "target": target}]})


def _old_zero(led: ledger.Ledger, start: str, end: str):
    """What the circular printed before: cases.pairings and the index."""
    zero = cases.pairings(led, start, end)
    units: dict[str, list[str]] = {}
    grids = []
    for dept, kind, target in zero.free():
        if kind == "unit":
            units.setdefault(target, []).append(dept)
        else:
            grids.append({"grid": target, "station": dept,
                          "officers": [f"{zero.officer_names.get(b)}（{b}）" for b in zero.officers.get((dept, kind, target), [])]})
    officers = [g[:5] for g in commend._officer_grounds(plan_store.index_on(led, end), cases.free_of(zero)[0])]
    return units, grids, circular.zero_case_departments(zero), officers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=st.lists(st.tuples(plans(), st.integers(0, 40)), min_size=1, max_size=4),
       hits=st.lists(st.tuples(st.integers(0, 160), st.sampled_from(["unit", "grid"]),
                               st.sampled_from(UNITS + GRIDS)), max_size=8),
       spans=st.lists(st.tuples(st.integers(0, 160), st.integers(0, 60)), min_size=1, max_size=4))
def test_the_plan_rows_answer_as_the_whole_plan_index(history, hits, spans):
    led = ledger.open_scratch("测试")
    try:
        effective = START
        for desired, gap in history:
            effective += dt.timedelta(days=gap)
            _load(led, desired, effective.isoformat())
        if not led.query("SELECT 1 FROM plan_versions"):
            return
        _cases(led, [h for h in hits if (h[1] == "unit") == (h[2] in UNITS)])
        assert plan_rows.problems(led) == []
        for day, length in spans:
            start = (START + dt.timedelta(days=day)).isoformat()
            end = (START + dt.timedelta(days=day + length)).isoformat()
            try:
                full = plan_store.index_on(led, start)
            except Exception:
                continue
            rows = plan_rows.rows_on(led, start)
            assert rows.departments == full.departments and rows.settings == full.settings
            assert rows.target_counts == {d: len(circular._targets(full, d)) for d in full.departments}
            scored: dict[str, list[str]] = {}  # what `report missing` lists as unreported, in its order
            for d, t in led.conn.execute("SELECT dept, target FROM plan_version_targets"
                                         " WHERE version_entry = ? AND scored ORDER BY pos", (rows.version,)):
                scored.setdefault(d, []).append(t)
            assert {d: scored.get(d, []) for d in full.departments} == {
                d: [*full.units_of(d), *(full.grids_of(d) if full.departments[d].get("category") == "station" else [])]
                for d in full.departments}
            judged = plan_rows.judge(led, start, end)
            if judged is None:  # only where the plan changed within the period
                assert led.query(queries.PLAN_CHANGE_DAYS, {"start": start, "end": end})
                continue
            units, grids, depts, officers = _old_zero(led, start, end)
            assert judged.units == units and list(judged.units) == list(units)
            assert judged.grids == grids
            assert judged.departments == depts
            assert [(b, name, s, n, n > 0 and n == free)
                    for b, name, s, n, free in plan_rows.officer_grounds(led, judged)] == officers
    finally:
        led.close()


# --- the demo ledger: every output the same both ways ---------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from typer.testing import CliRunner

    from fanzha_cli.cli import app

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = CliRunner().invoke(app, ["--db", str(db), "demo", "--weeks", "10", "--seed", "7"])
    assert result.exit_code == 0, result.output
    return db


def _json(c) -> str:
    import io

    out = io.StringIO()
    data.write_json(c, out)
    return out.getvalue()


def test_the_demo_circulars_are_the_same_made_from_the_index(demo, monkeypatch):
    led = ledger.open_ledger(Settings(demo, "测试"), read_only=True)
    try:
        labels = [f"2022-W{n:02d}" for n in (4, 5, 7, 9, 10)]
        new = {w: _json(circular.build(led, weeks.resolve(w))) for w in labels}
        new_missing = {w: status.missing(led, w, now=dt.datetime(2026, 1, 1)) for w in labels}
        assert "zero_case_grids" in new[labels[0]]
        with monkeypatch.context() as m:  # the old computation: the index, zero-case piece by piece
            m.setattr(plan_rows, "judge", lambda *a: None)
            m.setattr(circular, "week_plan", lambda led, week, rows=False: week_plan(led, week))
            old = {w: _json(circular.build(led, weeks.resolve(w))) for w in labels}
        assert new == old
        for w in labels:
            assert new_missing[w] == _old_missing(led, w, dt.datetime(2026, 1, 1))
    finally:
        led.close()


def _old_missing(led, week, now):
    """`report missing` as it was computed from the index (lines by department, targets_of)."""
    wk = weeks.resolve(week)
    plan = week_plan(led, wk)
    lines_of: dict[str, list] = {}
    for r in led.query(queries.REPORT_CURRENT_OF_WEEK, {"week": wk.label}):
        lines_of.setdefault(r["dept"], []).append(r)
    rows = []
    for dept, attrs in plan.index.departments.items():
        lines = lines_of.get(dept, [])
        paired = [t for t in plan.targets_of(dept) if t[0] != "self"]
        reported = {(r["target_kind"], r["target"]) for r in lines}
        late = sum(r["late"] for r in lines)
        status_ = ("late" if late else "on_time") if lines else ("pending" if now <= plan.deadline else "missing")
        rows.append({
            "dept": dept, "category": attrs.get("category"), "status": status_, "lines": len(lines), "late_lines": late,
            "paired_targets": len(paired), "reported_targets": sum(1 for t in paired if t in reported),
            "unreported_targets": [t[1] for t in paired if t not in reported],
            "self_reported": ("self", "") in reported,
            "first_submitted_at": weeks.show(min(r["submitted_at"] for r in lines)) if lines else None,
            "last_submitted_at": weeks.show(max(r["submitted_at"] for r in lines)) if lines else None,
        })
    return {"week": wk.label, "monday": wk.monday.isoformat(), "sunday": wk.sunday.isoformat(),
            "deadline": weeks.show(weeks.stamp(plan.deadline)), "plan_on": plan.index.on, "departments": rows}


def test_the_circular_does_not_build_the_whole_plan(demo, monkeypatch):
    led = ledger.open_ledger(Settings(demo, "测试"), read_only=True)
    try:
        def refuse(*a, **k):
            raise AssertionError("the whole plan index was built")

        monkeypatch.setattr(plan_store, "_build_index", refuse)
        circular.build(led, weeks.resolve("2022-W06"))
        status.missing(led, "2022-W06", now=dt.datetime(2026, 1, 1))
    finally:
        led.close()


def test_an_issued_week_reads_the_rows_of_its_own_plan_after_a_new_plan(cli, loaded, db_path):
    """Issued, then the plan changes: the week's circular regenerates byte for byte (as of its
    anchor, through the rows kept for the plan version then in force)."""
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--leaflets", "5",
           "--submitted-at", "2022-02-04 10:00")
    first = cli.ok("weekly-circular", "--week", "2022-W05", "--issue", "--date", "2022-02-07", "--format", "json").stdout
    led = ledger.open_ledger(Settings(db_path, "测试"))
    try:
        desired = plan_store.current_items(led)
        moved = {k: v for k, v in desired.items() if not (k[0] == "pairing" and k[1] == "宣传部")}
        with led.write() as w:
            current = plan_store.current_items(led)
            changes = plan_store.diff(moved, current)
            settings_json = led.query(queries.LATEST_PLAN_VERSION)[0]["settings"]
            w.append("plan_load", {
                "plan_versions": [{"effective": "2022-03-01", "source": "t.yaml", "source_sha256": "0", "settings": settings_json}],
                "plan_items": [{"seq": i, "item_kind": c.item_kind, "key": c.key, "parent": c.parent, "action": c.action,
                                "effective": "2022-03-01", "attrs": c.attrs} for i, c in enumerate(changes, start=1)],
                "plan_states": [{"state": plan_store.state_after(current, changes)}],
            }, reason="调整")
        assert led.query("SELECT count(DISTINCT version_entry) AS n FROM plan_version_targets")[0]["n"] == 2
    finally:
        led.close()
    again = cli.ok("weekly-circular", "--week", "2022-W05", "--format", "json").stdout
    assert again == first
    cli.ok("db", "verify")


@pytest.mark.parametrize("table, tamper", [
    ("plan_version_departments", "UPDATE plan_version_departments SET targets = targets + 1 WHERE pos = 0"),
    ("plan_version_targets", "UPDATE plan_version_targets SET pos = pos + 100000 WHERE pos = 0"),
    ("plan_version_targets", "DELETE FROM plan_version_targets WHERE kind = 'grid' AND rowid = "
                             "(SELECT min(rowid) FROM plan_version_targets WHERE kind = 'grid')"),
    ("plan_version_officers", "UPDATE plan_version_officers SET grids = 0 WHERE pos = 0"),
    ("plan_version_officer_grids", "INSERT INTO plan_version_officer_grids SELECT version_entry, badge, '不存在的网格' "
                                   "FROM plan_version_officers LIMIT 1"),
    # Rows of a version that does not exist: verify compares version by version, and then
    # looks for rows of no version at all.
    ("plan_version_departments", "INSERT INTO plan_version_departments SELECT 999999, pos, dept, attrs, targets "
                                 "FROM plan_version_departments LIMIT 1"),
])
def test_verify_finds_plan_rows_that_disagree_with_the_plan(cli, loaded, db_path, table, tamper):
    cli.ok("db", "verify")
    conn = sqlite3.connect(db_path)
    assert conn.execute(tamper).rowcount == 1
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1 and table in result.stderr, result.stderr


def test_report_missing_reads_amended_and_voided_lines_through_the_later_versions_index(cli, loaded, db_path):
    """m013: a line's later versions are found through report_lines_later (a partial index on
    version > 1) and the week's lines from report_lines_week_current alone; an amended line
    counts once, as amended (late), and a voided line leaves its target unreported."""
    for unit, when in (("宣传部", "2022-02-04 10:00"), ("融媒体中心", "2022-02-04 11:00")):
        cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", unit, "--leaflets", "5",
               "--submitted-at", when)
    cli.ok("report", "amend", "1", "--submitted-at", "2022-02-05 09:00", "--reason", "实际周六才报回")
    cli.ok("report", "void", "2", "--reason", "报错了单位")
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--self", "--leaflets", "2",
           "--submitted-at", "2022-02-03 10:00")
    cli.ok("report", "add", "--dept", "办公室", "--week", "2022-W05", "--unit", "财政局", "--leaflets", "2",
           "--submitted-at", "2022-02-03 10:00")
    cli.ok("report", "void", "4", "--reason", "报错了周次")  # 办公室's only line: none left
    led = ledger.open_ledger(Settings(db_path, "测试"), read_only=True)
    try:
        now = dt.datetime(2026, 1, 1)
        got = status.missing(led, "2022-W05", now=now)
        assert got == _old_missing(led, "2022-W05", now)
        row = next(d for d in got["departments"] if d["dept"] == "宣传科")
        assert (row["lines"], row["late_lines"], row["status"], row["self_reported"]) == (2, 1, "late", True)
        assert row["first_submitted_at"] == "2022-02-03 10:00:00"
        assert "融媒体中心" in row["unreported_targets"] and "宣传部" not in row["unreported_targets"]
        office = next(d for d in got["departments"] if d["dept"] == "办公室")
        assert (office["lines"], office["status"], office["first_submitted_at"]) == (0, "missing", None)
        params = {"week": "2022-W05", "version": week_plan(led, weeks.resolve("2022-W05"), rows=True).index.version}
        plan = " | ".join(r[3] for r in led.conn.execute("EXPLAIN QUERY PLAN " + queries.PLAN_ROWS_UNREPORTED, params))
        assert "COVERING INDEX report_lines_week_current" in plan, plan
        assert "COVERING INDEX report_lines_later" in plan, plan
        # m014: the departments' counts and times are read off report_week_status, not the lines.
        plan = " | ".join(r[3] for r in led.conn.execute("EXPLAIN QUERY PLAN " + queries.REPORT_STATUS_OF_WEEK, params))
        assert plan == "SEARCH report_week_status USING INDEX sqlite_autoindex_report_week_status_1 (week=?)", plan
    finally:
        led.close()


def test_the_hits_are_worked_out_again_when_the_ledger_has_moved_on(cli, loaded, db_path):
    """judge and officer_grounds share one set of targets hit, kept for the connection: a case
    written since, an as-of block, or a transaction rolled back since makes it worked out again."""
    led = ledger.open_ledger(Settings(db_path, "测试"))
    try:
        period = ("2022-03-01", "2022-03-31")
        before = plan_rows.judge(led, *period)
        grid = before.grids[0]
        badges = {o[0] for o in plan_rows.officer_grounds(led, before) if o[3] and o[3] == o[4]}
        assert grid["grid"] in {g["grid"] for g in before.grids} and badges
        # A write on this very connection: the next judgement sees the case.
        cases.add_cases(led, [dict(case_no="J-HIT-1", date="2022-03-10", type_="online_loan", grid=grid["grid"],
                                   loss="100.00")])
        after = plan_rows.judge(led, *period)
        assert grid["grid"] not in {g["grid"] for g in after.grids}
        assert {"grid": grid["grid"], "station": grid["station"], "officers": grid["officers"]} in before.grids
        free_now = {o[0] for o in plan_rows.officer_grounds(led, after) if o[3] and o[3] == o[4]}
        assert free_now < badges  # the grid's officers no longer have every grid case-free
        # As of the entry before the case: the grid is case-free again.
        with asof.as_of(led, led.conn.execute("SELECT max(id) - 1 FROM entries").fetchone()[0]):
            assert grid["grid"] in {g["grid"] for g in plan_rows.judge(led, *period).grids}
        assert grid["grid"] not in {g["grid"] for g in plan_rows.judge(led, *period).grids}
        # Worked out inside a transaction that is rolled back: the set it replaced comes back.
        april = ("2022-04-01", "2022-04-30")
        led.conn.execute("BEGIN")
        plan_rows.judge(led, *april)
        led.conn.execute("ROLLBACK")
        again = plan_rows.judge(led, *april)
        other = ledger.open_ledger(Settings(db_path, "测试"))
        try:
            fresh = plan_rows.judge(other, *april)
            assert (again.units, again.grids) == (fresh.units, fresh.grids) and again.grids != after.grids
            assert plan_rows.officer_grounds(led, again) == plan_rows.officer_grounds(other, fresh)
        finally:
            other.close()
    finally:
        led.close()


def _second_version(led: ledger.Ledger) -> None:
    """A second plan version (宣传部 no longer paired), in force from 2022-03-01."""
    desired = plan_store.current_items(led)
    moved = {k: v for k, v in desired.items() if not (k[0] == "pairing" and k[1] == "宣传部")}
    with led.write() as w:
        current = plan_store.current_items(led)
        changes = plan_store.diff(moved, current)
        w.append("plan_load", {
            "plan_versions": [{"effective": "2022-03-01", "source": "t.yaml", "source_sha256": "0",
                               "settings": led.query(queries.LATEST_PLAN_VERSION)[0]["settings"]}],
            "plan_items": [{"seq": i, "item_kind": c.item_kind, "key": c.key, "parent": c.parent, "action": c.action,
                            "effective": "2022-03-01", "attrs": c.attrs} for i, c in enumerate(changes, start=1)],
            "plan_states": [{"state": plan_store.state_after(current, changes)}],
        }, reason="调整")


HINT = ("提示：这些表由计划记录推导，不一致说明账本文件在 fanzha 之外被改动；"
        "请用 fanzha db backup 留存现状，并从最近的完好备份恢复。")


def test_verify_counts_every_disagreement_of_every_version_and_of_none(cli, loaded, db_path):
    """Each table's differences are summed over the versions (a row changed in the first
    version counts though the last is intact) and the rows of no version, word for word."""
    led = ledger.open_ledger(Settings(db_path, "测试"))
    try:
        _second_version(led)
        assert plan_rows.problems(led) == []
        first = led.conn.execute("SELECT min(version_entry) FROM plan_version_departments").fetchone()[0]
    finally:
        led.close()
    conn = sqlite3.connect(db_path)
    # One row of the first version changed: it is missing as it was and present as it is (2).
    conn.execute("UPDATE plan_version_departments SET targets = targets + 1 WHERE pos = 0 AND version_entry = ?", (first,))
    # Two rows of no version at all (2), and one of the first version's officers gone (1).
    conn.execute("INSERT INTO plan_version_targets SELECT 999998 + pos, pos, dept, kind, target, scored, officers "
                 "FROM plan_version_targets WHERE pos < 2 AND version_entry = ?", (first,))
    conn.execute("DELETE FROM plan_version_officers WHERE pos = 0 AND version_entry = ?", (first,))
    conn.commit()
    conn.close()
    led = ledger.open_ledger(Settings(db_path, "测试"))
    try:
        assert plan_rows.problems(led) == [
            "计划版本的推导数据（plan_version_departments）与计划记录不符：2 处。",
            "计划版本的推导数据（plan_version_targets）与计划记录不符：2 处。",
            "计划版本的推导数据（plan_version_officers）与计划记录不符：1 处。",
            HINT,
        ]
    finally:
        led.close()


def test_verify_says_when_the_plan_record_itself_cannot_be_read(cli, loaded, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute('DROP TRIGGER "plan_states_no_update"')  # as one editing the file outside fanzha could
    conn.execute("UPDATE plan_states SET state = '{\"department\": 1}'")
    conn.commit()
    conn.close()
    led = ledger.open_ledger(Settings(db_path, "测试"))
    try:
        assert plan_rows.problems(led) == ["计划版本的推导数据无法核对：计划记录本身已无法读取。"]
    finally:
        led.close()


# --- the targets hit, read from the case index (m015) --------------------------------------------------


def _hits(led, start, end) -> set[tuple[str, str]]:
    plan_rows._hits(led, start, end)
    return set(led.conn.execute("SELECT kind, target FROM temp.zero_hits"))


def _current_case_targets(led, start, end) -> set[tuple[str, str]]:
    sql = (f"SELECT target_kind, target FROM ({queries.CURRENT_CASES}) "
           "WHERE case_date BETWEEN :start AND :end AND target_kind <> 'place'")
    return {(r["target_kind"], r["target"]) for r in led.query(sql, {"start": start, "end": end, "upto": None})}


def test_the_hits_are_the_current_cases_targets_through_amendments_and_voids(cli, loaded, db_path):
    """plan_rows._hits reads the never-corrected cases from the index cases_target and the
    amended ones from their latest version: the same targets as CURRENT_CASES, live and as of
    an entry before the corrections."""
    from tests.casework import GRID, GRID_NORTH, GRID_WEST, add_case

    add_case(cli, "C1", "2022-03-01", GRID)
    add_case(cli, "C2", "2022-03-02", None, "--unit", "财政局")
    add_case(cli, "C3", "2022-03-03", GRID_NORTH)
    add_case(cli, "C4", "2022-04-10", GRID_WEST)
    add_case(cli, "C5", "2022-03-05", None, "--unit", "文联")
    add_case(cli, "C6", "2022-03-06", None, "--unit", "宣传部")
    before = add_case(cli, "C7", "2022-03-07", None, "--place", "县汽车站")
    march = ("2022-03-01", "2022-03-31")
    first = {("grid", GRID), ("unit", "财政局"), ("grid", GRID_NORTH), ("unit", "文联"), ("unit", "宣传部")}
    with_reason = ["--reason", "核实更正"]
    cli.ok("case", "amend", "C2", "--unit", "审计局", *with_reason)  # moved to another unit
    cli.ok("case", "amend", "C3", "--date", "2022-05-01", *with_reason)  # out of March
    cli.ok("case", "amend", "C4", "--date", "2022-03-10", *with_reason)  # into March
    cli.ok("case", "void", "C5", *with_reason)
    cli.ok("case", "amend", "C6", "--place", "县汽车站", *with_reason)  # off every pairing
    cli.ok("case", "amend", "C7", "--unit", "文联", *with_reason)
    cli.ok("case", "amend", "C7", "--date", "2022-06-01", *with_reason)  # the latest version counts
    now = {("grid", GRID), ("unit", "审计局"), ("grid", GRID_WEST)}
    led = ledger.open_ledger(Settings(db_path, "测试"), read_only=True)
    try:
        assert _hits(led, *march) == _current_case_targets(led, *march) == now
        assert _hits(led, "2022-01-01", "2022-12-31") == now | {("grid", GRID_NORTH), ("unit", "文联")}
        with asof.as_of(led, before):
            assert _hits(led, *march) == _current_case_targets(led, *march) == first
        assert _hits(led, *march) == now
    finally:
        led.close()


def test_the_hits_and_the_on_time_weeks_read_indexes_only_live_and_as_of(cli, loaded, db_path):
    """The case part of the fill scans cases_target with no sort, and a long period's on-time
    weeks scan report_week_status_dept; as of an entry (tables shadowed by views) both still
    run and give the live answers."""
    from tests.casework import GRID, add_case

    add_case(cli, "C1", "2022-03-01", GRID)
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--leaflets", "5",
           "--submitted-at", "2022-02-04 10:00")
    led = ledger.open_ledger(Settings(db_path, "测试"), read_only=True)
    try:
        year = ("2022-01-01", "2022-12-31")
        hits = _hits(led, *year)
        params = {"start": year[0], "end": year[1], "upto": None}
        plan = " | ".join(r[3] for r in led.conn.execute("EXPLAIN QUERY PLAN " + queries.ZERO_HITS_FILL[0], params))
        assert "SCAN c USING COVERING INDEX cases_target" in plan and "TEMP B-TREE" not in plan, plan
        weeks_ = {"first": "2022-W01", "last": "2022-W52"}
        plan = " | ".join(r[3] for r in led.conn.execute("EXPLAIN QUERY PLAN " + queries.REPORT_ON_TIME_WEEKS_BY_DEPT, weeks_))
        assert plan == "SCAN report_week_status USING COVERING INDEX report_week_status_dept", plan
        labels = [f"2022-W{n:02d}" for n in range(1, 53)]
        assert len(labels) > commend.LONG_PERIOD_WEEKS
        live = (hits, commend.on_time_weeks(led, labels), commend.on_time_weeks(led, labels[:5]))
        assert live == ({("grid", GRID)}, {"宣传科": 1}, {"宣传科": 1})
        last = led.conn.execute(queries.LAST_ENTRY_ID).fetchone()[0]
        with asof.as_of(led, last):
            assert (_hits(led, *year), commend.on_time_weeks(led, labels),
                    commend.on_time_weeks(led, labels[:5])) == live
    finally:
        led.close()
