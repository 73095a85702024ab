"""Early / on time / late (DOMAIN.md §4), computed — never entered by hand.

Choice documented in docs/dossiers.md:
- end = the time the dossier reached "result ready" (approved or refused);
- due = the legal due time plus the working time paused (the last ``due_after`` recorded);
- early: finished on a day before the due day (local time); on time: on the due day no later
  than the due time; late: after the due time;
- always late: an apology / re-appointment was issued, or more than one supplement request;
- procedures without a due date are on time; withdrawn, stopped, cancelled are not classified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.dateparse import parse_datetime

from motcua.core import zone
from motcua.dossiers import events as ev
from motcua.dossiers.models import Classification


def classify(
    *,
    end: dt.datetime | None,
    due: dt.datetime | None,
    supplement_requests: int = 0,
    apologized: bool = False,
) -> str:
    if end is None:
        return Classification.NONE
    if apologized or supplement_requests > 1:
        return Classification.LATE
    if due is None:
        return Classification.ON_TIME
    if end > due:
        return Classification.LATE
    if zone.localdate(end) < zone.localdate(due):
        return Classification.EARLY
    return Classification.ON_TIME


def classify_events(history: Iterable) -> str:
    """The same answer, derived only from the recorded events of one dossier."""
    end = due = None
    supplements = 0
    apologized = False
    for event in history:
        payload = event.payload or {}
        if "due_after" in payload:
            due = parse_datetime(payload["due_after"]) if payload["due_after"] else None
        if event.action == ev.SUPPLEMENT_REQUESTED:
            supplements += 1
        elif event.action == ev.APOLOGIZED:
            apologized = True
        elif event.action in ev.RESULT_EVENTS and end is None:
            end = event.at
    return classify(end=end, due=due, supplement_requests=supplements, apologized=apologized)


def classify_dossier(dossier) -> str:
    """From the dossier row (itself derived from events; a test checks both agree)."""
    return classify(
        end=dossier.finished_at,
        due=dossier.due_at,
        supplement_requests=dossier.supplement_count,
        apologized=dossier.apologized_at is not None,
    )
