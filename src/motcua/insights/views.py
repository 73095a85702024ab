"""Pages of the process analysis: thin, every read goes through ``selectors``."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.safestring import mark_safe

from motcua.core.errors import PermissionDenied
from motcua.insights import selectors, selectors_risk
from motcua.insights.graph import dfg_svg
from motcua.insights.logs import csv_chunks, xes_chunks
from motcua.ledger.actions import label


def _filters(request) -> selectors.LogFilters:
    def day(name):
        value = parse_date(request.GET.get(name) or "")
        return value if isinstance(value, dt.date) else None

    unit = request.GET.get("unit") or ""
    return selectors.LogFilters(
        procedure=(request.GET.get("procedure") or "").strip() or None,
        unit=int(unit) if unit.isdigit() else None,
        date_from=day("from"),
        date_to=day("to"),
    )


@login_required
def process_map(request):
    filters = _filters(request)
    try:
        pm = selectors.process_map(user=request.user, filters=filters)
        rows, model = selectors_risk.risk_list(user=request.user, filters=filters, limit=10)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from None
    base = request.GET.copy()
    base.pop("buoc", None)

    def step_link(edge) -> str:
        q = base.copy()
        q["buoc"] = f"{edge.source}→{edge.target}"
        return f"?{q.urlencode()}#ho-so-buoc"

    chosen = request.GET.get("buoc") or ""
    selected = next((e for e in pm.edges if f"{e.source}→{e.target}" == chosen), None)
    return render(
        request,
        "insights/process_map.html",
        {
            "pm": pm,
            "filters": filters,
            "slowest_steps": pm.slowest_steps(5),
            "slowest_units": pm.slowest_units(5),
            "variants": pm.variants[:10],
            "edges": pm.edges[:50],
            "step_split": pm.step_split[:15],
            "unit_split": pm.unit_split[:15],
            "officer_handovers": pm.officer_handovers[:10],
            "unit_handovers": pm.unit_handovers[:10],
            "query": request.GET.urlencode(),
            "at_risk": selectors.at_risk(user=request.user, filters=filters),
            "rows": rows,
            "model": model,
            "svg": mark_safe(dfg_svg(pm, label=label, link=step_link)),  # noqa: S308 - escaped
            "selected": selected,
            "step_links": {e.key: step_link(e) for e in pm.edges},
        },
    )


def _export(request, chunks, content_type: str, filename: str):
    filters = _filters(request)
    try:
        selectors.dossier_codes(user=request.user, filters=filters)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from None
    events = selectors.dossier_event_log(user=request.user, filters=filters)
    response = StreamingHttpResponse(chunks(events), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_xes(request):
    return _export(request, xes_chunks, "application/xml", "nhat-ky-ho-so.xes")


@login_required
def export_csv(request):
    return _export(request, csv_chunks, "text/csv; charset=utf-8", "nhat-ky-ho-so.csv")


@login_required
def risks(request):
    """The unit leader's early-warning page: open dossiers by probability of finishing late."""
    filters = _filters(request)
    try:
        rows, model = selectors_risk.risk_list(user=request.user, filters=filters, limit=200)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from None
    return render(
        request,
        "insights/risks.html",
        {"rows": rows, "model": model, "filters": filters, "query": request.GET.urlencode()},
    )


@login_required
def workspace_list(request):
    """Analysis workspaces: import an external log (CSV or XES) and open its map."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from motcua.core.errors import DomainError
    from motcua.insights import selectors_workspace, services

    try:
        rows = list(selectors_workspace.workspaces(user=request.user))
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from None
    if request.method == "POST":
        upload = request.FILES.get("log")
        if upload is None:
            messages.error(request, "Chọn tệp nhật ký (CSV hoặc XES).")
        else:
            try:
                ws = services.workspace_import(
                    actor=request.user,
                    name=request.POST.get("name", ""),
                    data=upload.read(),
                    filename=upload.name or "",
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Đã nhập {ws.events} sự kiện của {ws.cases} ca.")
                return redirect("insights:workspace", pk=ws.pk)
    return render(request, "insights/workspaces.html", {"rows": rows})


@login_required
def workspace_detail(request, pk: int):
    from motcua.core.errors import NotFound
    from motcua.insights import selectors_workspace

    try:
        ws = selectors_workspace.workspace_get(user=request.user, pk=pk)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from None
    except NotFound:
        from django.http import Http404

        raise Http404 from None
    pm = selectors_workspace.workspace_map(ws)
    chosen = request.GET.get("buoc") or ""
    evaluation = (
        selectors_workspace.workspace_evaluation(ws) if request.GET.get("danh_gia") else None
    )
    return render(
        request,
        "insights/workspace.html",
        {
            "ws": ws,
            "pm": pm,
            "svg": mark_safe(  # noqa: S308 - every text escaped by dfg_svg
                dfg_svg(pm, link=lambda e: f"?buoc={e.source}→{e.target}#ca-cua-buoc")
            ),
            "selected": next((e for e in pm.edges if f"{e.source}→{e.target}" == chosen), None),
            "slowest_steps": pm.slowest_steps(5),
            "slowest_units": pm.slowest_units(5),
            "variants": pm.variants[:10],
            "step_split": pm.step_split[:15],
            "officer_handovers": pm.officer_handovers[:10],
            "evaluation": evaluation,
            "evaluation_failed": isinstance(evaluation, str),
        },
    )
