"""Deadlines and working time in Vietnamese working hours: one at a time, or in batches.

Every deadline and every working-time duration in the platform comes from here. All inputs
and outputs are aware datetimes (outputs in Asia/Ho_Chi_Minh); ``unit`` is an
``organization.Unit`` (or its id) whose own weekly hours, or its nearest ancestor's, override
the province's. The rules, with worked examples, are in docs/deadlines.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import numpy as np

from motcua.core.errors import InvalidInput
from motcua.workcalendar import engine
from motcua.workcalendar.engine import HOURS_PER_DAY, N_DAYS, US_PER_HOUR, VN_TZ, hours_to_us
from motcua.workcalendar.errors import WorkcalendarError

Number = int | float | Decimal

clear_cache = engine.clear_cache


# ------------------------------------------------------------------ scalar arithmetic


def add_working_time(start: dt.datetime, hours: Number, *, unit=None) -> dt.datetime:
    """The earliest instant at which ``hours`` of working time have elapsed after ``start``.

    Time outside working hours does not count; a result that completes exactly at the end of a
    working period stays there (17:00, not the next morning). ``hours == 0`` returns ``start``.
    """
    cal = engine.get(unit)
    d, us = cal.split(start)
    amount = hours_to_us(hours)
    if amount == 0:
        return start.astimezone(VN_TZ)
    d2, us2 = cal.locate(cal.position(d, us) + amount)
    return cal.instant(d2, us2)


def due_at(received_at: dt.datetime, days: Number, *, unit=None) -> dt.datetime:
    """``add_working_time(received_at, days × 8 h)``; half days (0.5, 1.5 …) are allowed."""
    if isinstance(days, Decimal):
        hours: Number = days * HOURS_PER_DAY
    elif isinstance(days, int) and not isinstance(days, bool):
        hours = days * HOURS_PER_DAY
    else:
        try:
            hours = float(days) * HOURS_PER_DAY
        except (TypeError, ValueError):
            raise InvalidInput(
                "Số ngày không hợp lệ.", code=WorkcalendarError.DAYS_INVALID
            ) from None
    return add_working_time(received_at, hours, unit=unit)


def working_time_between(
    a: dt.datetime,
    b: dt.datetime,
    pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = (),
    *,
    unit=None,
) -> float:
    """Working hours from ``a`` to ``b`` minus the working time inside the pauses.

    A pause is ``(start, end)``; ``end`` None means still paused at ``b``. Pauses are clipped to
    [a, b] and merged, so overlapping pauses are not subtracted twice. ``b < a`` gives the
    negative of ``working_time_between(b, a, pauses)``.
    """
    cal = engine.get(unit)
    if b < a:
        return -working_time_between(b, a, pauses, unit=unit)
    pa = cal.position(*cal.split(a))
    pb = cal.position(*cal.split(b))
    total = pb - pa
    spans = []
    for p_start, p_end in pauses:
        s = cal.position(*cal.split(p_start))
        e = pb if p_end is None else cal.position(*cal.split(p_end))
        s, e = max(s, pa), min(e, pb)
        if e > s:
            spans.append((s, e))
    if spans:
        spans.sort()
        merged_start, merged_end = spans[0]
        for s, e in spans[1:]:
            if s > merged_end:
                total -= merged_end - merged_start
                merged_start, merged_end = s, e
            else:
                merged_end = max(merged_end, e)
        total -= merged_end - merged_start
    return total / US_PER_HOUR


def is_working_day(day: dt.date | dt.datetime, *, unit=None) -> bool:
    """Whether ``day`` (a date, or an aware datetime's local date) has working hours."""
    cal = engine.get(unit)
    if isinstance(day, dt.datetime):
        d, _ = cal.split(day)
    else:
        d = day.toordinal() - engine.BASE_ORD
        if not 0 <= d < N_DAYS:
            raise engine.out_of_range(day)
    return cal.is_working(d)


def next_working_instant(t: dt.datetime, *, unit=None) -> dt.datetime:
    """The first working instant at or after ``t`` (periods are [start, end): 17:00 → next
    working morning, 11:45 → 13:00, 06:00 on a working day → 07:30)."""
    cal = engine.get(unit)
    d, us = cal.split(t)
    for a, b in cal.patterns[cal.pat[d]]:
        if us < b:
            return t.astimezone(VN_TZ) if us >= a else cal.instant(d, a)
    nxt = cal.next_working[d + 1] if d + 1 < N_DAYS else N_DAYS
    if nxt >= N_DAYS:
        raise engine.out_of_range(t)
    return cal.instant(nxt, cal.patterns[cal.pat[nxt]][0][0])


# the kinds of time limit ``deadline_for`` computes (the values of catalog ``TimeLimitKind``)
DEADLINE_KINDS = ("working_days", "calendar_days", "hours", "same_day", "none")


def deadline_for(start: dt.datetime, *, kind: str, amount: Number, unit=None) -> dt.datetime | None:
    """The due time of a procedure time limit of ``kind`` (catalog ``TimeLimitKind``).

    working_days → ``due_at``; hours → ``add_working_time``; calendar_days → the local date
    plus ``amount`` days, moved to the next working day if it is a day off, at that day's
    closing time; same_day → closing time of the day of receipt if received on a working day
    no later than the cut-off (15:00), else of the next working day; none → None.
    """
    if kind == "none":
        return None
    if kind == "working_days":
        return due_at(start, amount, unit=unit)
    if kind == "hours":
        return add_working_time(start, amount, unit=unit)
    cal = engine.get(unit)
    d, us = cal.split(start)
    if kind == "calendar_days":
        days_us = hours_to_us(amount if isinstance(amount, Decimal) else float(amount)) * 24
        local = start.astimezone(VN_TZ).replace(tzinfo=None)
        target = (local + dt.timedelta(microseconds=days_us)).date()
        d2 = target.toordinal() - engine.BASE_ORD
        if not 0 <= d2 < N_DAYS or cal.next_working[d2] >= N_DAYS:
            raise engine.out_of_range(target)
        return cal.close_of(cal.next_working[d2])
    if kind == "same_day":
        if cal.is_working(d) and us <= cal.cutoff[d]:
            return cal.close_of(d)
        nxt = cal.next_working[d + 1] if d + 1 < N_DAYS else N_DAYS
        if nxt >= N_DAYS:
            raise engine.out_of_range(start)
        return cal.close_of(nxt)
    raise InvalidInput(
        f"Loại thời hạn '{kind}' không hợp lệ ({', '.join(DEADLINE_KINDS)}).",
        code=WorkcalendarError.TIME_LIMIT_KIND_INVALID,
    )


# ------------------------------------------------------------------ batch arithmetic


def _to_utc_us(starts) -> np.ndarray:
    arr = np.asarray(starts)
    if arr.dtype == object:
        utc = dt.UTC
        out = np.empty(arr.shape, dtype="datetime64[us]")
        flat = out.reshape(-1)
        for i, value in enumerate(arr.reshape(-1)):
            if value.tzinfo is None:
                raise InvalidInput(
                    "Thời điểm phải có múi giờ.", code=WorkcalendarError.NAIVE_DATETIME
                )
            flat[i] = np.datetime64(value.astimezone(utc).replace(tzinfo=None), "us")
        arr = out
    if not np.issubdtype(arr.dtype, np.datetime64):
        raise InvalidInput("Mảng thời điểm không hợp lệ.", code=WorkcalendarError.DATETIMES_INVALID)
    return arr.astype("datetime64[us]").astype(np.int64)


def _hours_array_to_us(hours) -> np.ndarray:
    arr = np.asarray(hours)
    if arr.dtype == object:
        arr = np.array([engine.hours_to_us(h) for h in arr.reshape(-1)], dtype=np.int64).reshape(
            arr.shape
        )
    else:
        arr = np.rint(arr.astype(np.float64) * US_PER_HOUR).astype(np.int64)
    if arr.size and arr.min() < 0:
        raise InvalidInput(
            "Số giờ, số ngày không được âm.", code=WorkcalendarError.NEGATIVE_DURATION
        )
    return arr


def _split_many(cal, utc_us: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    local = utc_us + engine.VN_OFFSET_US
    days = local // engine.US_PER_DAY
    us = local - days * engine.US_PER_DAY
    d = days - engine.BASE_EPOCH_DAYS
    if d.size and (d.min() < 0 or d.max() >= N_DAYS):
        raise InvalidInput(
            "Có thời điểm nằm ngoài phạm vi lịch.", code=WorkcalendarError.CALENDAR_OUT_OF_RANGE
        )
    return d, us


def _position_many(cal, d: np.ndarray, us: np.ndarray) -> np.ndarray:
    p = cal.np_pat[d]
    pa, pb = cal.pa[p], cal.pb[p]
    within = np.clip(us[..., None] - pa, 0, pb - pa).sum(axis=-1)
    return cal.np_cum[d] + within


def add_working_time_many(starts, hours, *, unit=None) -> np.ndarray:
    """Vectorised ``add_working_time``: ``starts`` as datetime64 (UTC, NumPy's convention) or
    aware datetimes, ``hours`` broadcast against them. Returns datetime64[us] in UTC."""
    cal = engine.get(unit)
    utc_us = _to_utc_us(starts)
    amount = _hours_array_to_us(hours)
    utc_us, amount = np.broadcast_arrays(utc_us, amount)
    d, us = _split_many(cal, utc_us)
    target = _position_many(cal, d, us) + amount
    d2 = np.searchsorted(cal.np_cum_end, target, side="left")
    if d2.size and d2.max() >= N_DAYS:
        raise InvalidInput(
            "Thời hạn vượt quá phạm vi lịch.", code=WorkcalendarError.CALENDAR_OUT_OF_RANGE
        )
    rest = target - cal.np_cum[d2]
    p2 = cal.np_pat[d2]
    pcl = cal.pcl[p2]
    j = (pcl < rest[..., None]).sum(axis=-1)
    j = np.minimum(j, pcl.shape[-1] - 1)
    start_j = np.take_along_axis(cal.pa[p2], j[..., None], axis=-1)[..., 0]
    before_j = (
        np.take_along_axis(pcl, j[..., None], axis=-1)[..., 0]
        - (np.take_along_axis(cal.pb[p2] - cal.pa[p2], j[..., None], axis=-1)[..., 0])
    )
    local = (d2 + engine.BASE_EPOCH_DAYS) * engine.US_PER_DAY + start_j + (rest - before_j)
    result = np.where(amount == 0, utc_us, local - engine.VN_OFFSET_US)
    return result.astype("datetime64[us]")


def due_at_many(starts, hours, *, unit=None) -> np.ndarray:
    """Batch due times: ``add_working_time`` for each (start, working hours) pair.

    Named as the issue names it; ``hours`` are working hours (multiply days by
    ``HOURS_PER_DAY``). See ``due_date_many`` for day-granularity due dates.
    """
    return add_working_time_many(starts, hours, unit=unit)


def working_time_between_many(a, b, *, unit=None) -> np.ndarray:
    """Vectorised ``working_time_between`` without pauses (hours, float64)."""
    cal = engine.get(unit)
    ua, ub = np.broadcast_arrays(_to_utc_us(a), _to_utc_us(b))
    pa = _position_many(cal, *_split_many(cal, ua))
    pb = _position_many(cal, *_split_many(cal, ub))
    return (pb - pa) / US_PER_HOUR


def _day_index(dates) -> np.ndarray:
    arr = np.asarray(dates)
    if arr.dtype == object:
        arr = np.array(arr, dtype="datetime64[D]")
    idx = (arr.astype("datetime64[D]") - np.datetime64(engine.FIRST_DAY, "D")).astype(np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= N_DAYS):
        raise InvalidInput(
            "Có ngày nằm ngoài phạm vi lịch.", code=WorkcalendarError.CALENDAR_OUT_OF_RANGE
        )
    return idx


def is_working_day_many(dates, *, unit=None) -> np.ndarray:
    """Vectorised ``is_working_day`` over datetime64[D] (or dates)."""
    return engine.get(unit).working[_day_index(dates)]


def due_date_many(dates, days, *, unit=None) -> np.ndarray:
    """Day-granularity due dates: the ``days``-th working day after each date, a day off first
    rolling forward to the next working day — ``numpy.busday_offset(dates, days,
    roll="forward")`` semantics, but with make-up working days. Returns datetime64[D]."""
    cal = engine.get(unit)
    idx = _day_index(dates)
    offsets = np.asarray(days)
    if offsets.dtype.kind not in "iu":
        raise InvalidInput("Số ngày phải là số nguyên.", code=WorkcalendarError.DAYS_INVALID)
    if offsets.size and offsets.min() < 0:
        raise InvalidInput("Số ngày không được âm.", code=WorkcalendarError.NEGATIVE_DURATION)
    rank = cal.count_before[idx] + offsets
    if rank.size and rank.max() >= len(cal.working_dates):
        raise InvalidInput(
            "Thời hạn vượt quá phạm vi lịch.", code=WorkcalendarError.CALENDAR_OUT_OF_RANGE
        )
    return cal.working_dates[rank]
