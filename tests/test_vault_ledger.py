"""Victims' data at rest in a real ledger: sealed in every table, file and export; opened
only with the key; figures that never need it; rotation and reseal."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from fanzha_cli import vault
from tests.casework import GRID, GRID_WEST

NAME, PHONE, ID_NUMBER = "张小三", "13812345678", "140123199001011234"
NOTE_PHONE, NOTE_ID = "13900001111", "142301198805052222"
PLAIN = [NAME, PHONE, ID_NUMBER, NOTE_PHONE, NOTE_ID]
MASKED = ["张*三", "138****5678", "140123********1234"]


def _victim_case(cli, no="V1", date="2022-02-02", grid=GRID, id_number=ID_NUMBER):
    return cli.ok("case", "add", "--case-no", no, "--date", date, "--type", "online_loan", "--grid", grid,
                  "--loss", "1000", "--victim", NAME, "--phone", PHONE, "--id-number", id_number,
                  "--note", f"家属电话{NOTE_PHONE}，家属身份证{NOTE_ID}")


@pytest.fixture
def recorded(cli, loaded, tmp_path):
    """A ledger with victims' data in every place it can go: a case, its amendment, notes of a
    call-back and a dissuasion, a report note and a reason."""
    _victim_case(cli)
    cli.ok("case", "amend", "V1", "--loss", "1200", "--reason", f"受害人来电{PHONE}更正金额")
    cli.ok("audit", "record", "--case", "V1", "--date", "2022-02-05", "--publicity-received", "no",
           "--verified-negligent", "--verify-date", "2022-02-05", "--note", f"回访电话{PHONE}")
    cli.ok("dissuasion", "add", "--officer", "140101", "--date", "2022-02-03", "--amount-saved", "20000",
           "--note", f"劝阻对象身份证{NOTE_ID}")
    cli.ok("report", "add", "--dept", "蔚汾派出所", "--week", "2022-W05", "--grid", GRID, "--leaflets", "30",
           "--note", f"联系人{NOTE_PHONE}", "--submitted-at", "2022-02-04 10:00")
    return loaded


def _bytes_of(path: Path) -> bytes:
    data = path.read_bytes()
    if zipfile.is_zipfile(path):  # docx, xlsx: what a reader sees is inside the zip
        with zipfile.ZipFile(path) as z:
            data += b"".join(z.read(n) for n in z.namelist())
    return data


def _assert_no_plain(data: bytes, where: str):
    for p in PLAIN:
        assert p.encode("utf-8") not in data, f"{p} readable in {where}"


def test_no_victim_data_in_ledger_wal_backup_or_exports(cli, recorded, tmp_path):
    conn = sqlite3.connect(recorded)  # keeps the WAL in place while we read it
    wal = Path(str(recorded) + "-wal")
    for f in (recorded, wal):
        if f.exists():
            _assert_no_plain(f.read_bytes(), f.name)
    conn.close()
    backup = tmp_path / "backup" / "copy.db"
    cli.ok("db", "backup", backup)
    _assert_no_plain(backup.read_bytes(), "backup")
    out = tmp_path / "out"
    for fmt in ("json", "md", "csv", "html", "docx", "xlsx"):
        target = out / f"c.{fmt}"
        target.parent.mkdir(exist_ok=True)
        cli.ok("weekly-circular", "--week", "2022-W05", "--format", fmt, "-o", target)
        _assert_no_plain(_bytes_of(target), f"circular .{fmt}")
    for args in (["case", "list"], ["case", "history", "V1"], ["audit", "list"], ["dissuasion", "list"],
                 ["report", "list", "--week", "2022-W05"], ["discipline", "explain", "--officer", "140101"]):
        for fmt in ("table", "json", "csv"):
            _assert_no_plain(cli.ok(*args, "--format", fmt).stdout.encode("utf-8"), " ".join(args) + " " + fmt)
    cli.ok("db", "verify")


def test_masked_outputs_need_no_key_and_show_pii_needs_it(cli, recorded, monkeypatch, tmp_path):
    with_key = cli.json("case", "list")
    shown = cli.json("case", "list", "--show-pii")[0]
    assert [shown["victim_name"], shown["victim_phone"], shown["victim_id_number"]] == [NAME, PHONE, ID_NUMBER]
    assert NOTE_PHONE in shown["note"] and NOTE_ID in shown["note"]
    history = json.dumps(cli.json("case", "history", "V1", "--show-pii"), ensure_ascii=False)
    assert PHONE in history and NAME in history

    monkeypatch.setenv("FANZHA_KEY_FILE", str(tmp_path / "lost" / "key.json"))
    assert cli.json("case", "list") == with_key  # masked: the same without the key
    assert [with_key[0][k] for k in ("victim_name", "victim_phone", "victim_id_number")] == MASKED
    circular = cli.ok("weekly-circular", "--week", "2022-W05", "--format", "json").stdout
    assert json.loads(circular)["ranking"]  # figures need no key
    cli.ok("discipline", "list")
    cli.ok("zero-case")
    refused = cli("case", "list", "--show-pii")
    assert refused.exit_code == 1
    assert "找不到解密受害人信息所需的密钥" in refused.stderr and "FANZHA_KEY_FILE" in refused.stderr


def test_new_victim_data_is_refused_without_the_ledgers_key(cli, recorded, monkeypatch, tmp_path, unchanged):
    monkeypatch.setenv("FANZHA_KEY_FILE", str(tmp_path / "lost" / "key.json"))
    with unchanged():
        result = cli(
            "case", "add", "--case-no", "V2", "--date", "2022-02-02", "--type", "online_loan", "--grid", GRID,
            "--victim", "李四")
    assert result.exit_code == 1 and "找不到受害人信息的密钥文件" in result.stderr
    assert not (tmp_path / "lost" / "key.json").exists()  # no second key made behind the clerk's back
    # What carries no victim data is still recorded without the key.
    cli.ok("case", "add", "--case-no", "V3", "--date", "2022-02-02", "--type", "online_loan", "--grid", GRID)


def test_same_victim_found_by_keyed_hash_without_the_key(cli, loaded, monkeypatch, tmp_path):
    _victim_case(cli, "V1")
    second = _victim_case(cli, "V2", date="2022-02-09", grid=GRID_WEST)
    assert "该受害人（身份证号相同）已见于案件 V1" in second.stderr
    _victim_case(cli, "V3", id_number="140123199001019999")
    monkeypatch.setenv("FANZHA_KEY_FILE", str(tmp_path / "lost" / "key.json"))
    same = {c["case_no"]: c["same_victim_cases"] for c in cli.json("case", "list")}
    assert same == {"V1": ["V2"], "V2": ["V1"], "V3": []}


def test_amending_a_victim_field_to_the_same_value_is_refused(cli, loaded, unchanged):
    _victim_case(cli)
    with unchanged():
        result = cli("case", "amend", "V1", "--phone", PHONE, "--reason", "核对")
    assert result.exit_code == 1 and "完全相同" in result.stderr
    cli.ok("case", "amend", "V1", "--phone", "13800000000", "--reason", "电话记错")
    assert cli.json("case", "list", "--show-pii")[0]["victim_phone"] == "13800000000"


def _figures(cli):
    return {"circular": {k: v for k, v in json.loads(cli.ok("weekly-circular", "--week", "2022-W05", "--format",
                                                            "json").stdout).items()
                         if k not in ("anchor", "issued_on", "corrections")},
            "cases": cli.json("case", "list"), "discipline": cli.json("discipline", "list"),
            "zero": cli.json("zero-case")}


def test_rotation_reseals_everything_keeps_figures_and_lets_the_old_key_go(cli, recorded, monkeypatch, tmp_path):
    key_file = tmp_path / "keys" / "key.json"
    key_file.parent.mkdir()
    shutil.copyfile(vault.key_path(), key_file)
    monkeypatch.setenv("FANZHA_KEY_FILE", str(key_file))
    before = _figures(cli)
    shown_before = cli.json("case", "list", "--show-pii")
    old_id = vault.load_key().id

    result = cli.ok("key", "rotate")
    new_id = vault.load_key().id
    assert new_id != old_id and f"旧密钥 {old_id}" in result.stderr
    retired = key_file.with_name(f"key.retired-{old_id}.json")
    assert retired.exists()
    cli.ok("db", "verify")
    assert _figures(cli) == before
    retired.unlink()  # the clerk destroys the old key: every value is still readable
    assert cli.json("case", "list", "--show-pii") == shown_before
    conn = sqlite3.connect(recorded)
    try:
        assert conn.execute("SELECT count(*) FROM reseals").fetchone()[0] >= 7
    finally:
        conn.close()
    _assert_no_plain(recorded.read_bytes(), "ledger after rotation")
    # The same victim is still recognised across the rotation (old keyed hash -> new).
    again = _victim_case(cli, "V9", date="2022-02-09", grid=GRID_WEST)
    assert "已见于案件 V1" in again.stderr
    cli.ok("key", "rotate")  # twice: values chain old -> newer -> newest
    for f in key_file.parent.glob("key.retired-*"):
        f.unlink()
    assert cli.json("case", "list", "--show-pii")[0]["victim_phone"] == PHONE


def _plain_ledger(tmp_path) -> Path:
    """A ledger written before sealing: the legacy one from 764f018 holds 张小三 in clear."""
    legacy = Path(__file__).parent / "legacy" / "ledger-764f018.db"
    path = tmp_path / "plain.db"
    shutil.copyfile(legacy, path)
    assert NAME.encode() in path.read_bytes()
    return path


def test_plain_ledger_warns_until_resealed_and_reseal_keeps_everything(cli, tmp_path, monkeypatch):
    plain = _plain_ledger(tmp_path)
    warned = cli.ok("--db", plain, "case", "list")
    assert "受害人信息仍为明文" in warned.stderr and "fanzha db reseal" in warned.stderr
    cli.ok("--db", plain, "db", "verify")
    old_last = sqlite3.connect(plain).execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()

    def figures(db):
        out = {}
        for args in (["weekly-circular", "--week", "2022-W05"], ["case", "list"], ["zero-case"],
                     ["discipline", "list"], ["audit", "list"], ["dissuasion", "list"]):
            data = json.loads(cli.ok("--db", db, *args, "--format", "json").stdout)
            if isinstance(data, dict):
                data = {k: v for k, v in data.items() if k not in ("anchor", "issued_on")}
            out[args[0]] = data
        return out

    before = figures(plain)
    new = tmp_path / "sealed.db"
    done = cli.ok("--db", plain, "db", "reseal", new)
    assert f"第 {old_last[0]} 条，哈希 {old_last[1]}" in done.stderr
    _assert_no_plain(new.read_bytes(), "resealed ledger")
    cli.ok("--db", new, "db", "verify")
    after = cli.ok("--db", new, "case", "list")
    assert "明文" not in after.stderr
    assert figures(new) == before
    conn = sqlite3.connect(new)
    try:
        first = conn.execute("SELECT id, kind, reason FROM entries ORDER BY id LIMIT 1").fetchone()
        assert first[0] == 0 and first[1] == "reseal" and old_last[1] in first[2]
        assert conn.execute("SELECT old_last_id, old_last_hash FROM reseal_origins").fetchone() == old_last
    finally:
        conn.close()
    # An anchor printed from the old ledger still checks against the new one.
    cli.ok("--db", new, "db", "verify", "--anchor", f"{old_last[0]}:{old_last[1][:16]}")
    shown = cli.json("--db", new, "case", "list", "--show-pii")
    assert any(c["victim_name"] == NAME for c in shown)
    # The old file is left as it was; reseal never overwrites.
    again = cli("--db", plain, "db", "reseal", new)
    assert again.exit_code == 1 and "文件已存在" in again.stderr


def _forge(path: Path, *statements: tuple[str, tuple], restore_triggers: bool = False) -> None:
    """Change a ledger behind fanzha's back (triggers dropped; put back if asked, as a careful
    forger would)."""
    conn = sqlite3.connect(path)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    for sql, params in statements:
        conn.execute(sql, params)
    if restore_triggers:
        for _, sql in triggers:
            conn.execute(sql)
    conn.commit()
    conn.close()


def _resealed(cli, tmp_path) -> Path:
    new = tmp_path / "sealed.db"
    cli.ok("--db", _plain_ledger(tmp_path), "db", "reseal", new)
    return new


@pytest.mark.parametrize("sql", [
    "UPDATE reseal_origins SET old_last_hash = 'ab' || substr(old_last_hash, 3)",
    "DELETE FROM reseal_hashes WHERE old_id = 1",
    "UPDATE reseal_hashes SET old_hash = 'ff' || substr(old_hash, 3) WHERE old_id = 2",
])
def test_resealed_origin_tampered_with_is_caught(cli, tmp_path, sql):
    new = _resealed(cli, tmp_path)
    _forge(new, (sql, ()))
    result = cli("--db", new, "db", "verify")
    assert result.exit_code == 1 and "第 0 条记录" in result.stderr


def test_resealed_ledger_cut_back_is_caught(cli, tmp_path):
    from fanzha_cli import chain

    new = _resealed(cli, tmp_path)
    conn = sqlite3.connect(new)
    last = conn.execute("SELECT max(id) FROM entries").fetchone()[0]
    tables = chain.ledger_tables(conn)
    conn.close()
    _forge(new, *[(f'DELETE FROM "{t}" WHERE entry_id = ?', (last,)) for t in tables],
           ("DELETE FROM entries WHERE id = ?", (last,)), restore_triggers=True)
    result = cli("--db", new, "db", "verify")
    assert result.exit_code == 1 and "截短" in result.stderr


def test_reseal_refuses_a_broken_source_and_an_existing_target(cli, tmp_path):
    plain = _plain_ledger(tmp_path)
    _forge(plain, ("UPDATE cases SET victim_name = '王五'", ()))
    new = tmp_path / "sealed.db"
    result = cli("--db", plain, "db", "reseal", new)
    assert result.exit_code == 1 and "原账本校验未通过" in result.stderr and not new.exists()
    missing = cli("--db", plain, "db", "reseal", tmp_path / "nowhere" / "x.db")
    assert missing.exit_code == 1 and "文件夹不存在" in missing.stderr


def test_backup_and_restore_need_no_key(cli, recorded, monkeypatch, tmp_path):
    backup = tmp_path / "usb" / "copy.db"
    cli.ok("db", "backup", backup)
    before = cli.json("case", "list")
    monkeypatch.setenv("FANZHA_KEY_FILE", str(tmp_path / "lost" / "key.json"))
    cli.ok("--db", backup, "db", "verify")
    cli.ok("db", "restore", backup)
    assert cli.json("case", "list") == before
    assert not (tmp_path / "lost").exists()
