"""Ledger API: the published daily roots (public)."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.core.api_pagination import Pagination
from motcua.core.validation import Day
from motcua.ledger import selectors

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
