"""Pauses, supplements, apology and the kinds of time limit — figures from the work calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.models import TimeLimitKind
from motcua.core.errors import InvalidInput
from motcua.dossiers import services
from motcua.dossiers.classification import classify, classify_events
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Classification, Pause
from motcua.ledger.selectors import events_for_subject
from motcua.workcalendar.services import add_working_time
from tests.dossiers.conftest import VN, approve, at, make_procedure, receive, to_specialist

pytestmark = pytest.mark.django_db


def local(value):
    return value.astimezone(VN)


def test_supplement_pauses_the_clock_and_moves_the_due_time(world):
    # given: due Thursday 08:00
    dossier = to_specialist(world, receive(world))
    due = dossier.due_at
    assert local(due) == dt.datetime(2026, 3, 5, 8, 0, tzinfo=VN)
    # when: paused Monday 10:00 → Wednesday 10:00 (16 working hours)
    dossier = services.dossier_request_supplement(
        actor=world.specialist, dossier=dossier, items=["Giấy chứng sinh bản chính"], at=at(0, 10)
    )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.national_status == 5
    dossier = services.dossier_receive_supplement(actor=world.desk, dossier=dossier, at=at(2, 10))
    # then
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.paused_hours == pytest.approx(16.0)
    assert dossier.due_at == add_working_time(due, 16.0, unit=world.commune)
    assert local(dossier.due_at) == dt.datetime(2026, 3, 9, 8, 0, tzinfo=VN)
    pause = Pause.objects.get(dossier=dossier)
    assert pause.hours == pytest.approx(16.0)
    history = list(events_for_subject(subject_type="dossier", subject_id=dossier.code))
    assert history[-1].payload["due_before"].startswith("2026-03-05T08:00")
    assert history[-1].payload["due_after"].startswith("2026-03-09T08:00")


def test_a_pause_over_a_weekend_counts_only_working_time(world):
    dossier = to_specialist(world, receive(world))
    due = dossier.due_at
    # Friday 16:00 → Monday 08:00: 1 h Friday + 0.5 h Monday morning
    dossier = services.dossier_request_supplement(
        actor=world.specialist, dossier=dossier, items=["Tờ khai"], at=at(4, 16)
    )
    dossier = services.dossier_receive_supplement(actor=world.desk, dossier=dossier, at=at(7, 8))
    assert dossier.paused_hours == pytest.approx(1.5)
    assert dossier.due_at == add_working_time(due, 1.5, unit=world.commune)


def test_second_supplement_needs_a_reason_and_counts_late(world):
    dossier = to_specialist(world, receive(world))
    dossier = services.dossier_request_supplement(
        actor=world.specialist, dossier=dossier, items=["Tờ khai"], at=at(0, 10)
    )
    dossier = services.dossier_receive_supplement(actor=world.desk, dossier=dossier, at=at(0, 14))
    with pytest.raises(InvalidInput) as error:
        services.dossier_request_supplement(
            actor=world.specialist, dossier=dossier, items=["Bản sao"], at=at(0, 15)
        )
    assert error.value.code == "supplement_once"
    dossier = services.dossier_request_supplement(
        actor=world.specialist,
        dossier=dossier,
        items=["Bản sao"],
        reason="Giấy tờ bổ sung bị tẩy xóa",
        at=at(0, 15),
    )
    dossier = services.dossier_receive_supplement(actor=world.desk, dossier=dossier, at=at(0, 16))
    dossier = services.dossier_complete_step(
        actor=world.specialist, dossier=dossier, next_assignee=world.leader, at=at(0, 16, 30)
    )
    dossier = approve(world, dossier, when=at(1, 8))
    assert dossier.supplement_count == 2
    assert dossier.classification == Classification.LATE  # although finished early


def test_payment_pauses_until_paid(world):
    dossier = to_specialist(world, receive(world))
    due = dossier.due_at
    dossier = services.dossier_request_payment(
        actor=world.specialist, dossier=dossier, amount=100000, at=at(0, 13)
    )
    assert dossier.national_status == 6
    dossier = services.dossier_record_payment(
        actor=world.desk, dossier=dossier, amount=100000, at=at(0, 15)
    )
    assert dossier.fee_paid == 100000
    assert dossier.paused_hours == pytest.approx(2.0)
    assert dossier.due_at == add_working_time(due, 2.0, unit=world.commune)


def test_apology_once_and_at_the_latest_one_working_day_before_due(world):
    dossier = to_specialist(world, receive(world))  # due Thursday 08:00
    new_due = dt.datetime(2026, 3, 10, 17, tzinfo=VN)
    with pytest.raises(InvalidInput) as error:  # Wednesday 09:00: less than a day left
        services.dossier_apologize(
            actor=world.leader, dossier=dossier, reason="Chậm", new_due_at=new_due, at=at(2, 9)
        )
    assert error.value.code == "apology_too_late"
    dossier = services.dossier_apologize(
        actor=world.leader, dossier=dossier, reason="Chậm", new_due_at=new_due, at=at(1, 9)
    )
    assert dossier.reappointed_due_at == new_due
    assert dossier.due_at.astimezone(VN) == dt.datetime(2026, 3, 5, 8, tzinfo=VN)
    with pytest.raises(InvalidInput) as error:
        services.dossier_apologize(
            actor=world.leader, dossier=dossier, reason="Lại chậm", new_due_at=new_due, at=at(1, 10)
        )
    assert error.value.code == "reappointment_once"
    dossier = services.dossier_complete_step(
        actor=world.specialist, dossier=dossier, next_assignee=world.leader, at=at(1, 11)
    )
    dossier = approve(world, dossier, when=at(1, 14))
    assert dossier.classification == Classification.LATE  # stays counted late


@pytest.mark.parametrize(
    ("kind", "amount", "received", "expected"),
    [
        # calendar days: Friday + 2 days = Sunday → next working day's closing time
        (TimeLimitKind.CALENDAR_DAYS, "2", (4, 9), dt.datetime(2026, 3, 9, 17, tzinfo=VN)),
        # same day before 15:00 → today's closing; after → next working day
        (TimeLimitKind.SAME_DAY, "0", (0, 14), dt.datetime(2026, 3, 2, 17, tzinfo=VN)),
        (TimeLimitKind.SAME_DAY, "0", (0, 15, 30), dt.datetime(2026, 3, 3, 17, tzinfo=VN)),
        (TimeLimitKind.HOURS, "4", (0, 10), dt.datetime(2026, 3, 2, 15, 30, tzinfo=VN)),
        (TimeLimitKind.NONE, "0", (0, 10), None),
    ],
)
def test_kinds_of_time_limit(world, kind, amount, received, expected):
    procedure = make_procedure(
        code=f"2.{kind}", kind=kind, amount=amount, steps=[("Giải quyết", "unit_leader", "1")]
    )
    dossier = receive(world, procedure=procedure, when=at(*received))
    assert (local(dossier.due_at) if dossier.due_at else None) == expected


def test_a_dossier_without_due_date_is_on_time(world):
    procedure = make_procedure(
        code="3.none",
        kind=TimeLimitKind.NONE,
        amount="0",
        steps=[("Giải quyết", "unit_leader", "1")],
    )
    dossier = receive(world, procedure=procedure)
    dossier = services.dossier_transfer(
        actor=world.desk, dossier=dossier, assignee=world.leader, at=at(0, 9)
    )
    dossier = approve(world, dossier, when=at(30, 9))
    assert dossier.classification == Classification.ON_TIME


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (dt.datetime(2026, 3, 4, 16, 59, tzinfo=VN), Classification.EARLY),
        (dt.datetime(2026, 3, 5, 7, 59, tzinfo=VN), Classification.ON_TIME),
        (dt.datetime(2026, 3, 5, 8, 0, tzinfo=VN), Classification.ON_TIME),
        (dt.datetime(2026, 3, 5, 8, 1, tzinfo=VN), Classification.LATE),
        (None, Classification.NONE),
    ],
)
def test_classification_boundaries(end, expected):
    due = dt.datetime(2026, 3, 5, 8, 0, tzinfo=VN)
    assert classify(end=end, due=due) == expected


def test_classification_from_events_equals_the_row(world):
    dossier = to_specialist(world, receive(world))
    dossier = services.dossier_request_supplement(
        actor=world.specialist, dossier=dossier, items=["Tờ khai"], at=at(0, 10)
    )
    dossier = services.dossier_receive_supplement(actor=world.desk, dossier=dossier, at=at(3, 10))
    dossier = services.dossier_complete_step(
        actor=world.specialist, dossier=dossier, next_assignee=world.leader, at=at(4, 10)
    )
    dossier = approve(world, dossier, when=at(8, 7, 45))  # due Tuesday 08:00
    history = list(events_for_subject(subject_type="dossier", subject_id=dossier.code))
    assert classify_events(history) == dossier.classification == Classification.ON_TIME


def test_an_online_payment_resumes_a_waiting_dossier_or_just_adds_up(world):
    dossier = to_specialist(world, receive(world))
    due = dossier.due_at
    dossier = services.dossier_record_online_payment(
        dossier=dossier, amount=8000, receipt="BL-01", provider="sandbox", at=at(0, 11)
    )
    assert dossier.status == Status.IN_PROGRESS and dossier.fee_paid == 8000
    dossier = services.dossier_request_payment(
        actor=world.specialist, dossier=dossier, amount=20000, at=at(0, 13)
    )
    dossier = services.dossier_record_online_payment(
        dossier=dossier, amount=20000, receipt="BL-02", at=at(0, 14)
    )
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.fee_paid == 28000
    assert dossier.due_at == add_working_time(due, 1.0, unit=world.commune)
