"""Concurrent actions on one dossier: exactly one wins, the other gets a 409 (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.core.errors import Conflict
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.ledger.models import Event
from tests.dossiers.conftest import at, receive

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def race(*calls):
    """Run the calls in two threads released together; return their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Conflict as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_officers_act_on_the_same_read_exactly_one_wins(world):
    dossier = receive(world)
    dossier = services.dossier_transfer(actor=world.desk, dossier=dossier)
    read_a = Dossier.objects.get(pk=dossier.pk)
    read_b = Dossier.objects.get(pk=dossier.pk)
    outcomes = race(
        lambda: services.dossier_self_assign(actor=world.specialist, dossier=read_a),
        lambda: services.dossier_assign(actor=world.leader, dossier=read_b, assignee=world.leader),
    )
    wins = [o for o in outcomes if isinstance(o, Dossier)]
    losses = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].status == 409
    assert "vừa được người khác cập nhật" in losses[0].message
    assert Event.objects.filter(subject_id=dossier.code).count() == 3


def test_withdraw_and_transfer_race(world):
    # given two officers looking at the same version of the dossier
    dossier = receive(world)
    read_a = Dossier.objects.get(pk=dossier.pk)
    read_b = Dossier.objects.get(pk=dossier.pk)
    # when one withdraws it while the other transfers it
    outcomes = race(
        lambda: services.dossier_withdraw(actor=world.desk, dossier=read_a, reason="Rút"),
        lambda: services.dossier_transfer(actor=world.desk, dossier=read_b),
    )
    # then exactly one change lands; the other is told (whichever thread is second)
    assert sum(isinstance(o, Dossier) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    assert Event.objects.filter(subject_id=dossier.code).count() == 2


def test_concurrent_intakes_get_distinct_sequential_codes(world):
    outcomes = race(*[lambda: receive(world, when=at(0, 9)) for _ in range(4)])
    codes = sorted(o.code for o in outcomes)
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003", "0004"]


def test_a_batch_holds_its_rows_until_it_commits_and_the_other_writer_is_told(world):
    # given a dossier that an officer has open, and a batch that takes it first
    dossier = receive(world)
    read = Dossier.objects.get(pk=dossier.pk)
    locked, release = threading.Event(), threading.Event()
    outcome: list = []

    def batch():
        try:
            with services.dossier_batch():
                services.dossier_transfer(actor=world.desk, dossier=dossier, at=at(0, 9))
                locked.set()
                release.wait(5)
        finally:
            connection.close()

    def officer():
        try:
            locked.wait(5)
            release.set()  # the batch commits while this one waits for the row
            outcome.append(services.dossier_withdraw(actor=world.desk, dossier=read, reason="Rút"))
        except Conflict as error:
            outcome.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=batch), threading.Thread(target=officer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then the batch's change landed and the officer is told the dossier changed
    assert isinstance(outcome[0], Conflict) and outcome[0].code == "dossier_changed"
    assert Dossier.objects.get(pk=dossier.pk).status == "waiting_assignment"
    assert list(Event.objects.filter(subject_id=dossier.code).values_list("action", flat=True)) == [
        "dossier.received",
        "dossier.transferred",
    ]
