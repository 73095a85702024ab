"""The compiled calendar: working time as a monotone function of the instant.

For every local day ``d`` of [FIRST_DAY, LAST_DAY] the calendar knows its working periods
(microseconds after local midnight, Asia/Ho_Chi_Minh) and ``cum[d]``, the working time before
that day. The working-time position of an instant is ``W(t) = cum[d] + worked(d, t)``; then

* ``working_time_between(a, b) = W(b) - W(a)``;
* ``add_working_time(s, h)`` is the *earliest* instant ``t`` with ``W(t) >= W(s) + h``
  (so a deadline that completes exactly at 17:00 stays at 17:00).

Scalar paths use plain Python lists (bisect); batch paths use the same arrays through NumPy.
A compiled calendar is cached per schedule owner and dropped when calendar data changes
(signals in this process, a cheap change stamp re-read every few seconds for the others).
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

from motcua.core.errors import InvalidInput
from motcua.core.formats import VN_TZ
from motcua.workcalendar.errors import WorkcalendarError

VN_OFFSET_US = 7 * 3_600_000_000  # fixed UTC+7 since 1975; the compiled range starts later
FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2079, 12, 31)
BASE_ORD = FIRST_DAY.toordinal()
N_DAYS = LAST_DAY.toordinal() - BASE_ORD + 1
EPOCH_ORD = dt.date(1970, 1, 1).toordinal()
BASE_EPOCH_DAYS = BASE_ORD - EPOCH_ORD  # FIRST_DAY as days since 1970-01-01
US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000
HOURS_PER_DAY = 8  # one working day = 8 working hours (Labour Code art. 105)
CHECK_SECONDS = 3.0  # how often another process's calendar edits are looked for

DEFAULT_PERIODS = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(17, 0)))
DEFAULT_WEEKDAYS = (0, 1, 2, 3, 4)
DEFAULT_CUTOFF = dt.time(15, 0)


def _us(t: dt.time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def out_of_range(value) -> InvalidInput:
    return InvalidInput(
        f"Thời điểm {value} nằm ngoài phạm vi lịch làm việc "
        f"({FIRST_DAY:%d/%m/%Y}–{LAST_DAY:%d/%m/%Y}).",
        code=WorkcalendarError.CALENDAR_OUT_OF_RANGE,
    )


def hours_to_us(hours) -> int:
    """Working hours (int, float or Decimal, not negative) → whole microseconds."""
    if isinstance(hours, bool):
        raise InvalidInput("Số giờ không hợp lệ.", code=WorkcalendarError.HOURS_INVALID)
    if isinstance(hours, Decimal):
        if not hours.is_finite():
            raise InvalidInput("Số giờ không hợp lệ.", code=WorkcalendarError.HOURS_INVALID)
        us = int((hours * US_PER_HOUR).to_integral_value(ROUND_HALF_EVEN))
    elif isinstance(hours, int):
        us = hours * US_PER_HOUR
    else:
        try:
            value = float(hours)
        except (TypeError, ValueError):
            raise InvalidInput(
                "Số giờ không hợp lệ.", code=WorkcalendarError.HOURS_INVALID
            ) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidInput("Số giờ không hợp lệ.", code=WorkcalendarError.HOURS_INVALID)
        us = round(value * US_PER_HOUR)
    if us < 0:
        raise InvalidInput(
            "Số giờ, số ngày không được âm.", code=WorkcalendarError.NEGATIVE_DURATION
        )
    return us


@dataclass
class Segment:
    """Weekly hours in force from ``start`` (a day index)."""

    start: int
    periods: dict[int, tuple[tuple[int, int], ...]]  # weekday → ((start_us, end_us), ...)
    cutoff_us: int

    @property
    def standard(self) -> tuple[tuple[int, int], ...]:
        """The periods of a make-up working day: those of the first working weekday."""
        for weekday in range(7):
            if self.periods.get(weekday):
                return self.periods[weekday]
        return ()


@dataclass
class Compiled:
    """One calendar (the province's, or a unit's override) compiled over the whole range."""

    patterns: list[tuple[tuple[int, int], ...]]
    pat: list[int]  # pattern index of each day
    cum: list[int]  # working µs before each day (len N_DAYS + 1)
    cum_end: list[int]  # working µs up to the end of each day
    cutoff: list[int]  # same-day cut-off of each day's segment
    next_working: list[int]  # first working day index >= d (N_DAYS if none)
    np_pat: np.ndarray = field(repr=False)
    np_cum: np.ndarray = field(repr=False)
    np_cum_end: np.ndarray = field(repr=False)
    pa: np.ndarray = field(repr=False)  # (n_patterns, P) interval starts
    pb: np.ndarray = field(repr=False)  # (n_patterns, P) interval ends
    pcl: np.ndarray = field(repr=False)  # (n_patterns, P) cumulative lengths (inclusive)
    working: np.ndarray = field(repr=False)  # bool per day
    count_before: np.ndarray = field(repr=False)  # working days before each day (N_DAYS + 1)
    working_dates: np.ndarray = field(repr=False)  # datetime64[D] of every working day

    # ---------------------------------------------------------------- scalar helpers
    def split(self, t: dt.datetime) -> tuple[int, int]:
        if t.tzinfo is None or t.utcoffset() is None:
            raise InvalidInput(
                "Thời điểm phải có múi giờ (ví dụ 2026-02-13T16:00:00+07:00).",
                code=WorkcalendarError.NAIVE_DATETIME,
            )
        lt = t.astimezone(VN_TZ)
        d = lt.toordinal() - BASE_ORD
        if not 0 <= d < N_DAYS:
            raise out_of_range(t)
        return d, ((lt.hour * 60 + lt.minute) * 60 + lt.second) * 1_000_000 + lt.microsecond

    def position(self, d: int, us: int) -> int:
        done = self.cum[d]
        for a, b in self.patterns[self.pat[d]]:
            if us <= a:
                break
            done += (us if us < b else b) - a
        return done

    def instant(self, d: int, us: int) -> dt.datetime:
        return (dt.datetime.fromordinal(BASE_ORD + d) + dt.timedelta(microseconds=us)).replace(
            tzinfo=VN_TZ
        )

    def locate(self, target: int) -> tuple[int, int]:
        """The earliest (day, µs) at which the working-time position reaches ``target`` > 0."""
        d = bisect.bisect_left(self.cum_end, target)
        if d >= N_DAYS:
            raise InvalidInput(
                f"Thời hạn vượt quá phạm vi lịch làm việc (sau {LAST_DAY:%d/%m/%Y}).",
                code=WorkcalendarError.CALENDAR_OUT_OF_RANGE,
            )
        rest = target - self.cum[d]
        for a, b in self.patterns[self.pat[d]]:
            if rest <= b - a:
                return d, a + rest
            rest -= b - a
        raise AssertionError("unreachable: cum_end guarantees the day holds the target")

    def close_of(self, d: int) -> dt.datetime:
        return self.instant(d, self.patterns[self.pat[d]][-1][1])

    def is_working(self, d: int) -> bool:
        return bool(self.patterns[self.pat[d]])


def compile_calendar(segments: list[Segment], exceptions: dict[int, str]) -> Compiled:
    """Build a calendar from weekly-hour segments (sorted by start) and {day index: kind}."""
    if not segments:
        segments = [default_segment()]
    patterns: list[tuple[tuple[int, int], ...]] = [()]
    index: dict[tuple, int] = {(): 0}

    def pattern_id(periods: tuple[tuple[int, int], ...]) -> int:
        if periods not in index:
            index[periods] = len(patterns)
            patterns.append(periods)
        return index[periods]

    weekday = (np.arange(N_DAYS) + FIRST_DAY.weekday()) % 7
    pat = np.zeros(N_DAYS, dtype=np.int32)
    cutoff = np.zeros(N_DAYS, dtype=np.int64)
    starts = [max(0, s.start) for s in segments]
    starts[0] = 0
    seg_of_day = np.searchsorted(np.array(starts), np.arange(N_DAYS), side="right") - 1
    for i, seg in enumerate(segments):
        mask_seg = seg_of_day == i
        cutoff[mask_seg] = seg.cutoff_us
        for wd in range(7):
            pat[mask_seg & (weekday == wd)] = pattern_id(seg.periods.get(wd, ()))
    for d, kind in exceptions.items():
        if not 0 <= d < N_DAYS:
            continue
        if kind == "makeup":
            seg = segments[int(seg_of_day[d])]
            if not patterns[pat[d]]:
                pat[d] = pattern_id(seg.standard)
        else:
            pat[d] = 0
    totals = np.array([sum(b - a for a, b in p) for p in patterns], dtype=np.int64)
    day_total = totals[pat]
    cum = np.zeros(N_DAYS + 1, dtype=np.int64)
    np.cumsum(day_total, out=cum[1:])
    working = day_total > 0
    count_before = np.zeros(N_DAYS + 1, dtype=np.int64)
    np.cumsum(working, out=count_before[1:])
    working_idx = np.flatnonzero(working)
    next_working = np.full(N_DAYS + 1, N_DAYS, dtype=np.int64)
    # next working day >= d: the working day whose rank is count_before[d]
    has_next = count_before[:N_DAYS] < len(working_idx)
    next_working[:N_DAYS][has_next] = working_idx[count_before[:N_DAYS][has_next]]
    width = max(1, max(len(p) for p in patterns))
    pa = np.zeros((len(patterns), width), dtype=np.int64)
    pb = np.zeros((len(patterns), width), dtype=np.int64)
    for i, p in enumerate(patterns):
        for j, (a, b) in enumerate(p):
            pa[i, j], pb[i, j] = a, b
        for j in range(len(p), width):  # padding: empty intervals at the day's end
            last = p[-1][1] if p else 0
            pa[i, j] = pb[i, j] = last
    pcl = np.cumsum(pb - pa, axis=1)
    working_dates = np.datetime64(FIRST_DAY, "D") + working_idx.astype("timedelta64[D]")
    return Compiled(
        patterns=patterns,
        pat=pat.tolist(),
        cum=cum.tolist(),
        cum_end=cum[1:].tolist(),
        cutoff=cutoff.tolist(),
        next_working=next_working.tolist(),
        np_pat=pat,
        np_cum=cum,
        np_cum_end=cum[1:].copy(),
        pa=pa,
        pb=pb,
        pcl=pcl,
        working=working,
        count_before=count_before,
        working_dates=working_dates,
    )


def default_segment() -> Segment:
    periods = tuple((_us(a), _us(b)) for a, b in DEFAULT_PERIODS)
    return Segment(
        start=0, periods=dict.fromkeys(DEFAULT_WEEKDAYS, periods), cutoff_us=_us(DEFAULT_CUTOFF)
    )


# -------------------------------------------------------------------- cache


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.compiled: dict[int | None, Compiled] = {}
        self.owner_of_unit: dict[int, int | None] = {}
        self.schedule_owners: set[int] | None = None
        self.stamp: tuple | None = None
        self.next_check = 0.0

    def clear(self) -> None:
        with self.lock:
            self.compiled = {}
            self.owner_of_unit = {}
            self.schedule_owners = None
            self.stamp = None
            self.next_check = 0.0


CACHE = _Cache()


def clear_cache() -> None:
    """Forget every compiled calendar (called when calendar data changes)."""
    CACHE.clear()


def _stamp() -> tuple:
    from django.db.models import Count, Max

    from motcua.workcalendar.models import CalendarException, WorkPeriod, WorkSchedule

    ex = CalendarException.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    ws = WorkSchedule.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    wp = WorkPeriod.objects.aggregate(n=Count("id"), m=Max("id"))
    return (ex["n"], ex["m"], ws["n"], ws["m"], wp["n"], wp["m"])


def _check(now: float) -> None:
    stamp = _stamp()
    if stamp != CACHE.stamp:
        CACHE.clear()
        CACHE.stamp = stamp
    CACHE.next_check = now + CHECK_SECONDS


def _segments_for(owner: int | None) -> list[Segment]:
    from motcua.workcalendar.models import WorkSchedule

    def segments_of(qs) -> list[Segment]:
        out = []
        for schedule in qs.prefetch_related("periods").order_by("effective_from"):
            periods: dict[int, list[tuple[int, int]]] = {}
            for p in sorted(schedule.periods.all(), key=lambda p: (p.weekday, p.start)):
                periods.setdefault(p.weekday, []).append((_us(p.start), _us(p.end)))
            out.append(
                Segment(
                    start=schedule.effective_from.toordinal() - BASE_ORD,
                    periods={wd: _merge(v) for wd, v in periods.items()},
                    cutoff_us=_us(schedule.same_day_cutoff),
                )
            )
        return out

    province = segments_of(WorkSchedule.objects.filter(unit__isnull=True)) or [default_segment()]
    if owner is None:
        return province
    own = segments_of(WorkSchedule.objects.filter(unit_id=owner))
    if not own:
        return province
    before = [s for s in province if s.start < own[0].start]
    return before + own if before else own


def _merge(periods: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for a, b in sorted(periods):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def _exceptions() -> dict[int, str]:
    from motcua.workcalendar.models import CalendarException

    return {
        day.toordinal() - BASE_ORD: kind
        for day, kind in CalendarException.objects.values_list("date", "kind")
    }


def _owner(unit) -> int | None:
    """The unit whose schedule applies: the unit itself or its nearest ancestor with one."""
    if unit is None:
        return None
    pk = unit if isinstance(unit, int) else unit.pk
    if pk in CACHE.owner_of_unit:
        return CACHE.owner_of_unit[pk]
    from motcua.organization.models import Unit
    from motcua.workcalendar.models import WorkSchedule

    if CACHE.schedule_owners is None:
        CACHE.schedule_owners = set(
            WorkSchedule.objects.filter(unit__isnull=False).values_list("unit_id", flat=True)
        )
    owner, current, seen = None, pk, set()
    while current is not None and current not in seen:
        if current in CACHE.schedule_owners:
            owner = current
            break
        seen.add(current)
        current = Unit.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    CACHE.owner_of_unit[pk] = owner
    return owner


def get(unit=None) -> Compiled:
    """The compiled calendar that applies to ``unit`` (None: the province's)."""
    now = time.monotonic()
    if now >= CACHE.next_check:
        _check(now)
    owner = _owner(unit) if unit is not None else None
    compiled = CACHE.compiled.get(owner)
    if compiled is None:
        with CACHE.lock:
            compiled = CACHE.compiled.get(owner)
            if compiled is None:
                compiled = compile_calendar(_segments_for(owner), _exceptions())
                CACHE.compiled[owner] = compiled
    return compiled
