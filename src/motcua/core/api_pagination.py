"""Page-number pagination for every API list: ?page=1&page_size=20 → {items, count, page, pages}."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from motcua.core.errors import CoreError, InvalidInput


class PageIn(Schema):
    """The page asked for (its own name: a class called ``Input`` clashed in the schema)."""

    page: int = Field(1, ge=1, le=1_000_000, description="Trang (bắt đầu từ 1)")
    page_size: int = Field(20, ge=1, le=200, description="Số dòng mỗi trang (tối đa 200)")


class Pagination(PaginationBase):
    Input = PageIn

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: PageIn, **params):
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        pages = max(1, math.ceil(count / pagination.page_size))
        if pagination.page > pages and count:
            raise InvalidInput(
                f"Trang {pagination.page} vượt quá {pages} trang.", code=CoreError.PAGE_OUT_OF_RANGE
            )
        start = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[start : start + pagination.page_size]),
            "count": count,
            "page": pagination.page,
            "pages": pages,
        }
