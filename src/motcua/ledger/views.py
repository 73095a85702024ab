"""Public pages: the published daily roots, and a dossier's verifiable history."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core.errors import DomainError
from motcua.core.pagination import paginate
from motcua.core.parsing import parse_date
from motcua.ledger import actions, proof, selectors


@require_GET
def roots(request):
    """Public: anyone."""
    raw_from, raw_to = request.GET.get("from", ""), request.GET.get("to", "")
    date_from, date_to = parse_date(raw_from), parse_date(raw_to)
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


@require_GET
def dossier_history(request):
    """Public: the applicant (code + 4 phone digits) or a signed-in officer."""
    code = request.GET.get("code", "").strip()
    phone = request.GET.get("phone", "").strip()
    context: dict = {"code": code, "phone": phone}
    if code:
        try:
            document = proof.dossier_proof_for_request(request, code=code, phone_last4=phone)
        except DomainError as error:
            context["error"] = error.message
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
    return render(request, "ledger/dossier.html", context)


@require_GET
def dossier_proof_download(request, code: str):
    """Public: the applicant (code + 4 phone digits) or a signed-in officer."""
    try:
        document = proof.dossier_proof_for_request(
            request, code=code, phone_last4=request.GET.get("phone", "")
        )
    except DomainError as error:
        status = 429 if error.status == 429 else 404
        return render(
            request, "ledger/dossier.html", {"code": code, "error": error.message}, status=status
        )
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    safe = "".join(ch if ch.isalnum() or ch in ".-_" else "_" for ch in code)
    response["Content-Disposition"] = f'attachment; filename="bang-chung-{safe}.json"'
    return response
