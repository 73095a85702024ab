"""Statistics API: public statistics and open data (no login), the leaders' scorecard, ranking,
766 index and drill-down, and the periodic report regime (officers)."""

import datetime as dt
from datetime import date as _date
from datetime import datetime as _datetime
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.core.api_pagination import Pagination
from motcua.core.client import client_address
from motcua.core.db import using_replica
from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.core.periods import parse_period, period_from_key
from motcua.organization.auth import officer_auth
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import has_role
from motcua.reporting import opendata, services
from motcua.reporting.errors import ERROR_RESPONSES, ReportingError, ReportingErrorOut
from motcua.reporting.index766 import index_score, what_if_rate
from motcua.reporting.models import Indicator, Report
from motcua.reporting.reports import (
    last_due_period,
    report_get,
    report_view,
    reporting_rates,
    template_get,
)
from motcua.reporting.scorecard import (
    Counter,
    drilldown,
    indicator_get,
    leader_unit_for,
    ranking,
    safe_code,
    scorecard,
)
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
    feedback_answered: int  # feedback (phản ánh, kiến nghị) answered in the period
    feedback_on_time_share: float | None  # answered on time / answered; None: none answered
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
    response={200: PublicStatsOut, **ERROR_RESPONSES},
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
    """Read from the maintained aggregates (the scorecard's definitions): received and ended
    (early / on time / late) in the month / quarter / year, in progress at its end, online
    share, feedback answered on time, satisfaction — per unit or per field."""
    stats = public_stats(
        period=parse_period(period, date), unit=unit or None, field=field or None, group_by=group
    )
    return stats.as_dict()


# ---------------------------------------------------------------- leadership reporting


class TargetOut(Schema):
    year: int
    level: str
    value: float
    source: str
    effective_from: _date


class IndicatorOut(Schema):
    code: str
    name: str
    formula: str
    measure: str
    direction: str
    levels: list[str]
    source: str
    public: bool
    targets: list[TargetOut]


@router.get(
    "/indicators", response=list[IndicatorOut], summary="Danh mục chỉ tiêu và chỉ tiêu giao"
)
def indicators(request):
    """Indicators with every version of their targets (public: no figures, only the rules)."""
    out = []
    for ind in Indicator.objects.filter(active=True).prefetch_related("targets"):
        out.append(
            {
                **{k: getattr(ind, k) for k in ("code", "name", "formula", "measure", "direction",
                                                "levels", "source", "public")},
                "targets": [
                    {"year": t.year, "level": t.level, "value": float(t.value),
                     "source": t.source, "effective_from": t.effective_from}
                    for t in ind.targets.all()
                ],
            }
        )  # fmt: skip
    return out


def _period(kind: str, date: str | None):
    return parse_period(kind, date)


class TrendOut(Schema):
    period: str  # the earlier period's label, e.g. "Quý 1/2026"
    value: float | None  # its value in %, None without data


class ScorecardRowOut(Schema):
    code: str
    name: str
    measure: str
    direction: str  # higher | lower (is better)
    formula: str
    numerator: int | None
    denominator: int | None
    value: float | None  # % (None: no data)
    target: float | None  # % in force for the unit's level and year (None: no target)
    target_source: str
    gap: float | None  # value − target, percentage points
    light: str  # green | amber | red | grey
    light_label: str
    trend: list[TrendOut]
    no_data: bool  # the formula is not available (e.g. its app is not installed)


class ScorecardOut(Schema):
    unit: str
    unit_name: str
    period: PeriodOut
    rows: list[ScorecardRowOut]


@router.get(
    "/scorecard",
    auth=officer_auth,
    response={200: ScorecardOut, **ERROR_RESPONSES},
    summary="Bảng chỉ tiêu của một đơn vị trong kỳ",
)
@using_replica()
def scorecard_api(request, unit: str = "", period: str = "quarter", date: str | None = None):
    counter = Counter()
    found = leader_unit_for(request.user, unit, counter.scopes)
    p = _period(period, date)
    rows = scorecard(unit=found, period=p, counter=counter)
    return {"unit": found.code, "unit_name": found.name, "period": p.as_dict(),
            "rows": [r.as_dict() for r in rows]}  # fmt: skip


class RankingRowOut(Schema):
    unit: str
    unit_name: str
    head: str  # the unit's leader on the period's end ("rõ người"); empty if none
    red: int
    amber: int
    green: int
    grey: int
    shortfall: float  # total gap of the red and amber indicators, percentage points


class RankingOut(Schema):
    period: PeriodOut
    rows: list[RankingRowOut]  # worst first


@router.get(
    "/ranking",
    auth=officer_auth,
    response={200: RankingOut, **ERROR_RESPONSES},
    summary="Xếp hạng đơn vị, kém nhất trước",
)
@using_replica()
def ranking_api(request, period: str = "quarter", date: str | None = None):
    counter = Counter()
    root = leader_unit_for(request.user, "", counter.scopes)
    if root != counter.scopes.root():
        raise PermissionDenied("Chỉ cấp tỉnh xem được xếp hạng các đơn vị.")
    p = _period(period, date)
    return {
        "period": p.as_dict(),
        "rows": [
            {"unit": r["unit"].code, "unit_name": r["unit"].name, "head": r["head"],
             "red": r["red"], "amber": r["amber"], "green": r["green"], "grey": r["grey"],
             "shortfall": r["shortfall"]}
            for r in ranking(period=p, counter=counter)
        ],
    }  # fmt: skip


