"""A unit merger moves the ended unit's open feedback to the successor (issue 16, item 1)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.core.errors import PermissionDenied
from motcua.feedback.merger import MOVED_BY_MERGER
from motcua.feedback.models import Feedback, Round, Status
from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.organization.services import units_merge

from .test_actions import act, history, to_handling, to_published

pytestmark = pytest.mark.django_db
ANSWER = {"answer": "Sở đã chỉ đạo khơi thông cống trong tuần này.", "legality": "Phù hợp"}


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # no roles cached on the object


def test_open_feedback_moves_with_its_round_and_an_event(org, submit, make_user):
    handling = to_handling(submit(), org)
    done = to_published(submit(title="Đèn đường hỏng"), org)
    successor_leader = make_user(Role.UNIT_LEADER, unit=org["other"], username="fb.lanhdao.moi")
    successor_specialist = make_user(Role.SPECIALIST, unit=org["other"], username="fb.cv.moi")

    units_merge(
        actor=org["admin"], units=[org["dept"]], into=org["other"],
        effective_on=timezone.localdate(),
    )  # fmt: skip

    moved = Feedback.objects.get(pk=handling.pk)
    assert moved.current_unit == org["other"]
    assert moved.receiving_unit == org["centre"]  # where it came in stays as recorded
    assert Round.objects.get(feedback=moved, number=moved.round).unit == org["other"]
    event = Event.objects.filter(subject_type="feedback", subject_id=str(moved.pk)).last()
    assert event.action == MOVED_BY_MERGER
    assert event.payload["moved"]["current_unit"] == {"from": "SXD", "to": "STNMT"}
    # closed feedback stays with the unit that answered it, without an event
    assert Feedback.objects.get(pk=done.pk).current_unit == org["dept"]
    assert MOVED_BY_MERGER not in history(done)
    # the ended unit's specialist can no longer draft; the successor's can, and its leader approves
    with pytest.raises(PermissionDenied):
        act(moved, "draft", fresh(org["specialist"]), now=timezone.now(), **ANSWER)
    drafted = act(moved, "draft", successor_specialist, now=timezone.now(), **ANSWER)
    approved = act(drafted, "approve", successor_leader, now=timezone.now())
    assert approved.status == Status.ANSWERED


def test_a_future_merger_moves_feedback_when_its_day_comes(org, submit):
    import datetime as dt

    from motcua.organization.services import mergers_apply_due

    handling = to_handling(submit(), org)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    units_merge(actor=org["admin"], units=[org["dept"]], into=org["other"], effective_on=tomorrow)
    assert Feedback.objects.get(pk=handling.pk).current_unit == org["dept"]
    assert mergers_apply_due(today=tomorrow) == 1
    assert Feedback.objects.get(pk=handling.pk).current_unit == org["other"]
    assert mergers_apply_due(today=tomorrow) == 0
    assert history(handling).count(MOVED_BY_MERGER) == 1
