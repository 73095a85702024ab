"""What every feedback service shares: the clock, the history record, the table's check."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from motcua.core.errors import PermissionDenied
from motcua.feedback import actions, clocks, events
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, Round
from motcua.ledger.services import event_record
from motcua.organization.permissions import has_role, require_role


def now_or(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def record(item: Feedback, event: str, actor, at, **payload) -> None:
    """The item's history event (same transaction), with its code and status."""
    event_record(
        subject_type=events.SUBJECT,
        subject_id=item.pk,
        action=event,
        actor=actor,
        unit=item.current_unit,
        at=at,
        payload={"code": item.code, "status": item.status, **payload},
    )


def stage_limit(item: Feedback, name: str, now: dt.datetime) -> dict:
    """The stage limit ``name`` (pauses added) and whether ``now`` is within it."""
    limit_at = clocks.after(
        item.stage_started_at, name, unit=item.current_unit, extra_hours=item.stage_paused_hours
    )
    return {"limit": name, "limit_at": limit_at, "on_time": now <= limit_at}


def is_sender(item: Feedback, actor, phone4: str = "") -> bool:
    if actor is not None and actor.is_authenticated and item.sender_user_id == actor.pk:
        return True
    digits = re.sub(r"\D", "", item.sender_phone)
    return bool(phone4) and len(phone4) == 4 and phone4.isdigit() and digits.endswith(phone4)


def can(item: Feedback, action: actions.Action, actor, phone4: str = "") -> bool:
    """Whether ``actor`` may take ``action`` on ``item`` now (the table, nothing else)."""
    if item.status not in action.sources:
        return False
    if action.for_sender:
        if action.code == "rate" and _rated(item):  # one rating per answer: never offered twice
            return False
        if action.code == "reopen" and not _reopen_in_time(item):  # never offered once expired
            return False
        return is_sender(item, actor, phone4)
    return has_role(actor, action.roles, item.current_unit)


def _rated(item: Feedback) -> bool:
    return Round.objects.filter(feedback=item, number=item.round, rating__isnull=False).exists()


def _reopen_in_time(item: Feedback) -> bool:
    published_at = (
        Round.objects.filter(feedback=item, number=item.round)
        .values_list("published_at", flat=True)
        .first()
    )
    if published_at is None:
        return True
    return timezone.now() <= clocks.after(published_at, "reopen", unit=item.current_unit)


def lock(feedback: Feedback) -> Feedback:
    return (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("current_unit")
        .get(pk=feedback.pk)
    )


def begin(feedback: Feedback, code: str, actor, phone4: str = "") -> Feedback:
    """Lock the item, then check the table's row for ``code``; the locked item is returned."""
    action = actions.get(code)
    item = lock(feedback)
    actions.REGISTRY.check(item.status, code)  # 409 outside the table
    if action.for_sender:
        if not is_sender(item, actor, phone4):
            raise PermissionDenied(
                "Chỉ người gửi phản ánh mới thực hiện được thao tác này.",
                code=FeedbackError.NOT_SENDER,
            )
    else:
        require_role(actor, action.roles, item.current_unit)
    return item


def resume(item: Feedback, now: dt.datetime) -> float:
    """End a pause: its working hours extend the stage's limits."""
    if item.paused_at is None:
        return 0.0
    hours = max(0.0, clocks.working_hours(item.paused_at, now, unit=item.current_unit))
    item.stage_paused_hours += hours
    item.paused_hours += hours
    item.paused_at = None
    return hours


def start_stage(item: Feedback, now: dt.datetime, due: dt.datetime | None) -> None:
    item.stage_started_at, item.stage_paused_hours, item.due_at = now, 0.0, due


def current_round(item: Feedback) -> Round:
    return Round.objects.select_for_update().get(feedback=item, number=item.round)
