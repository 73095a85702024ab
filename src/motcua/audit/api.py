"""Audit API: the inspectors' integrity findings (mounted at /api/integrity)."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.audit import integrity_views
from motcua.core.api_pagination import Pagination
from motcua.organization.auth import officer_auth

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
