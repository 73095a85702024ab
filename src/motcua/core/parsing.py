"""Dates typed by people or read from spreadsheet cells, in the two forms this province uses."""

from __future__ import annotations

import datetime as dt

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_date(value: object) -> dt.date | None:
    """dd/mm/yyyy or yyyy-mm-dd text, or a date (a datetime gives its date).

    None when empty or not a date: the caller says what was wrong in its own words.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None
