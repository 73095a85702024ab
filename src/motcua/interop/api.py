"""JSON API of the national portal sync for operators (/api/interop/); thin: the selectors and
services check the role."""

from __future__ import annotations

import datetime as dt
import hmac
import json
from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from motcua.core.client import client_address
from motcua.core.errors import DomainError, InvalidInput
from motcua.core.throttle import TooManyRequests, over_limit
from motcua.interop import inbound, selectors, services
from motcua.interop.errors import InteropError
from motcua.interop.models import SyncRecord
from motcua.organization.auth import officer_auth

router = Router(tags=["Liên thông Cổng DVC quốc gia"], auth=officer_auth)


class SummaryFilters(Schema):
    day_from: dt.date | None = None
    day_to: dt.date | None = None


class SummaryRow(Schema):
    unit: str
    day: dt.date
    pending: int
    sent: int
    failed: int
    parked: int


class RecordOut(Schema):
    id: int
    dossier_code: str
    event_seq: int
    national_status: int
    state: str
    attempts: int
    last_error: str


@router.get("/summary", response=list[SummaryRow], summary="Bản ghi đồng bộ theo đơn vị, ngày")
def summary(request, filters: Query[SummaryFilters]):
    return selectors.sync_summary(
        user=request.user, day_from=filters.day_from, day_to=filters.day_to
    )


@router.get("/reconciliation", summary="Đối soát với Cổng DVC quốc gia, tỷ lệ đồng bộ")
def reconciliation(request):
    return selectors.reconcile(user=request.user).as_dict()


@router.post("/records/{record_id}/resend", response=RecordOut, summary="Gửi lại bản ghi")
def resend(request, record_id: int):
    record = get_object_or_404(SyncRecord, pk=record_id)
    return services.interop_resend(actor=request.user, record=record)


#: Pushes per client and minute (the national portal sends one request per dossier).
INBOUND_PUSHES_PER_MINUTE = 600


class TokenRefused(DomainError):
    code = InteropError.INBOUND_TOKEN
    status = 401
    default_message = "Mã xác thực của Cổng DVC quốc gia không đúng."


class InboundOut(Schema):
    national_code: str
    dossier_code: str
    created: bool


def _check_push(request) -> None:
    if over_limit(
        f"interop-inbound:{client_address(request)}", limit=INBOUND_PUSHES_PER_MINUTE, window=60
    ):
        raise TooManyRequests("Gửi quá nhiều hồ sơ trong một phút. Vui lòng thử lại sau.")
    expected = getattr(settings, "INTEROP_INBOUND_TOKEN", "")
    header = request.headers.get("Authorization", "")
    given = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise TokenRefused()


@router.post(
    "/inbound",
    auth=None,
    response={200: InboundOut, 201: InboundOut},
    summary="Cổng DVC quốc gia đẩy hồ sơ nộp trực tuyến (mã xác thực trong cấu hình)",
)
def inbound_push(request):
    """The body (JSON, fields in docs/interop.md §7) is read after the token is checked."""
    _check_push(request)
    try:
        body: Any = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InvalidInput(
            "Nội dung phải là một đối tượng JSON.", code=InteropError.INBOUND_INVALID
        )
    taken = inbound.inbound_take(submission=body, source="push")
    return Status(201 if taken.created else 200, taken)


class PrefillIn(Schema):
    id_number: str
    consent: bool = False


@router.post(
    "/citizens/prefill",
    summary="Tra cứu CSDL dân cư (có đồng ý) và giấy tờ đã số hóa để điền sẵn khi tiếp nhận",
)
def citizen_prefill(request, body: PrefillIn):
    from motcua.interop.reuse import interop_identity_prefill

    return interop_identity_prefill(
        actor=request.user, id_number=body.id_number, consent=body.consent
    )
