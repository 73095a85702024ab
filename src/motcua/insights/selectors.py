"""Reads of the dossier history for process mining. Nothing here writes: the ledger's Event
rows (``subject_type="dossier"``, in ``seq`` order) and the dossiers are only read."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Q

from motcua.core.errors import PermissionDenied
from motcua.dossiers import events
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import visible_unit_ids
from motcua.insights.mining import LogEvent, Pair, ProcessMap, mine
from motcua.ledger.models import Event
from motcua.organization.models import Unit
from motcua.organization.permissions import user_roles
from motcua.workcalendar.services import working_time_between_many

#: Events that are no step of the work (reminders the system sends): left out of the log.
NOT_STEPS = (events.DUE_SOON_WARNED,)
#: Events read per database round trip (the log is streamed, never loaded as model objects).
CHUNK = 5000


@dataclass(frozen=True)
class LogFilters:
    procedure: str | None = None  # procedure code
    unit: int | None = None  # competent, receiving or holding unit
    date_from: dt.date | None = None  # received on or after
    date_to: dt.date | None = None  # received on or before


def check_staff(user) -> None:
    if user is None or not (user.is_superuser or user_roles(user)):
        raise PermissionDenied("Chỉ cán bộ có vai trò mới xem được phân tích quy trình.")


def dossier_codes(*, user, filters: LogFilters):
    """Codes of the dossiers ``user`` may read that match ``filters`` (a values queryset)."""
    check_staff(user)
    qs = Dossier.objects.all()
    ids = visible_unit_ids(user)
    if ids is not None:
        qs = qs.filter(
            Q(receiving_unit_id__in=ids) | Q(competent_unit_id__in=ids) | Q(holder_unit_id__in=ids)
        )
    if filters.procedure:
        qs = qs.filter(procedure__code=filters.procedure)
    if filters.unit:
        qs = qs.filter(
            Q(receiving_unit_id=filters.unit)
            | Q(competent_unit_id=filters.unit)
            | Q(holder_unit_id=filters.unit)
        )
    if filters.date_from:
        qs = qs.filter(received_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(received_at__date__lte=filters.date_to)
    return qs.values_list("code", flat=True)


def dossier_event_log(*, user, filters: LogFilters) -> Iterator[LogEvent]:
    """The history of the matching dossiers as a log, case by case, each in ``seq`` order."""
    names = dict(Unit.objects.values_list("pk", "name"))
    rows = (
        Event.objects.filter(
            subject_type="dossier", subject_id__in=dossier_codes(user=user, filters=filters)
        )
        .exclude(action__in=NOT_STEPS)
        .order_by("subject_id", "seq")
        .values_list("subject_id", "action", "at", "actor_label", "unit_id", "payload__step_name")
    )
    for case, action, at, actor, unit_id, step in rows.iterator(chunk_size=CHUNK):
        yield LogEvent(
            case=case,
            activity=action,
            at=at,
            resource=actor or "",
            group=names.get(unit_id, "") if unit_id else "",
            unit_id=unit_id,
            step=step if isinstance(step, str) else "",
        )


def _utc_us(times: list[dt.datetime]) -> np.ndarray:
    """Aware datetimes as UTC ``datetime64[us]`` (one C call each: 3× faster than numpy's
    conversion of objects, which dominated the map of a large log)."""
    seconds = np.fromiter((t.timestamp() for t in times), dtype=np.float64, count=len(times))
    return np.round(seconds * 1_000_000).astype(np.int64).astype("datetime64[us]")


def working_hours(pairs: Sequence[Pair]) -> list[float]:
    """Working hours of each pair, on the calendar of its unit (one vectorised call per unit)."""
    by_unit: dict[int | None, list[int]] = defaultdict(list)
    for i, (_, _, unit) in enumerate(pairs):
        by_unit[unit].append(i)
    out = np.zeros(len(pairs))
    for unit, idx in by_unit.items():
        a = _utc_us([pairs[i][0] for i in idx])
        b = _utc_us([pairs[i][1] for i in idx])
        out[idx] = working_time_between_many(a, b, unit=unit)
    return out.tolist()


def process_map(*, user, filters: LogFilters, keep: int = 10) -> ProcessMap:
    """The process map of the matching dossiers, durations in working hours."""
    return mine(dossier_event_log(user=user, filters=filters), durations=working_hours, keep=keep)


@dataclass(frozen=True)
class AtRisk:
    code: str
    unit: str
    used_share: float  # working time used / working time allotted (0 … 1)
    hours_left: float
    due_at: dt.datetime


def at_risk(
    *, user, filters: LogFilters, now: dt.datetime | None = None, limit: int = 20
) -> list[AtRisk]:
    """Open dossiers not yet overdue, riskiest first, by the BASELINE of the issue: the share of
    the allotted working time already used (paused time excluded). Not a trained model yet."""
    from django.utils import timezone

    from motcua.dossiers.lifecycle import CLOCK_RUNNING

    now = now or timezone.now()
    found = Dossier.objects.filter(
        code__in=dossier_codes(user=user, filters=filters),
        status__in=CLOCK_RUNNING,
        due_at__gt=now,
        received_at__isnull=False,
    ).values_list("code", "holder_unit_id", "received_at", "due_at", "paused_hours")
    rows: list[tuple[str, int | None, dt.datetime, dt.datetime, float]] = [
        (code, unit, received, due, paused or 0.0)
        for code, unit, received, due, paused in found
        if received is not None and due is not None
    ]
    by_unit: dict[int | None, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_unit[row[1]].append(i)
    names = dict(Unit.objects.filter(pk__in=list(by_unit)).values_list("pk", "name"))
    out: list[AtRisk] = []
    for unit, idx in by_unit.items():
        received = _utc_us([rows[i][2] for i in idx])
        allotted = working_time_between_many(
            received, _utc_us([rows[i][3] for i in idx]), unit=unit
        )
        used = working_time_between_many(received, _utc_us([now] * len(idx)), unit=unit)
        for i, a, u in zip(idx, allotted, used, strict=True):
            paused = rows[i][4]
            allot, spent = float(a) - paused, float(u) - paused
            share = min(max(spent / allot, 0.0), 1.0) if allot > 0 else 1.0
            out.append(
                AtRisk(
                    code=rows[i][0],
                    unit=names.get(unit, "") if unit else "",
                    used_share=share,
                    hours_left=max(allot - spent, 0.0),
                    due_at=rows[i][3],
                )
            )
    out.sort(key=lambda r: (-r.used_share, r.hours_left, r.code))
    return out[:limit]
