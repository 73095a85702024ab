"""One way to paginate pages (Django's Paginator) with Vietnamese-friendly defaults."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.paginator import Page, Paginator


class _CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its number of items (already counted by the page), not counting."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def paginate(
    request: Any, queryset: Any, *, per_page: int | None = None, count: int | None = None
) -> Page[Any]:
    """Page ``request.GET["page"]`` of ``queryset``; ``count``: its size when the caller
    has counted it already (one query fewer), else the paginator counts it."""
    size = per_page or cast(int, settings.MOTCUA["PAGE_SIZE"])
    paginator = (
        Paginator(queryset, size)
        if count is None
        else _CountedPaginator(queryset, size, count=count)
    )
    return paginator.get_page(request.GET.get("page"))
