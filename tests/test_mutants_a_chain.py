"""The hash chain (chain.py) tested directly, without the CLI: the canonical form against the
formula its docstring gives, and `verify_chain` against a small ledger built by hand in
memory, so that each rule (which rows, in which order, which message) is pinned by a test
that runs in milliseconds. Written for mutation testing (TESTING.md), each test kills
mutants that the CLI-level tests let live."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from fanzha_cli import chain

META = dict(kind="plan_load", operator="测试员", recorded_at="2022-01-21T09:00:00+08:00",
            reason=None, supersedes=None)


def reference(prev: str, meta: dict, tables: list[tuple[str, list[dict]]]) -> str:
    """The formula of `hash_entry`'s docstring, written the slow, obvious way."""
    doc = {k: meta[k] for k in chain.META_FIELDS if meta.get(k) is not None}
    doc["rows"] = {name: rows for name, rows in tables if rows}
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(prev.encode("utf-8") + b"\n" + text.encode("utf-8")).hexdigest()


def test_genesis_is_sixty_four_zeros():
    assert chain.GENESIS == "0" * 64


def test_the_hash_of_a_small_entry_never_changes():
    """Hash bytes are part of the contract: every ledger ever written depends on them."""
    digest = chain.entry_hash(chain.GENESIS, META, {"cases": [{"case_no": "A1", "amount": 5}]})
    assert digest == reference(chain.GENESIS, META, [("cases", [{"case_no": "A1", "amount": 5}])])
    assert digest == "fee42feb1f9f216df9bcf9fa065484b42e3cb1b1975c68e91852fd5764bffbf4"


@pytest.mark.parametrize("meta", [
    META,
    dict(META, reason="更正：金额写错", supersedes=7),
    dict(META, reason="", supersedes=0),            # empty and zero are values, not NULL
    dict(kind="k"),                                  # fields missing from meta
    dict(META, extra="不属于元数据"),                  # only META_FIELDS enter the hash
])
def test_metadata_enters_the_hash_as_the_formula_says(meta):
    tables = [("a", [{"x": 1}]), ("b", [])]
    assert chain.hash_entry("f" * 64, meta, tables) == reference("f" * 64, meta, tables)


def test_rows_of_several_tables_with_text_numbers_and_floats():
    tables = [
        ("alpha", [{"名": "张三", "n": 1, "big": 2**70}, {"名": "李四\u2028", "n": -3, "f": 1e-05}]),
        ("empty", []),
        ("gamma", [{"s": "引号\"与\\反斜杠\n"}]),
        ("zeta", [{"f": 0.1, "g": 3.0}]),
    ]
    assert chain.hash_entry(chain.GENESIS, META, tables) == reference(chain.GENESIS, META, tables)


def test_a_float_in_the_metadata_takes_the_standard_library_form():
    meta = dict(META, supersedes=1e-05)
    assert chain.hash_entry(chain.GENESIS, meta, []) == reference(chain.GENESIS, meta, [])


def test_an_entry_with_no_rows_at_all():
    assert chain.hash_entry(chain.GENESIS, META, []) == reference(chain.GENESIS, META, [])
    assert chain.hash_entry(chain.GENESIS, META, [("t", iter([]))]) == reference(chain.GENESIS, META, [])


@pytest.mark.parametrize("n", [chain._BATCH - 1, chain._BATCH, chain._BATCH + 1, 2 * chain._BATCH + 3])
def test_rows_fed_in_batches_hash_as_one_list(n):
    rows = [{"i": i, "t": "行"} for i in range(n)]
    tables = [("a", [{"x": 0}]), ("big", rows), ("c", [{"y": 1.5}])]
    assert chain.hash_entry(chain.GENESIS, META, ((t, iter(r)) for t, r in tables)) == \
        reference(chain.GENESIS, META, tables)


def test_batches_holding_floats_and_big_integers():
    rows = [{"i": i} for i in range(chain._BATCH)] + [{"f": 0.5}, {"i": 2**65}]
    assert chain.hash_entry(chain.GENESIS, META, [("t", rows)]) == reference(chain.GENESIS, META, [("t", rows)])


def test_the_previous_hash_enters_the_hash():
    one = chain.hash_entry("a" * 64, META, [])
    assert one == reference("a" * 64, META, []) != chain.hash_entry("b" * 64, META, [])


def test_entry_hash_sorts_tables_and_drops_entry_id_and_nulls():
    rows = {"zeta": [{"entry_id": 9, "a": 1, "b": None}], "alpha": [{"c": None, "d": "x"}, {"e": 2}]}
    expected = reference(chain.GENESIS, META, [("alpha", [{"d": "x"}, {"e": 2}]), ("zeta", [{"a": 1}])])
    assert chain.entry_hash(chain.GENESIS, META, rows) == expected


def test_clean_row():
    row = {"a": 1, "b": "x"}
    assert chain._clean_row(row) is row
    assert chain._clean_row({"entry_id": 3, "a": 1}) == {"a": 1}
    assert chain._clean_row({"a": None, "b": 0, "c": ""}) == {"b": 0, "c": ""}


