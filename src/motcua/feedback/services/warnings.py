"""The due-soon sweep: a periodic job warns the unit handling an item that its stage's due
time is near, in working time on that unit's calendar.

Each warning is a history event (``feedback.due_soon_warned``) and an e-mail to the officer
who last acted on the item (while he still holds an officer role at the unit) and the unit's
leaders. Once per item, threshold and due time: a new stage (a new due time) is warned again,
a second run of the sweep warns nothing new. A threshold at least as long as the whole stage
(e.g. 2 working days on the 2-day publication stage) is skipped for that stage.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from motcua.core.formats import VN_TZ, vn_datetime
from motcua.feedback import actions, clocks, events
from motcua.feedback.models import Feedback, Status
from motcua.feedback.services.common import now_or, record
from motcua.ledger.models import Event
from motcua.organization.models import Role, StaffRole

logger = logging.getLogger(__name__)

#: Statuses whose clock runs (information requested: paused, never warned).
RUNNING = (Status.NEW, Status.HANDLING, Status.DRAFTED, Status.ANSWERED)
#: Calendar days looked ahead before asking the work calendar (Tết holds ~9 days off).
LOOK_AHEAD = dt.timedelta(days=21)


def warn_key(threshold: float, due_at: dt.datetime) -> str:
    return f"{threshold:g}@{due_at.astimezone(dt.UTC).isoformat()}"


def _warned(ids) -> set[tuple[str, str]]:
    rows = Event.objects.filter(
        subject_type=events.SUBJECT, action=events.DUE_SOON_WARNED, subject_id__in=ids
    ).values_list("subject_id", "payload")
    return {(sid, key) for sid, payload in rows for key in payload.get("keys", [])}


def _crossed(item: Feedback, now: dt.datetime) -> list[float]:
    """The thresholds already crossed at ``now`` that are shorter than the stage."""
    unit, due = item.current_unit, item.due_at
    crossed = []
    for t in clocks.warn_thresholds():
        stage_end = clocks.add_days(
            item.stage_started_at, t, unit=unit, extra_hours=item.stage_paused_hours
        )
        if stage_end >= due:  # the stage is no longer than the threshold
            continue
        if clocks.add_days(now, t, unit=unit) >= due:
            crossed.append(t)
    return crossed


def recipients(item: Feedback) -> list:
    """The officer who last acted on the item (still an officer of its unit) and its leaders."""
    today = timezone.localdate()
    roles = (
        StaffRole.objects.filter(unit=item.current_unit, valid_from__lte=today)
        .exclude(valid_to__lt=today)
        .select_related("user")
    )
    officers = {r.user_id: r.user for r in roles if r.role in actions.OFFICERS}
    leaders = {r.user_id: r.user for r in roles if r.role == Role.UNIT_LEADER}
    last = (
        Event.objects.filter(
            subject_type=events.SUBJECT, subject_id=str(item.pk), actor_id__isnull=False
        )
        .order_by("-seq")
        .values_list("actor_id", flat=True)
        .first()
    )
    chosen = dict(leaders)
    if last in officers:
        chosen[last] = officers[last]
    return [u for u in chosen.values() if u.is_active]


def _mail(item: Feedback, users: list, left: str) -> None:
    emails = [u.email for u in users if u.email]
    if not emails:
        return
    send_mail(
        f"[Phản ánh] {item.code} sắp đến hạn",
        f"Phản ánh «{item.title}» ({item.get_status_display()}) tại {item.current_unit.name} "
        f"đến hạn lúc {vn_datetime(item.due_at)} (còn dưới {left} ngày làm việc). "
        "Vui lòng xử lý trên hệ thống.",
        None,
        emails,
        fail_silently=True,
    )


def _warn_one(item: Feedback, crossed: list[float], now: dt.datetime) -> bool:
    with transaction.atomic():
        locked = Feedback.objects.select_for_update(of=("self",)).get(pk=item.pk)
        if locked.due_at != item.due_at or locked.status != item.status or locked.paused_at:
            return False  # moved on since it was read
        users = recipients(item)
        tightest, due = min(crossed), item.due_at
        assert due is not None  # a running clock
        record(
            item,
            events.DUE_SOON_WARNED,
            None,
            now,
            due_at=due.astimezone(VN_TZ),
            threshold_days=tightest,
            keys=[warn_key(t, due) for t in crossed],
            left_hours=round(clocks.working_hours(now, due, unit=item.current_unit), 2),
            notified=sorted(u.get_username() for u in users),
        )
        transaction.on_commit(lambda: _mail(item, users, f"{tightest:g}"))
    return True


def feedback_warn_due_soon(*, now: dt.datetime | None = None, limit: int = 2000) -> int:
    """Warn each running item whose due time is within a threshold; the number warned."""
    now = now_or(now)
    candidates = list(
        Feedback.objects.filter(
            status__in=RUNNING,
            paused_at__isnull=True,
            due_at__gt=now,
            due_at__lte=now + LOOK_AHEAD,
        )
        .select_related("current_unit")
        .order_by("due_at")[:limit]
    )
    warned_keys = _warned([str(i.pk) for i in candidates])
    warned = 0
    for item in candidates:
        due = item.due_at
        assert due is not None  # filtered above
        crossed = [
            t for t in _crossed(item, now) if (str(item.pk), warn_key(t, due)) not in warned_keys
        ]
        if crossed and _warn_one(item, crossed, now):
            warned += 1
    logger.info("feedback due-soon sweep: %d warned of %d looked at", warned, len(candidates))
    return warned
