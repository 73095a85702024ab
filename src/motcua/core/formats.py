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


def working_time(hours: int | float | Decimal | None) -> str:
    """Working time as people say it (8 working hours a day): "2 ngày làm việc",
    "4 giờ làm việc", "1 ngày 4 giờ làm việc", "1,5 giờ làm việc"."""
    if hours is None:
        return ""
    total = Decimal(str(hours))
    if total < 0:
        return "-" + working_time(-total)
    whole, rest = divmod(total, Decimal(8))
    days = int(whole)

    def amount(value: Decimal) -> str:
        text = f"{value.quantize(Decimal('0.1')).normalize():f}"
        return text.replace(".", ",")

    if days and not rest:
        return f"{vn_number(days)} ngày làm việc"
    if not days:
        return f"{amount(rest)} giờ làm việc"
    return f"{vn_number(days)} ngày {amount(rest)} giờ làm việc"
