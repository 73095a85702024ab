"""Public statistics API (no login, aggregates only)."""

import datetime as dt

from ninja import Query, Router, Schema

from motcua.reporting.periods import parse_period
from motcua.reporting.selectors import public_stats

router = Router(tags=["Thống kê"])


class PublicRow(Schema):
    group: str
    label: str
    received: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    on_time_share: float
    in_progress: int
    online: int
    online_share: float
    ratings: int
    satisfied_share: float | None
    points_avg: float | None
    band: str


class PeriodOut(Schema):
    kind: str
    label: str
    date_from: str
    date_to: str


class ColumnOut(Schema):
    key: str
    label: str


class PublicStatsOut(Schema):
    period: PeriodOut
    as_of: dt.datetime | None  # every figure as it stood at this moment (the period's end)
    closed: bool  # the period is over: the figures will not change
    group_by: str
    unit: str | None
    field: str | None
    columns: list[ColumnOut]
    total: PublicRow
    rows: list[PublicRow]


@router.get(
    "/public",
    response=PublicStatsOut,
    summary="Thống kê công khai: tiếp nhận, giải quyết đúng hạn, trực tuyến, hài lòng",
)
def public(
    request,
    unit: str | None = None,
    field: str | None = None,
    period: str = Query("month", description="month | quarter | year"),
    date: str | None = Query(None, description="một ngày trong kỳ (YYYY-MM-DD), mặc định hôm nay"),
    group: str = Query("unit", description="unit | field"),
):
    """The same numbers as the officer dashboards (``GET /api/stats/dossiers``), for the
    dossiers received in the month / quarter / year, per unit or per field."""
    stats = public_stats(
        period=parse_period(period, date), unit=unit or None, field=field or None, group_by=group
    )
    return stats.as_dict()
