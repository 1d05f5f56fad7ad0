"""Evidence files (report photos) kept as safely as the ledger: `db verify` checks each one
against the SHA-256 the ledger holds, `db backup` copies them beside the backup, and `db
restore` puts them back only if every one matches."""

from __future__ import annotations

import os

from .conftest import PLAN, snapshot

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64


def _photos(cli, tmp_path):
    cli.ok("plan", "load", PLAN)
    a, b = tmp_path / "现场一.jpg", tmp_path / "现场二.png"
    a.write_bytes(JPEG)
    b.write_bytes(PNG)
    cli.ok("report", "add", "--dept", "宣传科", "--week", "2022-W05", "--unit", "宣传部", "--leaflets", "5",
           "--photo", a, "--photo", b, "--submitted-at", "2022-02-04 10:00")
    return sorted((tmp_path / "ledger-evidence").rglob("*.*"))


def test_db_verify_names_a_missing_or_changed_photo(cli, tmp_path):
    stored = _photos(cli, tmp_path)
    assert len(stored) == 2
    cli.ok("db", "verify")
    stored[0].write_bytes(stored[0].read_bytes() + b"x")  # changed
    stored[1].unlink()  # missing
    result = cli("db", "verify")
    assert result.exit_code == 1
    assert f"证据文件已被改动：{stored[0]}" in result.stderr and "与账本记录的 SHA-256 不符" in result.stderr
    assert f"证据文件缺失：{stored[1]}" in result.stderr and "现场" in result.stderr
    cli.ok("db", "verify", "--no-evidence")  # a machine holding the ledger only


def test_backup_carries_the_evidence_and_restore_puts_it_back(cli, tmp_path, db_path):
    stored = _photos(cli, tmp_path)
    usb = tmp_path / "U盘"
    result = cli.ok("db", "backup", usb / "备份.db")
    assert "证据文件 2 个复制到" in result.stderr
    copies = sorted((usb / "备份-evidence").rglob("*.*"))
    assert [p.read_bytes() for p in copies] == [p.read_bytes() for p in stored]
    assert {oct(os.stat(p).st_mode & 0o777) for p in copies} == {"0o600"}
    cli.ok("--db", usb / "备份.db", "db", "verify")  # a backup is a whole ledger, evidence and all
    # The machine loses its evidence; restoring the backup puts it back, each file checked.
    for p in stored:
        p.unlink()
    assert cli("db", "verify").exit_code == 1
    result = cli.ok("db", "restore", usb / "备份.db")
    assert "证据文件 2 个已校验并放回" in result.stderr
    cli.ok("db", "verify")


def test_a_restore_with_a_changed_photo_is_refused_and_changes_nothing(cli, tmp_path, db_path):
    stored = _photos(cli, tmp_path)
    usb = tmp_path / "usb"
    cli.ok("db", "backup", usb / "b.db")
    cli.ok("case", "add", "--case-no", "后来", "--date", "2022-03-01", "--type", "online_loan", "--grid", "蔚汾镇东关社区网格")
    copy = sorted((usb / "b-evidence").rglob("*.*"))[0]
    copy.write_bytes(copy.read_bytes()[:-1] + b"\xff")
    stored[0].unlink()  # the live folder has lost one too: a refused restore must not touch it
    before = snapshot(db_path)
    live_files = sorted(p.name for p in (tmp_path / "ledger-evidence").rglob("*.*"))
    result = cli("db", "restore", usb / "b.db")
    assert result.exit_code == 1
    assert "证据文件与账本不符，未恢复" in result.stderr and f"证据文件已被改动：{copy}" in result.stderr
    assert snapshot(db_path) == before
    assert sorted(p.name for p in (tmp_path / "ledger-evidence").rglob("*.*")) == live_files
    assert not list(db_path.parent.glob("ledger.db.*.bak"))
    # A missing file in the backup is refused the same way; --no-evidence restores the ledger alone.
    copy.unlink()
    assert "证据文件缺失" in cli("db", "restore", usb / "b.db").stderr and snapshot(db_path) == before
    cli.ok("db", "restore", usb / "b.db", "--no-evidence")
    assert "后来" not in cli.ok("case", "list", "--to", "2022-12-31").stdout
