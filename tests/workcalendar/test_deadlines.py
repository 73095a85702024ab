"""Deadline arithmetic in Vietnamese working time (docs/deadlines.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.core.errors import InvalidInput
from motcua.workcalendar.services import (
    add_working_time,
    deadline_for,
    due_at,
    is_working_day,
    next_working_instant,
    working_time_between,
)
from tests.workcalendar.conftest import vn

pytestmark = pytest.mark.django_db

# An ordinary week: Monday 2/3/2026 … Friday 6/3/2026, no holiday near it.
MON, TUE, FRI, NEXT_MON = (
    dt.date(2026, 3, 2),
    dt.date(2026, 3, 3),
    dt.date(2026, 3, 6),
    dt.date(2026, 3, 9),
)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return vn(day.year, day.month, day.day, hour, minute)


def test_friday_16h_with_one_day_is_due_next_working_day_16h():
    assert due_at(at(FRI, 16), 1) == at(NEXT_MON, 16)


def test_received_before_opening_counts_from_opening_and_completes_at_17h():
    assert due_at(at(MON, 6), 1) == at(MON, 17)
    assert due_at(at(MON, 7, 30), 1) == at(MON, 17)  # stays at 17:00, not next morning


def test_received_at_11_45_counts_from_the_afternoon():
    assert due_at(at(MON, 11, 45), Decimal("0.5")) == at(MON, 17)
    assert due_at(at(MON, 11, 45), 1) == at(TUE, 11, 30)  # 13:00 + 8 h ends at 11:30


def test_received_after_closing_counts_from_next_morning():
    assert due_at(at(MON, 17, 30), 1) == at(TUE, 17)
    assert due_at(at(FRI, 20), 2) == at(dt.date(2026, 3, 10), 17)


def test_received_on_a_weekend_counts_from_monday():
    assert due_at(vn(2026, 3, 7, 10, 0), 1) == at(NEXT_MON, 17)


def test_received_on_a_holiday_counts_from_the_next_working_day():
    # Tết 2026: off Monday 16/2 to Friday 20/2
    assert due_at(vn(2026, 2, 17, 10, 0), 1) == vn(2026, 2, 23, 17, 0)
    assert due_at(vn(2026, 2, 13, 16, 0), 1) == vn(2026, 2, 23, 16, 0)


def test_half_days_and_hours():
    assert due_at(at(MON, 9), 0.5) == at(MON, 14, 30)
    assert due_at(at(MON, 9), Decimal("1.5")) == at(TUE, 14, 30)
    assert add_working_time(at(MON, 11), 1) == at(MON, 13, 30)
    assert add_working_time(at(MON, 11), Decimal("0.5")) == at(MON, 11, 30)


def test_decimal_float_and_int_agree():
    start = at(MON, 10, 17)
    assert due_at(start, 3) == due_at(start, 3.0) == due_at(start, Decimal("3"))
    assert add_working_time(start, 2.25) == add_working_time(start, Decimal("2.25"))


def test_zero_time_returns_the_start():
    assert add_working_time(at(MON, 18), 0) == at(MON, 18)


def test_inputs_in_utc_give_outputs_in_vietnam_time():
    start = dt.datetime(2026, 3, 6, 9, 0, tzinfo=dt.UTC)  # 16:00 in Vietnam
    due = due_at(start, 1)
    assert due == at(NEXT_MON, 16)
    assert due.utcoffset() == dt.timedelta(hours=7)


def test_naive_and_negative_inputs_are_refused():
    with pytest.raises(InvalidInput) as naive:
        due_at(dt.datetime(2026, 3, 2, 9, 0), 1)  # noqa: DTZ001
    assert naive.value.code == "naive_datetime"
    with pytest.raises(InvalidInput):
        due_at(at(MON, 9), -1)
    with pytest.raises(InvalidInput):
        add_working_time(at(MON, 9), float("nan"))
    with pytest.raises(InvalidInput):
        due_at(vn(2079, 12, 20, 9, 0), 100)


def test_working_time_between_counts_only_working_hours():
    assert working_time_between(at(FRI, 16), at(NEXT_MON, 16)) == 8.0
    assert working_time_between(at(MON, 6), at(MON, 20)) == 8.0
    assert working_time_between(at(MON, 11), at(MON, 13, 30)) == 1.0
    assert working_time_between(vn(2026, 2, 13, 7, 30), vn(2026, 2, 23, 7, 30)) == 8.0
    assert working_time_between(at(TUE, 9), at(MON, 9)) == -8.0


def test_pauses_are_subtracted_once_and_an_open_pause_runs_to_the_end():
    a, b = at(MON, 7, 30), at(FRI, 17)
    assert working_time_between(a, b) == 40.0
    pause = (at(TUE, 7, 30), at(TUE, 17))
    assert working_time_between(a, b, [pause]) == 32.0
    overlapping = [pause, (at(TUE, 13), vn(2026, 3, 4, 11, 30))]
    assert working_time_between(a, b, overlapping) == 28.0
    assert working_time_between(a, b, [(at(FRI, 13), None)]) == 36.0
    assert working_time_between(a, b, [(at(NEXT_MON, 8), at(NEXT_MON, 9))]) == 40.0


def test_pausing_extends_the_due_time_by_the_paused_working_time():
    received = at(MON, 9)
    due = due_at(received, 3)
    paused = (at(TUE, 10), vn(2026, 3, 5, 15, 0))  # waiting for the applicant's supplement
    extended = add_working_time(due, working_time_between(*paused))
    assert working_time_between(received, extended, [paused]) == 24.0


def test_is_working_day():
    assert is_working_day(MON)
    assert not is_working_day(dt.date(2026, 3, 7))  # Saturday
    assert not is_working_day(dt.date(2026, 2, 17))  # Tết
    assert is_working_day(dt.date(2026, 8, 22))  # make-up Saturday
    assert not is_working_day(vn(2026, 9, 2, 9, 0))
    assert is_working_day(dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC))  # Monday 01:00 in VN


def test_next_working_instant():
    assert next_working_instant(at(MON, 6)) == at(MON, 7, 30)
    assert next_working_instant(at(MON, 9)) == at(MON, 9)
    assert next_working_instant(at(MON, 11, 45)) == at(MON, 13)
    assert next_working_instant(at(MON, 17)) == at(TUE, 7, 30)
    assert next_working_instant(at(FRI, 17, 1)) == at(NEXT_MON, 7, 30)
    assert next_working_instant(vn(2026, 2, 13, 17, 0)) == vn(2026, 2, 23, 7, 30)


@pytest.mark.parametrize(
    ("start", "kind", "amount", "expected"),
    [
        (vn(2026, 3, 2, 9), "working_days", 2, vn(2026, 3, 4, 9)),
        (vn(2026, 3, 2, 9), "hours", 4, vn(2026, 3, 2, 14, 30)),
        # calendar days: weekends count; Saturday 7/3 is a day off → Monday 9/3, closing time
        (vn(2026, 3, 2, 9), "calendar_days", 5, vn(2026, 3, 9, 17)),
        (vn(2026, 3, 2, 9), "calendar_days", 3, vn(2026, 3, 5, 17)),
        # a calendar-day due date on Tết moves past it
        (vn(2026, 2, 10, 9), "calendar_days", 7, vn(2026, 2, 23, 17)),
        # same day: received by 15:00 → today's close; after → next working day
        (vn(2026, 3, 2, 9), "same_day", 0, vn(2026, 3, 2, 17)),
        (vn(2026, 3, 2, 15), "same_day", 0, vn(2026, 3, 2, 17)),
        (vn(2026, 3, 2, 15, 1), "same_day", 0, vn(2026, 3, 3, 17)),
        (vn(2026, 3, 6, 16), "same_day", 0, vn(2026, 3, 9, 17)),
        (vn(2026, 3, 7, 9), "same_day", 0, vn(2026, 3, 9, 17)),  # Saturday
        (vn(2026, 3, 2, 9), "none", 0, None),
    ],
)
def test_deadline_for_every_time_limit_kind(start, kind, amount, expected):
    assert deadline_for(start, kind=kind, amount=amount) == expected


def test_deadline_for_refuses_an_unknown_kind():
    with pytest.raises(InvalidInput):
        deadline_for(vn(2026, 3, 2, 9), kind="weeks", amount=1)


def test_deadline_kinds_match_the_catalog():
    from motcua.catalog.models import TimeLimitKind

    start = vn(2026, 3, 2, 9)
    for kind in TimeLimitKind.values:
        deadline_for(start, kind=kind, amount=Decimal("1.0"))
