"""Public page: the published daily roots."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core.errors import DomainError
from motcua.core.pagination import paginate
from motcua.core.parsing import parse_date
from motcua.ledger import selectors


@require_GET
def roots(request):
    """Public: anyone."""
    raw_from, raw_to = request.GET.get("from", ""), request.GET.get("to", "")
    date_from, date_to = parse_date(raw_from), parse_date(raw_to)
    errors = []
    if raw_from and date_from is None:
        errors.append("Ngày bắt đầu không hợp lệ (dd/mm/yyyy).")
    if raw_to and date_to is None:
        errors.append("Ngày kết thúc không hợp lệ (dd/mm/yyyy).")
    try:
        queryset = selectors.roots_between(date_from=date_from, date_to=date_to)
    except DomainError as error:
        errors.append(error.message)
        queryset = selectors.roots_between()
    context = {
        "page": paginate(request, queryset),
        "errors": errors,
        "date_from": raw_from,
        "date_to": raw_to,
        "last_run": selectors.last_verify_run(),
    }
    return render(request, "ledger/roots.html", context)
