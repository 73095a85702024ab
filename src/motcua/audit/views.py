"""Public pages: a dossier's verifiable history, for its applicant or an officer."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core.errors import DomainError
from motcua.ledger import actions, proof


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
    return render(request, "audit/dossier.html", context)


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
            request, "audit/dossier.html", {"code": code, "error": error.message}, status=status
        )
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    safe = "".join(ch if ch.isalnum() or ch in ".-_" else "_" for ch in code)
    response["Content-Disposition"] = f'attachment; filename="bang-chung-{safe}.json"'
    return response
