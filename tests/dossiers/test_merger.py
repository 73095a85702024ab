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
