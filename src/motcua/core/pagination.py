"""One way to paginate pages (Django's Paginator) with Vietnamese-friendly defaults."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator


def paginate(request, queryset, *, per_page: int | None = None) -> Page:
    paginator = Paginator(queryset, per_page or settings.MOTCUA["PAGE_SIZE"])
    return paginator.get_page(request.GET.get("page"))
