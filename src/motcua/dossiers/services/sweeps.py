"""Idempotent sweeps run by tasks: the due-soon warning."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from motcua.dossiers import deadlines, events
from motcua.dossiers.lifecycle import OPEN
from motcua.dossiers.models import Dossier
from motcua.dossiers.services._base import clock, record


def dossier_warn_due_soon(*, at: dt.datetime | None = None, limit: int = 1000) -> int:
    """Warn once for each open dossier whose due time is within one working day.

    That is the last moment to issue the apology and new appointment (form 04). Re-running
    the sweep records nothing new for dossiers already warned.
    """
    now = clock(at)
    warned = 0
    candidates = (
        Dossier.objects.filter(status__in=OPEN, due_at__gt=now, apologized_at__isnull=True)
        .exclude(pk__in=_already_warned())
        .select_related("competent_unit", "holder_unit", "current_step", "assignee")
        .order_by("due_at")[:limit]
    )
    for dossier in candidates:
        due_at = dossier.due_at
        assert due_at is not None  # filtered on due_at above
        if deadlines.one_working_day_after(now, unit=dossier.competent_unit) < due_at:
            break
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            if locked.version != dossier.version:
                continue
            record(
                dossier=dossier,
                action=events.DUE_SOON_WARNED,
                actor=None,
                unit=dossier.holder_unit,
                at=now,
                status_from=dossier.status,
                payload={"due": dossier.due_at},
                notify=False,
            )
            warned += 1
    return warned


def _already_warned():
    from motcua.ledger.models import Event

    codes = Event.objects.filter(subject_type=events.SUBJECT, action=events.DUE_SOON_WARNED)
    return Dossier.objects.filter(code__in=codes.values("subject_id")).values("pk")
