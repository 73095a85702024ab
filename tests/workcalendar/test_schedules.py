"""Per-unit working hours, versioned hours, admin-entered exceptions and cache invalidation."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.organization.models import UnitKind
from motcua.workcalendar import engine, selectors
from motcua.workcalendar.models import CalendarException, ExceptionKind, ExceptionSource
from motcua.workcalendar.services import (
    calendar_import_csv,
    deadline_for,
    due_at,
    exception_delete,
    exception_set,
    is_working_day,
    schedule_set,
    working_time_between,
)
from tests.workcalendar.conftest import vn

pytestmark = pytest.mark.django_db

T = dt.time
THANH_HOA = [(T(7, 0), T(11, 30)), (T(13, 30), T(17, 0))]  # 4.5 h + 3.5 h


def weekdays(spans):
    return dict.fromkeys(range(5), spans)


@pytest.fixture
def centre(make_unit, province_admin):
    unit = make_unit("Trung tâm Phục vụ hành chính công", kind=UnitKind.SERVICE_CENTRE)
    schedule_set(actor=province_admin, unit=unit, periods=weekdays(THANH_HOA))
    return unit


def test_a_unit_override_changes_its_deadlines_only(centre):
    start = vn(2026, 3, 2, 11, 45)
    assert due_at(start, 0.5, unit=centre) == vn(2026, 3, 3, 7, 30)  # 13:30–17:00 is 3.5 h
    assert due_at(start, 0.5) == vn(2026, 3, 2, 17, 0)
    assert due_at(vn(2026, 3, 2, 7, 0), 0.5, unit=centre) == vn(2026, 3, 2, 11, 0)
    assert due_at(vn(2026, 3, 2, 7, 0), 0.5) == vn(2026, 3, 2, 11, 30)
    assert working_time_between(vn(2026, 3, 2, 7), vn(2026, 3, 2, 8), unit=centre) == 1.0


def test_a_child_unit_inherits_its_parents_override(centre, make_unit):
    desk = make_unit("Quầy một cửa", parent=centre)
    assert due_at(vn(2026, 3, 2, 7, 0), 0.5, unit=desk) == vn(2026, 3, 2, 11, 0)
    assert due_at(vn(2026, 3, 2, 7, 0), 0.5, unit=desk.pk) == vn(2026, 3, 2, 11, 0)


def test_holidays_and_make_up_days_apply_to_unit_schedules(centre):
    assert not is_working_day(dt.date(2026, 2, 17), unit=centre)
    # make-up Saturday works the unit's standard day
    assert due_at(vn(2026, 8, 22, 7, 0), 0.5, unit=centre) == vn(2026, 8, 22, 11, 0)


def test_a_unit_working_saturday_mornings(make_unit, province_admin):
    spans = weekdays([(T(7, 30), T(11, 30)), (T(13, 0), T(17, 0))])
    spans[5] = [(T(7, 30), T(11, 30))]
    unit = make_unit("UBND phường Bắc Hà")
    schedule_set(actor=province_admin, unit=unit, periods=spans)
    # Friday 1 h + Saturday 4 h + Monday 3 h
    assert due_at(vn(2026, 3, 6, 16, 0), 1, unit=unit) == vn(2026, 3, 9, 10, 30)
    assert deadline_for(vn(2026, 3, 7, 9), kind="same_day", amount=0, unit=unit) == vn(
        2026, 3, 7, 11, 30
    )


def test_province_hours_are_versioned_by_effective_date(province_admin):
    schedule_set(
        actor=province_admin,
        effective_from=dt.date(2027, 1, 1),
        periods=weekdays(THANH_HOA),
        name="Giờ làm việc mới",
    )
    assert due_at(vn(2026, 3, 2, 7, 0), 0.5) == vn(2026, 3, 2, 11, 30)
    assert due_at(vn(2027, 3, 1, 7, 0), 0.5) == vn(2027, 3, 1, 11, 0)


def test_schedule_input_is_checked(province_admin, make_user):
    with pytest.raises(InvalidInput):
        schedule_set(actor=province_admin, periods={0: [(T(11), T(9))]})
    with pytest.raises(InvalidInput):
        schedule_set(actor=province_admin, periods={0: [(T(7), T(12)), (T(11), T(13))]})
    with pytest.raises(PermissionDenied):
        schedule_set(actor=make_user(), periods=weekdays(THANH_HOA))


def test_an_extra_day_off_takes_effect_at_once_and_can_be_removed(province_admin):
    start = vn(2026, 3, 6, 16, 0)
    assert due_at(start, 1) == vn(2026, 3, 9, 16, 0)
    exception_set(
        actor=province_admin,
        date=dt.date(2026, 3, 9),
        kind=ExceptionKind.DAY_OFF,
        reason="Nghỉ đột xuất do bão",
        document="Công điện số 01/CĐ-UBND",
    )
    assert due_at(start, 1) == vn(2026, 3, 10, 16, 0)
    exception_delete(actor=province_admin, date=dt.date(2026, 3, 9))
    assert due_at(start, 1) == vn(2026, 3, 9, 16, 0)


def test_a_change_made_elsewhere_is_seen_after_the_check_interval(province_admin):
    start = vn(2026, 3, 6, 16, 0)
    assert due_at(start, 1) == vn(2026, 3, 9, 16, 0)
    # another process edits the table directly: no signal reaches this process
    CalendarException.objects.bulk_create(
        [CalendarException(date=dt.date(2026, 3, 9), kind="day_off", reason="Nghỉ")]
    )
    engine.CACHE.next_check = 0.0  # the interval has elapsed
    assert due_at(start, 1) == vn(2026, 3, 10, 16, 0)


def test_only_the_province_admin_edits_exceptions(make_user):
    with pytest.raises(PermissionDenied):
        exception_set(actor=make_user(), date=dt.date(2026, 3, 9), kind="day_off", reason="x")


def test_csv_import_of_a_yearly_announcement(province_admin):
    content = (
        "date,kind,reason,document\n"
        "2027-03-15,day_off,Nghỉ hoán đổi,Thông báo số 1/TB-BNV\n"
        "13/03/2027,làm bù,Làm bù cho ngày 15/03/2027,Thông báo số 1/TB-BNV\n"
    )
    rows = calendar_import_csv(actor=province_admin, content=content)
    assert [r.kind for r in rows] == ["day_off", "makeup"]
    assert all(r.source == ExceptionSource.ANNOUNCEMENT for r in rows)
    assert not is_working_day(dt.date(2027, 3, 15))
    assert is_working_day(dt.date(2027, 3, 13))


def test_csv_import_is_all_or_nothing(province_admin):
    content = "date,kind,reason\n2027-03-15,day_off,Nghỉ\n2027-13-40,day_off,Sai ngày\n"
    with pytest.raises(InvalidInput) as error:
        calendar_import_csv(actor=province_admin, content=content)
    assert "Dòng 3" in error.value.message
    assert not CalendarException.objects.filter(date=dt.date(2027, 3, 15)).exists()
    with pytest.raises(InvalidInput):
        calendar_import_csv(actor=province_admin, content="ngay,loai\n")


def test_calendar_days_gives_reasons():
    days = selectors.calendar_days(start=dt.date(2026, 8, 21), end=dt.date(2026, 8, 31))
    by = {d.date.day: d for d in days}
    assert by[21].working and by[21].reason is None
    assert by[22].working and "Làm bù" in by[22].reason
    assert not by[23].working and "Chủ nhật" in by[23].reason
    assert not by[31].working and by[31].kind == "day_off"


def test_calendar_days_refuses_long_or_reversed_ranges():
    with pytest.raises(InvalidInput):
        selectors.calendar_days(start=dt.date(2000, 1, 1), end=dt.date(2021, 1, 1))
    with pytest.raises(InvalidInput):
        selectors.calendar_days(start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1))


def test_moving_a_unit_under_another_parent_changes_its_inherited_hours(centre, make_unit):
    desk = make_unit("Bộ phận một cửa xã")
    assert due_at(vn(2026, 3, 2, 7, 0), 0.5, unit=desk) == vn(2026, 3, 2, 11, 30)
    desk.parent = centre
    desk.save()
    assert due_at(vn(2026, 3, 2, 7, 0), 0.5, unit=desk) == vn(2026, 3, 2, 11, 0)
