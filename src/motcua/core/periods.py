"""Periods for statistics and reports: a day, month, quarter, half-year or year (Vietnam time)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from motcua.core.errors import CoreError, InvalidInput
from motcua.core.formats import VN_TZ, vn_date

KINDS = {"day": "Ngày", "month": "Tháng", "quarter": "Quý", "half": "6 tháng", "year": "Năm"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "day":
            return f"Ngày {vn_date(self.start)}"
        if self.kind == "month":
            return f"Tháng {self.start.month}/{self.start.year}"
        if self.kind == "quarter":
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {self.start.year}"
        return f"Năm {self.start.year}"

    @property
    def key(self) -> str:
        """Stable text key of the period: 2026, 2026-H1, 2026-Q2, 2026-03, 2026-03-15."""
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
        return str(self.start.year)

    @property
    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: local midnights (Asia/Ho_Chi_Minh)."""
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=VN_TZ),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=VN_TZ),
        )

    def previous(self, count: int = 1) -> Period:
        """The period of the same kind ``count`` periods earlier (not before year 2000: the
        first period then)."""
        day = self.start
        for _ in range(count):
            if (day - dt.timedelta(days=1)).year < YEARS[0]:
                break
            day = period_of(self.kind, day - dt.timedelta(days=1)).start
        return period_of(self.kind, day)

    @property
    def span(self) -> str:
        return f"{vn_date(self.start)} – {vn_date(self.end)}"

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "label": self.label,
            "date_from": self.start.isoformat(),
            "date_to": self.end.isoformat(),
        }


YEARS = (2000, 2099)  # statistics cover this range; anything else is a mistyped date


def month_of(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``'s."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The months (first days) from ``first``'s to ``last``'s, both included."""
    out, month = [], month_of(first)
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


def _check_year(year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise InvalidInput(
            f"Năm phải từ {YEARS[0]} đến {YEARS[1]}.", code=CoreError.PERIOD_YEAR_OUT_OF_RANGE
        )


def period_of(kind: str, on: dt.date) -> Period:
    _check_year(on.year)
    if kind == "day":
        start = end = on
    elif kind == "month":
        start = on.replace(day=1)
        end = on.replace(day=calendar.monthrange(on.year, on.month)[1])
    elif kind == "quarter":
        first = 3 * ((on.month - 1) // 3) + 1
        start = dt.date(on.year, first, 1)
        end = dt.date(on.year, first + 2, calendar.monthrange(on.year, first + 2)[1])
    elif kind == "half":
        first = 1 if on.month <= 6 else 7
        start = dt.date(on.year, first, 1)
        end = dt.date(on.year, 6, 30) if first == 1 else dt.date(on.year, 12, 31)
    elif kind == "year":
        start, end = dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    else:
        raise InvalidInput(
            "Kỳ thống kê phải là day (ngày), month (tháng), quarter (quý), half (6 tháng) hoặc year (năm).",
            code=CoreError.PERIOD_INVALID,
        )
    return Period(kind, start, end)


def parse_period(kind: str | None, on: str | dt.date | None = None) -> Period:
    """``kind`` month / quarter / year (default month) containing ``on`` (default today)."""
    if isinstance(on, str) and on:
        try:
            on = dt.date.fromisoformat(on)
        except ValueError as error:
            raise InvalidInput(
                "Ngày tham chiếu phải có dạng YYYY-MM-DD.", code=CoreError.DATE_INVALID
            ) from error
    return period_of(kind or "month", on or timezone.localdate())


_KEY = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|\d{2}))?(?:-(\d{2}))?$")


def period_from_key(key: str) -> Period:
    """The period of a stable key (2026, 2026-H1, 2026-Q2, 2026-03, 2026-03-15)."""
    match = _KEY.match((key or "").strip().upper())
    if not match:
        raise InvalidInput(
            "Kỳ phải có dạng 2026, 2026-H1, 2026-Q2, 2026-03 hoặc 2026-03-15.",
            code=CoreError.PERIOD_KEY_INVALID,
        )
    year, part, day = int(match.group(1)), match.group(2), match.group(3)
    _check_year(year)
    if day is not None:
        try:
            return period_of("day", dt.date(year, int(part), int(day)))
        except (TypeError, ValueError) as error:
            raise InvalidInput("Ngày không hợp lệ.", code=CoreError.PERIOD_KEY_INVALID) from error
    if part is None:
        return period_of("year", dt.date(year, 1, 1))
    if part.startswith("Q"):
        return period_of("quarter", dt.date(year, 3 * int(part[1]) - 2, 1))
    if part.startswith("H"):
        return period_of("half", dt.date(year, 1 if part == "H1" else 7, 1))
    month = int(part)
    if not 1 <= month <= 12:
        raise InvalidInput("Tháng phải từ 01 đến 12.", code=CoreError.PERIOD_KEY_INVALID)
    return period_of("month", dt.date(year, month, 1))
