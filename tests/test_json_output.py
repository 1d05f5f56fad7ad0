"""JSON is made by orjson for speed, in two places where its bytes matter: the output
(exactly what json.dumps(ensure_ascii=False, indent=2) gives, so no consumer of an exported
circular sees a difference) and the hash chain's canonical form (exactly what the standard
library wrote when a ledger was made, so that no recorded hash ever changes)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha_cli import chain
from fanzha_cli.render import data

from .reliawork import examples

SAMPLE = Path(__file__).parent / "data" / "circular_sample.json"

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f == 0 or 1e-4 <= abs(f) < 1e16),
    st.text(),  # any text: Chinese, control characters, quotes, U+2028
)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                       max_leaves=20)


def _written(value) -> bytes:
    return b"".join(data.json_chunks(value))


def _stdlib(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_the_circular_contract_comes_out_byte_for_byte_as_the_standard_library_writes_it():
    circular = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert _written(circular) == _stdlib(circular)


@settings(max_examples=examples(100))
@given(_values.filter(lambda v: all(0xD800 > ord(ch) or ord(ch) > 0xDFFF for ch in json.dumps(v, ensure_ascii=False))))
def test_any_value_comes_out_as_the_standard_library_writes_it(value):
    assert _written(value) == _stdlib(value)


@settings(max_examples=examples(60))
@given(st.dictionaries(st.text(), _values, max_size=5).filter(
    lambda v: all(0xD800 > ord(ch) or ord(ch) > 0xDFFF for ch in json.dumps(v, ensure_ascii=False))))
def test_a_document_written_a_section_at_a_time_is_the_same_document(value):
    assert b"".join(data.json_chunks(value)) == _stdlib(value)


def test_what_orjson_refuses_still_comes_out():
    for value in ({"big": 2**70, "键": ["值", 1]}, {1: "整数键", "二": [2**70]}, [{"多行": "甲\n乙"}]):
        assert _written(value) == _stdlib(value)


def test_a_text_stream_that_is_not_utf8_gets_text():
    buf = io.BytesIO()
    stream = io.TextIOWrapper(buf, encoding="gb18030")
    data.write_json({"通报": "第一期"}, stream)
    stream.flush()
    assert buf.getvalue().decode("gb18030") == _stdlib({"通报": "第一期"}).decode("utf-8")


def test_a_utf8_stream_gets_the_bytes_in_order_after_what_was_written_before():
    buf = io.BytesIO()
    stream = io.TextIOWrapper(buf, encoding="utf-8")
    stream.write("前文\n")
    data.write_json([1, "二"], stream)
    stream.write("后文\n")
    stream.flush()
    assert buf.getvalue().decode("utf-8") == "前文\n" + _stdlib([1, "二"]).decode("utf-8") + "后文\n"


def _stdlib_hash(prev: str, meta: dict, tables: dict) -> str:
    """The hash as fanzha first wrote it: the whole entry through json.dumps at once."""
    import hashlib

    content = {f: meta[f] for f in chain.META_FIELDS if meta.get(f) is not None}
    content["rows"] = {name: [{k: v for k, v in r.items() if k != "entry_id" and v is not None} for r in rows]
                       for name, rows in sorted(tables.items()) if rows}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev + "\n" + text).encode("utf-8")).hexdigest()


_cells = st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70), st.text(), st.booleans(),
                   st.floats(allow_nan=False, allow_infinity=False))
_rows = st.lists(st.dictionaries(st.text(min_size=1, max_size=12), _cells, max_size=6), max_size=5)


@settings(max_examples=examples(100))
@given(st.dictionaries(st.sampled_from(chain.META_FIELDS), _cells, max_size=5),
       st.dictionaries(st.text(min_size=1, max_size=8), _rows, max_size=3))
def test_an_entry_hashed_a_row_at_a_time_has_the_hash_first_written(meta, tables):
    try:
        expected = _stdlib_hash("前" * 3, meta, tables)
    except UnicodeEncodeError:  # a lone surrogate: cannot be hashed either way
        return
    assert chain.entry_hash("前" * 3, meta, tables) == expected


def test_floats_and_huge_integers_keep_the_standard_librarys_form():
    for meta, tables in (({"kind": "k"}, {"t": [{"x": 1e-05}]}), ({"supersedes": 2**70}, {}),
                         ({"reason": "r"}, {"b": [{"x": 1e16, "y": "é"}], "a": [], "c": [{"z": 2**65}]})):
        assert chain.entry_hash("0", meta, tables) == _stdlib_hash("0", meta, tables)


def test_a_table_longer_than_a_batch_hashes_as_one_list():
    rows = [{"n": i, "名": f"第{i}行", "x": None if i % 3 else "有"} for i in range(10_000)]
    rows[7_000]["f"] = 0.5  # a float in the second batch only
    tables = {"b": rows, "a": rows[:5000]}
    assert chain.entry_hash("0", {"kind": "导入"}, tables) == _stdlib_hash("0", {"kind": "导入"}, tables)
