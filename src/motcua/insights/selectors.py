"""Reads of the dossier history for process mining. Nothing here writes: the ledger's Event
rows (``subject_type="dossier"``, in ``seq`` order) and the dossiers are only read."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import BigIntegerField, F, Func, Q
from django.db.models.fields.json import KT

from motcua.core.errors import PermissionDenied
from motcua.dossiers import events
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import visible_unit_ids
from motcua.insights.columns import Codes, Columns, mine_columns
from motcua.insights.mining import LogEvent, Pair, ProcessMap
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
    rows = _history(user=user, filters=filters).values_list(
        "subject_id", "action", "at", "actor_label", "unit_id", "payload__step_name"
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


def _history(*, user, filters: LogFilters):
    return (
        Event.objects.filter(
            subject_type="dossier", subject_id__in=dossier_codes(user=user, filters=filters)
        )
        .exclude(action__in=NOT_STEPS)
        .order_by("subject_id", "seq")
    )


class _EpochUs(Func):
    """A timestamp as whole microseconds since the epoch (PostgreSQL), read as one integer
    instead of a datetime object per event."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()


def dossier_event_columns(*, user, filters: LogFilters) -> Columns:
    """The same log as :func:`dossier_event_log`, read as columns: only the six fields the
    map needs, streamed (a server-side cursor on PostgreSQL), names dictionary-encoded on the
    way in, the time as an integer (on PostgreSQL computed by the database). No model object
    and no per-event Python object survive the read."""
    names = dict(Unit.objects.values_list("pk", "name"))
    postgres = connection.vendor == "postgresql"
    rows = (
        _history(user=user, filters=filters)
        .annotate(step_text=KT("payload__step_name"), at_us=_EpochUs(F("at")))
        .values_list(
            "subject_id",
            "action",
            "at_us" if postgres else "at",
            "actor_label",
            "unit_id",
            "step_text",
        )
    )
    cases, acts, res, steps = Codes(), Codes(), Codes(), Codes()
    groups, unit_codes = Codes(), {}
    c_case, c_act, c_res, c_unit, c_step, c_at = [], [], [], [], [], []
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK)):
        case, action, at, actor, unit, step = zip(*chunk, strict=True)
        c_case.append(cases.codes(case))
        c_act.append(acts.codes(action))
        c_res.append(res.codes(a or "" for a in actor))
        c_unit.append(np.fromiter((-1 if u is None else u for u in unit), np.int64, len(unit)))
        c_step.append(steps.codes(x if isinstance(x, str) else "" for x in step))
        c_at.append(
            np.fromiter(at, np.int64, len(at)) if postgres else _utc_us(list(at)).astype(np.int64)
        )
    unit = np.concatenate(c_unit) if c_unit else np.zeros(0, dtype=np.int64)
    for u in np.unique(unit).tolist():
        unit_codes[u] = groups.code(names.get(u, "") if u >= 0 else "")
    lookup = np.zeros(max(unit_codes, default=0) + 2, dtype=np.int64)
    for u, code in unit_codes.items():
        lookup[u] = code  # -1 (no unit) lands on the last slot

    def join(parts):
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    return Columns(
        case=join(c_case),
        activity=join(c_act),
        at=join(c_at),
        resource=join(c_res),
        group=lookup[unit] if len(unit) else unit,
        unit=unit,
        step=join(c_step),
        start=np.zeros(len(unit), dtype=bool),
        case_names=cases.names,
        activity_names=acts.names,
        resource_names=res.names,
        group_names=groups.names,
        step_names=steps.names,
    )


def _chunks(rows, size: int = CHUNK):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def working_hours_us(a: np.ndarray, b: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Working hours between µs instants, on the calendar of each row's unit (-1: the
    province's): one vectorised call per unit."""
    out = np.zeros(len(a))
    if not len(a):
        return out
    order = np.argsort(unit, kind="stable")
    sorted_units = unit[order]
    bounds = np.flatnonzero(np.r_[True, sorted_units[1:] != sorted_units[:-1], True])
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        idx = order[lo:hi]
        u = int(sorted_units[lo])
        out[idx] = working_time_between_many(
            a[idx].astype("datetime64[us]"),
            b[idx].astype("datetime64[us]"),
            unit=None if u < 0 else u,
        )
    return out


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
    """The process map of the matching dossiers, durations in working hours (read and mined
    as columns: equal to ``mining.mine(dossier_event_log(...), durations=working_hours)``)."""
    return mine_columns(
        dossier_event_columns(user=user, filters=filters), durations=working_hours_us, keep=keep
    )


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
