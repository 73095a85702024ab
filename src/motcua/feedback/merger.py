"""The feedback app's part of a unit merger: open feedback goes to the successor.

Registered from ``FeedbackConfig.ready`` with ``organization.services.register_merger_handler``
and called inside the merger's transaction (no transaction of its own).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.feedback import events
from motcua.feedback.models import OPEN, Feedback, Round
from motcua.ledger.actions import register
from motcua.ledger.services import event_record
from motcua.organization.models import Unit

MOVED_BY_MERGER = register(
    "feedback.moved_by_merger", "Chuyển phản ánh sang đơn vị kế thừa (sáp nhập đơn vị)"
)


def feedback_move_to_successor(
    *, actor, predecessors: list[Unit], successor: Unit, effective_on: dt.date
) -> int:
    """Every open feedback item handled at an ended unit is now handled by the successor.

    Its running round (not yet published) goes along; the receiving unit and the stage's
    clock stay as recorded. One history event per item.
    """
    ids = [u.pk for u in predecessors]
    codes = {u.pk: u.code for u in predecessors}
    now = timezone.now()
    items = (
        Feedback.objects.select_for_update(of=("self",))
        .filter(current_unit_id__in=ids, status__in=OPEN)
        .order_by("pk")
    )
    moved = 0
    for item in items:
        source = item.current_unit_id
        item.current_unit = successor
        item.save(update_fields=["current_unit", "updated_at"])
        Round.objects.filter(
            feedback=item, number=item.round, unit_id__in=ids, published_at__isnull=True
        ).update(unit=successor)
        event_record(
            subject_type=events.SUBJECT,
            subject_id=item.pk,
            action=MOVED_BY_MERGER,
            actor=actor,
            unit=successor,
            at=now,
            payload={
                "code": item.code,
                "status": item.status,
                "moved": {"current_unit": {"from": codes[source], "to": successor.code}},
                "effective_on": effective_on.isoformat(),
            },
        )
        moved += 1
    return moved
