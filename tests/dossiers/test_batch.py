"""``dossier_batch``: the same services, the same rows and events, written together."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import transaction

from motcua.core.errors import Conflict, InvalidInput
from motcua.dossiers import services
from motcua.dossiers.models import (
    ChecklistItem,
    Consultation,
    DailyCounter,
    Dossier,
    Pause,
)
from motcua.dossiers.replay import replay_mismatches
from motcua.dossiers.simulation import simulate
from motcua.ledger.models import Event
from motcua.ledger.selectors import events_for_subject
from motcua.ledger.verify import verify
from tests.dossiers.conftest import VN, at, every_branch_odds, receive, to_specialist

pytestmark = pytest.mark.django_db

# High odds, so that every branch runs: online acceptance, supplements (pause and resume),
# payments, consultations (the dossier row is written early for the consultation's row),
# send-backs, apologies, withdrawals and refusals.
ODDS = every_branch_odds(refuse_intake=0.05, completion_at_intake=0.05)
START = dt.datetime(2026, 3, 2, 8, tzinfo=VN)
NOW = dt.datetime(2026, 4, 10, 12, tzinfo=VN)


def run(world, cast, *, batch_size: int | None, count: int = 30) -> None:
    rng = random.Random(11)
    for first in range(0, count, batch_size or count):
        size = batch_size or count
        with services.dossier_batch() if batch_size else transaction.atomic():
            for n in range(first, min(first + size, count)):
                simulate(
                    rng=rng,
                    n=n,
                    procedure=world.procedure,
                    cast=cast,
                    received_at=START + dt.timedelta(hours=7 * n),
                    now=NOW,
                    odds=ODDS,
                )


def snapshot() -> dict:
    """Every row the services wrote, without database ids (they differ between runs)."""
    skip = {"id"}
    dossier_fields = [f.attname for f in Dossier._meta.concrete_fields if f.name not in skip]
    consulted = set(Consultation.objects.values_list("dossier__code", flat=True))

    def event_row(e):
        payload = {k: v for k, v in e.payload.items() if k != "consultation"}
        row = (e.subject_id, e.seq, e.action, e.at, e.actor_id, e.unit_id, e.actor_label, payload)
        # a consultation's id is in the payload, so those chains hash differently
        return row if e.subject_id in consulted else (*row, e.prev_hash, e.hash)

    return {
        "dossiers": sorted(Dossier.objects.values_list(*dossier_fields)),
        "checklist": sorted(
            ChecklistItem.objects.values_list(
                "dossier__code", "order", "name", "provided", "copy_kind", "quantity"
            )
        ),
        "pauses": sorted(
            Pause.objects.values_list(
                "dossier__code", "kind", "started_at", "ended_at", "hours", "reason"
            )
        ),
        "consultations": sorted(
            Consultation.objects.values_list(
                "dossier__code", "unit_id", "question", "requested_at", "answered_at", "opinion"
            )
        ),
        "counters": sorted(DailyCounter.objects.values_list("unit_id", "day", "last")),
        "events": sorted(
            event_row(e) for e in Event.objects.filter(subject_type="dossier").order_by("id")
        ),
    }


def test_a_batch_writes_exactly_what_one_action_at_a_time_writes(world, cast):
    # given the rows of 30 simulated lifecycles, each action in its own transaction
    with transaction.atomic():
        run(world, cast, batch_size=None)
        alone = snapshot()
        transaction.set_rollback(True)
    assert Dossier.objects.count() == 0
    # when the same lifecycles run again in batches of 7
    run(world, cast, batch_size=7)
    # then every dossier, checklist item, pause, consultation, counter and event is the same
    batched = snapshot()
    assert len(batched["dossiers"]) == 30 and len(batched["events"]) > 150
    assert batched["pauses"] and batched["consultations"]
    for table in alone:
        assert batched[table] == alone[table], table
    # and each row agrees with its history, and the ledger verifies
    for dossier in Dossier.objects.select_related("holder_unit", "current_step", "assignee"):
        history = events_for_subject(subject_type="dossier", subject_id=dossier.code)
        assert replay_mismatches(dossier, history) == [], dossier.code
    assert verify().ok


def test_a_later_batch_continues_rows_and_chains_written_before(world):
    # given a dossier received alone and paused for a supplement in one batch
    dossier = receive(world)
    with services.dossier_batch():
        dossier = to_specialist(world, dossier)
        dossier = services.dossier_request_supplement(
            actor=world.specialist, dossier=dossier, items=["Bản sao giấy khai sinh"], at=at(0, 10)
        )
    assert Dossier.objects.get(pk=dossier.pk).status == "supplement_requested"
    assert Pause.objects.get(dossier=dossier).ended_at is None
    due_before = dossier.due_at
    # when another batch receives the supplement (the stored pause ends)
    with services.dossier_batch():
        dossier = services.dossier_receive_supplement(actor=world.desk, dossier=dossier, at=at(2))
    # then the row, the pause and the chain continue where they were
    row = Dossier.objects.get(pk=dossier.pk)
    pause = Pause.objects.get(dossier=dossier)
    assert row.status == "in_progress" and row.version == dossier.version
    assert pause.ended_at == at(2) and pause.hours > 8
    assert row.paused_hours == pytest.approx(pause.hours)
    assert row.due_at > due_before
    seqs = list(Event.objects.filter(subject_id=dossier.code).values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4, 5]
    assert verify().ok


def test_a_failed_action_in_a_batch_writes_nothing_even_if_the_caller_goes_on(world):
    # given a batch in which one dossier is received and another action fails
    counters_before = list(DailyCounter.objects.values_list("unit_id", "day", "last"))
    with pytest.raises(InvalidInput) as raised:
        with services.dossier_batch():
            dossier = receive(world)
            try:
                services.dossier_withdraw(actor=world.desk, dossier=dossier, reason=" ")
            except InvalidInput:
                pass  # the caller carries on …
            # … but the batch refuses any further action
            with pytest.raises(RuntimeError):
                services.dossier_transfer(actor=world.desk, dossier=dossier)
    # then the batch ends with the first error and nothing at all was written
    assert raised.value.code == "reason_required"
    assert Dossier.objects.count() == 0 and ChecklistItem.objects.count() == 0
    assert Event.objects.filter(subject_type="dossier").count() == 0
    assert list(DailyCounter.objects.values_list("unit_id", "day", "last")) == counters_before


def test_a_stale_copy_is_refused_inside_a_batch_too(world):
    dossier = receive(world)
    with pytest.raises(Conflict):
        with services.dossier_batch():
            services.dossier_transfer(actor=world.desk, dossier=dossier, at=at(0, 9))
            services.dossier_withdraw(actor=world.desk, dossier=dossier, reason="Rút hồ sơ")
    assert Dossier.objects.get(pk=dossier.pk).status == "received"


def test_batches_do_not_nest(world):
    with services.dossier_batch(), pytest.raises(RuntimeError):
        with services.dossier_batch():
            pass
