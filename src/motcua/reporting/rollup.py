"""The month roll-up of the daily aggregates, and the open dossiers of a running period.

``MonthCount`` holds, per closed local month, the sum of its ``DailyCount`` rows (same keys
but the day). The catch-up (``services.aggregates_catch_up``) re-sums a month from its daily
rows in the same transaction whenever it recounts one of that month's days, and rolls up each
month once it is over; a closed month's row therefore always equals the sum of its days.

Reading a window (``split``): the whole months inside it that are rolled up and hold no day
touched since the last catch-up come from ``MonthCount``; the days at its edges (and every day
of a month with a touched day) from ``DailyCount``; the touched days and today from the
dossier rows (``aggregates``). A year is 12 month rows per key instead of 365 day rows.

The open and overdue dossiers at ``end`` in a running period (``open_now``): yesterday's
snapshot (``OpenCount`` at the last midnight M) plus today's changes. A dossier's state can
differ between M and ``end`` only if one of its times falls in between: received, ended,
closed, paused or resumed (each one a dossier event recorded then, or a received / finished
time, both indexed) or its due time passed (``due_at`` in [M, end)). Those few dossiers are
counted at both moments from their rows; the difference is added to the snapshot. Every other
dossier is in the same state at M and at ``end``, so the sum equals the rows' count at ``end``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone

from motcua.core.formats import VN_TZ
from motcua.core.periods import month_of, months_between, next_month
from motcua.dossiers.models import Dossier
from motcua.ledger.models import Event
from motcua.reporting.models import AggregateState, DailyCount, MonthCount, OpenCount

COLUMNS = (
    "received", "received_fee", "received_paid_online", "received_digitized", "finished",
    "finished_good", "finished_early", "finished_late", "finished_approved",
    "finished_result_file", "finished_no_late_entry",
)  # fmt: skip
KEYS = ("unit_id", "procedure_id", "channel", "applicant_kind")


# ---------------------------------------------------------------- writing


def roll_up(months) -> int:
    """Re-sum the given months from their daily rows (delete, then one ``INSERT … SELECT …
    GROUP BY`` per month: ``rebuild.insert_months``); returns the rows written."""
    from motcua.reporting.rebuild import insert_months

    months = sorted(set(months))
    for month in months:
        MonthCount.objects.filter(month=month).delete()
    return insert_months(months)


def months_to_roll(since: dt.date | None, recounted_days, today: dt.date) -> set[dt.date]:
    """Closed months (before today's) whose sums may have changed: those of recounted days,
    and those closed after ``since`` (the last month rolled up; every month with daily rows
    when None)."""
    this_month = month_of(today)
    months = {month_of(d) for d in recounted_days if month_of(d) < this_month}
    if since is None:
        first = DailyCount.objects.order_by("day").values_list("day", flat=True).first()
        month = month_of(first) if first else this_month
    else:
        month = next_month(since)
    while month < this_month:
        months.add(month)
        month = next_month(month)
    return months


# ---------------------------------------------------------------- reading


def split(first: dt.date, last: dt.date, skip: set, months_until: dt.date | None):
    """The whole days ``[first, last]`` of a window as (months read from ``MonthCount``,
    runs of days read from ``DailyCount``): a month is taken whole when it lies inside the
    window, is rolled up (≤ ``months_until``) and none of its days is in ``skip``."""
    months: list[dt.date] = []
    if months_until is not None and first <= last:
        touched = {month_of(d) for d in skip}
        for month in months_between(first, last):
            end = next_month(month) - dt.timedelta(days=1)
            if month >= first and end <= last and month <= months_until and month not in touched:
                months.append(month)
    runs, day = [], first
    covered = set(months)
    while day <= last:
        month = month_of(day)
        if month in covered:
            day = next_month(month)
            continue
        stop = min(last, next_month(month) - dt.timedelta(days=1))
        if runs and runs[-1][1] == day - dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], stop)
        else:
            runs.append((day, stop))
        day = stop + dt.timedelta(days=1)
    return months, runs


def querysets(first, last, skip, months_until, *, scope, group: str, annotations) -> list:
    """The grouped querysets ``sums`` runs: one over the window's whole months in
    ``MonthCount``, one over its edge days in ``DailyCount`` (either may be absent)."""
    months, runs = split(first, last, skip, months_until)
    out: list = []
    if months:
        qs = scope(MonthCount.objects.filter(month__in=months))
        out.append(qs.values(group).annotate(**annotations).order_by())
    if runs:
        where = Q()
        for a, b in runs:
            where |= Q(day__gte=a, day__lte=b)
        qs = scope(DailyCount.objects.filter(where))
        if skip:
            qs = qs.exclude(day__in=sorted(skip))
        out.append(qs.values(group).annotate(**annotations).order_by())
    return out


def sums(first, last, skip, months_until, *, scope, group: str, annotations) -> list[dict]:
    """Rows grouped by ``group`` (a ``DailyCount`` / ``MonthCount`` field) of the window's
    whole days minus ``skip``: one query over the months, one over the edge days. ``scope``
    filters either queryset (unit, procedure, field, applicant kind); ``annotations`` maps a
    name to an aggregate over the count columns (same names in both tables)."""
    out: list[dict] = []
    for qs in querysets(first, last, skip, months_until, scope=scope, group=group,
                        annotations=annotations):  # fmt: skip
        out += list(qs)
    return out


# ---------------------------------------------------------------- open dossiers, running period


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=VN_TZ)


def running_snapshot_day(current: AggregateState | None, end: dt.datetime, first_event):
    """The day whose end-of-day snapshot ``open_now`` starts from for a window ending at
    ``end`` (not a midnight): the last day before ``end``'s that has a snapshot, provided no
    event not folded in yet is dated on or before it. None when there is none."""
    if current is None or current.open_until is None:
        return None
    day = min(current.open_until, timezone.localtime(end, VN_TZ).date() - dt.timedelta(days=1))
    if first_event is not None and first_event <= day:
        return None
    return day


def _changed_since(midnight: dt.datetime, end: dt.datetime) -> set[int]:
    """Ids of the dossiers whose open / overdue state may differ between ``midnight`` and
    ``end``: an event recorded since, received or ended since, or due in between."""
    codes = (
        Event.objects.filter(subject_type="dossier", at__gte=midnight)
        .order_by()
        .values_list("subject_id", flat=True)
        .distinct()
    )
    ids: set[int] = set()
    codes = list(codes)
    for chunk in range(0, len(codes), 5000):
        ids.update(
            Dossier.objects.filter(code__in=codes[chunk : chunk + 5000])
            .order_by()
            .values_list("pk", flat=True)
        )
    statuses = [value for value, _ in Dossier._meta.get_field("status").choices]
    for where in (
        Q(received_at__gte=midnight),
        Q(finished_at__gte=midnight),
        # every status listed: the (status, due_at) index serves the range
        Q(status__in=statuses, due_at__gte=midnight, due_at__lt=end),
    ):
        # no ORDER BY (the model's default ordering made PostgreSQL walk the ordering index
        # over every row instead of this range: 2 s at 8 million dossiers)
        ids.update(Dossier.objects.filter(where).order_by().values_list("pk", flat=True))
    return ids


def open_now(end: dt.datetime, day: dt.date, *, snapshot_scope, rows_scope, snapshot_group: str,
             rows_group: str) -> dict:  # fmt: skip
    """{group: [open, overdue]} at ``end``: the snapshot of ``day`` (``OpenCount``, scoped
    and grouped by the ``snapshot_*`` arguments) plus, for the dossiers changed since its
    midnight, their state at ``end`` minus their state then (``rows_*``: the same scope and
    group on ``Dossier``)."""
    from motcua.reporting.formulas import open_at, overdue_at

    midnight = _midnight(day + dt.timedelta(days=1))
    out: dict = defaultdict(lambda: [0, 0])
    base = snapshot_scope(OpenCount.objects.filter(day=day))
    for row in base.values(snapshot_group).annotate(o=Sum("open"), d=Sum("overdue")).order_by():
        out[row[snapshot_group]][0] += row["o"] or 0
        out[row[snapshot_group]][1] += row["d"] or 0
    ids = sorted(_changed_since(midnight, end))
    for chunk in range(0, len(ids), 5000):
        rows = (
            rows_scope(Dossier.objects.filter(pk__in=ids[chunk : chunk + 5000]))
            .values(rows_group)
            .annotate(
                open_end=Count("pk", filter=open_at(end)),
                late_end=Count("pk", filter=overdue_at(end)),
                open_then=Count("pk", filter=open_at(midnight)),
                late_then=Count("pk", filter=overdue_at(midnight)),
            )
            .order_by()
        )
        for row in rows:
            counts = out[row[rows_group]]
            counts[0] += row["open_end"] - row["open_then"]
            counts[1] += row["late_end"] - row["late_then"]
    return out
