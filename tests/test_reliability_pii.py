"""Personal data: no victim's name, phone or ID number leaves fanzha unmasked, in any output
format of any command that can show a case, unless --show-pii is given; the ledger, its
side files and the evidence folder are readable by their owner only."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha_cli import ledger
from fanzha_cli.settings import Settings

from .casework import GRID, scene_template  # noqa: F401 (fixture)
from .conftest import PLAN, ROOT
from .reliawork import examples, fresh_copy, record

WEEK = "2022-W10"  # the scene's call-backs (and the deductions they bring) fall in this week


def _fixed_text() -> str:
    """Every character fanzha could print without any victim: the plan and the program's own words."""
    parts = [PLAN.read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in (ROOT / "fanzha_cli").rglob("*.py")]
    parts += [p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("*.py")]
    return "".join(parts)


_USED = set(_fixed_text())
# Names from characters fanzha never prints by itself: if one shows up whole, it leaked.
NAME_CHARS = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in _USED]
NAMES = st.text(st.sampled_from(NAME_CHARS), min_size=2, max_size=4)
PHONES = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.integers(3, 9), st.integers(0, 10**9 - 1))
ID_NUMBERS = st.builds(lambda region, birth, seq, check: f"{region:06d}{birth}{seq:03d}{check}",
                       st.integers(110000, 659999), st.dates().map(lambda d: f"{max(d.year, 1900):04d}{d:%m%d}"),
                       st.integers(0, 999), st.sampled_from("0123456789X"))
VICTIMS = st.lists(st.tuples(NAMES, PHONES, ID_NUMBERS), min_size=3, max_size=6,
                   unique_by=(lambda v: v[0], lambda v: v[1], lambda v: v[2]))

FORMATS = ("table", "json", "csv")
READERS = (
    [["case", "list", "--format", f] for f in FORMATS]
    + [["discipline", "explain", "--officer", "140101", "--format", f] for f in FORMATS]
    + [["discipline", "explain", "--dept", "蔚汾派出所", "--format", "json"], ["discipline", "list", "--format", "json"]]
    + [["audit", "list", "--format", f] for f in FORMATS]
    + [["zero-case", "--format", f] for f in FORMATS]
    + [["weekly-circular", "--week", WEEK], ["rank", "--week", WEEK, "--format", "json"],
       ["commend", "candidates", "--format", "json"]]
)
EXPORTS = "docx,xlsx,html,json,md,csv"
SHOWN = {"outputs": 0, "files": 0, "victims": 0}


@pytest.fixture(scope="module", autouse=True)
def figures(request):
    failed = request.session.testsfailed
    yield
    if SHOWN["victims"]:
        record("privacy", victims=SHOWN["victims"], command_outputs=SHOWN["outputs"],
               exported_files=SHOWN["files"], failures=request.session.testsfailed - failed)


def _office_text(path: Path) -> str:
    """Every XML part of a .docx/.xlsx, raw and with the tags stripped (Word splits text in runs)."""
    with zipfile.ZipFile(path) as z:
        raw = "".join(z.read(n).decode("utf-8", errors="replace") for n in z.namelist() if n.endswith((".xml", ".rels")))
    return raw + "\n" + re.sub(r"<[^>]+>", "", raw)


@settings(max_examples=examples(2, long=100))
@given(victims=VICTIMS)
def test_no_output_shows_a_victim_unmasked(cli, scene_template, db_path, tmp_path, victims):  # noqa: F811
    fresh_copy(scene_template[0], db_path)
    for k, (name, phone, id_number) in enumerate(victims, start=1):
        no = f"P{k}"
        cli.ok("case", "add", "--case-no", no, "--date", f"2022-03-{k:02d}", "--type", "online_loan", "--grid", GRID,
               "--victim", name, "--phone", phone, "--id-number", id_number)
        cli.ok("audit", "record", "--case", no, "--date", "2022-03-10", "--publicity-received", "no",
               "--verified-negligent", "--officer", "140101")
    shown = cli.ok("case", "list", "--show-pii", "--format", "json").stdout
    assert all(v in shown for victim in victims for v in victim)  # they are there to be found

    texts = {" ".join(args): (lambda r: r.stdout + r.stderr)(cli.ok(*args)) for args in READERS}
    out = tmp_path / "export"
    cli.ok("export", "--week", WEEK, "--out", out, "--formats", EXPORTS)
    files = sorted((out / WEEK).iterdir())
    assert len(files) == len(EXPORTS.split(","))
    for f in files:
        texts[f.name] = _office_text(f) if f.suffix in (".docx", ".xlsx") else f.read_text(encoding="utf-8-sig")
    for where, text in texts.items():
        for name, phone, id_number in victims:
            assert name not in text, (where, name)
            for number in (phone, id_number):  # as a number of its own: 0.15000000000000002 in an SVG is not a phone
                assert not re.search(rf"(?<![0-9]){number}(?![0-9])", text), (where, number)
    SHOWN["outputs"] += len(READERS)
    SHOWN["files"] += len(files)
    SHOWN["victims"] += len(victims)


def test_ledger_side_files_and_evidence_are_private(cli, tmp_path):
    old = os.umask(0o022)  # the usual default: files 644, folders 755
    try:
        db = tmp_path / "新文件夹" / "ledger.db"
        cli.ok("--db", db, "plan", "load", PLAN)
        assert db.parent.stat().st_mode & 0o777 == 0o700
        assert db.stat().st_mode & 0o777 == 0o600
        led = ledger.open_ledger(Settings(db, "测试员"))
        try:
            with led.write() as w:  # a write leaves -wal and -shm beside the open ledger
                w.append("plan_load", {"plan_versions": [{"effective": "2022-01-02", "source": "x", "source_sha256": "0",
                                                          "settings": "{}"}]})
            for side in ("-wal", "-shm"):
                assert Path(f"{db}{side}").stat().st_mode & 0o777 == 0o600, side
        finally:
            led.close()
        photo = tmp_path / "现场.jpg"
        photo.write_bytes(b"\xff\xd8\xff\xe0" + b"jpeg" * 100)
        cli.ok("--db", db, "report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部",
               "--photo", photo, "--submitted-at", "2022-02-04 10:00")
        evidence = db.parent / "ledger-evidence"
        stored = [p for p in evidence.rglob("*") if p.is_file()]
        assert stored and all(p.stat().st_mode & 0o777 == 0o600 for p in stored)
        assert all(d.stat().st_mode & 0o777 == 0o700 for d in [evidence, *(p for p in evidence.rglob("*") if p.is_dir())])
        cli.ok("--db", db, "db", "backup", tmp_path / "备份" / "copy.db")
        assert (tmp_path / "备份" / "copy.db").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
