"""Victims' data at rest: the key, sealing, the keyed hash, and the key commands."""

from __future__ import annotations

import json
import os
import stat

import pytest

from fanzha_cli import vault
from fanzha_cli.errors import FanzhaError


@pytest.fixture
def key_file(isolated, monkeypatch):
    path = isolated / "keys" / "key.json"
    monkeypatch.setenv(vault.KEY_ENV, str(path))
    return path


def test_key_made_on_first_use_owner_only(key_file):
    assert vault.load_key() is None
    key = vault.load_key(create=True)
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key_file.parent).st_mode) == 0o700
    again = vault.load_key(create=True)
    assert again == key  # the second use reads, never replaces


def test_key_path_defaults_to_config_folder(isolated, monkeypatch):
    monkeypatch.delenv(vault.KEY_ENV, raising=False)
    assert vault.key_path().name == "key.json"
    assert str(isolated / "config") in str(vault.key_path())


def test_seal_is_not_plain_and_opens_back(key_file):
    key = vault.load_key(create=True)
    token = key.seal("13812345678", "victim_phone", "138****5678")
    assert "13812345678" not in token and vault.is_sealed(token)
    assert key.seal("13812345678", "victim_phone", "138****5678") != token  # a fresh nonce every time
    assert key.open(token, "victim_phone") == "13812345678"


def test_field_is_bound_to_its_column(key_file):
    key = vault.load_key(create=True)
    token = key.seal("13812345678", "victim_phone", "138****5678")
    with pytest.raises(FanzhaError, match="无法解密"):
        key.open(token, "victim_name")


def test_tampered_ciphertext_refused(key_file):
    key = vault.load_key(create=True)
    token = key.seal("张小三", "victim_name", "张*三")
    import base64

    head, body = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[14] ^= 0x01  # one bit of the ciphertext, past the 12-byte nonce
    with pytest.raises(FanzhaError, match="无法解密"):
        key.open(f"{head}:" + base64.urlsafe_b64encode(bytes(raw)).decode(), "victim_name")


def test_other_key_cannot_open(key_file):
    key = vault.load_key(create=True)
    token = key.seal("张小三", "victim_name", "张*三")
    with pytest.raises(FanzhaError, match="不是用当前密钥"):
        vault.new_key().open(token, "victim_name")
    opener = vault.Opener()
    opener._ring = {}
    with pytest.raises(FanzhaError, match="找不到解密"):
        opener.open(token, "victim_name")


def test_blind_index_equal_for_equal_values_only(key_file):
    key = vault.load_key(create=True)
    a = key.blind("14012319900101123x")
    assert a == key.blind(" 14012319900101123X ")
    assert a != key.blind("140123199001011234")
    assert a != vault.new_key().blind("14012319900101123X")  # keyed: another key, another hash
    assert "1401231990" not in a


def test_notes_seal_phones_and_ids_in_place(key_file):
    from fanzha_cli import privacy

    key = vault.load_key(create=True)
    note = "受害人电话13812345678，身份证140123199001011234，已回访"
    sealed = vault.seal_text(note, key, privacy.PII_IN_TEXT, privacy.mask_found)
    assert "13812345678" not in sealed and "140123199001011234" not in sealed
    assert sealed.startswith("受害人电话⟦138****5678|fz1:") and sealed.endswith("已回访")
    assert vault.text_masked(sealed) == "受害人电话138****5678，身份证140123********1234，已回访"
    opener = vault.Opener()
    assert vault.text_revealed(sealed, opener) == note
    # Sealing again leaves sealed numbers alone and seals only what is new.
    again = vault.seal_text(sealed + "，家属13900001111", key, privacy.PII_IN_TEXT, privacy.mask_found)
    assert again.startswith(sealed) and "13900001111" not in again
    assert vault.text_revealed(again, opener) == note + "，家属13900001111"
    assert vault.seal_text("报案编号2022001", key, privacy.PII_IN_TEXT, privacy.mask_found) == "报案编号2022001"


def test_masked_form_is_bound_to_the_ciphertext(key_file):
    key = vault.load_key(create=True)
    token = key.seal("13812345678", "victim_phone", "138****5678")
    forged = "139****0000" + token[len("138****5678"):]
    with pytest.raises(FanzhaError, match="无法解密"):
        key.open(forged, "victim_phone")


def test_keyring_finds_pending_and_retired_keys(key_file):
    current = vault.load_key(create=True)
    pending = vault.new_key()
    vault.write_key_file(vault.pending_path(), pending)
    old = vault.new_key()
    vault.write_key_file(vault.retired_path(old), old)
    ring = vault.keyring()
    assert set(ring) == {current.id, pending.id, old.id}


def test_broken_key_file_named(key_file):
    key_file.parent.mkdir(parents=True)
    key_file.write_text("{not json", encoding="utf-8")
    with pytest.raises(FanzhaError, match="密钥文件无法读取"):
        vault.load_key()


def test_key_show_path_and_export(cli, key_file, isolated):
    out = cli.ok("key", "show-path")
    assert out.stdout.strip() == str(key_file)
    assert "尚不存在" in out.stderr

    refused = cli("key", "export", "--to", isolated / "safe.json")
    assert refused.exit_code == 1 and "找不到受害人信息的密钥文件" in refused.stderr

    key = vault.load_key(create=True)
    cli.ok("key", "export", "--to", isolated / "safe.json")
    saved = json.loads((isolated / "safe.json").read_text(encoding="utf-8"))
    assert saved["id"] == key.id
    assert stat.S_IMODE(os.stat(isolated / "safe.json").st_mode) == 0o600

    again = cli("key", "export", "--to", isolated / "safe.json")
    assert again.exit_code == 1 and "文件已存在" in again.stderr
