"""The seeded holidays (data migration), make-up days, and the Vietnamese lunar calendar."""

from __future__ import annotations

import datetime as dt
import importlib

import holidays
import pytest

from motcua.workcalendar.models import CalendarException, ExceptionKind, ExceptionSource
from motcua.workcalendar.services import due_at, is_working_day
from tests.workcalendar.conftest import vn

pytestmark = pytest.mark.django_db

D = dt.date


def off(*days: dt.date) -> bool:
    return not any(is_working_day(d) for d in days)


def test_every_year_2015_to_2035_is_seeded_with_the_fixed_holidays():
    for year in range(2015, 2036):
        for month, day in ((1, 1), (4, 30), (5, 1), (9, 2)):
            exception = CalendarException.objects.get(date=D(year, month, day))
            assert exception.kind == ExceptionKind.HOLIDAY
            assert exception.source == ExceptionSource.LIBRARY or exception.document


def test_names_are_vietnamese():
    assert CalendarException.objects.get(date=D(2026, 2, 17)).reason == "Tết Nguyên Đán"
    assert CalendarException.objects.get(date=D(2026, 4, 26)).reason == "Ngày Giỗ Tổ Hùng Vương"
    assert CalendarException.objects.get(date=D(2026, 9, 2)).reason == "Quốc khánh"


def test_tet_2024_2025_2026():
    assert off(*(D(2024, 2, d) for d in range(8, 15)))
    assert is_working_day(D(2024, 2, 7)) and is_working_day(D(2024, 2, 15))
    assert off(*(D(2025, 1, d) for d in range(27, 32)))
    assert is_working_day(D(2025, 2, 3))
    assert off(*(D(2026, 2, d) for d in range(16, 21)))  # announced: Tết off 16–20/2/2026
    assert is_working_day(D(2026, 2, 13)) and is_working_day(D(2026, 2, 23))


def test_hung_kings_day_with_compensatory_day():
    assert off(D(2024, 4, 18), D(2025, 4, 7))
    assert off(D(2026, 4, 27))  # 10/3 lunar is Sunday 26/4/2026 → Monday 27/4 off
    assert CalendarException.objects.get(date=D(2026, 4, 27)).kind == ExceptionKind.DAY_OFF


def test_national_day_with_its_adjacent_day():
    assert off(D(2024, 9, 2), D(2024, 9, 3))
    assert off(D(2025, 9, 1), D(2025, 9, 2))
    assert off(D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2))
    assert is_working_day(D(2026, 9, 3))


def test_vietnamese_culture_day_24_11_from_2026():
    assert is_working_day(D(2025, 11, 24))
    assert off(D(2026, 11, 24), D(2027, 11, 24))
    assert off(D(2029, 11, 26))  # 24/11/2029 is a Saturday → Monday off


@pytest.mark.parametrize(
    ("worked", "swapped_off"),
    [
        (D(2024, 5, 4), D(2024, 4, 29)),
        (D(2025, 4, 26), D(2025, 5, 2)),
        (D(2026, 1, 10), D(2026, 1, 2)),  # New Year 2026: 4 days off, announced 25/12/2025
        (D(2026, 8, 22), D(2026, 8, 31)),
    ],
)
def test_announced_make_up_saturdays_2024_2026(worked, swapped_off):
    assert worked.weekday() == 5
    assert is_working_day(worked)
    assert not is_working_day(swapped_off)
    makeup = CalendarException.objects.get(date=worked)
    assert makeup.kind == ExceptionKind.MAKEUP
    assert makeup.document  # the announcing document is recorded
    assert swapped_off.strftime("%d/%m/%Y") in makeup.reason


def test_make_up_saturday_counts_as_working_time():
    # Friday 21/8/2026 16:00 + 1 day → Saturday 22/8 (worked) 16:00
    assert due_at(vn(2026, 8, 21, 16, 0), 1) == vn(2026, 8, 22, 16, 0)
    # Friday 28/8 16:00 + 1 day: 29–30/8 weekend, 31/8–2/9 off → Thursday 3/9 16:00
    assert due_at(vn(2026, 8, 28, 16, 0), 1) == vn(2026, 9, 3, 16, 0)


def test_make_up_days_derived_from_the_library_swap_names():
    assert is_working_day(D(2019, 5, 4))  # swapped for Monday 29/4/2019
    assert is_working_day(D(2015, 2, 14))
    assert not is_working_day(D(2019, 4, 29))


def test_tet_follows_the_vietnamese_lunar_calendar_2030():
    # Vietnam's Tết 2030 is Saturday 2/2 (China: 3/2); Tết days off run on from there
    assert CalendarException.objects.get(date=D(2030, 2, 2)).reason == "Tết Nguyên Đán"
    assert CalendarException.objects.get(date=D(2030, 2, 3)).reason == "Mùng hai Tết Nguyên Đán"
    assert CalendarException.objects.get(date=D(2030, 2, 1)).reason == "Giao thừa Tết Nguyên Đán"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(1985, 1, 21), "Tết Nguyên Đán"),  # China: 20/2/1985
        (D(2007, 2, 17), "Tết Nguyên Đán"),  # China: 18/2/2007
        (D(2030, 2, 2), "Tết Nguyên Đán"),  # China: 3/2/2030
        (D(2053, 2, 18), "Tết Nguyên Đán"),  # China: 19/2/2053
        (D(2009, 4, 4), "Ngày Giỗ Tổ Hùng Vương"),  # China's lunar date: 5/4/2009
    ],
)
def test_the_holiday_source_uses_the_vietnamese_lunar_calendar(day, name):
    """The seed source for years outside 2015–2035 (DOMAIN.md §4's differing years)."""
    names = holidays.Vietnam(years=day.year, language="vi")
    assert names.get(day) == name


def test_the_seed_rows_mark_swaps_and_make_up_days():
    migration = importlib.import_module("motcua.workcalendar.migrations.0002_seed_calendar")
    rows = migration.rows()
    assert rows[D(2026, 8, 22)][0] == "makeup"
    assert rows[D(2026, 8, 31)][0] == "day_off"
    assert rows[D(2026, 2, 17)][0] == "holiday"
    assert min(rows) <= D(2015, 1, 1) and max(rows).year == 2035
