"""Deadlines as officials write them ("Quý IV/2021", "Hằng năm", "Thường xuyên" …).

``parse_deadline`` keeps nothing but the parsed form; callers keep the original wording next
to it. ``occurrences`` lists the periods of a task: one for a one-off deadline, one per
period for a recurring one, none for "regularly" or "per the roadmap of a project".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from motcua.core.text import fold
from motcua.reform.models import DeadlineKind

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"((?:19|20)\d{2})"


@dataclass(frozen=True)
class ParsedDeadline:
    kind: str
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def parsed(self) -> bool:
        return self.kind != DeadlineKind.UNPARSED


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    due: dt.date


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)


def parse_deadline(text: str | None, *, plan_date: dt.date) -> ParsedDeadline:
    """The kind and period of a deadline; recurring ones start in the plan's period."""
    t = fold(text).strip(" .;-")
    if not t:
        return ParsedDeadline(DeadlineKind.UNPARSED)
    if m := re.fullmatch(r"(?:truoc )?(?:ngay )?(\d{1,2})[/.-](\d{1,2})[/.-]" + _YEAR, t):
        try:
            day = dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            return ParsedDeadline(DeadlineKind.UNPARSED)
        return ParsedDeadline(DeadlineKind.DATE, day, day)
    if m := re.fullmatch(r"(?:trong )?quy (i{1,3}|iv|[1-4])\s*(?:/|nam)\s*" + _YEAR, t):
        q = ROMAN.get(m[1]) or int(m[1])
        return ParsedDeadline(DeadlineKind.QUARTER, *_quarter(int(m[2]), q))
    if m := re.fullmatch(r"(?:trong )?thang (\d{1,2})\s*(?:/|nam)\s*" + _YEAR, t):
        month, year = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            return ParsedDeadline(DeadlineKind.UNPARSED)
        return ParsedDeadline(DeadlineKind.MONTH, dt.date(year, month, 1), _month_end(year, month))
    if m := re.fullmatch(r"6 thang (dau|cuoi) nam\s*" + _YEAR, t):
        year = int(m[2])
        if m[1] == "dau":
            return ParsedDeadline(DeadlineKind.HALF, dt.date(year, 1, 1), dt.date(year, 6, 30))
        return ParsedDeadline(DeadlineKind.HALF, dt.date(year, 7, 1), dt.date(year, 12, 31))
    if m := re.fullmatch(r"(?:trong |ca )?nam\s*" + _YEAR, t):
        year = int(m[1])
        return ParsedDeadline(DeadlineKind.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if re.match(r"(?:dinh ky )?(?:hang|moi) nam\b", t):
        return ParsedDeadline(DeadlineKind.YEARLY, dt.date(plan_date.year, 1, 1))
    if re.match(r"(?:dinh ky )?(?:hang|moi) quy\b", t):
        return ParsedDeadline(DeadlineKind.QUARTERLY, _quarter(plan_date.year, _q(plan_date))[0])
    if re.match(r"(?:dinh ky )?(?:hang|moi) thang\b", t):
        return ParsedDeadline(DeadlineKind.MONTHLY, plan_date.replace(day=1))
    if re.fullmatch(r"thuong xuyen(?:,? lien tuc)?", t):
        return ParsedDeadline(DeadlineKind.REGULAR, plan_date)
    if re.match(r"theo lo trinh\b", t):
        return ParsedDeadline(DeadlineKind.ROADMAP)
    return ParsedDeadline(DeadlineKind.UNPARSED)


def _q(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


QUARTER_LABEL = {1: "I", 2: "II", 3: "III", 4: "IV"}


def occurrences(parsed: ParsedDeadline, *, horizon_year: int) -> list[Period]:
    kind, start = parsed.kind, parsed.start
    if kind == DeadlineKind.DATE:
        return [Period(f"Ngày {parsed.end:%d/%m/%Y}", start, parsed.end)]
    if kind == DeadlineKind.MONTH:
        return [Period(f"Tháng {start.month}/{start.year}", start, parsed.end)]
    if kind == DeadlineKind.QUARTER:
        return [Period(f"Quý {QUARTER_LABEL[_q(start)]}/{start.year}", start, parsed.end)]
    if kind == DeadlineKind.HALF:
        half = "6 tháng đầu năm" if start.month == 1 else "6 tháng cuối năm"
        return [Period(f"{half} {start.year}", start, parsed.end)]
    if kind == DeadlineKind.YEAR:
        return [Period(f"Năm {start.year}", start, parsed.end)]
    periods: list[Period] = []
    if kind == DeadlineKind.YEARLY:
        for year in range(start.year, horizon_year + 1):
            periods.append(Period(f"Năm {year}", dt.date(year, 1, 1), dt.date(year, 12, 31)))
    elif kind == DeadlineKind.QUARTERLY:
        year, q = start.year, _q(start)
        while year <= horizon_year:
            s, e = _quarter(year, q)
            periods.append(Period(f"Quý {QUARTER_LABEL[q]}/{year}", s, e))
            year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    elif kind == DeadlineKind.MONTHLY:
        year, month = start.year, start.month
        while year <= horizon_year:
            periods.append(
                Period(f"Tháng {month}/{year}", dt.date(year, month, 1), _month_end(year, month))
            )
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods
