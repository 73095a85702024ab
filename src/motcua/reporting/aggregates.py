"""Maintained daily aggregates of dossiers (``DailyCount``) and how the formulas read them.

A day's rows are a pure function of the dossier rows whose ``received_at`` or ``finished_at``
falls on that local day: ``recount_days`` deletes and recounts them. Which days to recount:
every day touched by a dossier event recorded since the last run — events with a larger id
than the watermark, or stamped later than the last run minus the ledger's ``GRACE`` (an event
commits at most that long after its clock reading), so an event committed out of id order is
still seen. Repeated runs therefore converge on the rows; a test compares both on random
slices after a random mix of actions.

Reading (``daily_counts``): the days of the window not touched since the watermark come from
``DailyCount``; the touched days ("pending") and a partial last day are counted from the
dossier rows. The sum is the same figure as the raw query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.core.formats import VN_TZ
from motcua.dossiers.models import Classification, Decision, Dossier
from motcua.ledger.models import Event
from motcua.reporting.models import AggregateState, DailyCount, OpenCount

DIMENSIONS = ("competent_unit_id", "procedure_id", "channel", "applicant_kind")
MAX_PENDING_EVENTS = 50_000  # beyond this the job is behind: read the rows directly


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=VN_TZ)
    return start, start + dt.timedelta(days=1)


def _late_entries():
    return Event.objects.filter(
        subject_type="dossier", subject_id=OuterRef("code"), action="dossier.late_entry"
    )


def counts_querysets(start: dt.datetime, end: dt.datetime):
    """The two grouped queries (received, ended) per (local day, *DIMENSIONS) of the dossiers
    received or ended in the range; ``rebuild.insert_daily`` wraps the same two."""
    from motcua.reporting.formulas import _paid_online, _paper_items

    received = (
        Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(day=TruncDate("received_at", tzinfo=VN_TZ))
        .values("day", *DIMENSIONS)
        .annotate(
            received=Count("pk"),
            received_fee=Count("pk", filter=Q(fee_due__gt=0)),
            received_paid_online=Count("pk", filter=Q(fee_due__gt=0) & Q(Exists(_paid_online()))),
            received_digitized=Count("pk", filter=~Q(Exists(_paper_items()))),
        )
        .order_by()
    )
    good = (Classification.EARLY, Classification.ON_TIME)
    finished = (
        Dossier.objects.filter(finished_at__gte=start, finished_at__lt=end)
        .annotate(day=TruncDate("finished_at", tzinfo=VN_TZ))
        .values("day", *DIMENSIONS)
        .annotate(
            finished=Count("pk"),
            finished_good=Count("pk", filter=Q(classification__in=good)),
            finished_early=Count("pk", filter=Q(classification=Classification.EARLY)),
            finished_late=Count("pk", filter=Q(classification=Classification.LATE)),
            finished_approved=Count("pk", filter=Q(decision=Decision.APPROVED)),
            finished_result_file=Count(
                "pk", filter=Q(decision=Decision.APPROVED) & ~Q(result_file="")
            ),
            finished_no_late_entry=Count("pk", filter=~Q(Exists(_late_entries()))),
        )
        .order_by()
    )
    return received, finished


def _counts_for(start: dt.datetime, end: dt.datetime) -> dict[tuple, dict[str, int]]:
    """Counts per (local day, *DIMENSIONS) of the dossiers received or ended in the range."""
    rows: dict[tuple, dict[str, int]] = defaultdict(dict)
    received, finished = counts_querysets(start, end)
    for row in [*received, *finished]:
        key = tuple(row.pop(d) for d in ("day", *DIMENSIONS))
        rows[key].update(row)
    return rows


def _runs(days) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days grouped into (first, last) runs."""
    runs: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == dt.timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(a, b) for a, b in runs]


CHUNK_DAYS = 31  # a full rebuild recounts at most a month of days per query (bounded memory)


def recount_days(days) -> int:
    """Recount the given local days from the dossier rows (two grouped queries per run of
    consecutive days, at most ``CHUNK_DAYS`` long); returns the rows written."""
    written = 0
    pieces = []
    for first, last in _runs(days):
        while first <= last:
            stop = min(last, first + dt.timedelta(days=CHUNK_DAYS - 1))
            pieces.append((first, stop))
            first = stop + dt.timedelta(days=1)
    for first, last in pieces:
        DailyCount.objects.filter(day__gte=first, day__lte=last).delete()
        start, _ = local_day_bounds(first)
        _, end = local_day_bounds(last)
        batch = [
            DailyCount(
                day=day,
                unit_id=unit,
                procedure_id=procedure,
                channel=channel,
                applicant_kind=kind,
                **counts,
            )
            for (day, unit, procedure, channel, kind), counts in _counts_for(start, end).items()
        ]
        DailyCount.objects.bulk_create(batch, batch_size=2000)
        written += len(batch)
    return written


OPEN_DIMENSIONS = ("competent_unit_id", "procedure_id", "applicant_kind")


def recount_open_days(days) -> int:
    """Recount the dossiers open (and overdue) at the end of each given local day.

    One pass over the dossiers that may be open on any of the days (not one scan per day):
    a dossier is open at the end of day D (the local midnight after D) from the day it was
    received to the day before it ended (result or closure); overdue on those days from the
    day of its due time, except while a pause (supplement, fees) covers the midnight. The
    same rules as ``formulas.open_at`` / ``paused_at`` / ``overdue_at``, day by day."""
    from motcua.dossiers.models import Pause

    wanted = sorted(set(days))
    if not wanted:
        return 0
    first, last = wanted[0], wanted[-1]
    lo, hi = local_day_bounds(first)[1], local_day_bounds(last)[1]  # first and last midnight
    span = (last - first).days + 1

    def index(value: dt.datetime) -> int:  # days after ``first`` of a moment's local day
        return (timezone.localtime(value, VN_TZ).date() - first).days

    candidates = (
        Dossier.objects.filter(received_at__lt=hi)
        .exclude(finished_at__lt=lo)
        .exclude(closed_at__lt=lo)
    )
    pauses: dict[int, list[tuple[int, int]]] = defaultdict(list)
    paused = Pause.objects.filter(started_at__lt=hi).exclude(ended_at__lt=lo)
    for dossier, started, ended in paused.values_list("dossier_id", "started_at", "ended_at"):
        # covers the midnights after days [day of start, day of end − 1]
        pauses[dossier].append((index(started), index(ended) - 1 if ended else span))
    open_delta: dict[tuple, list[int]] = defaultdict(lambda: [0] * (span + 1))
    late_delta: dict[tuple, list[int]] = defaultdict(lambda: [0] * (span + 1))
    rows = candidates.values_list(
        "pk", *OPEN_DIMENSIONS, "received_at", "finished_at", "closed_at", "due_at"
    )
    for pk, unit, procedure, kind, received, finished, closed, due in rows.iterator(5000):
        ends = [e for e in (finished, closed) if e is not None]
        start = max(index(received), 0)
        stop = min(index(min(ends)) - 1 if ends else span - 1, span - 1)
        if start > stop:
            continue
        key = (unit, procedure, kind)
        open_delta[key][start] += 1
        open_delta[key][stop + 1] -= 1
        if due is None:
            continue
        for a, b in _minus(max(start, index(due)), stop, sorted(pauses.get(pk, ()))):
            late_delta[key][a] += 1
            late_delta[key][b + 1] -= 1
    keep = {(d - first).days for d in wanted}
    for a, b in _runs(wanted):
        OpenCount.objects.filter(day__gte=a, day__lte=b).delete()
    batch: list[OpenCount] = []
    written = 0
    for key, delta in open_delta.items():
        late = late_delta.get(key, [0] * (span + 1))
        n_open = n_late = 0
        for i in range(span):
            n_open += delta[i]
            n_late += late[i]
            if n_open and i in keep:
                unit, procedure, kind = key
                batch.append(OpenCount(day=first + dt.timedelta(days=i), unit_id=unit,
                                       procedure_id=procedure, applicant_kind=kind,
                                       open=n_open, overdue=n_late))  # fmt: skip
        if len(batch) >= 20_000:  # written as it goes: memory stays bounded at any scale
            OpenCount.objects.bulk_create(batch, batch_size=2000)
            written, batch = written + len(batch), []
    OpenCount.objects.bulk_create(batch, batch_size=2000)
    return written + len(batch)


def _minus(a: int, b: int, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[a, b] without the (sorted) intervals ``holes``, as a list of intervals."""
    out = []
    for h_start, h_stop in holes:
        if h_stop < a or h_start > b:
            continue
        if h_start > a:
            out.append((a, h_start - 1))
        a = max(a, h_stop + 1)
        if a > b:
            return out
    if a <= b:
        out.append((a, b))
    return out


def open_counts(end: dt.datetime, filters: dict) -> dict:
    """{unit id: [open, overdue]} from the open-at-end snapshot of the day before ``end`` (a
    local midnight); one query for every snapshot formula."""
    day = timezone.localtime(end, VN_TZ).date() - dt.timedelta(days=1)
    qs = filtered(filters)(OpenCount.objects.filter(day=day))
    out = {}
    for row in qs.values("unit_id").annotate(o=Sum("open"), d=Sum("overdue")).order_by():
        out[row["unit_id"]] = [row["o"] or 0, row["d"] or 0]
    return out


def pending_event_day(current: AggregateState) -> dt.date | None:
    """The earliest local day whose end-of-day snapshot a dossier event not folded in yet may
    change. An event writes its own time into the dossier (received, ended, closed, paused,
    resumed), so it changes the snapshots of its day and later ones only — except a due time
    moved by a resumption: the snapshots between the old due time and the new one may change
    (a dossier overdue before it was paused is not overdue at those midnights any more), so
    such an event counts from its old due time's day."""
    days = []
    for _, at, before, after in _pending_dossier_events(current):
        days.append(timezone.localtime(at, VN_TZ).date())
        if not before or before == after:
            continue
        times = [parse_datetime(v) for v in (before, after) if isinstance(v, str)]
        times = [t for t in times if t is not None]
        if times:
            days.append(timezone.localtime(min(times), VN_TZ).date())
    return min(days) if days else None


def snapshot_usable(current: AggregateState | None, end: dt.datetime, first_event) -> bool:
    """The snapshot at ``end`` (a local midnight) exists and no event since the last run is
    dated on or before its day."""
    if current is None or current.open_until is None:
        return False
    local = timezone.localtime(end, VN_TZ)
    if local.time() != dt.time():
        return False
    day = local.date() - dt.timedelta(days=1)
    return day <= current.open_until and (first_event is None or first_event > day)


def state() -> AggregateState:
    found = AggregateState.objects.order_by("pk").first()
    return found or AggregateState.objects.create()


def _grace():
    from motcua.ledger.services import GRACE

    return GRACE


def pending_events(current: AggregateState):
    events = Event.objects.filter(subject_type="dossier")
    since = Q(pk__gt=current.last_event_id)
    if current.refreshed_at is not None:
        since |= Q(at__gte=current.refreshed_at - _grace())
    return events.filter(since)


def _pending_dossier_events(current: AggregateState):
    """(code, time, due before, due after) of each dossier event not folded in yet
    (``pending_events``; the due times as recorded in the payload, when it has them). The two
    ranges (new ids, recent times) are read through their own indexes and the subject type
    compared on those few rows here: asked in SQL, SQLite walks the subject index over every
    event of the ledger instead (tens of milliseconds on every statistics page)."""
    since = Q(pk__gt=current.last_event_id)
    if current.refreshed_at is not None:
        since |= Q(at__gte=current.refreshed_at - _grace())
    rows = (
        Event.objects.filter(since)
        .order_by()
        .values_list(
            "subject_type", "subject_id", "at", "payload__due_before", "payload__due_after"
        )
    )
    for subject_type, code, at, before, after in rows.iterator(chunk_size=2000):
        if subject_type == "dossier":
            yield code, at, before, after


def pending_days(current: AggregateState | None = None) -> set[dt.date] | None:
    """Days touched by dossier events not folded in yet; None when too many to list."""
    current = current or state()
    seen: set[str] = set()
    for code, *_ in _pending_dossier_events(current):
        seen.add(code)
        if len(seen) > MAX_PENDING_EVENTS:
            return None
    codes = sorted(seen)
    days: set[dt.date] = set()
    for chunk in range(0, len(codes), 5000):
        rows = Dossier.objects.filter(code__in=codes[chunk : chunk + 5000]).values_list(
            "received_at", "finished_at"
        )
        for received, finished in rows:
            for value in (received, finished):
                if value is not None:
                    days.add(timezone.localtime(value, VN_TZ).date())
    return days


# ---------------------------------------------------------------- reading


def _days_in(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date, bool]:
    """First and last whole local days of ``[start, end)``; whether ``end`` cuts a day."""
    first = timezone.localtime(start, VN_TZ).date()
    local_end = timezone.localtime(end, VN_TZ)
    partial = local_end.time() != dt.time()
    last = local_end.date() - dt.timedelta(days=1)
    return first, last, partial


def daily_counts(formula, start: dt.datetime, end: dt.datetime, filters: dict, pending: set,
                 months_until: dt.date | None = None):  # fmt: skip
    """(numerator, denominator) per unit from the aggregates plus the rows of pending days."""
    return daily_counts_many([formula], start, end, filters, pending, months_until)[formula.code]


def filtered(filters: dict):
    """The formulas' filters (field, procedure, applicant kind) on any queryset with those
    fields (the aggregates, the dossiers)."""

    def scope(qs):
        if filters.get("fields"):
            qs = qs.filter(procedure__field__code__in=filters["fields"])
        if filters.get("procedures"):
            qs = qs.filter(procedure__code__in=filters["procedures"])
        if filters.get("applicant_kind"):
            qs = qs.filter(applicant_kind=filters["applicant_kind"])
        return qs

    return scope


def daily_counts_many(formulas, start: dt.datetime, end: dt.datetime, filters: dict,
                      pending: set, months_until: dt.date | None = None) -> dict[str, dict]:  # fmt: skip
    """``daily_counts`` of several formulas with the same scope and window: the whole months
    rolled up (``months_until``) from ``MonthCount`` and the edge days from ``DailyCount``
    (one statement for all of them — a scorecard reads a dozen), then the rows of the days
    not folded in yet (one more statement): ``batch.daily_windows`` with one window."""
    from motcua.reporting.batch import daily_windows

    return daily_windows(formulas, [(start, end)], filters, pending, months_until)[0]


# ---------------------------------------------------------------- the public statistics table

TABLE_COLUMNS = ("received", "online", "finished", "finished_early", "finished_good",
                 "finished_late")  # fmt: skip


def stats_table(
    start: dt.datetime,
    end: dt.datetime,
    *,
    by: str,
    unit_ids=None,
    procedure_ids=None,
) -> dict[int, dict[str, int]]:
    """Per competent unit id (``by="unit"``) or field id (``by="field"``): dossiers received
    (online among them), ended (early / early or on time / late) in ``[start, end)`` and still
    open at ``end``. Whole days come from ``DailyCount``; the days touched since the last
    catch-up and a partial last day are counted from the rows with the very query that fills
    ``DailyCount``; the open dossiers from the ``OpenCount`` snapshot when it is current.
    Until the aggregates exist (or when the job is far behind) everything is counted from
    the rows, with the same definitions."""
    from motcua.catalog.models import Procedure
    from motcua.reporting.rollup import sums as rolled_sums

    field_of = dict(Procedure.objects.values_list("pk", "field_id")) if by == "field" else {}
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys((*TABLE_COLUMNS, "open"), 0))

    def keep(unit, procedure) -> bool:
        return (unit_ids is None or unit in unit_ids) and (
            procedure_ids is None or procedure in procedure_ids
        )

    def add_raw(lo: dt.datetime, hi: dt.datetime) -> None:
        for (_, unit, procedure, channel, _), counts in _counts_for(lo, hi).items():
            if not keep(unit, procedure):
                continue
            row = out[unit if by == "unit" else field_of.get(procedure)]
            for column in TABLE_COLUMNS:
                if column == "online":
                    row[column] += counts.get("received", 0) if channel == "online" else 0
                else:
                    row[column] += counts.get(column, 0)

    current = AggregateState.objects.order_by("pk").first()
    pending = pending_days(current) if current and current.refreshed_at else None
    if pending is None:
        add_raw(start, end)
        first_event = None
    else:
        first, last, partial = _days_in(start, end)
        skip = {d for d in pending if first <= d <= last}
        group = "unit_id" if by == "unit" else "procedure__field_id"
        annotations = {f"sum_{c}": Sum(c) for c in TABLE_COLUMNS if c != "online"}
        annotations["sum_online"] = Sum("received", filter=Q(channel="online"))
        rows = rolled_sums(first, last, skip, current.months_until,
                           scope=lambda qs: _scoped(qs, unit_ids, procedure_ids), group=group,
                           annotations=annotations)  # fmt: skip
        for row in rows:
            target = out[row[group]]
            for column in TABLE_COLUMNS:
                target[column] += row[f"sum_{column}"] or 0
        for lo_day, hi_day in _runs(skip):
            add_raw(local_day_bounds(lo_day)[0], local_day_bounds(hi_day)[1])
        if partial:
            midnight = local_day_bounds(timezone.localtime(end, VN_TZ).date())[0]
            add_raw(max(midnight, start), end)
        first_event = pending_event_day(current)
    _add_open(out, end, by=by, unit_ids=unit_ids, procedure_ids=procedure_ids,
              current=current if pending is not None else None, first_event=first_event)  # fmt: skip
    return dict(out)


