"""Query budgets of the services (the benchmark's cost is mostly queries)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import services
from tests.dossiers.conftest import approve, at, receive

pytestmark = pytest.mark.django_db


def _lifecycle(world, hour: int):
    dossier = receive(world, when=at(0, hour, 5))
    dossier = services.dossier_transfer(actor=world.desk, dossier=dossier, at=at(0, hour, 10))
    dossier = services.dossier_self_assign(
        actor=world.specialist, dossier=dossier, at=at(0, hour, 20)
    )
    dossier = services.dossier_complete_step(
        actor=world.specialist, dossier=dossier, next_assignee=world.leader, at=at(0, hour, 30)
    )
    dossier = approve(world, dossier, when=at(0, hour, 40))
    services.dossier_return_result(
        actor=world.desk, dossier=dossier, method="desk", received_by="An", at=at(0, hour, 50)
    )


def test_a_complete_lifecycle_stays_within_its_query_budget(world):
    # a first lifecycle warms every process cache (roles, calendar, content types, the unit
    # successions): the budget is the steady cost, whatever test ran before in this process
    _lifecycle(world, 7)
    with CaptureQueriesContext(connection) as queries:
        dossier = receive(world, when=at(0, 8, 5))
        dossier = services.dossier_transfer(actor=world.desk, dossier=dossier, at=at(0, 9))
        dossier = services.dossier_self_assign(
            actor=world.specialist, dossier=dossier, at=at(0, 9, 30)
        )
        dossier = services.dossier_complete_step(
            actor=world.specialist, dossier=dossier, next_assignee=world.leader, at=at(0, 10)
        )
        dossier = approve(world, dossier, when=at(0, 11))
        services.dossier_return_result(
            actor=world.desk, dossier=dossier, method="desk", received_by="An", at=at(0, 14)
        )
    # 6 events: about 6 queries per action plus the savepoints, and 13 for the intake
    assert len(queries) <= 50
