"""Public pages: the published daily roots, and a dossier's verifiable history."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.errors import DomainError
from motcua.core.pagination import paginate
from motcua.core.throttle import without_digits
from motcua.ledger import actions, proof, selectors


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None


@require_GET
def roots(request):
    """Public: anyone."""
    raw_from, raw_to = request.GET.get("from", ""), request.GET.get("to", "")
    date_from, date_to = _date(raw_from), _date(raw_to)
    errors = []
    if raw_from and date_from is None:
        errors.append("Ngày bắt đầu không hợp lệ (dd/mm/yyyy).")
    if raw_to and date_to is None:
        errors.append("Ngày kết thúc không hợp lệ (dd/mm/yyyy).")
    try:
        queryset = selectors.roots_between(date_from=date_from, date_to=date_to)
    except DomainError as error:
        errors.append(error.message)
        queryset = selectors.roots_between()
    context = {
        "page": paginate(request, queryset),
        "errors": errors,
        "date_from": raw_from,
        "date_to": raw_to,
        "last_run": selectors.last_verify_run(),
    }
    return render(request, "ledger/roots.html", context)


@require_http_methods(["GET", "POST"])
def dossier_history(request):
    """Public: the applicant (code + 4 phone digits, sent by POST) or a signed-in officer
    who may read the dossier (GET ?code=… is enough). A GET with the digits in its query
    string goes back to the form without them (303), so digits never sit in access logs."""
    if request.method == "GET" and (response := without_digits(request)) is not None:
        return response
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("code", "").strip()[:64]
    phone = request.POST.get("phone", "").strip()[:4]
    context: dict = {"code": code, "phone": phone}
    asks = code and (request.method == "POST" or proof.is_officer(request.user))
    status = 200
    if asks:
        try:
            document = proof.dossier_proof_for_request(request, code=code, phone_last4=phone)
        except DomainError as error:
            context["error"] = error.message
            status = error.status
        else:
            roots = {r["day"]: r for r in document["roots"]}
            context["events"] = [
                {
                    **e,
                    "label": actions.label(e["canonical"]["action"]),
                    "at": dt.datetime.fromisoformat(e["canonical"]["at"]),
                    "root": roots.get((e["inclusion"] or {}).get("day")),
                }
                for e in document["events"]
            ]
    return render(request, "ledger/dossier.html", context, status=status)


@require_http_methods(["GET", "POST"])
def dossier_proof_download(request, code: str):
    """Public: the applicant (code + 4 phone digits by POST) or a signed-in officer (GET)."""
    if request.method == "GET" and request.GET.get("phone"):
        target = reverse("ledger:dossier") + "?" + urlencode({"code": code})
        return HttpResponseRedirect(target, status=303)
    try:
        document = proof.dossier_proof_for_request(
            request, code=code, phone_last4=request.POST.get("phone", "").strip()[:4]
        )
    except DomainError as error:
        return render(
            request,
            "ledger/dossier.html",
            {"code": code, "error": error.message},
            status=error.status,
        )
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    safe = "".join(ch if ch.isalnum() or ch in ".-_" else "_" for ch in code)
    response["Content-Disposition"] = f'attachment; filename="bang-chung-{safe}.json"'
    return response
