"""Report weeks: which week a report is for, its deadline, and when a report came in.

Times are the computer's local wall-clock time (it should be set to Beijing time), stored
as `YYYY-MM-DDTHH:MM:SS` without an offset, because the plan's deadline ("Friday 18:00")
is a wall-clock time in the county, not an instant in UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from fanzha_cli.dates import parse_week, week_bounds, week_label
from fanzha_cli.errors import FanzhaError

WEEKDAYS = "一二三四五六日"
_CN_DATETIME = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?\s*(?:(\d{1,2})[:：时](\d{1,2})分?(?:[:：](\d{1,2})秒?)?)?$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @property
    def label(self) -> str:
        return week_label(self.year, self.number)

    @property
    def monday(self) -> dt.date:
        return week_bounds(self.year, self.number)[0]

    @property
    def sunday(self) -> dt.date:
        return week_bounds(self.year, self.number)[1]

    def span(self) -> str:
        return f"{self.label}（{self.monday.isoformat()} 至 {self.sunday.isoformat()}）"


FIRST_YEAR, LAST_YEAR = 1970, 2999


def resolve(value: str, today: dt.date | None = None) -> Week:
    """A week as users write it; a date typed into an Excel cell (with 00:00 time) also works."""
    text = (value or "").strip()
    m = _MIDNIGHT.match(text)
    if m:
        text = m[1]
    week = Week(*parse_week(text, today))
    if not FIRST_YEAR <= week.year <= LAST_YEAR:
        # Far weeks are no one's campaign, and the weeks around them (a circular's trend, the
        # week's Sunday) would fall off the calendar: refused here, with the rest of the typos.
        raise FanzhaError(f"周次 {value} 不在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间。",
                          hint="检查周次是否写错，例如 2022-W05。")
    return week


def refuse_future(week: Week, today: dt.date) -> None:
    if week.monday > today:
        raise FanzhaError(
            f"周次 {week.span()} 还没有到，不能登记将来的报送。",
            hint=f"今天是 {today.isoformat()}（第 {today.isocalendar()[1]} 周）；检查周次是否写错。",
        )


def due_day(week: Week, due_weekday: int) -> dt.date:
    """The day a week's report is due: its ISO weekday `due_weekday` (5 = Friday). The one
    place the deadline day is worked out (the deadline, the first due week, the weeks a
    commendation counts)."""
    return week.monday + dt.timedelta(days=due_weekday - 1)


def week_of(day: dt.date) -> Week:
    """The ISO week a day falls in."""
    year, number, _ = day.isocalendar()
    return Week(year, number)


def first_due_from(day: dt.date, due_weekday: int, *, inclusive: bool) -> Week:
    """The first week whose due day falls on or after `day` (`inclusive`), or after it."""
    week = week_of(day)
    due = due_day(week, due_weekday)
    if due < day or (due == day and not inclusive):
        week = week_of(week.monday + dt.timedelta(days=7))
    return week


def due_weeks(start: dt.date, end: dt.date, due_weekday: int) -> list[Week]:
    """Every week whose due day falls in [start, end]."""
    out = []
    week = first_due_from(start, due_weekday, inclusive=True)
    while due_day(week, due_weekday) <= end:
        out.append(week)
        week = week_of(week.monday + dt.timedelta(days=7))
    return out


def deadline(week: Week, rule: dict) -> dt.datetime:
    """The plan's weekly deadline: ISO weekday `due_weekday` (5 = Friday) at `due_time`."""
    hour, minute = (int(x) for x in str(rule.get("due_time", "18:00")).split(":")[:2])
    return dt.datetime.combine(due_day(week, int(rule.get("due_weekday", 5))), dt.time(hour, minute))


def describe_deadline(when: dt.datetime) -> str:
    return f"{when:%Y-%m-%d}（星期{WEEKDAYS[when.isoweekday() - 1]}）{when:%H:%M}"


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def parse_datetime(value: str, what: str = "报送时间") -> dt.datetime:
    """`2022-02-04 17:30`, `2022-02-04T17:30:00+08:00`, `2022/2/4 17:30`, `2022年2月4日 17:30`, or a date (00:00)."""
    text = (value or "").strip()
    m = _CN_DATETIME.match(text)
    if m:
        try:
            return dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
        except ValueError:
            pass
    else:
        normal = re.sub(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", lambda d: f"{d[1]}-{int(d[2]):02d}-{int(d[3]):02d}", text)
        normal = re.sub(r"^(\d{4}-\d{2}-\d{2})[ T](\d):", r"\1 0\2:", normal)
        try:
            when = dt.datetime.fromisoformat(normal)
        except ValueError:
            pass
        else:
            if when.tzinfo is not None:
                when = when.astimezone().replace(tzinfo=None)  # to local wall-clock time
            return when.replace(microsecond=0)
    raise FanzhaError(
        f"{what}格式不对：{value!r}",
        hint="时间请写成 YYYY-MM-DD HH:MM，例如 2022-02-04 17:30（只写日期按当天 00:00 计）。",
    )


def stamp(when: dt.datetime) -> str:
    return when.replace(microsecond=0).isoformat(timespec="seconds")


def show(stamped: str | None) -> str:
    """A stored time as people read it."""
    return (stamped or "").replace("T", " ")
