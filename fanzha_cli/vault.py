"""Victims' personal data at rest: the key, field encryption, and the keyed hash.

The ledger holds victims' names, phone numbers and ID numbers only as ciphertext
(AES-256-GCM from `cryptography`; nothing here is a cipher of our own). The key lives
outside the ledger, so a copy of the ledger file (a backup on a USB stick, the file a city
asks for) carries no readable personal data, and `db verify` needs no key: the hash chain
covers the ciphertext as it covers any other text.

Losing the key loses the victims' details only. Nothing that decides a figure (ranking,
zero-case, deductions, discipline) reads a victim field.

Layout of a sealed value (text, so it fits the ledger's "text or integer" rule):

    fz1:<key id>:<base64url(12-byte nonce || ciphertext || 16-byte tag)>

The field's name is the GCM associated data, so a phone's ciphertext copied into the name
column fails to open instead of showing the phone as a name.

The keyed hash (`blind`) answers "has this ID number been seen before?" without decrypting:
HMAC-SHA256 under a key derived from the same secret (HKDF), so equal values give equal
hashes under one key, and nothing about the value can be learnt without the key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from fanzha_cli.errors import FanzhaError

KEY_ENV = "FANZHA_KEY_FILE"
KEY_FILENAME = "key.json"
PREFIX = "fz1"
_NONCE = 12
_TOKEN = re.compile(r"^fz1:([0-9a-f]{8,16}):([A-Za-z0-9_-]+={0,2})$")
# Phone and ID numbers inside free text (notes): sealed in place as ⟦fz1:…⟧ so the rest of
# the note stays readable to anyone holding the ledger.
NOTE_TOKEN = re.compile(r"⟦(fz1:[0-9a-f]{8,16}:[A-Za-z0-9_-]+={0,2})⟧")
_NOTE_PII = re.compile(
    r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|\+?86[- ]?1[3-9]\d{9}|1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])"
)
ENCRYPTED_LABEL = "〔已加密〕"


def key_path() -> Path:
    """FANZHA_KEY_FILE wins; else key.json in the user's config folder for fanzha."""
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env).expanduser()
    import typer  # knows each OS's config folder; imported only when a key is needed

    return Path(typer.get_app_dir("fanzha")) / KEY_FILENAME


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes
    created: str

    def _derive(self, purpose: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"fanzha", info=purpose).derive(self.secret)

    def seal(self, value: str, field: str) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = secrets.token_bytes(_NONCE)
        ct = AESGCM(self._derive(b"fanzha victim fields v1")).encrypt(nonce, value.encode("utf-8"), field.encode())
        return f"{PREFIX}:{self.id}:" + base64.urlsafe_b64encode(nonce + ct).decode("ascii")

    def open(self, token: str, field: str) -> str:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        m = _TOKEN.match(token)
        if not m or m.group(1) != self.id:
            raise FanzhaError(f"受害人信息不是用当前密钥加密的（密钥编号 {m.group(1) if m else '未知'}）。",
                              hint="请使用加密时的密钥文件（FANZHA_KEY_FILE 指定），或从保险柜中的密钥备份恢复。")
        raw = base64.urlsafe_b64decode(m.group(2))
        try:
            return AESGCM(self._derive(b"fanzha victim fields v1")).decrypt(
                raw[:_NONCE], raw[_NONCE:], field.encode()).decode("utf-8")
        except InvalidTag:
            raise FanzhaError(f"无法解密受害人信息（{field}）：密文已损坏或与字段不符。",
                              hint="运行 fanzha db verify 检查账本。") from None

    def blind(self, value: str) -> str:
        """Keyed hash of a normalised value (for duplicate detection without decrypting)."""
        mac = hmac.new(self._derive(b"fanzha blind index v1"), value.strip().upper().encode("utf-8"), hashlib.sha256)
        return mac.hexdigest()[:32]


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and _TOKEN.match(value) is not None


def key_id_of(token: str) -> str | None:
    m = _TOKEN.match(token)
    return m.group(1) if m else None


def _new_key() -> Key:
    secret = secrets.token_bytes(32)
    kid = hashlib.sha256(b"fanzha key id\n" + secret).hexdigest()[:12]
    return Key(kid, secret, dt.datetime.now().astimezone().isoformat(timespec="seconds"))


