"""Dates and ISO weeks as users type them, with Chinese errors that show the right form."""

from __future__ import annotations

import datetime as dt
import re

from fanzha_cli.errors import FanzhaError

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_date(value: str, what: str = "日期") -> dt.date:
    text = (value or "").strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    m = re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise FanzhaError(f"{what}格式不对：{value!r}", hint="日期请写成 YYYY-MM-DD，例如 2022-03-01。")


def iso_date(value: str, what: str = "日期") -> str:
    return parse_date(value, what).isoformat()


def parse_week(value: str, today: dt.date | None = None) -> tuple[int, int]:
    """`2022-W05`, a date (its ISO week), `current` or `last` -> (ISO year, ISO week)."""
    today = today or dt.date.today()
    text = (value or "").strip()
    if text.lower() in ("current", "本周"):
        y, w, _ = today.isocalendar()
        return y, w
    if text.lower() in ("last", "上周"):
        y, w, _ = (today - dt.timedelta(days=7)).isocalendar()
        return y, w
    m = _WEEK.match(text)
    if m:
        year, week = int(m[1]), int(m[2])
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise FanzhaError(f"周次不存在：{value}（{year} 年没有第 {week} 周）",
                              hint="周次写成 YYYY-Www，例如 2022-W05；也可写日期或 current、last。")
        return year, week
    try:
        y, w, _ = parse_date(text).isocalendar()
        return y, w
    except FanzhaError:
        raise FanzhaError(f"周次格式不对：{value!r}",
                          hint="周次写成 YYYY-Www（如 2022-W05）、某天的日期（如 2022-02-04），或 current（本周）、last（上周）。")


def week_label(year: int, week: int) -> str:
    return f"{year}-W{week:02d}"


def week_bounds(year: int, week: int) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of an ISO week."""
    monday = dt.date.fromisocalendar(year, week, 1)
    return monday, monday + dt.timedelta(days=6)
