"""The main path: receive → transfer → steps → approve → return, with events and deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import InvalidInput
from motcua.dossiers import events as ev
from motcua.dossiers import services
from motcua.dossiers.classification import classify_events
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Channel, Classification, Dossier
from motcua.ledger.selectors import events_for_subject
from tests.dossiers.conftest import APPLICANT, VN, approve, at, receive, to_leader, to_specialist

pytestmark = pytest.mark.django_db


def test_receive_gives_code_due_time_and_first_step(world):
    # when
    dossier = receive(world)
    # then
    assert dossier.code == f"{world.commune.electronic_id}-260302-0001"
    assert dossier.status == Status.RECEIVED
    assert dossier.national_status == 2
    assert dossier.rule_set.code == "2025"
    assert dossier.due_at.astimezone(VN) == dt.datetime(2026, 3, 5, 8, 0, tzinfo=VN)
    assert dossier.current_step.order == 1
    assert dossier.fee_due == 8000
    assert dossier.checklist.count() == 3
    history = list(events_for_subject(subject_type="dossier", subject_id=dossier.code))
    assert [e.action for e in history] == [ev.RECEIVED]
    assert history[0].payload["due_after"].startswith("2026-03-05T08:00")


def test_daily_sequence_is_per_unit_and_resets_each_day(world):
    first = receive(world)
    second = receive(world, when=at(0, 10))
    other = receive(world, actor=world.other_desk, when=at(0, 10))
    next_day = receive(world, when=at(1, 8))
    assert first.code.endswith("-260302-0001")
    assert second.code.endswith("-260302-0002")
    assert other.code == f"{world.other.electronic_id}-260302-0001"
    assert next_day.code.endswith("-260303-0001")


def test_a_unit_without_electronic_id_cannot_receive(world, make_unit, make_user):
    unit = make_unit("UBND xã Không Mã", electronic_id=None)
    desk = make_user("desk_officer", unit=unit)
    with pytest.raises(InvalidInput) as error:
        receive(world, actor=desk)
    assert error.value.code == "unit_without_electronic_id"


def test_an_incomplete_dossier_is_not_received(world):
    checklist = [{"component": world.procedure.components.get(order=1).pk, "provided": True}]
    with pytest.raises(InvalidInput) as error:
        receive(world, checklist=checklist)
    assert error.value.code == "dossier_incomplete"
    assert "Giấy chứng sinh" in error.value.message
    assert not Dossier.objects.exists()


def test_full_path_is_recorded_and_classified(world):
    # given
    dossier = receive(world)
    # when
    dossier = to_specialist(world, dossier)
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.current_step.order == 2
    assert dossier.assignee == world.specialist
    assert dossier.step_due_at.astimezone(VN) == dt.datetime(2026, 3, 3, 14, 30, tzinfo=VN)
    dossier = to_leader(world, dossier)
    assert dossier.current_step.order == 3
    dossier = approve(world, dossier)
    assert dossier.status == Status.RESULT_READY
    assert dossier.national_status == 9
    assert dossier.classification == Classification.EARLY
    dossier = services.dossier_return_result(
        actor=world.desk, dossier=dossier, method="desk", received_by="Nguyễn Văn An", at=at(2, 8)
    )
    # then
    assert dossier.status == Status.RETURNED
    assert dossier.national_status == 10
    history = list(events_for_subject(subject_type="dossier", subject_id=dossier.code))
    assert [e.action for e in history] == [
        ev.RECEIVED,
        ev.TRANSFERRED,
        ev.SELF_ASSIGNED,
        ev.STEP_COMPLETED,
        ev.APPROVED,
        ev.RETURNED,
    ]
    assert classify_events(history) == dossier.classification
    assert history[-1].payload["received_by"] == "Nguyễn Văn An"


def test_postal_channel_needs_a_tracking_number(world):
    with pytest.raises(InvalidInput):
        receive(world, channel=Channel.POSTAL)
    dossier = receive(world, channel=Channel.POSTAL, postal_tracking="EB123456789VN")
    assert dossier.postal_tracking == "EB123456789VN"


def test_online_submission_is_accepted_later_and_the_clock_starts_then(world):
    dossier = services.dossier_submit_online(
        procedure=world.procedure, unit=world.commune, applicant=APPLICANT, at=at(-3, 20)
    )
    assert dossier.status == Status.SUBMITTED
    assert dossier.national_status == 1
    assert dossier.due_at is None
    dossier = services.dossier_accept(actor=world.desk, dossier=dossier, at=at(0, 8))
    assert dossier.status == Status.RECEIVED
    assert dossier.received_at == at(0, 8)
    assert dossier.due_at.astimezone(VN) == dt.datetime(2026, 3, 5, 8, 0, tzinfo=VN)