def _scoped(qs, unit_ids, procedure_ids):
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if procedure_ids is not None:
        qs = qs.filter(procedure_id__in=procedure_ids)
    return qs


def _add_open(out, end, *, by, unit_ids, procedure_ids, current, first_event) -> None:
    """The dossiers open at ``end``: from the snapshot of the day before ``end`` when ``end``
    is a local midnight and the snapshot is current; in a running period from yesterday's
    snapshot plus today's changes (``rollup.open_now``); else from the rows."""
    from motcua.reporting.formulas import open_at
    from motcua.reporting.rollup import open_now, running_snapshot_day

    group = "unit_id" if by == "unit" else "procedure__field_id"
    if current is not None and snapshot_usable(current, end, first_event):
        day = timezone.localtime(end, VN_TZ).date() - dt.timedelta(days=1)
        qs = _scoped(OpenCount.objects.filter(day=day), unit_ids, procedure_ids)
        for row in qs.values(group).annotate(n=Sum("open")).order_by():
            out[row[group]]["open"] += row["n"] or 0
        return
    rows_group = "competent_unit_id" if by == "unit" else "procedure__field_id"

    def rows_scope(qs):
        if unit_ids is not None:
            qs = qs.filter(competent_unit_id__in=unit_ids)
        if procedure_ids is not None:
            qs = qs.filter(procedure_id__in=procedure_ids)
        return qs

    day = running_snapshot_day(current, end, first_event) if current is not None else None
    if day is not None:
        counts = open_now(end, day, snapshot_scope=lambda qs: _scoped(qs, unit_ids, procedure_ids),
                          rows_scope=rows_scope, snapshot_group=group, rows_group=rows_group)  # fmt: skip
        for key, (n_open, _) in counts.items():
            out[key]["open"] += n_open
        return
    rows = rows_scope(Dossier.objects.filter(open_at(end)))
    for row in rows.values(rows_group).annotate(n=Count("pk")).order_by():
        out[row[rows_group]]["open"] += row["n"] or 0
