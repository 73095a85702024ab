"""Helpers for the ledger tests: a small history over several days, and raw SQL tampering."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from motcua.core.formats import VN_TZ
from motcua.ledger import triggers
from motcua.ledger.actions import register
from motcua.ledger.services import daily_roots_build, event_record

CHANGED = register("test.changed", "Thay đổi (kiểm thử)")
NOTED = register("test.noted", "Ghi chú (kiểm thử)")

DAY1 = dt.date(2026, 3, 2)
DAY2 = dt.date(2026, 3, 3)
DAY3 = dt.date(2026, 3, 4)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=VN_TZ)


def record(subject_id: str, when: dt.datetime, subject_type: str = "dossier", **payload):
    with transaction.atomic():
        return event_record(
            subject_type=subject_type,
            subject_id=subject_id,
            action=CHANGED,
            payload=payload,
            at=when,
        )


def json_param() -> str:
    """A placeholder for a JSON value in raw SQL."""
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"


def tamper(sql: str, params: list | tuple = ()) -> None:
    """What a database administrator can do: drop the triggers, then write raw SQL."""
    triggers.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


@pytest.fixture
def history(db):
    """Three subjects over three days; days 1 and 2 sealed and rooted, day 3 still open."""
    events = {}
    for day in (DAY1, DAY2):
        for hour, subject in ((8, "HS-1"), (9, "HS-2"), (10, "HS-1"), (11, "HS-3"), (14, "HS-2")):
            event = record(subject, at(day, hour, 15), step=hour, day=day.isoformat())
            events[(subject, event.seq)] = event
    roots = daily_roots_build(now=at(DAY3, 7))
    assert [r.day for r in roots] == [DAY1, DAY2]
    for hour, subject in ((8, "HS-1"), (9, "HS-2")):
        event = record(subject, at(DAY3, hour), step=hour)
        events[(subject, event.seq)] = event
    return events