class RuleSetOut(Schema):
    code: str
    source: str


class IndexGroupOut(Schema):
    code: str
    name: str
    max: float
    points: float


class CriterionOut(Schema):
    group: str
    code: str
    name: str
    formula: str
    numerator: int | None
    denominator: int | None
    rate: float | None  # 0–1; None: "chưa có dữ liệu"
    max_points: float
    threshold: float  # full marks from this rate (0–1)
    points: float | None
    rule: str  # the rule applied, in Vietnamese
    confirmed: bool  # the weight and threshold were checked against the published text
    note: str
    status: str  # "ok" or "chưa có dữ liệu"


class WhatIfOut(Schema):
    criterion: str
    action: str
    gain: float  # points gained


class AskedOut(Schema):
    criterion: str
    name: str
    rate_now: float
    rate: float
    points_now: float
    points: float
    gain: float


class Index766Out(Schema):
    unit: str
    unit_name: str
    period: PeriodOut
    rule_set: RuleSetOut
    total: float
    max_with_data: float
    missing_points: float  # points of the criteria without data
    groups: list[IndexGroupOut]
    criteria: list[CriterionOut]
    what_if: list[WhatIfOut]  # best first
    asked: AskedOut | None = None  # with ``criterion`` and ``rate``


@router.get(
    "/index766",
    auth=officer_auth,
    response={200: Index766Out, **ERROR_RESPONSES},
    summary="Chỉ số phục vụ (QĐ 766/QĐ-TTg) của một đơn vị",
)
@using_replica()
def index766_api(
    request, unit: str = "", period: str = "quarter", date: str | None = None,
    criterion: str | None = None, rate: float | None = None,
):  # fmt: skip
    """With ``criterion`` and ``rate`` (0–100): also the points gained at that rate."""
    counter = Counter()
    found = leader_unit_for(request.user, unit, counter.scopes)
    score = index_score(unit=found, period=_period(period, date), counter=counter, what_if=True)
    body = score.as_dict()
    if criterion:
        body["asked"] = what_if_rate(score, criterion=criterion, percent=rate)
    return body


class DrillOut(Schema):
    code: str
    procedure: str = Field(..., alias="procedure.name")
    competent_unit: str = Field(..., alias="competent_unit.name")
    received_at: _datetime | None
    due_at: _datetime | None
    finished_at: _datetime | None
    classification: str


@router.get(
    "/indicators/{code}/dossiers",
    auth=officer_auth,
    response={200: list[DrillOut], **ERROR_RESPONSES},
    summary="Hồ sơ phía sau một số liệu",
)
@paginate(Pagination)
def indicator_dossiers_api(
    request, code: str, unit: str = "", period: str = "quarter", date: str | None = None,
    part: str = "num",
):  # fmt: skip
    if part not in ("num", "rest", "all"):
        raise InvalidInput("part phải là num, rest hoặc all.", code=ReportingError.PART_INVALID)
    counter = Counter()
    found = leader_unit_for(request.user, unit, counter.scopes)
    return drilldown(
        indicator=indicator_get(code), unit=found, period=_period(period, date), part=part
    )


class RatesRowOut(Schema):
    unit: str
    unit_name: str
    head: str
    status: str  # on_time | late | draft | missing
    status_label: str
    submitted_at: str | None  # first submission (ISO 8601 with offset)


class RatesOut(Schema):
    template: str
    period: PeriodOut
    due_at: str  # ISO 8601 with offset
    expected: int
    submitted: int
    on_time: int
    missing: int
    rate: float | None  # submitted / expected (0–1)
    rows: list[RatesRowOut]  # missing first


@router.get(
    "/reports/rates",
    auth=officer_auth,
    response={200: RatesOut, **ERROR_RESPONSES},
    summary="Tình hình gửi báo cáo: ai chưa báo cáo",
)
def rates_api(request, template: str, date: str | None = None):
    if not services.can_view_leaders(request.user):
        raise PermissionDenied("Chỉ lãnh đạo, cán bộ CCHC, thanh tra và quản trị.")
    t = template_get(template)
    from motcua.core.periods import period_of

    try:
        p = (
            period_of(t.frequency, _date.fromisoformat(date))
            if date
            else last_due_period(t, _now())
        )
    except ValueError as error:
        raise InvalidInput(
            "Ngày phải có dạng YYYY-MM-DD.", code=ReportingError.DATE_INVALID
        ) from error
    data = reporting_rates(template=t, period=p)
    return {
        "template": t.code, "period": p.as_dict(), "due_at": data["due_at"].isoformat(),
        "expected": data["expected"], "submitted": data["submitted"],
        "on_time": data["on_time"], "missing": data["missing"], "rate": data["rate"],
        "rows": [
            {"unit": r.unit.code, "unit_name": r.unit.name, "head": r.head, "status": r.status,
             "status_label": r.label,
             "submitted_at": r.first_submitted_at.isoformat() if r.first_submitted_at else None}
            for r in data["rows"]
        ],
    }  # fmt: skip


