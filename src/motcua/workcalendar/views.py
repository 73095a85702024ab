"""Public pages: the year view of the work calendar (anyone, no login)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.workcalendar import selectors
from motcua.workcalendar.models import Weekday, WorkSchedule


def current_year(request):
    return redirect("workcalendar:year", year=timezone.localdate().year)


def year(request, year: int):
    try:
        context = selectors.calendar_year(year=year)
    except DomainError as error:
        raise Http404(error.message) from error
    schedule = (
        WorkSchedule.objects.filter(unit__isnull=True, effective_from__year__lte=year)
        .prefetch_related("periods")
        .order_by("-effective_from")
        .first()
    )
    context["schedule"] = schedule
    short = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    context["weekdays"] = [(short[i], Weekday(i).label) for i in range(7)]
    return render(request, "workcalendar/year.html", context)
