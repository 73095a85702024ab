"""A dossier's proof: its history from the ledger (``subject_proof``), for its applicant
(code + last 4 phone digits, names replaced by roles and units) or an officer who may see it.
"""

from __future__ import annotations

import copy
from typing import Any

from motcua.audit.errors import AuditError
from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.throttle import lookup_guard
from motcua.ledger.proof import subject_proof


def is_officer(user) -> bool:
    from motcua.organization.permissions import user_roles

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user_roles(user))


NOT_FOUND_MESSAGE = (
    "Không tìm thấy hồ sơ, hoặc 4 số cuối điện thoại không khớp với người nộp hồ sơ."
)
HIDDEN = "(đã ẩn)"
# payload fields naming a person other than the applicant, or the applicant's contact data
PERSON_FIELDS = ("from_user", "to_user", "assignee", "received_by", "officer", "signed_by")
APPLICANT_DATA = (
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
)


def _neutral_labels(events: list[dict]) -> dict[tuple, str]:
    """«role — unit» for each (actor, unit) of the events: what an outsider may read."""
    from motcua.organization.models import Role, StaffRole, Unit

    actor_ids = {c["actor_id"] for c in events if c["actor_id"] is not None}
    unit_ids = {c["unit_id"] for c in events if c["unit_id"] is not None}
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    roles: dict[tuple, str] = {}
    for user_id, unit_id, role in StaffRole.objects.filter(
        user_id__in=actor_ids, unit_id__in=unit_ids
    ).values_list("user_id", "unit_id", "role"):
        roles.setdefault((user_id, unit_id), str(Role(role).label))
    labels = {}
    for c in events:
        if c["actor_id"] is None:
            continue
        role = roles.get((c["actor_id"], c["unit_id"]), "Cán bộ")
        unit = units.get(c["unit_id"])
        labels[(c["actor_id"], c["unit_id"])] = f"{role} — {unit}" if unit else role
    return labels


def redact(proof: dict[str, Any], *, applicant_name: str, officer: bool) -> dict[str, Any]:
    """What a reader who is not an officer of the dossier's units may see.

    An officer who may read the dossier gets the whole history, as the dossier API shows
    it to them, and every hash can be recomputed. Anyone else (the applicant with the phone
    digits) sees no officer's name or login: the actor becomes «role — unit», person fields
    of the payload other than the applicant's own name and the applicant's contact data
    become «(đã ẩn)». An event with a hidden field lists it under ``redacted``: its hash can
    no longer be recomputed from the text shown, but it is still chained to its neighbours
    and included in its day's Merkle root (``scripts/verify_proof.py`` says so).
    """
    if officer:
        return proof
    canon = [e["canonical"] for e in proof["events"]]
    labels = _neutral_labels(canon)
    for event in proof["events"]:
        c = event["canonical"] = dict(event["canonical"])
        payload = c["payload"] = copy.deepcopy(c["payload"]) or {}
        hidden = []
        if c["actor_id"] is not None:
            if c["actor_label"] != applicant_name:
                c["actor_label"] = labels.get((c["actor_id"], c["unit_id"]), "Cán bộ")
                hidden.append("actor_label")
            c["actor_id"] = None
            hidden.append("actor_id")
        for key in PERSON_FIELDS:
            value = payload.get(key)
            if isinstance(value, str) and value and value != applicant_name:
                payload[key] = HIDDEN
                hidden.append(f"payload.{key}")
        for key in APPLICANT_DATA:
            if payload.get(key):
                payload[key] = HIDDEN
                hidden.append(f"payload.{key}")
        if hidden:
            event["redacted"] = hidden
    return proof


def dossier_proof(
    *, code: str, phone_last4: str = "", user=None, client: str = ""
) -> dict[str, Any]:
    """The proof of a dossier, for an officer who may read it (the same unit scope as the
    dossier API: ``dossiers.selectors.can_view``) or for its applicant (code + last 4 phone
    digits). Every try other than an entitled officer's counts against the look-up limits
    (``core.throttle.lookup_guard``), whoever asks (signed in, with a token or not); only
    failures are kept, so the owner's right digits cost nothing. Wrong code and wrong digits give the same answer;
    an officer outside the dossier's units gets 403, as from the dossier API.
    """
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import can_view

    code = (code or "").strip()
    dossier = (
        Dossier.objects.filter(code=code)
        .select_related("receiving_unit", "competent_unit", "holder_unit")
        .first()
    )
    officer = dossier is not None and is_officer(user) and can_view(user, dossier)
    if not officer:  # every other try is counted (a success is given back)
        with lookup_guard(subject=code, client=client):
            if dossier is None or not (
                phone_last4 and dossier.applicant_phone_ends_with(phone_last4)
            ):
                if is_officer(user) and dossier is not None:
                    raise PermissionDenied("Bạn không có quyền xem hồ sơ này.")
                raise NotFound(NOT_FOUND_MESSAGE, code=AuditError.PROOF_NOT_FOUND)
    proof = subject_proof(subject_type="dossier", subject_id=dossier.code)
    proof["subject"]["code"] = dossier.code
    proof["subject"]["history"] = history_source(dossier.code)
    return redact(proof, applicant_name=dossier.applicant_name, officer=officer)


def history_source(code: str) -> dict[str, Any]:
    """How the dossier's history came in: ``{"source": "live"}`` (worked on this platform),
    or the import's mark (run, source file, SHA-256, the batch's ledger event) with a note
    that the events carry the previous system's times."""
    from motcua.audit.provenance import provenance

    mark = provenance([code]).get(code)
    if mark is None:
        return {"source": "live"}
    return {
        **mark,
        "note": "Lịch sử nhập từ hệ thống cũ: thời điểm các sự kiện là thời điểm hệ thống cũ "
        "ghi nhận; việc nhập được ghi trong sổ cái (sự kiện của lô nhập).",
    }


def dossier_proof_for_request(request, *, code: str, phone_last4: str) -> dict:
    """``dossier_proof`` for a web or API caller (signed in, with a token, or anonymous)."""
    from motcua.core.client import client_address

    return dossier_proof(
        code=code, phone_last4=phone_last4, user=request.user, client=client_address(request)
    )
