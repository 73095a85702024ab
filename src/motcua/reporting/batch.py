"""Counting several windows (or several formulas) in one round trip.

A scorecard with a trend asks each formula for five periods; a running period adds, per
formula, the rows of the days not folded in yet. Each of those is a small grouped query
(3–15 ms on a shared 2-core machine, mostly fixed cost), so they are sent together:

- ``union_counts``: grouped ``(key, numerator, denominator)`` querysets run as one
  ``UNION ALL`` statement, each branch tagged with its position.
- ``daily_windows``: the daily formulas of one scope over several windows — every window's
  ``MonthCount`` and ``DailyCount`` query in one statement, then the rows of each window's
  days not folded in yet (every formula and window in one more statement).
- ``counts_windows``: a population formula (ratings, catalog) over several windows.
- ``open_counts_days``: the open-at-end snapshots of several days in one query.

Every figure is the one the single-window path gives (``aggregates.daily_counts_many``,
``Formula.counts``, ``aggregates.open_counts``): the same querysets, only batched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.utils import timezone

from motcua.core.formats import VN_TZ

Window = tuple[dt.datetime, dt.datetime]


def union_counts(querysets: list[QuerySet]) -> list[list[dict]]:
    """The rows of each grouped queryset (same columns in the same order), read with one
    ``UNION ALL`` statement; ``[rows of querysets[0], rows of querysets[1], …]``."""
    out: list[list[dict]] = [[] for _ in querysets]
    if not querysets:
        return out
    tagged = [
        qs.annotate(w=Value(i, output_field=IntegerField())).order_by()
        for i, qs in enumerate(querysets)
    ]
    query = tagged[0].union(*tagged[1:], all=True) if len(tagged) > 1 else tagged[0]
    for row in query:
        out[row["w"]].append(row)
    return out


def _grouped(qs: QuerySet, group: str, numerator: Q | None) -> QuerySet:
    return qs.values(k=F(group)).annotate(
        den=Count("pk"), num=Count("pk", filter=numerator) if numerator is not None else Count("pk")
    )


def counts_windows(formula, windows: list[Window], filters: dict) -> list[dict]:
    """``formula.counts`` for each window, in one statement (population formulas)."""
    querysets = [
        _grouped(formula.population(s, e, filters), formula.group, formula.numerator(s, e))
        for s, e in windows
    ]
    return [{r["k"]: (r["num"], r["den"]) for r in rows} for rows in union_counts(querysets)]


def daily_windows(formulas, windows: list[Window], filters: dict, pending: set,
                  months_until: dt.date | None) -> list[dict[str, dict]]:  # fmt: skip
    """``aggregates.daily_counts_many`` for each window: {formula code: {unit: (num, den)}}
    per window, in two statements whatever the number of windows."""
    from motcua.reporting.aggregates import _days_in, filtered, local_day_bounds
    from motcua.reporting.rollup import querysets as rolled_querysets

    annotations: dict = {}
    names: dict[str, str] = {}  # one SUM per distinct column and filter (12 for 18 uses)
    columns: list[tuple[str, str]] = []  # (numerator, denominator) alias of each formula

    def alias(field: str, where: Q | None) -> str:
        key = f"{field}|{where!r}"
        if key not in names:
            names[key] = f"s{len(names)}"
            annotations[names[key]] = Sum(field, filter=where)
        return names[key]

    for formula in formulas:
        den_field, num_field, num_filter, _ = formula.daily
        columns.append((alias(num_field, num_filter), alias(den_field, None)))
    scope = filtered(filters)
    out: list[dict[str, dict]] = []
    aggregate_qs: list[tuple[int, QuerySet]] = []
    raw_qs: list[tuple[int, str, QuerySet]] = []
    for w, (start, end) in enumerate(windows):
        out.append({f.code: defaultdict(lambda: [0, 0]) for f in formulas})
        first, last, partial = _days_in(start, end)
        skip = sorted(d for d in pending if first <= d <= last)
        for qs in rolled_querysets(first, last, set(skip), months_until, scope=scope,
                                   group="unit_id", annotations=annotations):  # fmt: skip
            aggregate_qs.append((w, qs))
        for formula in formulas:
            basis = formula.daily[3]
            raw_q = Q()
            for day in skip:
                lo, hi = local_day_bounds(day)
                raw_q |= Q(**{f"{basis}__gte": lo, f"{basis}__lt": hi})
            if partial:
                midnight = dt.datetime.combine(
                    timezone.localtime(end, VN_TZ).date(), dt.time(), tzinfo=VN_TZ
                )
                raw_q |= Q(**{f"{basis}__gte": max(midnight, start), f"{basis}__lt": end})
            if raw_q:
                population = formula.population(start, end, filters).filter(raw_q)
                raw_qs.append(
                    (w, formula.code,
                     _grouped(population, formula.group, formula.numerator(start, end)))
                )  # fmt: skip
    for (w, _), rows in zip(
        aggregate_qs, union_counts([qs for _, qs in aggregate_qs]), strict=True
    ):
        for row in rows:
            for formula, (num, den) in zip(formulas, columns, strict=True):
                counts = out[w][formula.code][row["unit_id"]]
                counts[0] += row[num] or 0
                counts[1] += row[den] or 0
    for (w, code, _), rows in zip(raw_qs, union_counts([qs for _, _, qs in raw_qs]), strict=True):
        for row in rows:
            counts = out[w][code][row["k"]]
            counts[0] += row["num"]
            counts[1] += row["den"]
    return [
        {code: {k: (v[0], v[1]) for k, v in counts.items()} for code, counts in window.items()}
        for window in out
    ]


def open_counts_days(ends: list[dt.datetime], filters: dict) -> list[dict]:
    """``aggregates.open_counts`` at each of ``ends`` (local midnights) in one query."""
    from motcua.reporting.aggregates import filtered
    from motcua.reporting.models import OpenCount

    days = [timezone.localtime(end, VN_TZ).date() - dt.timedelta(days=1) for end in ends]
    out: dict[dt.date, dict] = {day: {} for day in days}
    qs = filtered(filters)(OpenCount.objects.filter(day__in=sorted(set(days))))
    rows = qs.values("day", "unit_id").annotate(o=Sum("open"), d=Sum("overdue")).order_by()
    for row in rows:
        out[row["day"]][row["unit_id"]] = [row["o"] or 0, row["d"] or 0]
    return [out[day] for day in days]
