"""Parsing of user input (API query strings, CLI options) with Vietnamese errors."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from motcua.core.errors import InvalidInput
from motcua.core.validation import MAX_DAY, MIN_DAY
from motcua.workcalendar.engine import VN_TZ
from motcua.workcalendar.errors import WorkcalendarError

_SPACE_OFFSET = re.compile(r"^(.*\d) (\d{2}:?\d{2})$")


def parse_instant(text: str | None, *, name: str = "start") -> dt.datetime:
    """ISO 8601 → aware datetime; without an offset the time is Vietnam's (UTC+7).

    A '+' left unencoded in a query string arrives as a space: '…T16:00:00 07:00' is read as
    '+07:00'.
    """
    if not text or not text.strip():
        raise InvalidInput(
            f"Thiếu tham số '{name}' (thời điểm ISO 8601).",
            code=WorkcalendarError.DATETIME_REQUIRED,
        )
    raw = text.strip()
    fixed = _SPACE_OFFSET.sub(r"\1+\2", raw)
    try:
        value = dt.datetime.fromisoformat(fixed)
    except ValueError:
        raise InvalidInput(
            f"Thời điểm '{raw}' không hợp lệ (ví dụ 2026-02-13T16:00:00+07:00).",
            code=WorkcalendarError.DATETIME_INVALID,
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    _in_range(value.date(), raw, name)
    return value


def _in_range(day: dt.date, raw: str, name: str) -> None:
    """Calendars exist for 1900–2100; beyond, date arithmetic would overflow."""
    if not MIN_DAY <= day <= MAX_DAY:
        raise InvalidInput(
            f"Ngày '{raw}' của '{name}' phải trong khoảng 01/01/1900 – 31/12/2100.",
            code=WorkcalendarError.DATE_OUT_OF_RANGE,
        )


def parse_date(text: str | None, *, name: str) -> dt.date:
    if not text or not text.strip():
        raise InvalidInput(
            f"Thiếu tham số '{name}' (ngày YYYY-MM-DD).", code=WorkcalendarError.DATE_REQUIRED
        )
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"Ngày '{text.strip()}' không hợp lệ (định dạng YYYY-MM-DD).",
            code=WorkcalendarError.DATE_INVALID,
        ) from None
    _in_range(value, text.strip(), name)
    return value


def parse_amount(text: str | None, *, name: str = "days") -> Decimal:
    """A non-negative number of days or hours; a decimal comma is accepted (1,5)."""
    if text is None or not str(text).strip():
        raise InvalidInput(f"Thiếu tham số '{name}'.", code=WorkcalendarError.AMOUNT_REQUIRED)
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(
            f"Giá trị '{text}' của '{name}' không phải là số.",
            code=WorkcalendarError.AMOUNT_INVALID,
        ) from None
    if not value.is_finite():
        raise InvalidInput(
            f"Giá trị '{text}' của '{name}' không phải là số hữu hạn.",
            code=WorkcalendarError.AMOUNT_INVALID,
        )
    if value < 0:
        raise InvalidInput(
            "Số ngày, số giờ không được âm.", code=WorkcalendarError.NEGATIVE_DURATION
        )
    if value > 36500:
        raise InvalidInput("Thời hạn quá lớn.", code=WorkcalendarError.AMOUNT_TOO_LARGE)
    return value
