from __future__ import annotations

import datetime as dt

import pytest

from motcua.workcalendar import engine
from motcua.workcalendar.engine import VN_TZ


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test compiles the calendar from its own database state."""
    engine.clear_cache()
    yield
    engine.clear_cache()


def vn(*args) -> dt.datetime:
    """An aware datetime in Vietnam's time zone: vn(2026, 2, 13, 16, 0)."""
    return dt.datetime(*args, tzinfo=VN_TZ)
