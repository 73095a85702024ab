"""Inspectors' report of integrity findings: page, Excel, and the API's shared reader."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from motcua.audit import integrity, jobs, selectors
from motcua.audit.errors import AuditError
from motcua.audit.excel import findings_workbook
from motcua.audit.selectors import ROLES, findings_for, scope_check, workbook_of  # noqa: F401
from motcua.core.errors import DomainError, InvalidInput
from motcua.core.pagination import paginate
from motcua.core.parsing import parse_date
from motcua.core.selectors import job_for, job_status


def _filters(request) -> tuple[dict, list[str]]:
    raw_from, raw_to = request.GET.get("from", ""), request.GET.get("to", "")
    errors = []
    date_from, date_to = parse_date(raw_from), parse_date(raw_to)
    if raw_from and date_from is None:
        errors.append("Ngày bắt đầu không hợp lệ (dd/mm/yyyy).")
    if raw_to and date_to is None:
        errors.append("Ngày kết thúc không hợp lệ (dd/mm/yyyy).")
    return {
        "kind": request.GET.get("kind") or None,
        "unit_code": request.GET.get("unit") or None,
        "date_from": date_from,
        "date_to": date_to,
    }, errors


@login_required
@require_GET
def findings_page(request):
    """Inspectors and province administrators."""
    filters, errors = _filters(request)
    rows: list[dict] = []
    status = 200
    try:
        rows = findings_for(request.user, **filters)
    except DomainError as error:
        errors.append(error.message)
        status = error.status if error.status == 403 else 200
    job = None
    if request.GET.get("viec"):
        job = job_status(job_for(user=request.user, job_id=request.GET["viec"]))
    query = request.GET.copy()
    query.pop("viec", None)
    context = {
        "job": job,
        "page": paginate(request, rows),
        "errors": errors,
        "kinds": integrity.Kind.choices,
        "as_of": selectors.findings_as_of(),
        "query": request.GET,
        "export_query": query.urlencode(),
        "thresholds": {
            "step_seconds": integrity.STEP_SECONDS,
            "burst_min": integrity.BURST_MIN,
            "burst_minutes": int(integrity.BURST_WINDOW.total_seconds() // 60),
            "not_returned_days": integrity.NOT_RETURNED_AFTER.days,
        },
    }
    return render(request, "audit/findings.html", context, status=status)


@login_required
@require_POST
def findings_excel_start(request):
    """The page's «Xuất Excel»: a background job; the page then shows its progress bar."""
    filters, errors = _filters(request)
    if errors:
        raise InvalidInput(" ".join(errors), code=AuditError.DATE_INVALID)
    job = jobs.findings_excel_start(actor=request.user, filters=filters)
    query = request.GET.copy()
    query["viec"] = str(job.pk)
    return redirect(reverse("audit:findings") + "?" + query.urlencode())


@login_required
@require_GET
def findings_excel(request):
    """The same workbook in one request (API clients and scripts; the page uses the job).
    Inspectors and province administrators."""
    filters, errors = _filters(request)
    try:
        if errors:
            raise InvalidInput(" ".join(errors), code=AuditError.DATE_INVALID)
        rows = findings_for(request.user, **filters)
    except DomainError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain")
    response = HttpResponse(
        findings_workbook(workbook_of(rows)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="phat-hien-cap-nhat-khong.xlsx"'
    return response
