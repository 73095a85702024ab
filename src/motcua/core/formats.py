"""Vietnamese display formats: dates dd/mm/yyyy, numbers 1.234,5, times in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(VN_TZ)
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def vn_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
