"""Delivery: in order per dossier, idempotent, retried with back-off, parked; reconciliation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from motcua.core.errors import PermissionDenied
from motcua.core.schedule import DAILY_JOBS
from motcua.dossiers.lifecycle import Status
from motcua.interop import services
from motcua.interop.adapters import FakeNationalPortal
from motcua.interop.models import SyncRecord, SyncState
from motcua.interop.selectors import reconcile
from motcua.interop.services import MAX_ATTEMPTS, interop_resend, interop_sync
from motcua.ledger.models import Event
from tests.interop.test_outbox import full_path

pytestmark = pytest.mark.django_db


def test_sync_delivers_in_order_and_reconciles_to_100_percent(world, portal):
    dossier = full_path(world)
    result = interop_sync(portal=portal)
    assert result.sent == 4 and result.failed == 0
    assert set(SyncRecord.objects.values_list("state", flat=True)) == {SyncState.SENT}
    sent = [r["trang_thai"] for r in portal.received.values()]
    assert sent == [2, 4, 9, 10]  # the order of the events
    held = portal.list_dossiers()[dossier.code]
    assert held["trang_thai"] == 10
    assert held["ma_thu_tuc"] == world.procedure.code
    assert held["kenh"] == 1 and held["ngay_tra_ket_qua"] is not None
    report = reconcile(portal=portal)
    assert report.events == report.records == report.acknowledged == 4
    assert report.sync_ratio == 1.0 and report.complete
    assert Event.objects.filter(subject_type="interop", action="interop.sync_run").count() == 1
    assert interop_sync(portal=portal).sent == 0  # nothing left


def test_a_record_sent_twice_or_out_of_order_leaves_one_final_state(world, portal):
    dossier = full_path(world)
    interop_sync(portal=portal)
    # the acknowledgement was lost: the worker sends everything again
    SyncRecord.objects.update(state=SyncState.PENDING, sent_at=None)
    result = interop_sync(portal=portal)
    assert result.sent == 4 and result.duplicates == 4
    assert len(portal.received) == 4
    assert portal.list_dossiers()[dossier.code]["trang_thai"] == 10
    # another portal receiving the same records in reverse order ends the same
    other = FakeNationalPortal()
    for record in reversed(list(portal.received.values())):
        other.push_status(record)
    assert other.list_dossiers() == portal.list_dossiers()


def test_a_failure_retries_with_backoff_and_blocks_later_records_of_the_dossier(world, portal):
    dossier = full_path(world)
    portal.fail_next = 1
    now = timezone.now()
    result = interop_sync(portal=portal, now=now)
    assert result.failed == 1 and result.sent == 0
    first = SyncRecord.objects.order_by("event_seq").first()
    assert first.state == SyncState.FAILED and "không phản hồi" in first.last_error
    assert first.next_attempt_at == now + services.BACKOFF_BASE
    assert interop_sync(portal=portal, now=now).sent == 0  # still waiting out the back-off
    assert dossier.code not in portal.list_dossiers()
    SyncRecord.objects.filter(pk=first.pk).update(next_attempt_at=now - dt.timedelta(seconds=1))
    assert interop_sync(portal=portal).sent == 4
    assert portal.list_dossiers()[dossier.code]["trang_thai"] == 10
    assert services.backoff(3) == 4 * services.BACKOFF_BASE
    assert services.backoff(50) == services.BACKOFF_MAX


def test_a_record_that_keeps_failing_is_parked_with_its_error_then_resent(world, portal):
    full_path(world)
    portal.fail_always = True
    for _ in range(MAX_ATTEMPTS):
        SyncRecord.objects.update(next_attempt_at=None)
        interop_sync(portal=portal)
    parked = SyncRecord.objects.get(state=SyncState.PARKED)
    assert parked.attempts == MAX_ATTEMPTS and parked.last_error
    assert SyncRecord.objects.filter(state=SyncState.PENDING).count() == 3
    assert not reconcile(portal=portal).complete
    with pytest.raises(PermissionDenied):
        interop_resend(actor=world.desk, record=parked)
    portal.fail_always = False
    interop_resend(actor=world.leader, record=parked)
    assert interop_sync(portal=portal).sent == 4
    assert reconcile(portal=portal).complete


def test_reconciliation_finds_each_kind_of_difference(world, portal):
    dossier = full_path(world)
    interop_sync(portal=portal)
    last = SyncRecord.objects.order_by("-event_seq").first()
    SyncRecord.objects.filter(pk=last.pk).delete()  # an event without its record
    SyncRecord.objects.create(  # a record without its event
        dossier_code="X-1",
        event_seq=1,
        event_hash="f" * 64,
        action="dossier.received",
        national_status=2,
        event_at=timezone.now(),
    )
    portal.dossiers[dossier.code] = {**portal.dossiers[dossier.code], "trang_thai": 9}
    other = full_path(world)  # received, never sent: unknown to the portal
    report = reconcile(portal=portal)
    assert report.missing_records == [f"{dossier.code}#{last.event_seq}"]
    assert report.orphan_records == ["X-1#1"]
    assert report.wrong_status_on_portal == [dossier.code]
    assert report.not_on_portal == [other.code]
    assert report.dossiers_received == 2 and report.sync_ratio == 0.5
    assert not report.complete
    assert other.status == Status.RETURNED


def test_the_command_sends_and_reports(world, portal, capsys):
    full_path(world)
    with pytest.raises(CommandError):
        call_command("interop", "report")
    call_command("interop", "sync", "--until-empty")
    call_command("interop", "report")
    out = capsys.readouterr().out
    assert "Tổng đã gửi: 4" in out and '"complete": true' in out


def test_the_sender_is_a_periodic_job():
    assert "motcua.interop.tasks.interop_sync" in DAILY_JOBS
