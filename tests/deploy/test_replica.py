"""A read replica for statistics: reads inside ``using_replica()`` (the public statistics'
selector) go to the 'replica' alias, everything else and every write to the primary.

The replica here is Django's test mirror of the default database (same rows)."""

from __future__ import annotations

import pytest
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from motcua.core.db import using_replica
from motcua.core.periods import parse_period
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier
from motcua.reporting.selectors import public_stats
from tests.dossiers.conftest import at, receive

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    """The replica configured (tests/deploy/conftest.py adds the alias as a test mirror)."""
    settings.MOTCUA_REPLICA_ALIAS = "replica"
    yield connections["replica"]
    connections["replica"].close()  # PostgreSQL drops the test database only when unused


def stats():
    return public_stats(period=parse_period("month", at().date()), now=at(2))


def test_public_statistics_are_read_from_the_replica(world, replica):
    # given a dossier received on the primary
    receive(world)
    expected = stats().as_dict()  # (before the replica is used: read from the primary)
    assert expected["total"]["received"] == 1
    # when the statistics are read with a replica configured
    with CaptureQueriesContext(connections["default"]) as primary:
        with CaptureQueriesContext(replica) as on_replica:
            got = stats().as_dict()
    # then every query ran on the replica, none on the primary, with the same numbers
    assert len(on_replica.captured_queries) >= 2
    assert primary.captured_queries == []
    assert got == expected


def test_the_officers_statistics_and_their_export_are_read_from_the_replica(world, replica):
    # given a dossier received on the primary
    receive(world)
    filters = dossier_selectors.StatsFilters(date_from=at().date(), date_to=at(2).date())
    # when the statistics behind the officers' page, the API and the Excel export are read
    with CaptureQueriesContext(connections["default"]) as primary:
        with CaptureQueriesContext(replica) as on_replica:
            rows = dossier_selectors.dossier_stats(filters=filters, group_by="unit", now=at(2))
    # then they ran on the replica only
    assert sum(r["received"] for r in rows) == 1
    assert on_replica.captured_queries
    assert primary.captured_queries == []


def test_writes_and_other_reads_stay_on_the_primary(world, replica):
    with using_replica():
        assert router.db_for_read(Dossier) == "replica"
        assert router.db_for_write(Dossier) == "default"
        dossier = receive(world)  # a service called inside the block still writes the primary
    assert router.db_for_read(Dossier) == "default"
    assert Dossier.objects.using("default").filter(pk=dossier.pk).exists()
    assert router.allow_migrate("replica", "dossiers") is False


def test_without_a_replica_everything_reads_the_primary(world, settings):
    settings.MOTCUA_REPLICA_ALIAS = None
    with using_replica():
        assert router.db_for_read(Dossier) == "default"
    receive(world)
    with CaptureQueriesContext(connections["default"]) as primary:
        assert stats().total["received"] == 1
    assert primary.captured_queries
