"""Public statistics pages ("công khai"): table, charts, Excel export. No login."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core.errors import DomainError
from motcua.core.periods import KINDS, parse_period
from motcua.reporting import selectors
from motcua.reporting.excel import public_stats_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(request) -> dict:
    get = request.GET
    return {
        "unit": get.get("unit") or None,
        "field": get.get("field") or None,
        "period": get.get("period") if get.get("period") in KINDS else "month",
        "date": get.get("date") or None,
        "group": get.get("group") if get.get("group") in selectors.GROUPS else "unit",
    }


def _stats(query: dict) -> selectors.PublicStats:
    return selectors.public_stats(
        period=parse_period(query["period"], query["date"]),
        unit=query["unit"],
        field=query["field"],
        group_by=query["group"],
    )


def _chart(stats: selectors.PublicStats) -> dict:
    rows = stats.rows[:15]
    return {
        "labels": [r["label"] for r in rows],
        "early": [r["resolved_early"] for r in rows],
        "on_time": [r["resolved_on_time"] for r in rows],
        "late": [r["resolved_late"] for r in rows],
        "total": {
            "early": stats.total["resolved_early"],
            "on_time": stats.total["resolved_on_time"],
            "late": stats.total["resolved_late"],
        },
    }


@require_GET
def public(request):
    query = _query(request)
    context = {
        "query": query,
        "kinds": KINDS,
        "groups": selectors.GROUPS,
        "units": selectors.unit_choices(),
        "fields": selectors.field_choices(),
    }
    try:
        stats = _stats(query)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "reporting/public.html", context, status=error.status)
    context.update(
        stats=stats,
        columns=selectors.COLUMNS,
        chart=_chart(stats),
        export_query=request.GET.urlencode(),
    )
    return render(request, "reporting/public.html", context)


@require_GET
def public_excel(request):
    try:
        stats = _stats(_query(request))
    except DomainError as error:
        return HttpResponse(
            error.message.encode(), status=error.status, content_type="text/plain; charset=utf-8"
        )
    content = public_stats_workbook(stats, province=settings.MOTCUA["PROVINCE_NAME"])
    response = HttpResponse(content, content_type=XLSX)
    name = f"thong-ke-{stats.period.kind}-{stats.period.start:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
