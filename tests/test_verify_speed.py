"""`db verify`'s faster ways (issue 15) find what the first way found: the chain read in
storage order and encoded a batch at a time (chain._Table), the integrity check and the
derived tables beside it in a thread (verify._Beside), the per-week counts recounted by index
(queries.REPORT_WEEK_STATUS_RECOUNT). Correctness only; the timing is benchmarks/run.py's."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fanzha_cli import chain, ledger, queries, verify

from .casework import opened, scene_template  # noqa: F401
from .reliawork import examples
from .test_ledger import LEDGER_TABLES, _delete, _edit, _swap, every_table  # noqa: F401

# --- the walk in storage order agrees with the walk in chain order ------------------------------------------


def _both(path):
    conn = sqlite3.connect(path)
    try:
        fast = chain.verify_chain(conn)
        reference = chain._verify_chain_reference(conn)
    finally:
        conn.close()
    return fast, reference


def _untriggered(path):
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    return conn


def test_an_intact_ledger_with_every_table_verifies_both_ways(every_table):  # noqa: F811
    fast, reference = _both(every_table)
    assert fast == reference and fast[1] is None and fast[0] > 30


@pytest.mark.parametrize("how", [_edit, _delete, _swap], ids=["edit", "delete", "swap"])
@pytest.mark.parametrize("table", LEDGER_TABLES)
def test_both_walks_name_the_same_break_in_any_table(every_table, db_path, table, how):  # noqa: F811
    shutil.copyfile(every_table, db_path)
    conn = _untriggered(db_path)
    how(conn, table)
    conn.commit()
    conn.close()
    fast, reference = _both(db_path)
    assert fast == reference and fast[1] is not None


@pytest.mark.parametrize("where", ["before", "middle", "after"])
def test_a_row_of_no_entry_is_named_as_before(every_table, db_path, where):  # noqa: F811
    """A row whose entry_id names no entry: added before the first entry or after the last,
    or left behind by its deleted entry in the middle."""
    shutil.copyfile(every_table, db_path)
    conn = _untriggered(db_path)
    last = conn.execute("SELECT max(id) FROM entries").fetchone()[0]
    first = conn.execute("SELECT min(entry_id) FROM dissuasions").fetchone()[0]
    if where == "middle":  # the case's entry removed, its row left behind: the ids no longer run on
        conn.execute("DELETE FROM entries WHERE id = ?", (first,))
    else:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(dissuasions)") if r[1] != "entry_id"]
        conn.execute(f"INSERT INTO dissuasions (entry_id, {', '.join(cols)}) SELECT ?, {', '.join(cols)} FROM dissuasions "
                     "WHERE entry_id = ?", (-5 if where == "before" else last + 5, first))
    conn.commit()
    conn.close()
    fast, reference = _both(db_path)
    assert fast == reference and fast[1] is not None
    if where != "middle":
        assert "表 dissuasions 中有数据指向不存在" in fast[1].problem


def test_a_forger_who_rehashes_one_entry_is_caught_at_the_next_link(every_table, db_path):  # noqa: F811
    shutil.copyfile(every_table, db_path)
    conn = _untriggered(db_path)
    eid = conn.execute("SELECT max(entry_id) FROM report_lines").fetchone()[0]
    conn.execute("UPDATE report_lines SET leaflets = leaflets + 1 WHERE entry_id = ?", (eid,))
    meta = conn.execute("SELECT kind, operator, recorded_at, reason, supersedes, prev_hash FROM entries WHERE id = ?",
                        (eid,)).fetchone()
    tables = []
    for t in sorted(chain.ledger_tables(conn)):
        rows = [r for _, r in chain._stream(conn, t) if _ == eid]
        tables.append((t, rows))
    digest = chain.hash_entry(meta[5], dict(zip(chain.META_FIELDS, meta[:5])), tables)
    conn.execute("UPDATE entries SET hash = ? WHERE id = ?", (digest, eid))
    conn.commit()
    conn.close()
    fast, reference = _both(db_path)
    assert fast == reference and fast[1].entry_id == eid + 1 and "断开" in fast[1].problem


# --- storage order that is not chain order: read again in chain order --------------------------------------


def _reinsert(conn, table, where, reverse):
    """Delete rows and insert them again (new rowids, so at the end of storage order)."""
    cur = conn.execute(f'SELECT * FROM "{table}" WHERE {where} ORDER BY rowid')
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert rows
    conn.execute(f'DELETE FROM "{table}" WHERE {where}')
    marks = ", ".join("?" * len(cols))
    conn.executemany(f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks})', rows[::-1] if reverse else rows)


@pytest.mark.parametrize("table, where, reverse", [
    # The plan's items stored in reverse order of seq (their primary key after entry_id).
    ("plan_items", "entry_id = (SELECT min(entry_id) FROM plan_items)", True),
    # An early entry's rows stored after later entries' rows.
    ("deductions", "entry_id = (SELECT min(entry_id) FROM deductions)", False),
    ("report_lines", "entry_id = (SELECT min(entry_id) FROM report_lines)", False),
])
def test_rows_stored_out_of_chain_order_still_verify(every_table, db_path, table, where, reverse):  # noqa: F811
    shutil.copyfile(every_table, db_path)
    conn = _untriggered(db_path)
    _reinsert(conn, table, where, reverse)
    conn.commit()
    conn.close()
    fast, reference = _both(db_path)
    assert fast == reference and fast[1] is None


def test_a_table_without_a_primary_key_stored_out_of_order_still_verifies(every_table, db_path):  # noqa: F811
    """A table with no key but entry_id (none yet in the schema; any table with an entry_id
    column is in the chain): its rows are hashed in rowid order within the entry."""
    shutil.copyfile(every_table, db_path)
    with opened(db_path) as led:
        led.conn.execute("CREATE TABLE zz_notes (entry_id INTEGER NOT NULL, note TEXT, n INTEGER)")
        with led.write() as w:
            w.append("note", {"zz_notes": [{"note": "甲", "n": 2}, {"note": "乙", "n": 1}, {"note": None, "n": 3}]})
            w.append("note", {"zz_notes": [{"note": "丙", "n": 1}]})
    conn = sqlite3.connect(db_path)
    first = conn.execute("SELECT min(entry_id) FROM zz_notes").fetchone()[0]
    _reinsert(conn, "zz_notes", f"entry_id = {first}", False)
    conn.commit()
    conn.close()
    fast, reference = _both(db_path)
    assert fast == reference and fast[1] is None


def test_a_tampered_row_stored_out_of_order_is_still_named(every_table, db_path):  # noqa: F811
    shutil.copyfile(every_table, db_path)
    conn = _untriggered(db_path)
    _reinsert(conn, "plan_items", "entry_id = (SELECT min(entry_id) FROM plan_items)", True)
    conn.execute("UPDATE plan_items SET key = key || '改' WHERE rowid = (SELECT max(rowid) FROM plan_items)")
    conn.commit()
    conn.close()
    fast, reference = _both(db_path)
    assert fast == reference and fast[1] is not None


# --- text that is not UTF-8 ---------------------------------------------------------------------------------


def test_text_that_is_not_utf8_names_its_entry(cli, every_table, db_path):  # noqa: F811
    shutil.copyfile(every_table, db_path)
    conn = _untriggered(db_path)
    eid = conn.execute("SELECT max(entry_id) FROM dissuasions").fetchone()[0]
    conn.execute("UPDATE dissuasions SET officer = CAST(X'E4BDFF' AS TEXT) WHERE entry_id = ?", (eid,))
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1
    assert f"账本校验失败：第 {eid} 条记录内容与哈希不符" in result.stderr, result.stderr
    assert "无法逐条读取" not in result.stderr


# --- one batch of rows in canonical form --------------------------------------------------------------------

_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(['', ':null', ',"b":null', '{"a":null', '{"a":null}', '"', '\\', '\\"', 'null', '\x00\x1f\x7f',
                     '\u2028', '𝄞', '宣传科', ',"c":null,"d":', '[{"a":null,']))
_INT = st.one_of(st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, 1, -1, 2**53 + 1]))
_VALUE = st.one_of(st.none(), _TEXT, _INT)
_ROWS = st.lists(st.tuples(_VALUE, _VALUE, _VALUE, _VALUE, st.one_of(_VALUE, st.floats(allow_nan=False))),
                 min_size=1, max_size=6)


@pytest.fixture(scope="module")
def scratch():
    """A table of five columns, two of them NOT NULL ("b" and "d"): _encode is handed rows
    directly, so NULLs where the schema forbids them and floats (a forger's, never fanzha's)
    are tried as well."""
    conn = sqlite3.connect(":memory:")
    conn.execute('CREATE TABLE t (entry_id INTEGER NOT NULL, a TEXT, b TEXT NOT NULL, c INTEGER, d NOT NULL, e)')
    yield chain._Table(conn, "t", ordered=False)
    conn.close()


@settings(max_examples=examples(300), deadline=None)
@given(rows=_ROWS)
@example(rows=[(None, None, None, None, None)])
@example(rows=[(None, "x", 1, 2, 3), ("y", None, None, 2, None)])
@example(rows=[(",\"b\":null", None, ":null", None, 1e-05)])
@example(rows=[("x", "y", 1, 2, 1e-05)])  # orjson writes 0.00001
@example(rows=[("x", "y", 1, 2, None), ("x", "y", 1, 2, float("inf"))])  # orjson writes null
def test_a_batch_is_encoded_as_json_dumps_writes_it(scratch, rows):
    rows = [(*r, 7) for r in rows]  # entry_id last, as read
    reference = chain._dump_rows([{c: v for c, v in zip(scratch.cols, r) if v is not None} for r in rows])
    assert scratch._encode(rows) == reference


@settings(max_examples=examples(100), deadline=None)
@given(meta=st.fixed_dictionaries({f: st.one_of(st.none(), _TEXT, _INT, st.floats(allow_nan=False))
                                   for f in chain.META_FIELDS}),
       rows=st.lists(st.fixed_dictionaries({"a": _TEXT}), max_size=3))
def test_an_entrys_metadata_is_framed_as_hash_entry_frames_it(meta, rows):
    head, tail = chain._meta_head(meta)
    inner = b'"t":[' + chain._dump_rows(rows) + b"]" if rows else b""
    assert hashlib.sha256(b"p\n" + head + inner + tail).hexdigest() == chain.hash_entry("p", meta, [("t", rows)])


# --- the integrity check and derived tables beside the walk --------------------------------------------------


def test_the_side_checks_run_in_another_thread_on_a_ledger_file(loaded, monkeypatch):
    ran = []
    real = verify._side_checks
    monkeypatch.setattr(verify, "_side_checks", lambda led: ran.append((threading.current_thread(), led.conn)) or real(led))
    with opened(loaded) as led:
        assert verify.problems(led) == []
        main_conn = led.conn
    assert len(ran) == 1 and ran[0][0] is not threading.main_thread() and ran[0][1] is not main_conn


def test_a_ledger_in_memory_gets_the_side_checks_in_turn(monkeypatch):
    ran = []
    real = verify._side_checks
    monkeypatch.setattr(verify, "_side_checks", lambda led: ran.append(threading.current_thread()) or real(led))
    led = ledger.open_scratch("测试员")
    try:
        assert verify.problems(led) == []
    finally:
        led.close()
    assert ran == [threading.main_thread()]


def test_what_the_side_checks_find_is_reported(cli, loaded, monkeypatch):
    monkeypatch.setattr(ledger, "integrity_problems", lambda led: ["*** in database main ***\nPage 7: btreeInitPage() returns error code 11"])
    result = cli("db", "verify")
    assert result.exit_code == 1
    assert "SQLite 完整性检查未通过：*** in database main ***" in result.stderr


def test_a_side_check_that_fails_fails_the_verify_loudly(loaded, monkeypatch):
    def boom(led):
        raise RuntimeError("side check broke")

    monkeypatch.setattr(verify, "_side_checks", boom)
    with opened(loaded) as led, pytest.raises(RuntimeError, match="side check broke"):
        verify.problems(led)


def test_a_chain_walk_that_fails_stops_the_side_checks(loaded, monkeypatch):
    """The walk's own error is what the caller gets, and it gets it at once: the thread's
    query (here one that would run for hours) is interrupted, not waited for."""
    def endless(led):
        led.conn.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
        raise AssertionError("never interrupted")

    def broken_walk(conn):
        raise RuntimeError("walk broke")

    monkeypatch.setattr(verify, "_side_checks", endless)
    monkeypatch.setattr(chain, "verify_chain", broken_walk)
    raised = []

    def run():
        with opened(loaded) as led:
            try:
                verify.problems(led)
            except RuntimeError as exc:
                raised.append(str(exc))

    caller = threading.Thread(target=run, daemon=True)
    caller.start()
    caller.join(60)
    assert not caller.is_alive() and raised == ["walk broke"]
    assert not any(t.name == "fanzha-verify" for t in threading.enumerate())


def test_a_side_check_that_cannot_read_the_file_says_it_is_damaged(cli, loaded, monkeypatch):
    def damaged(led):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(verify, "_side_checks", damaged)
    result = cli("db", "verify")
    assert result.exit_code == 1
    assert "账本文件已损坏，无法逐条读取：database disk image is malformed" in result.stderr


def test_a_tampered_derived_table_is_found_from_the_thread(cli, loaded, db_path):
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--leaflets", "5",
           "--submitted-at", "2022-02-04 10:00")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE report_week_status SET lines = lines + 1")
    conn.commit()
    conn.close()
    result = cli("db", "verify")
    assert result.exit_code == 1 and "report_week_status" in result.stderr


# --- the per-week counts recounted by index -----------------------------------------------------------------


def test_the_recount_is_the_window_functions_count(cli, loaded, db_path, tmp_path):
    def add(dept, unit, at, week="2022-W05"):
        cli.ok("report", "add", "--dept", dept, "--week", week, "--unit", unit, "--submitted-at", at, "--leaflets", "5")

    add("宣传科", "宣传部", "2022-02-04 10:00")
    add("宣传科", "融媒体中心", "2022-02-04 19:00")
    add("办公室", "财政局", "2022-02-04 09:00")
    add("办公室", "财政局", "2022-02-11 09:00", week="2022-W06")
    cli.ok("report", "amend", "2", "--submitted-at", "2022-02-04 11:00", "--reason", "收到时间记错")
    cli.ok("report", "amend", "2", "--submitted-at", "2022-02-04 20:00", "--reason", "又记错")
    cli.ok("report", "amend", "1", "--leaflets", "9", "--reason", "补")
    cli.ok("report", "void", "3", "--reason", "报错了对象")
    cli.ok("report", "void", "4", "--reason", "报错了对象")
    with opened(db_path) as led:
        window = sorted(map(tuple, led.conn.execute(queries.REPORT_WEEK_STATUS_FROM_LINES)))
        recount = sorted(map(tuple, led.conn.execute(queries.REPORT_WEEK_STATUS_RECOUNT)))
    # The window functions' count is m004's (the four first columns); the recount adds m014's.
    assert window == [r[:4] for r in recount] == [("2022-W05", "宣传科", 2, 1)]
    assert recount[0][4:] == ("2022-02-04T10:00:00", "2022-02-04T20:00:00", 0)


# --- half the chain in a second process ---------------------------------------------------------------------


def _halves_clean(path, middle):
    conn = sqlite3.connect(path)
    try:
        first, second = chain._part(conn, None, middle), chain._part(conn, middle, None)
    finally:
        conn.close()
    return None if first is None or second is None else first + second


@pytest.mark.parametrize("how", [_edit, _delete, _swap], ids=["edit", "delete", "swap"])
@pytest.mark.parametrize("table", ["entries", "report_lines", "plan_items", "cases", "deductions", "audit_findings"])
def test_two_halves_are_both_intact_only_when_the_chain_is(every_table, db_path, table, how):  # noqa: F811
    """Wherever the chain is cut, the halves are both intact exactly when the whole is, and
    their counts add up: at the tampered entry, next to it, and at both ends."""
    shutil.copyfile(every_table, db_path)
    conn = _untriggered(db_path)
    if table == "entries":
        eid = conn.execute("SELECT max(id) - 3 FROM entries").fetchone()[0]
        conn.execute("UPDATE entries SET reason = '改' WHERE id = ?", (eid,))
    else:
        eid = how(conn, table)
    first, last = conn.execute("SELECT min(id), max(id) FROM entries").fetchone()
    conn.commit()
    conn.close()
    _, reference = _both(db_path)
    assert reference[1] is not None
    for middle in sorted({first + 1, eid - 1, eid, eid + 1, eid + 2, last} & set(range(first + 1, last + 1))):
        assert _halves_clean(db_path, middle) is None, middle
    shutil.copyfile(every_table, db_path)
    intact = _both(db_path)[1]
    for middle in (first + 1, eid, last):
        assert _halves_clean(db_path, middle) == intact[0]


def test_halves_of_rows_stored_out_of_chain_order_are_walked_again_in_order(every_table, db_path, monkeypatch):  # noqa: F811
    shutil.copyfile(every_table, db_path)
    conn = _untriggered(db_path)
    first = conn.execute("SELECT min(entry_id) FROM report_lines").fetchone()[0]
    _reinsert(conn, "report_lines", f"entry_id = {first}", False)  # now stored among the last entry's rows
    conn.commit()
    conn.close()
    assert all(_halves_clean(db_path, m) is None for m in (first + 1, first + 5))
    monkeypatch.setattr(chain, "SPLIT_MIN_ROWS", 0)
    monkeypatch.setattr(chain, "_split_point", lambda conn: first + 1)
    conn = sqlite3.connect(db_path)
    try:
        assert chain.verify_chain_split(conn, db_path) == chain._verify_chain_reference(conn)
    finally:
        conn.close()


def test_a_row_of_the_second_half_stored_in_the_first_is_not_lost(every_table, db_path):  # noqa: F811
    """Three entries of one row each, stored at rowids 10, 20, 30, and one more row of the
    third entry slipped in at rowid 15. Cut at the second entry, the second half starts at
    rowid 20 and never sees that row: the first half must not pass over it."""
    shutil.copyfile(every_table, db_path)
    with opened(db_path) as led:
        led.conn.execute("CREATE TABLE zz_notes (entry_id INTEGER NOT NULL, note TEXT)")
        ids = []
        for note in ("甲", "乙", "丙"):
            with led.write() as w:
                ids.append(w.append("note", {"zz_notes": [{"note": note}]}))
    conn = sqlite3.connect(db_path)
    for n, eid in enumerate(ids, 1):
        conn.execute("UPDATE zz_notes SET rowid = ? WHERE entry_id = ?", (10 * n, eid))
    conn.commit()
    assert _halves_clean(db_path, ids[1]) == _both(db_path)[0][0]  # intact as stored so far
    conn.execute("INSERT INTO zz_notes (rowid, entry_id, note) VALUES (15, ?, '丁')", (ids[2],))
    conn.commit()
    conn.close()
    assert _both(db_path)[1][1] is not None
    assert _halves_clean(db_path, ids[1]) is None


def test_the_second_process_checks_the_second_half(cli, every_table, db_path, monkeypatch):  # noqa: F811
    import subprocess

    shutil.copyfile(every_table, db_path)
    started = []
    real = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda argv, **kw: started.append(argv) or real(argv, **kw))
    monkeypatch.setattr(chain, "SPLIT_MIN_ROWS", 0)
    cli.ok("db", "verify", "--no-evidence")  # the ledger without its evidence folder
    assert len(started) == 1 and "_part_main" in started[0][2]
    # A tampered entry in the second half is named as the walk in order names it.
    conn = _untriggered(db_path)
    eid = _edit(conn, "dissuasions")
    conn.commit()
    conn.close()
    middle = sqlite3.connect(db_path).execute("SELECT min(id) + 2 FROM entries").fetchone()[0]
    monkeypatch.setattr(chain, "_split_point", lambda conn: middle)
    result = cli("db", "verify", "--no-evidence")
    assert result.exit_code == 1 and f"账本校验失败：第 {eid} 条记录" in result.stderr
    assert len(started) == 2


@pytest.mark.parametrize("program", ["/bin/false", "/bin/echo"], ids=["fails", "says-nothing-readable"])
def test_a_second_process_that_fails_fails_the_verify_loudly(every_table, db_path, monkeypatch, program):  # noqa: F811
    shutil.copyfile(every_table, db_path)
    monkeypatch.setattr(chain, "SPLIT_MIN_ROWS", 0)
    monkeypatch.setattr(chain.sys, "executable", program)
    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(RuntimeError, match="second process failed"):
            chain.verify_chain_split(conn, db_path)
    finally:
        conn.close()


def test_a_small_ledger_is_walked_in_one_process(loaded):
    conn = sqlite3.connect(loaded)
    try:
        assert chain._split_point(conn) is None
    finally:
        conn.close()


def test_a_file_too_damaged_to_cut_is_walked_in_order(every_table, db_path, monkeypatch):  # noqa: F811
    shutil.copyfile(every_table, db_path)

    def damaged(conn):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(chain, "_split_point", damaged)
    conn = sqlite3.connect(db_path)
    try:
        assert chain.verify_chain_split(conn, db_path) == chain._verify_chain_reference(conn)
    finally:
        conn.close()


def test_the_cut_leaves_about_half_the_rows_on_each_side(tmp_path, monkeypatch):
    """_split_point: the first entry (after the first) before which at least half of all rows
    lie, counted over every ledger table; any cut gives the same answer (the tests above),
    this one balances the two processes. On a generated ledger of eight weeks, where the
    plan is a small part of the rows."""
    import sys as _sys

    from .test_performance import ROOT
    _sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    path = tmp_path / "tiny.db"
    from fanzha_cli.settings import Settings

    led = ledger.open_ledger(Settings(path, "测试"), create=True)
    try:
        generate.build(led, "tiny", n_weeks=8, seed=3, plan_path=tmp_path / "plan.yaml")
    finally:
        led.close()
    monkeypatch.setattr(chain, "SPLIT_MIN_ROWS", 0)
    conn = sqlite3.connect(path)
    try:
        per_entry: dict[int, int] = {}
        for t in chain.ledger_tables(conn):
            for entry_id, n in conn.execute(f'SELECT entry_id, count(*) FROM "{t}" GROUP BY entry_id'):
                per_entry[entry_id] = per_entry.get(entry_id, 0) + n
        total = sum(per_entry.values())
        first, last = conn.execute("SELECT min(id), max(id) FROM entries").fetchone()

        def before(e: int) -> int:
            return sum(n for entry_id, n in per_entry.items() if entry_id < e)

        cut = chain._split_point(conn)
        # Within one entry of the exact half (rows are found by rowid through the entry_id
        # index, which may point at any of an entry's rows: about half, not exactly).
        assert first + 1 < cut < last - 1
        assert before(cut - 1) * 2 <= total <= before(cut + 1) * 2, (cut, total)
        monkeypatch.setattr(chain, "SPLIT_MIN_ROWS", 2 * total)  # too small a ledger: one process
        assert chain._split_point(conn) is None
        monkeypatch.setattr(chain, "SPLIT_MIN_ROWS", total)
        assert chain._split_point(conn) == cut
    finally:
        conn.close()


def test_a_part_gives_back_the_text_factory_it_found(every_table):  # noqa: F811
    """verify reads damaged text with a replacing factory (verify._replacing); a part of the
    walk sets its own and must put that one back, or the walk in order after it would stop
    at the first byte that is not UTF-8 instead of naming its entry."""
    conn = sqlite3.connect(every_table)
    try:
        def mine(b: bytes) -> str:
            return b.decode("utf-8", "replace")

        conn.text_factory = mine
        assert chain._part(conn, None, None) is not None
        assert conn.text_factory is mine
    finally:
        conn.close()
