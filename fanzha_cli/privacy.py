"""Victims' personal data: how it is checked on entry and masked on the way out.

Every output that carries a victim's name, phone or ID number (table, JSON, CSV, explain)
passes its rows through `mask_victim`, unless the user asked for `--show-pii`. Officers'
names are not masked: a deduction is circulated against a named officer.
"""

from __future__ import annotations

import re
from typing import Any

from fanzha_cli.errors import FanzhaError

VICTIM_FIELDS = ("victim_name", "victim_phone", "victim_id_number")

_PHONE = re.compile(r"^\+?\d[\d -]{4,18}\d$")
_ID_NUMBER = re.compile(r"^(\d{17}[\dX]|\d{15})$")


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*, 张小三 -> 张*三, 欧阳小明 -> 欧**明."""
    if not name:
        return name
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
    return _keep_ends(phone, 3, 4) if phone else phone


def mask_id_number(id_number: str | None) -> str | None:
    """140123199001011234 -> 140123********1234 (region code and last four kept)."""
    return _keep_ends(id_number, 6, 4) if id_number else id_number


def mask_victim(row: dict[str, Any], show_pii: bool = False) -> dict[str, Any]:
    """A copy of the row with the victim fields masked (or the row itself with show_pii)."""
    if show_pii:
        return row
    out = dict(row)
    if "victim_name" in out:
        out["victim_name"] = mask_name(out["victim_name"])
    if "victim_phone" in out:
        out["victim_phone"] = mask_phone(out["victim_phone"])
    if "victim_id_number" in out:
        out["victim_id_number"] = mask_id_number(out["victim_id_number"])
    return out


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
