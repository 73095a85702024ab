"""Public pages: a dossier's verifiable history, for its applicant or an officer."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from motcua.audit import proof
from motcua.core.errors import DomainError
from motcua.core.throttle import without_digits
from motcua.ledger import actions


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
            context["history"] = document["subject"].get("history") or {}
            context["events"] = [
                {
                    **e,
                    "label": actions.label(e["canonical"]["action"]),
                    "at": dt.datetime.fromisoformat(e["canonical"]["at"]),
                    "root": roots.get((e["inclusion"] or {}).get("day")),
                }
                for e in document["events"]
            ]
    return render(request, "audit/dossier.html", context, status=status)


@require_http_methods(["GET", "POST"])
def dossier_proof_download(request, code: str):
    """Public: the applicant (code + 4 phone digits by POST) or a signed-in officer (GET)."""
    if request.method == "GET" and request.GET.get("phone"):
        target = reverse("audit:dossier") + "?" + urlencode({"code": code})
        return HttpResponseRedirect(target, status=303)
    try:
        document = proof.dossier_proof_for_request(
            request, code=code, phone_last4=request.POST.get("phone", "").strip()[:4]
        )
    except DomainError as error:
        return render(
            request,
            "audit/dossier.html",
            {"code": code, "error": error.message},
            status=error.status,
        )
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    safe = "".join(ch if ch.isalnum() or ch in ".-_" else "_" for ch in code)
    response["Content-Disposition"] = f'attachment; filename="bang-chung-{safe}.json"'
    return response