def test_dump_matches_the_standard_library():
    for value in ["张三", 12, 2**70, 1e-05, 0.1, None, True, "\x00\"\\"]:
        assert chain._dump(value) == json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                separators=(",", ":")).encode("utf-8")


def test_dump_rows_is_the_list_without_its_brackets():
    for rows in ([{"b": 1, "a": "甲"}, {"c": 2**70}], [{"f": 1e-05}], [{"b": 1, "a": 2}]):
        text = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert chain._dump_rows(rows) == text.encode("utf-8")[1:-1]


# -- verify_chain over a ledger built by hand ----------------------------------------------

SCHEMA = """
CREATE TABLE entries (id INTEGER PRIMARY KEY, kind TEXT, operator TEXT, recorded_at TEXT,
                      reason TEXT, supersedes INTEGER, prev_hash TEXT, hash TEXT);
CREATE TABLE cases (amount INTEGER, entry_id INTEGER, note TEXT, case_no TEXT,
                    PRIMARY KEY (case_no, amount));
CREATE TABLE notes (entry_id INTEGER, body TEXT);
CREATE TABLE settings (k TEXT, v TEXT);
"""


def _ledger() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    return conn


def _append(conn, tables: dict[str, list[dict]], first: int = 1, **meta) -> int:
    """Write an entry as the ledger does. Rows are inserted in the order given but hashed in
    the order verify reads them (primary key, else insertion), as the ledger's writers do."""
    last = conn.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
    eid, prev = (last[0] + 1, last[1]) if last else (first, chain.GENESIS)
    meta = dict(META, **meta)
    hashed = {t: sorted(rows, key=lambda r: (r["case_no"], r["amount"])) if t == "cases" else rows
              for t, rows in tables.items()}
    digest = chain.entry_hash(prev, meta, hashed)
    conn.execute("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (eid, meta["kind"], meta["operator"], meta["recorded_at"], meta["reason"],
                  meta["supersedes"], prev, digest))
    for table, rows in tables.items():
        for row in rows:
            cols = ["entry_id", *row]
            conn.execute(f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})',
                         (eid, *row.values()))
    return eid


def _three(conn):
    _append(conn, {"cases": [{"case_no": "B", "amount": 2}, {"case_no": "A", "amount": 9},
                             {"case_no": "A", "amount": 1, "note": "备注"}]})
    _append(conn, {"notes": [{"body": "后"}, {"body": "前"}, {"body": None}]}, reason="原因")
    _append(conn, {"cases": [{"case_no": "C", "amount": 3}], "notes": [{"body": "三"}]}, supersedes=1)


def test_ledger_tables_are_those_with_an_entry_id():
    conn = _ledger()
    assert chain.ledger_tables(conn) == ["cases", "notes"]


def test_primary_key_in_key_order_not_column_order():
    conn = _ledger()
    assert chain._primary_key(conn, "cases") == ["case_no", "amount"]
    assert chain._primary_key(conn, "notes") == []


def test_stream_reads_in_entry_then_key_order_without_entry_id_and_nulls():
    conn = _ledger()
    _three(conn)
    assert list(chain._stream(conn, "cases")) == [
        (1, {"amount": 1, "note": "备注", "case_no": "A"}),
        (1, {"amount": 9, "case_no": "A"}),
        (1, {"amount": 2, "case_no": "B"}),
        (3, {"amount": 3, "case_no": "C"}),
    ]
    # No primary key: the order rows were written in.
    assert list(chain._stream(conn, "notes")) == [(2, {"body": "后"}), (2, {"body": "前"}), (2, {}), (3, {"body": "三"})]


def test_a_sound_ledger_verifies_and_reports_progress():
    conn = _ledger()
    _three(conn)
    seen = []
    assert chain.verify_chain(conn, progress=seen.append) == (3, None)
    assert seen == [1, 2, 3]
    assert chain.verify_chain(conn) == (3, None)


def test_an_empty_ledger_verifies():
    assert chain.verify_chain(_ledger()) == (0, None)


def test_a_ledger_may_start_past_one():
    """Only gaps after the first entry are breaks."""
    conn = _ledger()
    _append(conn, {"notes": [{"body": "甲"}]}, first=5)
    _append(conn, {"notes": [{"body": "乙"}]})
    assert chain.verify_chain(conn) == (2, None)


def _break(conn):
    checked, broken = chain.verify_chain(conn)
    return checked, (broken.entry_id, broken.problem) if broken else None


@pytest.mark.parametrize("gone, message", [
    ([2], "第 2 至 2 条记录缺失（条目编号不连续）"),
    ([2, 3], "第 2 至 3 条记录缺失（条目编号不连续）"),
])
def test_missing_entries_are_named(gone, message):
    conn = _ledger()
    _three(conn)
    _append(conn, {})
    for eid in gone:
        conn.execute("DELETE FROM entries WHERE id = ?", (eid,))
        conn.execute("DELETE FROM notes WHERE entry_id = ?", (eid,))
        conn.execute("DELETE FROM cases WHERE entry_id = ?", (eid,))
    assert _break(conn) == (1, (max(gone) + 1, message))


