"""Dossiers submitted on the National Public Service Portal for our procedures.

They arrive by pull (``interop_inbound_pull``, a job every 5 minutes, from the adapter's
``list_submissions``) or by push (``POST /api/interop/inbound`` with the token of
``settings.INTEROP_INBOUND_TOKEN``), and enter the same intake as the province portal's
submissions: ``dossiers.services.dossier_submit_online`` (status 1 «Mới đăng ký», waiting for a
desk to accept), at a unit the portal would offer (``dossiers.selectors.submission_units``).
The national code is kept (``InboundDossier``) and goes back with every status record
(``ma_ho_so_dvcqg``). The national code is the idempotency key: the same dossier twice
creates one dossier; the same code with other content is a conflict, never silently taken.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from motcua.catalog.models import OnlineType, Procedure, ProcedureStatus
from motcua.core.errors import Conflict, DomainError, InvalidInput
from motcua.core.files import check_content
from motcua.core.text import clean_text
from motcua.dossiers.models import ComponentCopy
from motcua.dossiers.selectors import submission_units
from motcua.dossiers.services import dossier_submit_online
from motcua.interop import events
from motcua.interop.adapters import NationalPortal, PortalError, get_portal
from motcua.interop.errors import InteropError
from motcua.interop.models import InboundDossier
from motcua.ledger.services import event_record


@dataclass
class Taken:
    national_code: str
    dossier_code: str
    created: bool


@dataclass
class PullResult:
    taken: int = 0
    again: int = 0  # already taken earlier (nothing created)
    refused: list[str] = field(default_factory=list)  # "national code: reason"


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, code=InteropError.INBOUND_INVALID)


def fingerprint(submission: dict[str, Any]) -> str:
    body = {k: v for k, v in submission.items() if k != "stt"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _procedure(code: str) -> Procedure:
    procedure = Procedure.objects.filter(code=code).prefetch_related("components").first()
    if procedure is None:
        raise _invalid(f"Không có thủ tục mã {code} trong danh mục của tỉnh.")
    if procedure.status != ProcedureStatus.ACTIVE:
        raise _invalid(f"Thủ tục {code} đã bị bãi bỏ.")
    if procedure.online_type == OnlineType.NONE:
        raise _invalid(f"Thủ tục {code} không cung cấp dịch vụ công trực tuyến.")
    return procedure


def _applicant(person: Any) -> dict[str, str]:
    person = person if isinstance(person, dict) else {}
    name = " ".join(clean_text(str(person.get("ho_ten") or "")).split())
    id_number = re.sub(r"\s", "", str(person.get("so_dinh_danh") or ""))
    phone = re.sub(r"[^\d+]", "", str(person.get("dien_thoai") or ""))
    if not name or not re.fullmatch(r"\d{9,12}|\d{10}(-\d{3})?", id_number) or not phone:
        raise _invalid("Thiếu họ tên, số định danh hợp lệ hoặc số điện thoại người nộp.")
    return {
        "kind": "person",
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "email": str(person.get("email") or "").strip().lower(),
        "address": " ".join(clean_text(str(person.get("dia_chi") or "")).split()),
    }


def _checklist(procedure: Procedure, items: Any) -> list[dict]:
    """One row per component named by its order (``thu_tu``); a file in ``noi_dung`` (base64)
    is checked by content like an upload; every required component must be there."""
    components = {c.order: c for c in procedure.components.all()}
    rows: dict[int, dict] = {}
    for item in items if isinstance(items, list) else []:
        component = components.get(item.get("thu_tu")) if isinstance(item, dict) else None
        if component is None:
            raise _invalid(f"Thành phần hồ sơ không thuộc thủ tục {procedure.code}.")
        row = {"component": component.pk, "provided": True, "copy_kind": ComponentCopy.ELECTRONIC}
        if item.get("noi_dung"):
            try:
                data = base64.b64decode(item["noi_dung"], validate=True)
            except (binascii.Error, ValueError):
                raise _invalid(f"Tệp «{component.name}» không đọc được (base64).") from None
            row["file"] = check_content(data, label=component.name).as_django_file(
                f"tp{component.pk}"
            )
        rows[component.order] = row
    missing = [c.name for c in components.values() if c.required and c.order not in rows]
    if missing:
        raise _invalid("Còn thiếu: " + "; ".join(missing) + ".")
    return [rows[order] for order in sorted(rows)]


def inbound_take(*, submission: dict[str, Any], source: str) -> Taken:
    """Take one dossier from the national portal into our intake, once per national code."""
    code = str(submission.get("ma_ho_so_dvcqg") or "").strip()
    if not re.fullmatch(r"[\w.\-]{4,64}", code):
        raise _invalid("Thiếu hoặc sai mã hồ sơ trên Cổng DVC quốc gia (ma_ho_so_dvcqg).")
    mark = fingerprint(submission)
    earlier = InboundDossier.objects.filter(national_code=code).first()
    if earlier is not None and earlier.dossier_code:
        return _again(earlier, mark)
    try:
        return _take(code, submission, mark, source)
    except IntegrityError:
        earlier = InboundDossier.objects.filter(national_code=code).exclude(dossier_code=None)
        if not earlier.exists():
            raise
        return _again(earlier.get(), mark)
    except DomainError as error:
        _refuse(code, submission, mark, source, error.message)
        raise


def _again(earlier: InboundDossier, mark: str) -> Taken:
    if earlier.fingerprint != mark:
        raise Conflict(
            f"Hồ sơ {earlier.national_code} đã nhận với nội dung khác ({earlier.dossier_code}).",
            code=InteropError.INBOUND_CONFLICT,
        )
    return Taken(earlier.national_code, earlier.dossier_code or "", created=False)


def _position(submission: dict[str, Any], source: str) -> dict[str, Any]:
    """The pull cursor's position (``stt``): kept only from a pull, so a push that carries
    one cannot move the cursor past dossiers not yet pulled."""
    return {"portal_seq": submission.get("stt")} if source == "pull" else {}


@transaction.atomic
def _take(code: str, submission: dict[str, Any], mark: str, source: str) -> Taken:
    procedure = _procedure(str(submission.get("ma_thu_tuc") or ""))
    unit_id = str(submission.get("ma_don_vi") or "")
    unit = submission_units(procedure).filter(electronic_id=unit_id).first()
    if unit is None:
        raise _invalid(f"Đơn vị {unit_id or '(trống)'} không tiếp nhận thủ tục {procedure.code}.")
    dossier = dossier_submit_online(
        procedure=procedure,
        unit=unit,
        applicant=_applicant(submission.get("nguoi_nop")),
        checklist=_checklist(procedure, submission.get("thanh_phan")),
    )
    InboundDossier.objects.update_or_create(
        national_code=code,
        defaults={
            "dossier_code": dossier.code,
            **_position(submission, source),
            "fingerprint": mark,
            "source": source,
            "error": "",
            "received_at": timezone.now(),
        },
    )
    event_record(
        subject_type=events.SUBJECT,
        subject_id=f"inbound:{code}",
        action=events.INBOUND_TAKEN,
        unit=unit,
        payload={"national_code": code, "dossier": dossier.code, "source": source},
    )
    return Taken(code, dossier.code, created=True)


def _refuse(code: str, submission: dict[str, Any], mark: str, source: str, reason: str) -> None:
    """Keep the refusal and its reason (shown to operators; tried again if it comes again)."""
    with transaction.atomic():
        InboundDossier.objects.update_or_create(
            national_code=code,
            defaults={
                **_position(submission, source),
                "fingerprint": mark,
                "source": source,
                "error": reason,
                "received_at": timezone.now(),
            },
        )
        event_record(
            subject_type=events.SUBJECT,
            subject_id=f"inbound:{code}",
            action=events.INBOUND_REFUSED,
            payload={"national_code": code, "reason": reason, "source": source},
        )


def interop_inbound_pull(*, portal: NationalPortal | None = None) -> PullResult:
    """Fetch the dossiers submitted on the national portal since the last one seen."""
    portal = portal or get_portal()
    after = InboundDossier.objects.aggregate(m=Max("portal_seq"))["m"] or 0
    result = PullResult()
    try:
        submissions = portal.list_submissions(after)
    except PortalError as error:
        result.refused.append(f"(Cổng): {error}")
        return result
    for submission in submissions:
        try:
            taken = inbound_take(submission=submission, source="pull")
        except DomainError as error:
            result.refused.append(f"{submission.get('ma_ho_so_dvcqg')}: {error.message}")
            continue
        if taken.created:
            result.taken += 1
        else:
            result.again += 1
    return result
