"""Reads of the dossier history for process mining. Nothing here writes: the ledger's Event
rows (``subject_type="dossier"``, in ``seq`` order) and the dossiers are only read."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

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
    # the days in the current time zone, as bounds on the column itself (``received_at__date``
    # would hide it in an expression: no index, and a planner guessing 0.5 % of the rows)
    if filters.date_from:
        qs = qs.filter(received_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(received_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return qs.values_list("code", flat=True)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


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
    """The events of the matching dossiers in log order, from the day before the earliest
    submission among them on (see ``BEFORE_SUBMISSION``: on PostgreSQL the older monthly
    partitions of the event table are skipped)."""
    codes = dossier_codes(user=user, filters=filters)
    first = Dossier.objects.filter(code__in=codes).aggregate(first=Min("submitted_at"))["first"]
    if first is None:
        return Event.objects.none()
    return (
        Event.objects.filter(
            subject_type="dossier", subject_id__in=codes, at__gte=first - BEFORE_SUBMISSION
        )
        .exclude(action__in=NOT_STEPS)
        .order_by("subject_id", "seq")
    )


def dossier_event_columns(*, user, filters: LogFilters) -> Columns:
    """The same log as :func:`dossier_event_log`, read as columns: only the fields the map
    needs, names dictionary-encoded, no model object and no per-event Python object. On
    PostgreSQL one binary COPY sends integers only (see :func:`_pg_rows`); the log order —
    case by case in code order, each in ``seq`` order — is restored by one NumPy sort."""
    check_staff(user)
    names = dict(Unit.objects.values_list("pk", "name"))
    if connection.vendor == "postgresql":
        raw = _pg_rows(user=user, filters=filters)
    else:
        raw = _orm_rows(user=user, filters=filters)
    order = np.lexsort((raw.seq, raw.case))
    case_no = raw.case[order]
    groups = Codes()
    unit_arr = raw.unit[order]
    new_case = np.r_[True, case_no[1:] != case_no[:-1]] if len(case_no) else np.zeros(0, bool)
    case_ids = case_no[new_case]
    lookup_units = {}
    for u in np.unique(unit_arr).tolist():
        lookup_units[u] = groups.code(names.get(u, "") if u >= 0 else "")
    table = np.zeros(max(lookup_units, default=0) + 2, dtype=np.int64)
    for u, code in lookup_units.items():
        table[u] = code  # -1 (no unit) lands on the last slot
    return Columns(
        case=np.cumsum(new_case) - 1,
        activity=raw.action[order],
        at=raw.at[order],
        resource=raw.actor[order],
        group=table[unit_arr] if len(unit_arr) else unit_arr,
        unit=unit_arr,
        step=raw.step[order],
        start=np.zeros(len(unit_arr), dtype=bool),
        case_names=[raw.codes[i] for i in case_ids.tolist()],
        activity_names=raw.action_names,
        # no actor or no step name (NULL, a JSON null or not text): "" — codes may then
        # share a name, which the map groups by name
        resource_names=[a or "" for a in raw.actor_names],
        group_names=groups.names,
        step_names=[x if isinstance(x, str) else "" for x in raw.step_names],
    )


@dataclass
class _Raw:
    """The selected events in no particular order: case numbers (into ``codes``, the codes in
    code order), seq, time (µs UTC), unit id (-1: none) and name codes with their names."""

    codes: list[str]
    case: np.ndarray
    seq: np.ndarray
    at: np.ndarray
    unit: np.ndarray
    action: np.ndarray
    action_names: list[str]
    actor: np.ndarray
    actor_names: list[str]
    step: np.ndarray
    step_names: list[str]


#: Before a dossier's submission, none of its events (``dossiers.selectors._state_at`` relies
#: on the same margin): the read starts there, so the monthly partitions before are skipped.
BEFORE_SUBMISSION = dt.timedelta(days=1)
#: The read's settings (PostgreSQL, this transaction only): the selected dossiers hashed in
#: memory (13 MB for 150.000) instead of in batches spilled to temporary files, and no JIT
#: (it spent up to 3 s compiling this one statement, more than it saved).
SETTINGS = {"work_mem": "256MB", "jit": "off", "enable_sort": "off"}
#: µs from the Unix epoch to PostgreSQL's (2000-01-01 UTC), the origin of a binary timestamptz
_PG_EPOCH_US = 946_684_800_000_000
#: One event as the server packs it (big-endian, no padding): dossier id, seq and time (µs
#: since 2000-01-01 UTC, as ``timestamptz_send`` writes it).
_ROW = np.dtype([("id", ">i8"), ("seq", ">i4"), ("at", ">i8")])


def _pg_rows(*, user, filters: LogFilters) -> _Raw:
    """The matching dossiers' events as integers, from one statement, packed by the server.

    The events of the selected dossiers (``d``, joined as a subquery: the planner knows the
    codes are unique and hashes the dossiers, not the events), from the day before the
    earliest submission among them on (the bound skips the older monthly partitions; a
    dossier's history never starts before its submission), are grouped by their names —
    (unit, action, actor, step), a few hundred combinations — and each group's events packed
    as bytes (dossier id, seq, time: 20 bytes an event), read by NumPy at once: one pass over
    the events, a few hundred rows sent instead of a million, no name repeated. The first row
    carries the selected dossiers' codes (JSON) and ids (packed) in code order. No ORDER BY over the
    events: the client sorts integers."""
    selected = dossier_codes(user=user, filters=filters).order_by()
    first = Dossier.objects.filter(code__in=selected).aggregate(first=Min("submitted_at"))["first"]
    if first is None:
        return _unpack([], b"", [])
    inner, params = selected.values_list("id", "code").query.sql_with_params()
    table = Event._meta.db_table
    sql = f"""
        SELECT true, NULL::int8, NULL, NULL, COALESCE(json_agg(code ORDER BY code), '[]')::text,
               COALESCE(string_agg(int8send(id), ''::bytea ORDER BY code), ''::bytea)
        FROM ({inner}) AS c (id, code)
        UNION ALL
        SELECT false, unit, action, actor_label, step::text,
               string_agg(int8send(id) || int4send(seq) || timestamptz_send(at), ''::bytea)
        FROM (
            SELECT d.id, ev.seq, ev.at, COALESCE(ev.unit_id, -1) AS unit, ev.action,
                   ev.actor_label, COALESCE(ev.payload -> 'step_name', 'null') AS step
            FROM {table} AS ev
            JOIN (SELECT * FROM ({inner}) AS i (id, code) OFFSET 0) AS d ON ev.subject_id = d.code
            WHERE ev.subject_type = %s AND NOT (ev.action = ANY(%s)) AND ev.at >= %s
        ) AS e
        GROUP BY unit, action, actor_label, step
    """  # noqa: S608 - the inner query and the table name are Django's, values are parameters
    args = [*params, *params, events.SUBJECT, list(NOT_STEPS), first - BEFORE_SUBMISSION]
    with transaction.atomic(), connection.cursor() as cursor:
        for name, value in SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute(sql, args)
        found = cursor.fetchall()
    head = [row[4:] for row in found if row[0]]
    if len(head) != 1:
        raise ValueError("packed events: no list of dossiers")
    codes, ids = head[0]
    return _unpack(json.loads(codes), bytes(ids), [row[1:] for row in found if not row[0]])


def _unpack(codes: list[str], packed_ids: bytes, groups: list) -> _Raw:
    """:func:`_pg_rows`' rows as columns: the dossiers' codes and ids (packed) in code order
    and each name combination's packed events."""
    ids = np.frombuffer(packed_ids, dtype=">i8").astype(np.int64)
    if len(ids) != len(codes):
        raise ValueError("packed events: dossiers")
    blobs = [bytes(g[4]) for g in groups]
    if any(len(b) % _ROW.itemsize for b in blobs):
        raise ValueError("packed events: width")
    rows = np.frombuffer(b"".join(blobs), dtype=_ROW)
    k = np.repeat(np.arange(len(groups)), [len(b) // _ROW.itemsize for b in blobs])
    # the case number: the dossier's place in code order
    by_id = np.argsort(ids, kind="stable")
    place = np.searchsorted(ids[by_id], rows["id"].astype(np.int64))
    if len(rows) and not (ids[by_id][np.minimum(place, len(ids) - 1)] == rows["id"]).all():
        raise ValueError("packed events: an event of a dossier not selected")
    acts, res, steps = Codes(), Codes(), Codes()
    return _Raw(
        codes=codes,
        case=by_id[place],
        seq=rows["seq"].astype(np.int64),
        at=rows["at"].astype(np.int64) + _PG_EPOCH_US,
        unit=np.asarray([g[0] for g in groups], dtype=np.int64)[k],
        action=acts.codes([g[1] for g in groups])[k],
        action_names=acts.names,
        actor=res.codes([g[2] for g in groups])[k],
        actor_names=res.names,
        step=steps.codes([_text(g[3]) for g in groups])[k],
        step_names=steps.names,
    )


def _text(value: str) -> str:
    """A step name sent as JSON: the name if text, else "" (as ``dossier_event_log`` reads it)."""
    decoded = json.loads(value)
    return decoded if isinstance(decoded, str) else ""


def _orm_rows(*, user, filters: LogFilters) -> _Raw:
    """The same as :func:`_pg_rows` through the ORM (SQLite and other databases)."""
    rows = _history(user=user, filters=filters).values_list(
        "subject_id", "seq", "action", "at", "actor_label", "unit_id", "payload__step_name"
    )
    index: dict[str, int] = {}
    case_no, seq, action, at, actor, unit, step = [], [], [], [], [], [], []
    for subject, s, act, when, who, u, st in rows.iterator(chunk_size=CHUNK):
        case_no.append(index.setdefault(subject, len(index)))
        seq.append(s)
        action.append(act)
        at.append(when)
        actor.append(who)
        unit.append(-1 if u is None else u)
        step.append(st)
    acts, res, steps = Codes(), Codes(), Codes()
    return _Raw(
        codes=list(index),
        case=np.asarray(case_no, np.int64),
        seq=np.asarray(seq, np.int64),
        at=_utc_us(at).astype(np.int64),
        unit=np.asarray(unit, np.int64),
        action=acts.codes(action),
        action_names=acts.names,
        actor=res.codes(actor),
        actor_names=res.names,
        step=steps.codes(step),
        step_names=steps.names,
    )


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
