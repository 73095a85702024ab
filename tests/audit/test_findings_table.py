"""Stored findings: refreshed incrementally from the sealed events (only dossiers with new
events are read again), equal to a full recompute, kept current by a registered job."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.audit.integrity import Kind
from motcua.audit.models import FindingsWatermark, IntegrityFinding
from motcua.audit.services import findings_refresh
from motcua.core.schedule import DAILY_JOBS
from motcua.dossiers import services
from motcua.ledger.models import Event
from motcua.ledger.services import ledger_seal
from tests.dossiers.conftest import at, receive, to_specialist, world  # noqa: F401


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _stored() -> list[tuple]:
    return list(
        IntegrityFinding.objects.values_list(
            "kind", "code", "seq", "at", "shown_from", "unit_id", "detail", "events"
        ).order_by("kind", "code", "seq")
    )


def _quick(world, when):  # noqa: F811
    """A dossier whose step was completed 20 seconds after the specialist took it."""
    dossier = to_specialist(world, receive(world, when), when + dt.timedelta(hours=1))
    return services.dossier_complete_step(
        actor=world.specialist,
        dossier=dossier,
        next_assignee=world.leader,
        at=when + dt.timedelta(hours=1, seconds=20),
    )


def _approve(world, dossier, when):  # noqa: F811
    if dossier.current_step.role != "unit_leader":
        dossier = services.dossier_complete_step(
            actor=world.specialist, dossier=dossier, next_assignee=world.leader, at=when
        )
    return services.dossier_approve(
        actor=world.leader,
        dossier=dossier,
        number="1/KQ",
        date=when.date(),
        signer="Phạm Hùng",
        file="ket-qua/kq.pdf",
        at=when + dt.timedelta(hours=1),
    )


def test_a_new_event_updates_only_its_dossiers_findings(world):  # noqa: F811
    # given two dossiers with findings, stored
    first, second = _quick(world, at(0, 8)), _quick(world, at(0, 9))
    first = _approve(world, first, at(1, 9))
    ledger_seal()
    done = findings_refresh()
    assert done.dossiers == 2
    before = {r.pk: r for r in IntegrityFinding.objects.all()}
    assert {(r.kind, r.code) for r in before.values()} == {
        (Kind.STEP_IN_SECONDS, first.code),
        (Kind.STEP_IN_SECONDS, second.code),
        (Kind.NOT_RETURNED, first.code),
    }
    # when the first dossier's result is handed over (a new event) and the job runs again
    services.dossier_return_result(
        actor=world.desk, dossier=first, method="desk", received_by="Lê An", at=at(2, 9)
    )
    ledger_seal()
    done = findings_refresh()
    # then only that dossier was read again: its "not returned" is gone, the rest untouched
    assert done.dossiers == 1 and done.removed == 2 and done.added == 1
    after = {r.pk: r for r in IntegrityFinding.objects.all()}
    assert {(r.kind, r.code) for r in after.values()} == {
        (Kind.STEP_IN_SECONDS, first.code),
        (Kind.STEP_IN_SECONDS, second.code),
    }
    [kept] = [pk for pk, r in after.items() if r.code == second.code]
    assert kept in before  # the second dossier's row was not rewritten
    head = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert FindingsWatermark.objects.get().last_event_id >= head - 1
    # and nothing new: nothing read, nothing recorded
    ledger_seal()
    assert findings_refresh().dossiers == 0


def test_unsealed_events_wait_for_the_seal(world):  # noqa: F811
    _quick(world, at(0, 8))
    assert findings_refresh().dossiers == 0 and not IntegrityFinding.objects.exists()
    ledger_seal()
    assert findings_refresh().dossiers == 1 and IntegrityFinding.objects.count() == 1


def test_incremental_equals_full_recompute(world):  # noqa: F811
    # given a history built in several rounds, each followed by an incremental refresh,
    # with a deadline burst whose members arrive in different rounds
    burst = [to_specialist(world, receive(world, at(0, 10, i)), at(0, 11)) for i in range(6)]
    quick = _quick(world, at(0, 8))
    ledger_seal()
    findings_refresh()
    for i, dossier in enumerate(burst):
        burst[i] = _approve(world, dossier, dossier.due_at - dt.timedelta(minutes=110 - 5 * i))
        if i in (1, 3):
            ledger_seal()
            findings_refresh()
    services.dossier_return_result(
        actor=world.desk,
        dossier=_approve(world, quick, at(2, 9)),
        method="desk",
        received_by="Lê An",
        at=at(3, 9),
    )
    ledger_seal()
    findings_refresh()
    incremental = _stored()
    # when everything is recomputed from the whole sealed history
    findings_refresh(full=True)
    # then the stored findings are the same, burst members included
    assert _stored() == incremental
    bursts = {row[1] for row in incremental if row[0] == Kind.DEADLINE_BURST}
    assert bursts == {d.code for d in burst}


def test_the_refresh_jobs_are_registered():
    assert DAILY_JOBS["motcua.audit.tasks.findings_refresh_task"] == dt.timedelta(minutes=10)
    assert DAILY_JOBS["motcua.audit.tasks.findings_rebuild_task"] == dt.time(2, 0)


def test_a_refresh_is_recorded_in_the_ledger(world):  # noqa: F811
    _quick(world, at(0, 8))
    ledger_seal()
    findings_refresh()
    event = Event.objects.get(subject_type="integrity_findings")
    assert event.action == "integrity.findings_refreshed"
    assert event.payload["dossiers"] == 1 and event.payload["added"] == 1
