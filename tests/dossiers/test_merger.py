"""A unit merger moves its open work to the successor (issue 16, item 1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.errors import PermissionDenied
from motcua.dossiers import events, services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.ledger.models import Event
from motcua.organization.services import units_merge
from tests.dossiers.conftest import approve, receive, result_file, to_leader, to_specialist

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # no roles cached on the object


def test_open_dossiers_move_to_the_successor_with_a_history_event(world, province_admin, client):
    today = timezone.localdate()
    now = timezone.now()
    open_one = to_leader(world, to_specialist(world, receive(world, when=now), when=now), now)
    done = approve(world, to_leader(world, to_specialist(world, receive(world, when=now))))
    done = services.dossier_return_result(
        actor=world.desk, dossier=done, method="desk", received_by="An"
    )
    assert done.status == Status.RETURNED
    units_merge(actor=province_admin, units=[world.commune], into=world.other, effective_on=today)
    moved = Dossier.objects.get(pk=open_one.pk)
    assert moved.holder_unit == world.other  # in the successor's work queue
    # where it was received and which authority decides stay as recorded (statistics)
    assert (moved.competent_unit, moved.receiving_unit) == (world.commune, world.commune)
    event = Event.objects.filter(subject_id=moved.code).order_by("-seq").first()
    assert event.action == events.MOVED_BY_MERGER
    assert event.payload["moved"]["holder_unit"] == {
        "from": world.commune.code,
        "to": world.other.code,
    }
    # closed work stays where it was closed
    assert Dossier.objects.get(pk=done.pk).holder_unit == world.commune
    # the ended unit's leader can no longer decide; the successor's leader can
    decision = {"number": "1/QĐ", "date": today, "signer": "Lãnh đạo", "file": result_file()}
    with pytest.raises(PermissionDenied):
        services.dossier_approve(actor=fresh(world.leader), dossier=moved, **decision)
    client.force_login(world.other_leader)
    assert client.get(f"/can-bo/ho-so/{moved.code}/").status_code == 200
    approved = services.dossier_approve(actor=fresh(world.other_leader), dossier=moved, **decision)
    assert approved.status == Status.RESULT_READY


def test_a_merger_in_the_future_moves_nothing_yet(world, province_admin):
    dossier = to_specialist(world, receive(world, when=timezone.now()), when=timezone.now())
    later = timezone.localdate() + dt.timedelta(days=30)
    units_merge(actor=province_admin, units=[world.commune], into=world.other, effective_on=later)
    assert Dossier.objects.get(pk=dossier.pk).holder_unit == world.commune


def test_new_dossiers_for_a_merged_units_steps_go_to_the_successor(
    world, make_unit, province_admin
):
    """A process still naming a unit merged away: new work goes to the successor, never to
    the ended unit's empty queue (the demo's 2025 mergers leave such processes)."""
    from motcua.catalog.models import InternalProcess
    from motcua.organization.models import UnitKind

    old = make_unit("Sở Cũ", kind=UnitKind.DEPARTMENT)
    new = make_unit("Sở Mới", kind=UnitKind.DEPARTMENT)
    process = InternalProcess.objects.get(procedure=world.procedure)
    step = process.steps.get(order=2)
    step.unit = old
    step.save()
    units_merge(actor=province_admin, units=[old], into=new, effective_on=timezone.localdate())

    now = timezone.now()
    moved_on = services.dossier_transfer(actor=world.desk, dossier=receive(world, when=now), at=now)
    assert moved_on.holder_unit == new

    world.procedure.competent_unit_kind = UnitKind.DEPARTMENT
    world.procedure.save()
    assert receive(world, when=now).competent_unit == new  # the successor decides
