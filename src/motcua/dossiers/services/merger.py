"""A unit merger moves the open dossiers of the ended units to their successor."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from motcua.dossiers import events
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.services._base import record, save
from motcua.organization.models import Unit

#: statuses in which nothing is left to do (the dossier stays with the unit that closed it)
CLOSED = (
    Status.INTAKE_INCOMPLETE,
    Status.INTAKE_REFUSED,
    Status.RETURNED,
    Status.WITHDRAWN,
    Status.STOPPED,
    Status.CANCELLED,
)
#: only where the work sits moves: where it was received and which authority decides stay as
#: recorded (statistics map them to today's structure through the successions), and the
#: permission checks map an ended unit to its successor (``dossiers.action_rights.current_unit``).
_FIELDS = ("holder_unit",)


def dossiers_move_to_successor(
    *, actor, predecessors: list[Unit], successor: Unit, effective_on: dt.date
) -> int:
    """Called inside ``organization.services.units_merge``'s transaction (no own one).

    Every open dossier held at an ended unit is now held by the successor (its work queue);
    each gets a history event. The officer working on it keeps it if they still have a role
    (their roles at the ended unit no longer count).
    """
    ids = [u.pk for u in predecessors]
    if not ids:
        return 0
    condition = Q(holder_unit_id__in=ids)
    moved = 0
    rows = (
        Dossier.objects.select_for_update(of=("self",))
        .filter(condition)
        .exclude(status__in=CLOSED)
        .select_related(*_FIELDS, "current_step")
        .order_by("pk")
    )
    for dossier in rows:
        changed = {}
        for field in _FIELDS:
            unit = getattr(dossier, field)
            if unit.pk in ids:
                changed[field] = {"from": unit.code, "to": successor.code}
                setattr(dossier, field, successor)
        save(dossier, list(changed))
        record(
            dossier=dossier,
            action=events.MOVED_BY_MERGER,
            actor=actor,
            unit=successor,
            at=dossier_now(),
            status_from=dossier.status,
            payload={"moved": changed, "effective_on": effective_on.isoformat()},
            notify=False,
        )
        moved += 1
    return moved


def dossier_now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()
