"""Audit API: a dossier's proof (mounted at /api/ledger) and the inspectors' integrity
findings (mounted at /api/integrity)."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.audit import proof, selectors
from motcua.core.api_pagination import Pagination
from motcua.core.validation import Day
from motcua.organization.auth import OptionalAuth, officer_auth

proof_router = Router(tags=["Sổ cái, toàn vẹn dữ liệu"])


class ProofIn(Schema):
    phone: str = Field("", max_length=4, description="4 số cuối điện thoại của người nộp")


PROOF_DESCRIPTION = (
    "Cán bộ có quyền xem hồ sơ (cùng phạm vi đơn vị như API hồ sơ): mã truy cập (Bearer), "
    "không cần số điện thoại; cán bộ đơn vị khác: 403. Người nộp: `POST` với `phone` = 4 số "
    "cuối điện thoại đã khai (trong thân yêu cầu, không trên địa chỉ); tên cán bộ được thay "
    "bằng «vai trò — đơn vị». Mọi lần tra cứu sai đều bị đếm (429 khi vượt giới hạn). Kiểm "
    "tra bằng `scripts/verify_proof.py` (chỉ cần Python)."
)


@proof_router.post(
    "/dossiers/{code}/proof",
    response=dict[str, Any],
    auth=OptionalAuth(),
    summary="Lịch sử hồ sơ kèm bằng chứng Merkle",
    description=PROOF_DESCRIPTION,
)
def dossier_proof(request, code: str, payload: ProofIn):
    return proof.dossier_proof_for_request(request, code=code, phone_last4=payload.phone)


@proof_router.get(
    "/dossiers/{code}/proof",
    response=dict[str, Any],
    auth=OptionalAuth(),
    summary="Lịch sử hồ sơ kèm bằng chứng Merkle (cán bộ)",
    description=PROOF_DESCRIPTION
    + " Một lời gọi GET kèm `phone` được chuyển (303) về trang tra cứu, bỏ số điện thoại.",
)
def dossier_proof_get(request, code: str):
    if request.GET.get("phone"):
        target = reverse("audit:dossier") + "?" + urlencode({"code": code})
        return HttpResponseRedirect(target, status=303)
    return proof.dossier_proof_for_request(request, code=code, phone_last4="")


integrity_router = Router(tags=["Kiểm tra dấu hiệu cập nhật khống (thanh tra)"])


class CitedEventOut(Schema):
    seq: int = Field(description="Thứ tự sự kiện trong lịch sử hồ sơ")
    action: str = Field(description="Mã hành động")
    label: str
    at: dt.datetime | None = Field(description="Thời điểm sổ cái ghi nhận")


class FindingOut(Schema):
    kind: str = Field(description="Loại phát hiện")
    kind_label: str
    code: str = Field(description="Mã hồ sơ")
    unit_id: int | None = Field(None, description="Cơ quan giải quyết")
    unit_name: str
    at: dt.datetime = Field(description="Thời điểm sự kiện liên quan")
    seq: int = Field(description="Thứ tự sự kiện trong lịch sử hồ sơ")
    actor_label: str
    detail: str
    events: list[CitedEventOut] = Field(description="Các sự kiện làm căn cứ cho phát hiện")
    imported: dict[str, Any] | None = Field(
        None,
        description="Lịch sử hồ sơ được nhập từ hệ thống cũ (lần nhập, tệp nguồn, SHA-256, "
        "sự kiện sổ cái của lô nhập); thời điểm các sự kiện là thời điểm của hệ thống cũ",
    )
    dossier_url: str
    timeline_url: str


class FindingFilter(Schema):
    kind: str | None = Field(None, description="Loại phát hiện")
    unit: str | None = Field(None, description="Mã đơn vị (gồm các đơn vị trực thuộc)")
    date_from: Day | None = Field(None, alias="from", description="Từ ngày (YYYY-MM-DD)")
    date_to: Day | None = Field(None, alias="to", description="Đến ngày (YYYY-MM-DD)")


@integrity_router.get(
    "/findings",
    response=list[FindingOut],
    auth=officer_auth,
    summary="Dấu hiệu cập nhật khống (thanh tra)",
)
@paginate(Pagination)
def findings(request, filters: Query[FindingFilter]):
    return list(
        selectors.findings_for(
            request.user,
            kind=filters.kind,
            unit_code=filters.unit,
            date_from=filters.date_from,
            date_to=filters.date_to,
        )
    )
