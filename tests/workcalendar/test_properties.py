"""Property-based tests (hypothesis) of the deadline engine."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from motcua.workcalendar.engine import VN_TZ
from motcua.workcalendar.services import (
    add_working_time,
    add_working_time_many,
    due_at,
    due_at_many,
    due_date_many,
    is_working_day,
    is_working_day_many,
    next_working_instant,
    working_time_between,
    working_time_between_many,
)

pytestmark = pytest.mark.django_db

PROPS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

instants = st.datetimes(
    min_value=dt.datetime(2015, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive)
    max_value=dt.datetime(2034, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([VN_TZ, dt.UTC]),
)
minutes = st.integers(min_value=0, max_value=8 * 60 * 250)  # up to 250 working days
exact_hours = minutes.map(lambda m: m / 60)
any_hours = st.floats(min_value=0, max_value=2000, allow_nan=False, allow_infinity=False)
decimal_days = st.decimals(min_value=0, max_value=250, places=1)


@PROPS
@given(start=instants, hours=exact_hours)
def test_elapsed_working_time_up_to_the_due_time_is_the_time_added(start, hours):
    assert working_time_between(start, add_working_time(start, hours)) == hours


@PROPS
@given(start=instants, hours=any_hours)
def test_round_trip_holds_to_the_microsecond_for_any_float(start, hours):
    back = working_time_between(start, add_working_time(start, hours))
    assert math.isclose(back, hours, abs_tol=1e-9)


@PROPS
@given(start=instants, h1=exact_hours, h2=exact_hours)
def test_due_time_is_monotonic_in_the_time_added(start, h1, h2):
    low, high = sorted((h1, h2))
    assert start <= add_working_time(start, low) <= add_working_time(start, high)


@PROPS
@given(s1=instants, s2=instants, hours=exact_hours)
def test_due_time_is_monotonic_in_the_start(s1, s2, hours):
    a, b = sorted((s1, s2))
    assert add_working_time(a, hours) <= add_working_time(b, hours)


@PROPS
@given(start=instants, hours=minutes.filter(bool).map(lambda m: m / 60))
def test_a_positive_due_time_falls_in_working_hours_or_at_a_period_end(start, hours):
    due = add_working_time(start, hours)
    assert due > start
    assert is_working_day(due)
    # an instant an instant before the due time is working time
    before = due - dt.timedelta(microseconds=1)
    assert next_working_instant(before) == before


@PROPS
@given(
    start=instants,
    days=decimal_days,
    pause_offset=exact_hours,
    pause_length=exact_hours,
)
def test_pausing_extends_the_due_time_by_exactly_the_paused_working_time(
    start, days, pause_offset, pause_length
):
    assume(pause_offset < float(days) * 8)  # the pause starts while the clock runs
    due = due_at(start, days)
    pause_start = add_working_time(start, pause_offset)
    pause_end = add_working_time(pause_start, pause_length)
    paused = working_time_between(pause_start, pause_end)
    new_due = add_working_time(due, paused)
    assert working_time_between(start, new_due, [(pause_start, pause_end)]) == pytest.approx(
        float(days) * 8, abs=1e-9
    )


@PROPS
@given(start=instants, days=decimal_days)
def test_decimal_and_float_days_agree(start, days):
    assert due_at(start, days) == due_at(start, float(days))


@PROPS
@given(
    starts=st.lists(instants, min_size=1, max_size=40),
    hours=st.lists(any_hours, min_size=40, max_size=40),
)
def test_batch_due_times_agree_with_the_scalar_ones(starts, hours):
    hours = hours[: len(starts)]
    batch = add_working_time_many(np.array(starts, dtype=object), np.array(hours))
    expected = [add_working_time(s, h) for s, h in zip(starts, hours, strict=True)]
    as_utc = [np.datetime64(e.astimezone(dt.UTC).replace(tzinfo=None), "us") for e in expected]
    assert list(batch) == as_utc
    utc64 = np.array(
        [np.datetime64(s.astimezone(dt.UTC).replace(tzinfo=None), "us") for s in starts]
    )
    assert list(due_at_many(utc64, np.array(hours))) == as_utc


@PROPS
@given(
    a=st.lists(instants, min_size=1, max_size=30), b=st.lists(instants, min_size=30, max_size=30)
)
def test_batch_elapsed_agrees_with_the_scalar_one(a, b):
    b = b[: len(a)]
    batch = working_time_between_many(np.array(a, dtype=object), np.array(b, dtype=object))
    for x, y, got in zip(a, b, batch, strict=True):
        assert got == working_time_between(x, y)


@PROPS
@given(
    days=st.lists(st.dates(dt.date(2015, 1, 1), dt.date(2034, 12, 31)), min_size=1, max_size=30),
    offsets=st.lists(st.integers(0, 300), min_size=30, max_size=30),
)
def test_day_granularity_batch_agrees_with_the_scalar_due_time(days, offsets):
    offsets = offsets[: len(days)]
    got = due_date_many(np.array(days, dtype="datetime64[D]"), np.array(offsets))
    flags = is_working_day_many(np.array(days, dtype="datetime64[D]"))
    for day, n, due, flag in zip(days, offsets, got, flags, strict=True):
        assert flag == is_working_day(day)
        # a dossier received at 12:00 on a working day, n days → due on the n-th working day after
        # (a day off rolls forward to the next working day, as numpy.busday_offset does)
        start = next_working_instant(dt.datetime.combine(day, dt.time(0), VN_TZ))
        start = start.replace(hour=11, minute=30)
        if n == 0:
            assert due == np.datetime64(start.date())
        else:
            assert due == np.datetime64(due_at(start, n).date())


def test_decimal_hours_in_batch():
    start = np.array(["2026-03-02T02:00"], dtype="datetime64[us]")  # 09:00 in Vietnam
    got = add_working_time_many(start, np.array([Decimal("0.5")], dtype=object))
    assert got[0] == np.datetime64("2026-03-02T02:30", "us")
