"""Public calendar API: days, due times, elapsed working time (no login)."""

from __future__ import annotations

from ninja import Query, Router, Schema

from motcua.core.errors import InvalidInput, NotFound
from motcua.organization.models import Unit
from motcua.workcalendar import selectors, services
from motcua.workcalendar.engine import VN_TZ
from motcua.workcalendar.errors import WorkcalendarError
from motcua.workcalendar.inputs import parse_amount, parse_date, parse_instant

router = Router(tags=["Lịch làm việc"])


class DayOut(Schema):
    date: str
    working: bool
    reason: str | None


class DueOut(Schema):
    due_at: str | None


class ElapsedOut(Schema):
    working_hours: float


def _unit(code: str | None) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(
            f"Không tìm thấy đơn vị có mã '{code}'.", code=WorkcalendarError.UNIT_NOT_FOUND
        )
    return unit


@router.get("/days", response=list[DayOut], summary="Ngày làm việc, ngày nghỉ trong khoảng")
def days(
    request,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    unit: str | None = None,
):
    """`from`, `to`: YYYY-MM-DD (tối đa 20 năm). `reason`: lý do nghỉ hoặc làm bù."""
    start = parse_date(date_from, name="from")
    end = parse_date(date_to, name="to")
    return [d.as_dict() for d in selectors.calendar_days(start=start, end=end, unit=_unit(unit))]


@router.get("/due", response=DueOut, summary="Tính hạn giải quyết")
def due(
    request,
    start: str | None = None,
    days: str | None = None,
    kind: str | None = None,
    unit: str | None = None,
):
    """`start`: thời điểm tiếp nhận ISO 8601 (không ghi múi giờ: giờ Việt Nam); `days`: số ngày
    làm việc (cho phép nửa ngày). `kind` (tùy chọn): working_days, calendar_days, hours,
    same_day, none — khi đó `days` là số ngày hoặc số giờ theo loại thời hạn."""
    received = parse_instant(start, name="start")
    amount = parse_amount(days, name="days")
    if kind is None:
        result = services.due_at(received, amount, unit=_unit(unit))
    else:  # an unknown kind is refused by the service (time_limit_kind_invalid)
        result = services.deadline_for(received, kind=kind, amount=amount, unit=_unit(unit))
    return {"due_at": result.astimezone(VN_TZ).isoformat() if result else None}


@router.get("/elapsed", response=ElapsedOut, summary="Số giờ làm việc giữa hai thời điểm")
def elapsed(request, start: str | None = None, end: str | None = None, unit: str | None = None):
    a = parse_instant(start, name="start")
    b = parse_instant(end, name="end")
    if b < a:
        raise InvalidInput(
            "Thời điểm kết thúc phải sau thời điểm bắt đầu.", code=WorkcalendarError.RANGE_REVERSED
        )
    return {"working_hours": services.working_time_between(a, b, unit=_unit(unit))}
