"""Victims' personal data at rest: the key, field encryption, and the keyed hash.

The ledger holds victims' names, phone numbers and ID numbers only as ciphertext
(AES-256-GCM from `cryptography`; nothing here is a cipher of our own). The key lives
outside the ledger, so a copy of the ledger file (a backup on a USB stick, the file a city
asks for) carries no readable personal data, and `db verify` needs no key: the hash chain
covers the ciphertext as it covers any other text.

Losing the key loses the victims' details only. Nothing that decides a figure (ranking,
zero-case, deductions, discipline) reads a victim field.

Layout of a sealed value (text, so it fits the ledger's "text or integer" rule):

    <masked>|fz1:<key id>:<base64url(12-byte nonce || ciphertext || 16-byte tag)>

`<masked>` is the value as every default output shows it (张*三, 138****5678,
140123********1234): kept in clear so that masked outputs, and so every circular, read the
same with or without the key. Only `--show-pii` opens the ciphertext. The field's name and
the masked form are the GCM associated data, so a phone's ciphertext copied into the name
column, or a masked form edited, fails to open.

A phone or ID number inside free text (a note, a reason) is sealed in place as
⟦<masked>|fz1:…⟧, so the rest of the note stays readable.

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
_TOKEN = re.compile(r"^(.*)\|fz1:([0-9a-f]{8,16}):([A-Za-z0-9_-]+={0,2})$", re.S)
NOTE_TOKEN = re.compile(r"⟦([^⟦⟧|]*\|fz1:[0-9a-f]{8,16}:[A-Za-z0-9_-]+={0,2})⟧")


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

    def _aead(self):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self._derive(b"fanzha victim fields v1"))

    def seal(self, value: str, field: str, masked: str) -> str:
        """`masked` is what default outputs show; it stays in clear, bound to the ciphertext."""
        nonce = secrets.token_bytes(_NONCE)
        ct = self._aead().encrypt(nonce, value.encode("utf-8"), _aad(field, masked))
        return f"{masked}|{PREFIX}:{self.id}:" + base64.urlsafe_b64encode(nonce + ct).decode("ascii")

    def open(self, token: str, field: str) -> str:
        from cryptography.exceptions import InvalidTag

        m = _TOKEN.match(token)
        if not m or m.group(2) != self.id:
            raise FanzhaError(f"受害人信息不是用当前密钥加密的（密钥编号 {m.group(2) if m else '未知'}）。",
                              hint="请使用加密时的密钥文件（FANZHA_KEY_FILE 指定），或从保险柜中的密钥备份恢复。")
        raw = base64.urlsafe_b64decode(m.group(3))
        try:
            return self._aead().decrypt(raw[:_NONCE], raw[_NONCE:], _aad(field, m.group(1))).decode("utf-8")
        except InvalidTag:
            raise FanzhaError(f"无法解密受害人信息（{field}）：密文已损坏或与字段不符。",
                              hint="运行 fanzha db verify 检查账本。") from None

    def blind(self, value: str) -> str:
        """Keyed hash of a normalised value (for duplicate detection without decrypting)."""
        mac = hmac.new(self._derive(b"fanzha blind index v1"), value.strip().upper().encode("utf-8"), hashlib.sha256)
        return mac.hexdigest()[:32]


def _aad(field: str, masked: str) -> bytes:
    return field.encode("utf-8") + b"\n" + masked.encode("utf-8")


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and "|fz1:" in value and _TOKEN.match(value) is not None


def key_id_of(token: str) -> str | None:
    m = _TOKEN.match(token)
    return m.group(2) if m else None


def masked_of(token: str) -> str:
    """What a default (masked) output shows for a sealed value: no key needed."""
    m = _TOKEN.match(token)
    return m.group(1) if m else token


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


# ---- free text -------------------------------------------------------------------------

NOTE_FIELD = "note"  # the associated data of numbers sealed inside free text


def seal_text(text: str | None, key: Key, pattern: re.Pattern, mask) -> str | None:
    """Free text with every match of `pattern` (a phone or ID number) sealed in place as
    ⟦masked|fz1:…⟧; numbers already sealed are left as they are."""
    if not text or not pattern.search(text):
        return text
    parts = NOTE_TOKEN.split(text)  # odd items are sealed tokens (the group), even plain text
    for i in range(0, len(parts), 2):
        parts[i] = pattern.sub(lambda m: "⟦" + key.seal(m.group(), NOTE_FIELD, mask(m.group())) + "⟧", parts[i])
    for i in range(1, len(parts), 2):
        parts[i] = "⟦" + parts[i] + "⟧"
    return "".join(parts)


def text_masked(text: str | None) -> str | None:
    """Free text as default outputs show it: each sealed number by its masked form."""
    if not text or "⟦" not in text:
        return text
    return NOTE_TOKEN.sub(lambda m: masked_of(m.group(1)), text)


def text_revealed(text: str | None, opener: "Opener") -> str | None:
    """Free text with each sealed number opened (for --show-pii)."""
    if not text or "⟦" not in text:
        return text
    return NOTE_TOKEN.sub(lambda m: opener.open(m.group(1), NOTE_FIELD), text)


def text_tokens(text: str | None) -> list[str]:
    return [m.group(1) for m in NOTE_TOKEN.finditer(text)] if text and "⟦" in text else []


# ---- opening: the keys on this machine, and re-encryptions recorded in the ledger --------

class Opener:
    """Opens sealed values for --show-pii. A value sealed under a key this machine no longer
    holds is looked up in the ledger's `reseals` (written by `key rotate`): the same value
    sealed again under a newer key."""

    def __init__(self, conn=None):
        self.conn = conn
        self._ring: dict[str, Key] | None = None

    @property
    def ring(self) -> dict[str, Key]:
        if self._ring is None:
            self._ring = keyring()
        return self._ring

    def _resealed(self, token: str) -> str | None:
        if self.conn is None:
            return None
        try:
            from fanzha_cli import queries  # only when a value's key is not on this machine

            row = self.conn.execute(queries.RESEAL_OF, {"old": token}).fetchone()
        except Exception:  # a ledger from before reseals existed
            return None
        return row[0] if row else None

    def open(self, token: str, field: str) -> str:
        seen = 0
        while True:
            key = self.ring.get(key_id_of(token))
            if key is not None:
                return key.open(token, field)
            newer = self._resealed(token)
            if newer is None or seen > 100:
                break
            token, seen = newer, seen + 1
        raise FanzhaError(
            f"找不到解密受害人信息所需的密钥（编号 {key_id_of(token)}），密钥文件：{key_path()}",
            hint="受害人姓名、电话、身份证号在账本中是加密保存的，--show-pii 需要加密时的密钥。"
                 "请把保险柜中的密钥备份放回该位置，或用环境变量 FANZHA_KEY_FILE 指定密钥文件；"
                 "不加 --show-pii 的输出（脱敏）不需要密钥。",
        )

    def reveal(self, value, field: str):
        """A stored victim field as plain text (plain text stored before encryption as it is)."""
        return self.open(value, field) if is_sealed(value) else value


_current: Opener | None = None


def use(conn) -> None:
    """The ledger this command works on: where `Opener` looks up re-encryptions."""
    global _current
    _current = Opener(conn)


def opener() -> Opener:
    return _current if _current is not None else Opener()
