"""Ledger API: the published daily roots and the global tree's signed checkpoints (public)."""

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.core.api_pagination import Pagination
from motcua.core.client import client_address
from motcua.core.throttle import TooManyRequests, over_limit
from motcua.core.validation import Day
from motcua.ledger import checkpoints, selectors, tree
from motcua.ledger.errors import LedgerError
from motcua.ledger.models import Checkpoint

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
    date_from: Day | None = Field(None, alias="from", description="Từ ngày (YYYY-MM-DD)")
    date_to: Day | None = Field(None, alias="to", description="Đến ngày (YYYY-MM-DD)")


@router.get("/roots", response=list[RootOut], auth=None, summary="Gốc Merkle từng ngày (công khai)")
@paginate(Pagination)
def roots(request, filters: Query[RootFilter]):
    return selectors.roots_between(date_from=filters.date_from, date_to=filters.date_to)


# --- the global tree: signed checkpoints and proofs (public) -----------------------------

#: Public proof look-ups per client and minute (each may hash thousands of tiles).
PROOF_REQUESTS_PER_MINUTE = 120


def _rate_limit(request) -> None:
    key = f"ledger-proof:{client_address(request)}"
    if over_limit(key, limit=PROOF_REQUESTS_PER_MINUTE, window=60):
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
        raise NotFound("Chưa có điểm kiểm tra nào.", code=LedgerError.CHECKPOINT_NOT_FOUND)
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
