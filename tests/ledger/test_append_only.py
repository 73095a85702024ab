"""The database itself refuses UPDATE and DELETE on the ledger tables."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from motcua.ledger import triggers
from motcua.ledger.models import DailyRoot, Event, Seal
from motcua.ledger.services import daily_roots_build
from tests.ledger.conftest import DAY1, DAY2, at, record

STATEMENTS = {
    "ledger_event": (
        "UPDATE ledger_event SET action = 'test.noted'",
        "DELETE FROM ledger_event",
    ),
    "ledger_seal": ("UPDATE ledger_seal SET hash = 'x'", "DELETE FROM ledger_seal"),
    "ledger_dailyroot": (
        "UPDATE ledger_dailyroot SET event_count = 0",
        "DELETE FROM ledger_dailyroot",
    ),
}


@pytest.fixture
def sealed_day(db):
    record("HS-1", at(DAY1, 9))
    daily_roots_build(now=at(DAY2, 1))


@pytest.mark.parametrize("table", list(STATEMENTS))
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_raw_sql_update_and_delete_are_refused(sealed_day, table, verb):
    # given
    sql = STATEMENTS[table][0 if verb == "UPDATE" else 1]
    # when / then
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    assert (Event.objects.count(), Seal.objects.count(), DailyRoot.objects.count()) == (1, 1, 1)
    assert Event.objects.get().action == "test.changed"


def test_orm_update_and_delete_are_refused(sealed_day):
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.update(actor_label="Người khác")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.all().delete()
    assert Event.objects.get().actor_label == "Hệ thống"


def test_inserting_is_still_allowed(sealed_day):
    record("HS-1", at(DAY2, 9))
    assert Event.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_see_the_triggers_and_flush_keeps_them():
    # given: a transactional test (its database is flushed, not rolled back)
    assert triggers.active(connection)
    record("HS-1", at(DAY1, 9))
    # when: the flush that ends every transactional test
    call_command("flush", interactive=False, verbosity=0, stdout=io.StringIO())
    # then: the history is gone (test data only) and the triggers are back in force
    assert Event.objects.count() == 0
    for table in STATEMENTS:
        assert triggers.active(connection, table)
    record("HS-1", at(DAY1, 9))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM ledger_event")
