"""A merger recorded ahead of its effective date moves the open work when the day comes,
exactly once, through the daily job (issue 16, item 1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.schedule import DAILY_JOBS
from motcua.dossiers import events
from motcua.dossiers.models import Dossier
from motcua.ledger.models import Event
from motcua.organization import events as org_events
from motcua.organization.models import UnitSuccession
from motcua.organization.services import mergers_apply_due, units_merge
from motcua.organization.tasks import unit_mergers_apply_task
from tests.dossiers.conftest import receive, to_specialist

pytestmark = pytest.mark.django_db
JOB = "motcua.organization.tasks.unit_mergers_apply_task"


@pytest.fixture
def clock(monkeypatch):
    """A controlled clock: ``clock.set(instant)`` is what every ``timezone.now()`` reads."""
    real_now = timezone.now

    class Clock:
        current = real_now()

        def set(self, instant: dt.datetime) -> None:
            self.current = instant

    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.current)
    return c


def moves(dossier) -> int:
    return Event.objects.filter(subject_id=dossier.code, action=events.MOVED_BY_MERGER).count()


def test_a_future_merger_moves_the_work_when_its_day_arrives_once(world, province_admin, clock):
    assert DAILY_JOBS[JOB] == dt.time(0, 5)  # the worker runs it every night
    today = timezone.localdate()
    dossier = to_specialist(world, receive(world, when=clock.current), when=clock.current)
    effective = today + dt.timedelta(days=3)
    units_merge(
        actor=province_admin, units=[world.commune], into=world.other, effective_on=effective
    )
    succession = UnitSuccession.objects.get(predecessor=world.commune)
    assert succession.applied_at is None
    assert mergers_apply_due() == 0  # not yet: nothing moves before the effective date
    assert Dossier.objects.get(pk=dossier.pk).holder_unit == world.commune

    clock.set(clock.current + dt.timedelta(days=2))  # the day before: still nothing
    assert unit_mergers_apply_task.call() == 0
    assert Dossier.objects.get(pk=dossier.pk).holder_unit == world.commune

    local_midnight = dt.datetime.combine(
        effective, dt.time(0, 5), tzinfo=timezone.get_current_timezone()
    )
    clock.set(local_midnight)  # the job's run on the effective date
    assert unit_mergers_apply_task.call() == 1
    moved = Dossier.objects.get(pk=dossier.pk)
    assert moved.holder_unit == world.other
    assert moves(moved) == 1
    applied = Event.objects.get(action=org_events.MERGER_APPLIED)
    assert applied.payload["moved"]["dossiers.dossiers_move_to_successor"] == 1
    succession.refresh_from_db()
    assert succession.applied_at == local_midnight

    clock.set(local_midnight + dt.timedelta(days=1))  # later runs never move it again
    assert unit_mergers_apply_task.call() == 0
    assert mergers_apply_due() == 0
    assert moves(moved) == 1
    assert Event.objects.filter(action=org_events.MERGER_APPLIED).count() == 1


def test_a_merger_effective_today_is_applied_at_once_and_not_again(world, province_admin):
    dossier = to_specialist(world, receive(world, when=timezone.now()), when=timezone.now())
    units_merge(
        actor=province_admin, units=[world.commune], into=world.other,
        effective_on=timezone.localdate(),
    )  # fmt: skip
    assert UnitSuccession.objects.get(predecessor=world.commune).applied_at is not None
    assert mergers_apply_due() == 0
    assert moves(Dossier.objects.get(pk=dossier.pk)) == 1
