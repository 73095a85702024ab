from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from motcua.core.errors import InvalidInput
from motcua.ledger.errors import LedgerError
from motcua.ledger.models import DailyRoot, Event, VerifyRun


def events_for_subject(*, subject_type: str, subject_id: str | int) -> QuerySet[Event]:
    return Event.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by(
        "seq"
    )


def roots_between(
    *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[DailyRoot]:
    """Published daily roots, newest first (the public page and the API share this)."""
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", code=LedgerError.DATE_RANGE_INVALID
        )
    roots = DailyRoot.objects.order_by("-day")
    if date_from:
        roots = roots.filter(day__gte=date_from)
    if date_to:
        roots = roots.filter(day__lte=date_to)
    return roots


def last_verify_run() -> VerifyRun | None:
    return VerifyRun.objects.order_by("-started_at").first()