def _now():
    from django.utils import timezone

    return timezone.now()


class ReportOpenIn(Schema):
    template: str
    unit: str
    period_start: _date


class ReportSaveIn(Schema):
    narrative: dict[str, str] = {}
    number: str = ""


class ReportCorrectIn(Schema):
    reason: str


class ReportSectionOut(Schema):
    key: str
    title: str = ""
    kind: str  # figures | stats | text
    text: str | None = None  # a text section: what the unit wrote
    rows: list[dict[str, Any]] | None = None  # figures / stats: the rows (frozen when sent)


class ReportOut(Schema):
    id: int
    template: str
    unit: str
    period_start: str
    period_end: str
    version: int
    current: bool
    status: str  # draft | submitted
    number: str
    submitted_at: str | None
    submitted_by: str
    sections: list[ReportSectionOut]


REPORT_RESPONSES = {200: ReportOut, **ERROR_RESPONSES}


def _report_out(report: Report) -> dict:
    return {
        "id": report.pk, "template": report.template.code, "unit": report.unit.code,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(), "version": report.version,
        "current": report.current, "status": report.status, "number": report.number,
        "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
        "submitted_by": report.submitted_by_label, "sections": report_view(report),
    }  # fmt: skip


def _readable(user, report: Report) -> Report:
    if not (
        services.can_manage(user)
        or has_role(user, [Role.INSPECTOR, Role.PROVINCE_ADMIN])
        or has_role(user, list(Role.values), report.unit)
    ):
        raise PermissionDenied("Bạn không được xem báo cáo của đơn vị này.")
    return report


@router.post(
    "/reports",
    auth=officer_auth,
    response=REPORT_RESPONSES,
    summary="Lập (hoặc mở) báo cáo kỳ của đơn vị",
)
def report_open_api(request, body: ReportOpenIn):
    unit = Unit.objects.filter(code=body.unit).first() if safe_code(body.unit) else None
    if unit is None:
        raise InvalidInput(
            f"Không tìm thấy đơn vị {body.unit}.", code=ReportingError.UNIT_NOT_FOUND
        )
    report = services.report_open(actor=request.user, template=template_get(body.template),
                                  unit=unit, period_start=body.period_start)  # fmt: skip
    return _report_out(report)


@router.get(
    "/reports/{report_id}",
    auth=officer_auth,
    response=REPORT_RESPONSES,
    summary="Một báo cáo định kỳ",
)
def report_get_api(request, report_id: int):
    return _report_out(_readable(request.user, report_get(report_id)))


@router.put(
    "/reports/{report_id}",
    auth=officer_auth,
    response=REPORT_RESPONSES,
    summary="Lưu nội dung báo cáo (bản nháp)",
)
def report_save_api(request, report_id: int, body: ReportSaveIn):
    report = services.report_save_draft(
        actor=request.user, report=report_get(report_id), narrative=body.narrative,
        number=body.number,
    )  # fmt: skip
    return _report_out(report)


@router.post(
    "/reports/{report_id}/submit",
    auth=officer_auth,
    response=REPORT_RESPONSES,
    summary="Lãnh đạo duyệt và gửi",
)
def report_submit_api(request, report_id: int):
    return _report_out(services.report_submit(actor=request.user, report=report_get(report_id)))


@router.post(
    "/reports/{report_id}/correct",
    auth=officer_auth,
    response=REPORT_RESPONSES,
    summary="Tạo bản điều chỉnh",
)
def report_correct_api(request, report_id: int, body: ReportCorrectIn):
    report = services.report_correct(
        actor=request.user, report=report_get(report_id), reason=body.reason
    )
    return _report_out(report)


class OpenPeriodOut(PeriodOut):
    key: str  # the stable key in the URL: 2026, 2026-H1, 2026-Q1, 2026-03, 2026-03-15


class OpenDataOut(Schema):
    period: OpenPeriodOut
    columns: list[ColumnOut]  # the keys of each row, with their Vietnamese labels
    rows: list[dict[str, str | int | float | bool | None]]


@router.get(
    "/open/{key}/{name}",
    response={200: OpenDataOut, 429: ReportingErrorOut, **ERROR_RESPONSES},
    summary="Dữ liệu mở theo kỳ (JSON): thong-ke, chi-tieu hoặc chi-so-766",
)
def open_data_api(request, key: str, name: str):
    """Aggregates per unit and period, no personal data; limited per client and minute."""
    import json

    if name not in opendata.DATASETS:
        raise InvalidInput(
            "Tập dữ liệu là thong-ke, chi-tieu hoặc chi-so-766.",
            code=ReportingError.DATASET_INVALID,
        )
    opendata.open_data_throttle(client=client_address(request))
    return json.loads(opendata.dataset(name, period_from_key(key), "json"))
