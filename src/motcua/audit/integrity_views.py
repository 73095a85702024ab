"""Inspectors' report of integrity findings: page, Excel, and the API's shared reader."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from motcua.audit import integrity, jobs, selectors
from motcua.audit.errors import AuditError
from motcua.audit.excel import findings_workbook
from motcua.core.errors import DomainError, InvalidInput
from motcua.core.pagination import paginate
from motcua.core.parsing import parse_date
from motcua.core.selectors import job_for, job_status
from motcua.ledger import actions
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role, units_of

ROLES = (Role.INSPECTOR, Role.PROVINCE_ADMIN)


def _links(code: str) -> dict[str, str]:
    return {
        "dossier_url": reverse("dossiers:detail", args=[code]),
        "timeline_url": reverse("audit:dossier") + "?" + urlencode({"code": code}),
    }


def _cited(events: list[dict]) -> list[dict]:
    from motcua.audit.integrity import parse_time

    return [
        {
            "seq": e.get("seq"),
            "action": e.get("action", ""),
            "label": actions.label(e.get("action", "")),
            "at": parse_time(e.get("at")),
        }
        for e in events
    ]


def scope_check(user, unit_code: str | None) -> Unit | None:
    """The unit asked for (None: all the user's units), once the user may read its findings."""
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code.strip()).first()
        if unit is None:
            raise InvalidInput(f"Không có đơn vị mã '{unit_code}'.", code=AuditError.UNIT_NOT_FOUND)
    require_role(user, ROLES, unit)
    return unit


def findings_for(
    user,
    *,
    kind: str | None = None,
    unit_code: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict]:
    """Findings the user may see: an inspector sees the units at and below their own."""
    unit = scope_check(user, unit_code)
    filters = {"kind": kind or None, "date_from": date_from, "date_to": date_to}
    if unit is not None or user.is_superuser:
        found = selectors.findings_list(unit=unit, **filters)
    else:
        found = selectors.findings_list(units=list(units_of(user, ROLES)), **filters)
    return [
        {
            "kind": f.kind,
            "kind_label": f.kind_label,
            "code": f.code,
            "unit_id": f.unit_id,
            "unit_name": f.unit_name,
            "at": f.at,
            "seq": f.seq,
            "actor_label": f.actor_label,
            "detail": f.detail,
            "events": _cited(f.events),
            "imported": f.imported,
            **_links(f.code),
        }
        for f in found
    ]


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


def workbook_of(rows: list[dict]) -> list[integrity.Finding]:
    return [
        integrity.Finding(
            kind=r["kind"],
            code=r["code"],
            at=r["at"],
            seq=r["seq"],
            detail=r["detail"],
            unit_id=r["unit_id"],
            unit_name=r["unit_name"],
            actor_label=r["actor_label"],
            imported=r["imported"],
            events=[
                {"seq": e["seq"], "action": e["action"], "at": e["at"].isoformat()}
                for e in r["events"]
                if e["at"] is not None
            ],
        )
        for r in rows
    ]


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