def test_a_row_pointing_before_its_entry_is_an_orphan():
    conn = _ledger()
    _three(conn)
    conn.execute("INSERT INTO notes (entry_id, body) VALUES (0, '孤')")
    assert _break(conn) == (0, (0, "表 notes 中有数据指向不存在或已被删除的条目 0"))


def test_rows_past_the_last_entry_are_named():
    conn = _ledger()
    _three(conn)
    conn.execute("INSERT INTO cases (entry_id, case_no, amount) VALUES (7, 'Z', 1)")
    assert _break(conn) == (3, (7, "表 cases 中有数据指向不存在的条目 7"))


def test_the_first_orphan_table_in_name_order_is_named():
    conn = _ledger()
    _three(conn)
    conn.execute("INSERT INTO notes (entry_id, body) VALUES (5, '尾')")
    conn.execute("INSERT INTO cases (entry_id, case_no, amount) VALUES (9, 'Z', 1)")
    assert _break(conn) == (3, (9, "表 cases 中有数据指向不存在的条目 9"))


def test_an_edited_row_breaks_its_own_entry():
    conn = _ledger()
    _three(conn)
    conn.execute("UPDATE cases SET amount = 10 WHERE case_no = 'B'")
    assert _break(conn) == (0, (1, "内容与哈希不符（记录在工具之外被修改）"))


def test_rows_are_hashed_in_primary_key_order():
    """Rows written out of key order verify (the writer hashed them in key order); read in
    any other order, entry 1 would not match its hash."""
    conn = _ledger()
    _append(conn, {"cases": [{"case_no": "B", "amount": 1}, {"case_no": "A", "amount": 2},
                             {"case_no": "A", "amount": 1}]})
    assert chain.verify_chain(conn) == (1, None)


@pytest.mark.parametrize("field, value", [
    ("kind", "别的"), ("operator", "别人"), ("recorded_at", "2022-01-22T09:00:00+08:00"),
    ("reason", "补"), ("supersedes", 2),
])
def test_each_metadata_field_is_hashed(field, value):
    conn = _ledger()
    _three(conn)
    conn.execute(f"UPDATE entries SET {field} = ? WHERE id = 2", (value,))
    assert _break(conn) == (1, (2, "内容与哈希不符（记录在工具之外被修改）"))


def test_a_broken_link_is_named_before_the_content():
    conn = _ledger()
    _three(conn)
    conn.execute("UPDATE entries SET prev_hash = ? WHERE id = 3", ("0" * 64,))
    assert _break(conn) == (2, (3, "与前一条记录的哈希链断开（前序记录被修改、删除或调换）"))


@pytest.mark.parametrize("link", [None, 5, ""])
def test_a_link_that_is_not_text_is_a_broken_link(link):
    conn = _ledger()
    _three(conn)
    conn.execute("UPDATE entries SET prev_hash = ? WHERE id = 2", (link,))
    assert _break(conn) == (1, (2, "与前一条记录的哈希链断开（前序记录被修改、删除或调换）"))


def test_a_first_entry_not_on_genesis_is_a_broken_link():
    conn = _ledger()
    _three(conn)
    conn.execute("UPDATE entries SET prev_hash = ? WHERE id = 1", ("1" * 64,))
    assert _break(conn) == (0, (1, "与前一条记录的哈希链断开（前序记录被修改、删除或调换）"))


def test_an_edited_stored_hash_breaks_at_that_entry():
    conn = _ledger()
    _three(conn)
    conn.execute("UPDATE entries SET hash = ? WHERE id = 3", ("e" * 64,))
    assert _break(conn) == (2, (3, "内容与哈希不符（记录在工具之外被修改）"))


def test_text_with_no_utf_8_form_cannot_be_hashed():
    """The canonical form is UTF-8: a lone surrogate (an undecodable byte in an argument,
    as Python reads it) has none, and is refused rather than hashed in some escaped form
    that is not what the ledger would store."""
    with pytest.raises(UnicodeEncodeError):
        chain.hash_entry(chain.GENESIS, dict(META, reason="坏\udcff字节"), [])
    with pytest.raises(UnicodeEncodeError):
        chain.hash_entry(chain.GENESIS, META, [("t", [{"s": "坏\udcff"}])])


def test_rows_are_dumped_a_batch_at_a_time(monkeypatch):
    """Verifying an entry of a hundred thousand rows never holds them all: at most _BATCH
    rows are turned into text at once."""
    sizes = []
    real = chain._dump_rows
    monkeypatch.setattr(chain, "_dump_rows", lambda rows: sizes.append(len(rows)) or real(rows))
    rows = [{"i": i} for i in range(2 * chain._BATCH + 5)]
    digest = chain.hash_entry(chain.GENESIS, META, [("t", iter(rows))])
    assert digest == reference(chain.GENESIS, META, [("t", rows)])
    assert sizes == [chain._BATCH, chain._BATCH, 5]
