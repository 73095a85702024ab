"""Every dossier event that changes the national status or the due time has exactly one sync
record, written in the same transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.lifecycle import NATIONAL_STATUS, Status
from motcua.interop.models import SyncRecord, SyncState
from motcua.interop.outbox import publishes
from motcua.ledger.models import Event
from tests.dossiers.conftest import approve, at, receive, to_leader, to_specialist

pytestmark = pytest.mark.django_db


def full_path(world):
    dossier = receive(world)
    dossier = to_specialist(world, dossier)
    dossier = to_leader(world, dossier)
    dossier = approve(world, dossier)
    return services.dossier_return_result(
        actor=world.desk, dossier=dossier, method="desk", received_by="Nguyễn Văn An", at=at(2, 8)
    )


def test_each_publishing_event_has_exactly_one_record(world):
    dossier = full_path(world)
    events = list(Event.objects.filter(subject_type="dossier", subject_id=dossier.code))
    publishing = [e for e in events if publishes(e.subject_type, e.payload)]
    records = list(SyncRecord.objects.filter(dossier_code=dossier.code))
    assert [(r.event_seq, r.event_hash) for r in records] == [(e.seq, e.hash) for e in publishing]
    # national statuses in order: received (2), in progress (4), result (9), returned (10)
    assert [r.national_status for r in records] == [2, 4, 9, 10]
    assert all(r.state == SyncState.PENDING for r in records)
    assert records[0].due_at == events[0].payload["due_after"]
    # events that keep the national status and the due time (self-assign, a step) publish nothing
    assert len(events) > len(records)


def test_a_rolled_back_action_leaves_neither_event_nor_record(world):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        receive(world)
        assert SyncRecord.objects.count() == 1  # written with the event...
        raise Boom
    assert not Event.objects.filter(subject_type="dossier").exists()
    assert not SyncRecord.objects.exists()  # ...and gone with it


def test_a_refused_service_writes_no_record(world):
    dossier = receive(world)
    before = SyncRecord.objects.count()
    with pytest.raises(DomainError):
        # no result to return yet: refused, nothing is written
        services.dossier_return_result(
            actor=world.desk, dossier=dossier, method="desk", received_by="A", at=at(0, 9)
        )
    assert SyncRecord.objects.count() == before


def test_a_due_time_change_alone_publishes():
    payload = {
        "status_from": Status.IN_PROGRESS,
        "status_to": Status.IN_PROGRESS,
        "due_before": "2026-03-03T17:00:00+07:00",
        "due_after": "2026-03-05T17:00:00+07:00",
    }
    assert publishes("dossier", payload)
    assert not publishes("dossier", {**payload, "due_after": payload["due_before"]})
    assert not publishes("feedback", payload)


def test_every_internal_status_maps_to_one_of_the_ten_codes_and_back():
    assert set(NATIONAL_STATUS) == set(Status.values)
    assert set(NATIONAL_STATUS.values()) == set(range(1, 11))
    back = {code: [s for s, c in NATIONAL_STATUS.items() if c == code] for code in range(1, 11)}
    assert back[9] == [Status.RESULT_READY] and back[10] == [Status.RETURNED]
    assert all(back[code] for code in range(1, 11))


def test_batched_actions_get_their_records_too_and_a_resumed_due_time_publishes(world):
    dossier = receive(world)
    with services.dossier_batch():
        dossier = to_specialist(world, dossier)
        dossier = services.dossier_request_supplement(
            actor=world.specialist, dossier=dossier, items=["Bản sao giấy khai sinh"], at=at(0, 10)
        )
    with services.dossier_batch():
        dossier = services.dossier_receive_supplement(actor=world.desk, dossier=dossier, at=at(2))
    events = list(Event.objects.filter(subject_type="dossier", subject_id=dossier.code))
    expected = [(e.seq, e.hash) for e in events if publishes(e.subject_type, e.payload)]
    records = list(SyncRecord.objects.filter(dossier_code=dossier.code))
    assert [(r.event_seq, r.event_hash) for r in records] == expected
    # received (2), transferred (4), supplement requested (5), supplement received (4)
    assert [r.national_status for r in records] == [2, 4, 5, 4]
    assert records[-1].due_at == events[-1].payload["due_after"]
