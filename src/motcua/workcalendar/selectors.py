"""Reads of the calendar shared by the year page, the API and the CLI."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass

from motcua.core.errors import InvalidInput
from motcua.workcalendar import engine
from motcua.workcalendar.errors import WorkcalendarError
from motcua.workcalendar.models import CalendarException, ExceptionKind, Weekday

MAX_YEARS = 20  # a range longer than 20 years is refused


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/2 → 1/3
        return dt.date(day.year + years, 3, 1)


@dataclass(frozen=True)
class Day:
    date: dt.date
    working: bool
    reason: str | None
    kind: str  # "working", "weekend", "holiday", "day_off", "makeup"
    document: str = ""

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "working": self.working, "reason": self.reason}


def calendar_days(*, start: dt.date, end: dt.date, unit=None) -> list[Day]:
    """Every day of [start, end] with whether it is a working day and why not (or why yes)."""
    if end < start:
        raise InvalidInput(
            "Ngày kết thúc phải sau ngày bắt đầu.", code=WorkcalendarError.RANGE_REVERSED
        )
    if end >= _years_later(start, MAX_YEARS):
        raise InvalidInput(
            "Khoảng ngày không được vượt quá 20 năm.", code=WorkcalendarError.RANGE_TOO_LONG
        )
    if start < engine.FIRST_DAY or end > engine.LAST_DAY:
        raise engine.out_of_range(start if start < engine.FIRST_DAY else end)
    cal = engine.get(unit)
    exceptions = {
        e.date: e for e in CalendarException.objects.filter(date__gte=start, date__lte=end)
    }
    days = []
    first = start.toordinal() - engine.BASE_ORD
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        working = cal.is_working(first + offset)
        exception = exceptions.get(day)
        if exception is not None and (exception.kind == ExceptionKind.MAKEUP) == working:
            days.append(Day(day, working, exception.reason, exception.kind, exception.document))
        elif working:
            days.append(Day(day, True, None, "working"))
        else:
            label = Weekday(day.weekday()).label
            days.append(Day(day, False, f"Nghỉ hằng tuần ({label})", "weekend"))
    return days


def calendar_year(*, year: int, unit=None) -> dict:
    """The year page: months as weeks of days, and the list of dated exceptions."""
    if not engine.FIRST_DAY.year <= year <= engine.LAST_DAY.year:
        raise InvalidInput(
            f"Năm phải trong khoảng {engine.FIRST_DAY.year}–{engine.LAST_DAY.year}.",
            code=WorkcalendarError.YEAR_OUT_OF_RANGE,
        )
    days = calendar_days(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), unit=unit)
    by_date = {d.date: d for d in days}
    months = []
    for month in range(1, 13):
        weeks = [
            [by_date.get(day) if day.month == month else None for day in week]
            for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        ]
        months.append({"month": month, "weeks": weeks})
    special = [d for d in days if d.kind in ("holiday", "day_off", "makeup")]
    return {
        "year": year,
        "months": months,
        "special": special,
        "working_days": sum(d.working for d in days),
        "days_off": sum(d.kind in ("holiday", "day_off") for d in days),
        "makeup_days": sum(d.kind == "makeup" for d in days),
    }
