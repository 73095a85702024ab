"""Periodic report pages: my unit's reports, fill in and submit, corrections, Word export,
and who has not reported. Every write is a service call (role and unit checked there)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from motcua.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from motcua.core.periods import period_of
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import has_role
from motcua.reporting import exports, services
from motcua.reporting.errors import ReportingError
from motcua.reporting.models import ReportStatus, ReportTemplate
from motcua.reporting.reports import (
    due_at,
    last_due_period,
    report_get,
    report_history,
    report_view,
    reporting_rates,
    template_get,
    units_reporting_for,
)
from motcua.reporting.scorecard import safe_code


def _can_read(user, report) -> bool:
    return (
        services.can_manage(user)
        or has_role(user, [Role.INSPECTOR, Role.PROVINCE_ADMIN])
        or has_role(user, list(Role.values), report.unit)
    )


@login_required
@require_GET
def reports_home(request):
    now = timezone.now()
    cards = []
    units: dict[int, Unit] = {}
    for template in ReportTemplate.objects.filter(active=True):
        period = last_due_period(template, now)
        current = period_of(template.frequency, timezone.localdate())
        for unit in units_reporting_for(request.user, template):
            units[unit.pk] = unit
            for p in dict.fromkeys([period, current]):
                report = template.reports.filter(unit=unit, period_start=p.start, current=True)
                cards.append(
                    {
                        "template": template,
                        "unit": unit,
                        "period": p,
                        "due_at": due_at(template, p),
                        "report": report.first(),
                    }
                )
    return render(
        request,
        "reporting/reports.html",
        {
            "cards": cards,
            "units": list(units.values()),
            "templates": ReportTemplate.objects.filter(active=True),
            "can_manage": services.can_manage(request.user),
        },
    )


@login_required
@require_POST
def report_open(request):
    try:
        template = template_get(request.POST.get("mau", ""))
        code = safe_code(request.POST.get("don_vi", ""))
        unit = Unit.objects.filter(code=code).first() if code else None
        if unit is None:
            raise InvalidInput("Chọn đơn vị báo cáo.", code=ReportingError.UNIT_REQUIRED)
        try:
            start = dt.date.fromisoformat(request.POST.get("tu_ngay", ""))
        except ValueError as error:
            raise InvalidInput(
                "Kỳ báo cáo không hợp lệ.", code=ReportingError.PERIOD_INVALID
            ) from error
        report = services.report_open(
            actor=request.user, template=template, unit=unit, period_start=start
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reporting:reports")
    return redirect("reporting:report", pk=report.pk)


@login_required
def report_detail(request, pk):
    report = report_get(pk)
    if not _can_read(request.user, report):
        raise PermissionDenied("Bạn không được xem báo cáo của đơn vị này.")
    if request.method == "POST":
        action = request.POST.get("thao_tac")
        narrative = {
            s["key"]: request.POST.get(s["key"], "")
            for s in report.template.sections
            if s.get("kind") == "text" and s["key"] in request.POST
        }
        try:
            if action in ("luu", "gui") and report.status == ReportStatus.DRAFT:
                report = services.report_save_draft(
                    actor=request.user, report=report, narrative=narrative,
                    number=request.POST.get("so", ""),
                )  # fmt: skip
            if action == "gui":
                report = services.report_submit(actor=request.user, report=report)
                messages.success(request, "Đã gửi báo cáo.")
            elif action == "dieu_chinh":
                report = services.report_correct(
                    actor=request.user, report=report, reason=request.POST.get("ly_do", "")
                )
                messages.success(request, f"Đã tạo bản điều chỉnh lần {report.version - 1}.")
            elif action == "luu":
                messages.success(request, "Đã lưu bản nháp.")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("reporting:report", pk=report.pk)
    period = period_of(report.template.frequency, report.period_start)
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "period": period,
            "sections": report_view(report),
            "due_at": due_at(report.template, period),
            "history": report_history(
                template=report.template, unit=report.unit, period_start=report.period_start
            ),
            "can_edit": report.current
            and report.status == ReportStatus.DRAFT
            and has_role(request.user, [Role.UNIT_LEADER, Role.REFORM_OFFICER], report.unit),
            "can_submit": report.current
            and report.status == ReportStatus.DRAFT
            and has_role(request.user, [Role.UNIT_LEADER], report.unit),
            "can_correct": report.current
            and report.status == ReportStatus.SUBMITTED
            and has_role(request.user, [Role.UNIT_LEADER, Role.REFORM_OFFICER], report.unit),
        },
    )


@login_required
@require_GET
def report_word(request, pk):
    report = report_get(pk)
    if not _can_read(request.user, report):
        raise PermissionDenied("Bạn không được xem báo cáo của đơn vị này.")
    response = HttpResponse(exports.report_docx(report), content_type=exports.DOCX)
    name = f"bao-cao-{report.template.code}-{report.unit.code}-{report.period_start}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _rates(request):
    if not services.can_view_leaders(request.user):
        raise PermissionDenied("Trang này dành cho lãnh đạo, cán bộ CCHC, thanh tra và quản trị.")
    templates = list(ReportTemplate.objects.filter(active=True))
    if not templates:
        raise InvalidInput("Chưa có mẫu báo cáo định kỳ.", code=ReportingError.NO_TEMPLATES)
    code = request.GET.get("mau") or templates[0].code
    template = template_get(code)
    day = request.GET.get("ngay")
    try:
        period = (
            period_of(template.frequency, dt.date.fromisoformat(day))
            if day
            else last_due_period(template, timezone.now())
        )
    except ValueError as error:
        raise InvalidInput(
            "Ngày phải có dạng YYYY-MM-DD.", code=ReportingError.DATE_INVALID
        ) from error
    return templates, reporting_rates(template=template, period=period)


@login_required
@require_GET
def rates(request):
    templates, data = _rates(request)
    period = data["period"]
    return render(
        request,
        "reporting/rates.html",
        {
            "templates": templates,
            "rates": data,
            "previous": period.previous().start.isoformat(),
            "next": (period.end + dt.timedelta(days=1)).isoformat(),
            "excel": reverse("reporting:rates_excel")
            + f"?mau={data['template'].code}&ngay={period.start.isoformat()}",
        },
    )


@login_required
@require_GET
def rates_excel(request):
    _, data = _rates(request)
    response = HttpResponse(exports.rates_workbook(data), content_type=exports.XLSX)
    name = f"tinh-hinh-bao-cao-{data['template'].code}-{data['period'].key}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def report_pdf(request, pk):
    report = report_get(pk)
    if not _can_read(request.user, report):
        raise PermissionDenied("Bạn không được xem báo cáo của đơn vị này.")
    response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
    name = f"bao-cao-{report.template.code}-{report.unit.code}-{report.period_start}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _consolidation(request):
    if not (services.can_manage(request.user) or has_role(request.user, [Role.INSPECTOR])):
        raise PermissionDenied("Chỉ cấp tỉnh tổng hợp báo cáo của các đơn vị.")
    return _rates(request)[1]


@login_required
@require_GET
def consolidation(request, fmt):
    from django.conf import settings

    from motcua.reporting.scorecard import Counter, scorecard

    if fmt not in ("docx", "xlsx", "pdf"):
        raise NotFound("Chỉ có bản Word, Excel hoặc PDF.", code=ReportingError.FORMAT_NOT_FOUND)
    data = _consolidation(request)
    counter = Counter()
    period = data["period"]
    name = f"tong-hop-{data['template'].code}-{period.key}.{fmt}"
    if fmt in ("docx", "pdf"):
        rows = scorecard(unit=counter.scopes.root(), period=period, counter=counter, trend=0)
        build = exports.consolidation_docx if fmt == "docx" else exports.consolidation_pdf
        content = build(
            rates=data, province_rows=rows, province_name=settings.MOTCUA["PROVINCE_NAME"]
        )
        kind = exports.DOCX if fmt == "docx" else "application/pdf"
    else:
        unit_rows = [
            (r, scorecard(unit=r.unit, period=period, counter=counter, trend=0))
            for r in data["rows"]
        ]
        content = exports.consolidation_xlsx(rates=data, unit_rows=unit_rows)
        kind = exports.XLSX
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
