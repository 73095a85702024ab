"""Reads of the dossier history for process mining. Nothing here writes: the ledger's Event
rows (``subject_type="dossier"``, in ``seq`` order) and the dossiers are only read."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Q
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
    return (
        Event.objects.filter(
            subject_type="dossier", subject_id__in=dossier_codes(user=user, filters=filters)
        )
        .exclude(action__in=NOT_STEPS)
        .order_by("subject_id", "seq")
    )


def dossier_event_columns(*, user, filters: LogFilters) -> Columns:
    """The same log as :func:`dossier_event_log`, read as columns: only the fields the map
    needs, names dictionary-encoded on the way in, no model object and no per-event Python
    object kept. On PostgreSQL one query numbers the dossiers and joins their events without
    any ORDER BY (no sort of a million rows on the server; the events are narrowed to the
    seven fields before the join — ``OFFSET 0`` keeps that subquery apart — so a hash of them
    holds no payload) and sends the time as an integer; the log order — case by case in code
    order, each in ``seq`` order — is restored by one NumPy sort."""
    check_staff(user)
    names = dict(Unit.objects.values_list("pk", "name"))
    if connection.vendor == "postgresql":
        codes, case_no, seq, rows = _pg_rows(user=user, filters=filters)
    else:
        codes, case_no, seq, rows = _orm_rows(user=user, filters=filters)
    order = np.lexsort((seq, case_no))
    case_no = case_no[order]
    acts, res, steps, groups = Codes(), Codes(), Codes(), Codes()
    action, at, actor, unit, step = rows
    unit_arr = np.fromiter((-1 if u is None else u for u in unit), np.int64, len(unit))[order]
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
        activity=acts.codes(action)[order],
        at=np.asarray(at, dtype=np.int64).reshape(-1)[order],
        resource=res.codes(actor)[order],
        group=table[unit_arr] if len(unit_arr) else unit_arr,
        unit=unit_arr,
        step=steps.codes(step)[order],
        start=np.zeros(len(unit_arr), dtype=bool),
        case_names=[codes[i] for i in case_ids.tolist()],
        activity_names=acts.names,
        # no actor or no step name (NULL, a JSON null or not text): "" — codes may then
        # share a name, which the map groups by name
        resource_names=[a or "" for a in res.names],
        group_names=groups.names,
        step_names=[x if isinstance(x, str) else "" for x in steps.names],
    )


#: Rows fetched per round trip of the server-side cursor.
FETCH = 50_000


def _pg_rows(*, user, filters: LogFilters):
    """(codes in code order, case number, seq, (action, at µs, actor, unit, step)) of the
    matching dossiers' events, in no particular order (PostgreSQL)."""
    selected = dossier_codes(user=user, filters=filters).order_by("code")
    codes = list(selected)
    inner, params = selected.query.sql_with_params()
    sql = f"""
        WITH d AS MATERIALIZED (
            SELECT c.code, (row_number() OVER (ORDER BY c.code) - 1)::int AS n
            FROM ({inner}) AS c (code)
        )
        SELECT d.n, e.seq, e.action, e.at_us, e.actor_label, e.unit_id, e.step
        FROM (
            SELECT subject_id, seq, action, (EXTRACT(EPOCH FROM at) * 1000000)::bigint AS at_us,
                   actor_label, unit_id, payload ->> 'step_name' AS step
            FROM {Event._meta.db_table}
            WHERE subject_type = %s AND NOT (action = ANY(%s))
            OFFSET 0
        ) AS e JOIN d ON e.subject_id = d.code
    """  # noqa: S608 - the inner query and the table name are Django's, values are parameters
    case_no: list[int] = []
    seq: list[int] = []
    cols: tuple[list, ...] = ([], [], [], [], [])
    with connection.chunked_cursor() as cursor:
        if hasattr(cursor.cursor, "itersize"):  # a server-side cursor: big round trips
            cursor.cursor.itersize = FETCH
        cursor.execute(sql, [*params, events.SUBJECT, list(NOT_STEPS)])
        while chunk := cursor.fetchmany(FETCH):
            n, s, *rest = zip(*chunk, strict=True)
            case_no.extend(n)
            seq.extend(s)
            for col, values in zip(cols, rest, strict=True):
                col.extend(values)
    return codes, np.asarray(case_no, np.int64), np.asarray(seq, np.int64), cols


def _orm_rows(*, user, filters: LogFilters):
    """The same as :func:`_pg_rows` through the ORM (SQLite and other databases)."""
    rows = _history(user=user, filters=filters).values_list(
        "subject_id", "seq", "action", "at", "actor_label", "unit_id", "payload__step_name"
    )
    index: dict[str, int] = {}
    case_no, seq = [], []
    cols: tuple[list, ...] = ([], [], [], [], [])
    for subject, s, action, at, actor, unit, step in rows.iterator(chunk_size=CHUNK):
        case_no.append(index.setdefault(subject, len(index)))
        seq.append(s)
        for col, value in zip(cols, (action, at, actor, unit, step), strict=True):
            col.append(value)
    cols[1][:] = _utc_us(cols[1]).astype(np.int64).tolist()
    return list(index), np.asarray(case_no, np.int64), np.asarray(seq, np.int64), cols


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
