"""Periods for statistics: this month / quarter / year (local time, Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from motcua.core.errors import InvalidInput
from motcua.core.formats import vn_date

KINDS = {"month": "Tháng", "quarter": "Quý", "year": "Năm"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"Tháng {self.start.month}/{self.start.year}"
        if self.kind == "quarter":
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"
        return f"Năm {self.start.year}"

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


def period_of(kind: str, on: dt.date) -> Period:
    if kind == "month":
        start = on.replace(day=1)
        end = on.replace(day=calendar.monthrange(on.year, on.month)[1])
    elif kind == "quarter":
        first = 3 * ((on.month - 1) // 3) + 1
        start = dt.date(on.year, first, 1)
        end = dt.date(on.year, first + 2, calendar.monthrange(on.year, first + 2)[1])
    elif kind == "year":
        start, end = dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    else:
        raise InvalidInput(
            "Kỳ thống kê phải là month (tháng), quarter (quý) hoặc year (năm).",
            code="period_invalid",
        )
    return Period(kind, start, end)


def parse_period(kind: str | None, on: str | dt.date | None = None) -> Period:
    """``kind`` month / quarter / year (default month) containing ``on`` (default today)."""
    if isinstance(on, str) and on:
        try:
            on = dt.date.fromisoformat(on)
        except ValueError as error:
            raise InvalidInput(
                "Ngày tham chiếu phải có dạng YYYY-MM-DD.", code="date_invalid"
            ) from error
    return period_of(kind or "month", on or timezone.localdate())
