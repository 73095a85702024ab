"""Leaders' pages: scorecard and ranking, the 766 index with what-if, the dossiers behind a
figure, Excel; open data downloads (public). Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core.client import client_address
from motcua.core.db import using_replica
from motcua.core.errors import DomainError, NotFound
from motcua.core.pagination import paginate
from motcua.core.periods import KINDS, parse_period, period_from_key
from motcua.dossiers.selectors import visible_unit_ids
from motcua.organization.models import Unit
from motcua.reporting import exports, opendata
from motcua.reporting.errors import ReportingError
from motcua.reporting.index766 import index_ranking, index_score, what_if_rate
from motcua.reporting.models import ReportTemplate
from motcua.reporting.reports import last_due_period, reporting_rates
from motcua.reporting.scorecard import (
    LIGHT_LABELS,
    Counter,
    drilldown,
    indicator_get,
    leader_unit_for,
    ranking,
    scorecard,
)


def leader_unit(request, counter: Counter) -> Unit:
    return leader_unit_for(request.user, request.GET.get("don_vi") or "", counter.scopes)


def _period(request):
    kind = request.GET.get("ky") if request.GET.get("ky") in KINDS else "quarter"
    return parse_period(kind, request.GET.get("ngay") or None)


def _query(unit, period) -> str:
    return f"don_vi={unit.code}&ky={period.kind}&ngay={period.start.isoformat()}"


@login_required
@require_GET
@using_replica()  # dashboards may lag the primary by a little
def leaders(request):
    counter = Counter()
    unit = leader_unit(request, counter)
    period = _period(request)
    rows = scorecard(unit=unit, period=period, counter=counter)
    index = index_score(unit=unit, period=period, counter=counter, what_if=True)
    ranks = []
    if visible_unit_ids(request.user) is None:
        ranks = ranking(period=period, counter=counter)
        points = {r["unit"].pk: r["total"] for r in index_ranking(period=period, counter=counter)}
        for r in ranks:
            r["index_total"] = points.get(r["unit"].pk)
    rates = []
    for template in ReportTemplate.objects.filter(active=True):
        rates.append(
            reporting_rates(
                template=template,
                period=last_due_period(template, counter.now),
                counter=counter,
            )
        )
    return render(
        request,
        "reporting/leaders.html",
        {
            "unit": unit,
            "period": period,
            "kinds": KINDS,
            "rows": rows,
            "index": index,
            "ranking": ranks,
            "rates": rates,
            "query": _query(unit, period),
            "lights": LIGHT_LABELS,
        },
    )


@login_required
@require_GET
@using_replica()  # dashboards may lag the primary by a little
def leaders_excel(request):
    counter = Counter()
    unit = leader_unit(request, counter)
    period = _period(request)
    rows = scorecard(unit=unit, period=period, counter=counter, trend=0)
    index = index_score(unit=unit, period=period, counter=counter)
    ranks = (
        ranking(period=period, counter=counter) if visible_unit_ids(request.user) is None else []
    )
    content = exports.leaders_workbook(
        unit=unit, period=period, rows=rows, ranking=ranks, index=index
    )
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="chi-tieu-{period.key}.xlsx"'
    return response


@login_required
@require_GET
@using_replica()  # dashboards may lag the primary by a little
def indicator_dossiers(request, code):
    """The dossiers behind a figure, with their units (same population as the count)."""
    counter = Counter()
    unit = leader_unit(request, counter)
    period = _period(request)
    indicator = indicator_get(code)
    part = request.GET.get("phan") if request.GET.get("phan") in ("num", "rest", "all") else None
    if part is None:
        part = "rest" if indicator.direction == "higher" else "num"
    qs = drilldown(indicator=indicator, unit=unit, period=period, part=part, now=counter.now)
    page = paginate(request, qs)
    value = counter.value(indicator.formula, indicator.filters, period, unit.pk)
    return render(
        request,
        "reporting/drilldown.html",
        {
            "indicator": indicator,
            "unit": unit,
            "period": period,
            "page": page,
            "part": part,
            "value": value,
            "query": _query(unit, period),
        },
    )


@login_required
@require_GET
@using_replica()  # dashboards may lag the primary by a little
def index766(request):
    counter = Counter()
    unit = leader_unit(request, counter)
    period = _period(request)
    index = index_score(unit=unit, period=period, counter=counter, what_if=True)
    asked, error = None, None
    if request.GET.get("tieu_chi"):
        try:
            asked = what_if_rate(
                index, criterion=request.GET["tieu_chi"], percent=request.GET.get("ty_le", "")
            )
        except DomainError as failure:
            error = failure.message
    return render(
        request,
        "reporting/index766.html",
        {"unit": unit, "period": period, "index": index, "kinds": KINDS,
         "query": _query(unit, period), "asked": asked, "error": error},
    )  # fmt: skip


# ---------------------------------------------------------------- open data (public)


@require_GET
def open_data(request):
    from django.utils import timezone

    from motcua.core.periods import period_of

    today = timezone.localdate()
    periods = [period_of("quarter", today).previous(n) for n in range(0, 4)]
    periods += [period_of("year", today), period_of("year", today).previous()]
    return render(
        request,
        "reporting/open_data.html",
        {"periods": periods, "datasets": opendata.DATASETS, "columns": opendata.DATASETS},
    )


@require_GET
def open_dataset(request, key, name, fmt):
    if name not in opendata.DATASETS or fmt not in ("csv", "json"):
        raise NotFound("Không có tập dữ liệu này.", code=ReportingError.DATASET_NOT_FOUND)
    opendata.open_data_throttle(client=client_address(request))
    period = period_from_key(key)
    body = opendata.dataset(name, period, fmt)
    kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'inline; filename="{name}-{period.key}.{fmt}"'
    response["Cache-Control"] = f"public, max-age={opendata.CACHE_SECONDS}"
    return response