def _encode(key: Key) -> bytes:
    return (json.dumps({"format": "fanzha-key-1", "id": key.id, "created": key.created,
                        "secret": base64.b64encode(key.secret).decode("ascii")},
                       ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _decode(path: Path) -> Key:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        secret = base64.b64decode(data["secret"], validate=True)
        if data.get("format") != "fanzha-key-1" or len(secret) != 32:
            raise ValueError
        return Key(str(data["id"]), secret, str(data.get("created", "")))
    except (OSError, ValueError, KeyError, TypeError):
        raise FanzhaError(f"密钥文件无法读取或格式不对：{path}",
                          hint="从保险柜中的密钥备份恢复该文件（fanzha key export 导出的文件）。") from None


def write_key_file(path: Path, key: Key) -> None:
    """Written owner-only (0600, folder 0700) and atomically: a reader never sees half a key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_encode(key))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_key(*, create: bool = False) -> Key | None:
    """The key, or None when there is none (and `create` is False). With `create` the key is
    made on first use: the first write of a victim's details."""
    path = key_path()
    if path.exists():
        return _decode(path)
    if not create:
        return None
    key = _new_key()
    write_key_file(path, key)
    return key


def require_key() -> Key:
    key = load_key()
    if key is None:
        raise FanzhaError(
            f"找不到受害人信息的密钥文件：{key_path()}",
            hint="受害人姓名、电话、身份证号在账本中是加密保存的，查看原文需要加密时的密钥。"
                 "请把保险柜中的密钥备份放回该位置，或用环境变量 FANZHA_KEY_FILE 指定密钥文件。",
        )
    return key


def new_key() -> Key:
    return _new_key()


def pending_path() -> Path:
    """Where `key rotate` puts the new key before the ledger is re-encrypted under it."""
    path = key_path()
    return path.with_name(path.name + ".next")


def retired_path(key: Key) -> Path:
    path = key_path()
    return path.with_name(f"{path.stem}.retired-{key.id}{path.suffix}")


def keyring() -> dict[str, Key]:
    """Every key this machine holds, by id: the current one, a rotation's new key not yet
    made current (a rotation stopped between the ledger and the key file), and retired keys
    the clerk has not yet destroyed. Opening a value uses the key its id names."""
    path = key_path()
    found: dict[str, Key] = {}
    candidates = [path, pending_path()]
    if path.parent.is_dir():
        candidates += sorted(path.parent.glob(f"{path.stem}.retired-*{path.suffix}"))
    for p in candidates:
        if p.exists():
            k = _decode(p)
            found.setdefault(k.id, k)
    return found


def open_value(token: str | None, field: str, ring: dict[str, Key]) -> str | None:
    """A stored victim field as plain text; plain text stored before encryption is returned
    as it is (a ledger not yet resealed). Raises when the key it needs is not here."""
    if token is None or not is_sealed(token):
        return token
    key = ring.get(key_id_of(token))
    if key is None:
        raise FanzhaError(
            f"找不到解密受害人信息所需的密钥（编号 {key_id_of(token)}），密钥文件：{key_path()}",
            hint="受害人姓名、电话、身份证号在账本中是加密保存的，查看原文需要加密时的密钥。"
                 "请把保险柜中的密钥备份放回该位置，或用环境变量 FANZHA_KEY_FILE 指定密钥文件。",
        )
    return key.open(token, field)


# ---- free text -------------------------------------------------------------------------

def seal_note(note: str | None, key: Key) -> str | None:
    """A note with every phone or ID number in it sealed in place."""
    if not note:
        return note
    return _NOTE_PII.sub(lambda m: "⟦" + key.seal(m.group(1), "note") + "⟧", note)


def note_has_pii(note: str | None) -> bool:
    return bool(note) and _NOTE_PII.search(note) is not None


def open_note(note: str | None, ring: dict[str, Key], shown) -> str | None:
    """A stored note as an output shows it: each sealed number replaced by `shown(plain)`
    (plain, or masked), or by 〔已加密〕 where its key is not here."""
    if not note or "⟦" not in note:
        return note

    def one(m: re.Match) -> str:
        key = ring.get(key_id_of(m.group(1)))
        if key is None:
            return ENCRYPTED_LABEL
        return shown(key.open(m.group(1), "note"))

    return NOTE_TOKEN.sub(one, note)


def note_pattern() -> re.Pattern:
    """What counts as a phone or ID number in free text (also used to mask plain notes)."""
    return _NOTE_PII
