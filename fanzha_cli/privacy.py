"""Victims' personal data: how it is checked on entry and masked on the way out.

Every output that carries a victim's name, phone or ID number (table, JSON, CSV, explain)
passes its rows through `mask_victim`, unless the user asked for `--show-pii`. Officers'
names are not masked: a deduction is circulated against a named officer.

The ledger stores these values sealed (vault.py) with their masked form in clear: masking a
sealed value reads that form and needs no key; `--show-pii` opens it and does.
"""

from __future__ import annotations

import re
from typing import Any

from fanzha_cli import vault
from fanzha_cli.errors import FanzhaError

VICTIM_FIELDS = ("victim_name", "victim_phone", "victim_id_number")

_PHONE = re.compile(r"^\+?\d[\d -]{4,18}\d$")
_ID_NUMBER = re.compile(r"^(\d{17}[\dX]|\d{15})$")


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*, 张小三 -> 张*三, 欧阳小明 -> 欧**明."""
    if not name:
        return name
    if vault.is_sealed(name):
        return vault.masked_of(name)
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _keep_ends(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        keep = min(2, max(len(text) - 1, 0))
        return "*" * (len(text) - keep) + text[len(text) - keep:]
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def mask_phone(phone: str | None) -> str | None:
    """13812345678 -> 138****5678."""
    if phone and vault.is_sealed(phone):
        return vault.masked_of(phone)
    return _keep_ends(phone, 3, 4) if phone else phone


def mask_id_number(id_number: str | None) -> str | None:
    """140123199001011234 -> 140123********1234 (region code and last four kept)."""
    if id_number and vault.is_sealed(id_number):
        return vault.masked_of(id_number)
    return _keep_ends(id_number, 6, 4) if id_number else id_number


def mask_victim(row: dict[str, Any], show_pii: bool = False) -> dict[str, Any]:
    """A copy of the row with the victim fields masked (or opened, with show_pii: that needs
    the key, and is refused in Chinese without it)."""
    if show_pii:
        opener = vault.opener()
        out = dict(row)
        for f in VICTIM_FIELDS:
            if f in out:
                out[f] = opener.reveal(out[f], f)
        if isinstance(out.get("note"), str):
            out["note"] = vault.text_revealed(out["note"], opener)
        return out
    out = dict(row)
    if "victim_name" in out:
        out["victim_name"] = mask_name(out["victim_name"])
    if "victim_phone" in out:
        out["victim_phone"] = mask_phone(out["victim_phone"])
    if "victim_id_number" in out:
        out["victim_id_number"] = mask_id_number(out["victim_id_number"])
    if isinstance(out.get("note"), str):
        out["note"] = mask_text(out["note"])
    return out


# A phone number or an ID-card number inside free text: a run of digits (any width) not
# touching another digit or letter: 18 (last may be X) or 15 for an ID number, 11 from 1 for
# a mobile, or a landline with its area code (0xx-xxxxxxxx).
_D = "[0-9０-９]"
_PII_IN_TEXT = re.compile(
    rf"(?<![0-9A-Za-z０-９])(?:{_D}{{17}}[0-9０-９XxＸｘ]|{_D}{{15}}|[1１]{_D}{{10}}|[0０]{_D}{{2,3}}[-－]?{_D}{{7,8}})"
    r"(?![0-9A-Za-z０-９])"
)
_HALF = str.maketrans("０１２３４５６７８９Ｘｘ－", "0123456789XX-")


def mask_text(text: str | None, show_pii: bool = False) -> str | None:
    """A free-text note with every phone and ID-card number in it masked like the victim
    fields (138****5678, 140123********1234), unless show_pii (numbers sealed in the ledger
    are then opened, which needs the key)."""
    if not text:
        return text
    if show_pii:
        return vault.text_revealed(text, vault.opener())
    text = vault.text_masked(text)

    return _PII_IN_TEXT.sub(lambda m: mask_found(m.group()), text)


def mask_found(number: str) -> str:
    """One phone or ID number found in free text, masked as the victim fields are."""
    v = number.translate(_HALF)
    return mask_id_number(v) if len(v) in (15, 18) and v[0] != "0" else mask_phone(v)


PII_IN_TEXT = _PII_IN_TEXT


def clean_phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not _PHONE.match(text):
        raise FanzhaError(f"电话号码格式不对：{value!r}", hint="只写数字（可带区号、+ 或 -），例如 13812345678。")
    return re.sub(r"[ -]", "", text)


def clean_id_number(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip().upper()
    if not _ID_NUMBER.match(text):
        raise FanzhaError(f"身份证号格式不对：{value!r}", hint="应为 18 位（末位可为 X）或 15 位数字。")
    return text


def clean_name(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return value.strip()
