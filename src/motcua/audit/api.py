"""Audit API: a dossier's proof (applicant/officer, mounted at /api/ledger) and the
inspectors' integrity findings (mounted at /api/integrity)."""

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.audit import integrity_views
from motcua.core.api_pagination import Pagination
from motcua.ledger import proof
from motcua.organization.auth import OptionalAuth, officer_auth

proof_router = Router(tags=["Sổ cái, toàn vẹn dữ liệu"])


@proof_router.get(
    "/dossiers/{code}/proof",
    response=dict[str, Any],
    auth=OptionalAuth(),
    summary="Lịch sử hồ sơ kèm bằng chứng Merkle",
    description=(
        "Người nộp: mã hồ sơ + `phone` = 4 số cuối điện thoại đã khai. Cán bộ: mã truy cập "
        "(Bearer). Kiểm tra bằng `scripts/verify_proof.py` (chỉ cần Python)."
    ),
)
def dossier_proof(request, code: str, phone: str = ""):
    return proof.dossier_proof_for_request(request, code=code, phone_last4=phone)


integrity_router = Router(tags=["Kiểm tra dấu hiệu cập nhật khống (thanh tra)"])


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
    dossier_url: str
    timeline_url: str


class FindingFilter(Schema):
    kind: str | None = Field(None, description="Loại phát hiện")
    unit: str | None = Field(None, description="Mã đơn vị (gồm các đơn vị trực thuộc)")
    date_from: dt.date | None = Field(None, alias="from", description="Từ ngày (YYYY-MM-DD)")
    date_to: dt.date | None = Field(None, alias="to", description="Đến ngày (YYYY-MM-DD)")


@integrity_router.get(
    "/findings",
    response=list[FindingOut],
    auth=officer_auth,
    summary="Dấu hiệu cập nhật khống (thanh tra)",
)
@paginate(Pagination)
def findings(request, filters: Query[FindingFilter]):
    return list(
        integrity_views.findings_for(
            request.user,
            kind=filters.kind,
            unit_code=filters.unit,
            date_from=filters.date_from,
            date_to=filters.date_to,
        )
    )
