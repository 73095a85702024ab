"""Ledger API: the published daily roots (public) and a dossier's proof (applicant/officer)."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.core.api_pagination import Pagination
from motcua.core.client import client_address
from motcua.core.throttle import TooManyRequests
from motcua.ledger import checkpoints, integrity_views, proof, selectors, tree
from motcua.ledger.models import Checkpoint
from motcua.organization.auth import OptionalAuth, officer_auth

router = Router(tags=["Sổ cái, toàn vẹn dữ liệu"])


class RootOut(Schema):
    day: dt.date = Field(description="Ngày (giờ Việt Nam)")
    event_count: int = Field(description="Số sự kiện của ngày")
    merkle_root: str = Field(description="Gốc Merkle (RFC 9162) của băm các sự kiện trong ngày")
    chain_head_event_id: int = Field(description="Sự kiện cuối của chuỗi toàn cục khi lập gốc")
    chain_head: str = Field(description="Mắt xích cuối của chuỗi toàn cục khi lập gốc")
    prev_hash: str = Field(description="Băm gốc của ngày trước")
    hash: str = Field(description="Băm của bản ghi gốc ngày này")


class RootFilter(Schema):
    date_from: dt.date | None = Field(None, alias="from", description="Từ ngày (YYYY-MM-DD)")
    date_to: dt.date | None = Field(None, alias="to", description="Đến ngày (YYYY-MM-DD)")


@router.get("/roots", response=list[RootOut], auth=None, summary="Gốc Merkle từng ngày (công khai)")
@paginate(Pagination)
def roots(request, filters: Query[RootFilter]):
    return selectors.roots_between(date_from=filters.date_from, date_to=filters.date_to)


class ProofIn(Schema):
    phone: str = Field("", max_length=4, description="4 số cuối điện thoại của người nộp")


PROOF_DESCRIPTION = (
    "Cán bộ có quyền xem hồ sơ (cùng phạm vi đơn vị như API hồ sơ): mã truy cập (Bearer), "
    "không cần số điện thoại; cán bộ đơn vị khác: 403. Người nộp: `POST` với `phone` = 4 số "
    "cuối điện thoại đã khai (trong thân yêu cầu, không trên địa chỉ); tên cán bộ được thay "
    "bằng «vai trò — đơn vị». Mọi lần tra cứu sai đều bị đếm (429 khi vượt giới hạn). Kiểm "
    "tra bằng `scripts/verify_proof.py` (chỉ cần Python)."
)


@router.post(
    "/dossiers/{code}/proof",
    response=dict[str, Any],
    auth=OptionalAuth(),
    summary="Lịch sử hồ sơ kèm bằng chứng Merkle",
    description=PROOF_DESCRIPTION,
)
def dossier_proof(request, code: str, payload: ProofIn):
    return proof.dossier_proof_for_request(request, code=code, phone_last4=payload.phone)


@router.get(
    "/dossiers/{code}/proof",
    response=dict[str, Any],
    auth=OptionalAuth(),
    summary="Lịch sử hồ sơ kèm bằng chứng Merkle (cán bộ)",
    description=PROOF_DESCRIPTION
    + " Một lời gọi GET kèm `phone` được chuyển (303) về trang tra cứu, bỏ số điện thoại.",
)
def dossier_proof_get(request, code: str):
    if request.GET.get("phone"):
        target = reverse("ledger:dossier") + "?" + urlencode({"code": code})
        return HttpResponseRedirect(target, status=303)
    return proof.dossier_proof_for_request(request, code=code, phone_last4="")


# --- the global tree: signed checkpoints and proofs (public) -----------------------------

#: Public proof look-ups per client and minute (each may hash thousands of tiles).
PROOF_REQUESTS_PER_MINUTE = 120


def _rate_limit(request) -> None:
    key = f"ledger-proof:{client_address(request)}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    if count > PROOF_REQUESTS_PER_MINUTE:
        raise TooManyRequests("Bạn đã gửi quá nhiều yêu cầu bằng chứng. Vui lòng thử lại sau.")


class CheckpointOut(Schema):
    tree_size: int = Field(description="Số lá (sự kiện đã niêm phong) của cây")
    root_hash: str = Field(description="Gốc cây (hex, 32 byte)")
    name: str = Field(description="Tên (gốc ngày: `day:YYYY-MM-DD`), trống nếu không có")
    note: str = Field(description="Điểm kiểm tra đã ký (C2SP tlog-checkpoint, signed note)")
    created_at: dt.datetime


class CheckpointFilter(Schema):
    name: str | None = Field(None, description="Lọc theo tên, ví dụ `day:2026-03-02`")


@router.get(
    "/checkpoints",
    response=list[CheckpointOut],
    auth=None,
    summary="Các điểm kiểm tra đã ký của cây toàn cục (công khai, mới nhất trước)",
)
@paginate(Pagination)
def checkpoint_list(request, filters: Query[CheckpointFilter]):
    _rate_limit(request)
    qs = Checkpoint.objects.order_by("-tree_size", "-id")
    return qs.filter(name=filters.name) if filters.name else qs


@router.get(
    "/checkpoints/latest",
    response=CheckpointOut,
    auth=None,
    summary="Điểm kiểm tra đã ký mới nhất (công khai)",
)
def checkpoint_latest(request):
    from motcua.core.errors import NotFound

    _rate_limit(request)
    latest = tree.latest_checkpoint()
    if latest is None:
        raise NotFound("Chưa có điểm kiểm tra nào.", code="checkpoint_not_found")
    return latest


@router.get(
    "/key",
    response=dict[str, str],
    auth=None,
    summary="Khoá xác minh chữ ký điểm kiểm tra (công khai)",
)
def verifier_key(request):
    return {"origin": checkpoints.key_name(), "verifier_key": checkpoints.server_verifier_key()}


@router.get(
    "/consistency",
    response=dict[str, Any],
    auth=None,
    summary="Bằng chứng nhất quán RFC 9162 giữa hai điểm kiểm tra (công khai)",
)
def consistency(
    request,
    first: int = Query(..., ge=0, description="Số lá của điểm kiểm tra cũ"),
    second: int = Query(..., ge=0, description="Số lá của điểm kiểm tra mới"),
):
    _rate_limit(request)
    return tree.consistency_proof(first, second)


@router.get(
    "/inclusion",
    response=dict[str, Any],
    auth=None,
    summary="Bằng chứng thuộc cây RFC 9162 của một sự kiện (công khai)",
)
def inclusion(
    request,
    event: int = Query(..., ge=1, description="Mã (id) sự kiện"),
    size: int | None = Query(None, ge=1, description="Số lá của điểm kiểm tra; mặc định mới nhất"),
):
    _rate_limit(request)
    return tree.inclusion_proof(event, size)


# --- integrity findings (mounted at /api/integrity) ---------------------------------------

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
