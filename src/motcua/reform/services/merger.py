"""The reform app's part of a unit merger: open tasks and self-assessment items move.

Registered from ``ReformConfig.ready`` with ``organization.services.register_merger_handler``
and called inside the merger's transaction (no transaction of its own).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from motcua.ledger.actions import register
from motcua.ledger.services import event_record
from motcua.organization.models import Unit
from motcua.reform import events
from motcua.reform.models import (
    SelfAssessmentStatus,
    SelfItem,
    SelfItemStatus,
    Task,
    TaskAssignment,
    TaskStatus,
)

TASK_MOVED_BY_MERGER = register(
    "reform_task.moved_by_merger", "Chuyển nhiệm vụ CCHC sang đơn vị kế thừa (sáp nhập)"
)
SELF_ITEM_MOVED_BY_MERGER = register(
    "reform_self.item_moved_by_merger", "Chuyển tiêu chí tự đánh giá sang đơn vị kế thừa"
)
CLOSED = (TaskStatus.DONE, TaskStatus.CANCELLED)


def reform_move_to_successor(
    *, actor, predecessors: list[Unit], successor: Unit, effective_on: dt.date
) -> int:
    """Open tasks led or shared by an ended unit, and the self-assessment items it still
    prepares, are now the successor's; one history event each. Returns how many moved."""
    ids = [u.pk for u in predecessors]
    codes: dict[int | None, str] = {u.pk: u.code for u in predecessors}
    now = timezone.now()
    moved = 0
    # the ids first (the join repeats a task per assignment; PostgreSQL refuses FOR UPDATE
    # with DISTINCT), then lock the tasks themselves
    touched = Task.objects.filter(Q(lead_unit_id__in=ids) | Q(assignments__unit_id__in=ids))
    tasks = (
        Task.objects.select_for_update(of=("self",))
        .filter(pk__in=touched.values("pk"))
        .exclude(status__in=CLOSED)
        .order_by("pk")
    )
    for task in tasks:
        changed: dict = {}
        if task.lead_unit_id in ids:
            changed["lead_unit"] = {"from": codes[task.lead_unit_id], "to": successor.code}
            task.lead_unit = successor
            task.save(update_fields=["lead_unit"])
        for assignment in TaskAssignment.objects.filter(task=task, unit_id__in=ids):
            changed.setdefault("assignments", []).append(
                {"role": assignment.role, "from": codes[assignment.unit_id], "to": successor.code}
            )
            assignment.unit = successor
            assignment.save(update_fields=["unit"])
        event_record(
            subject_type=events.SUBJECT_TASK,
            subject_id=task.pk,
            action=TASK_MOVED_BY_MERGER,
            actor=actor,
            unit=successor,
            at=now,
            payload={"moved": changed, "effective_on": effective_on.isoformat()},
        )
        moved += 1
    items = (
        SelfItem.objects.select_for_update(of=("self",))
        .filter(unit_id__in=ids, assessment__status=SelfAssessmentStatus.OPEN)
        .exclude(status=SelfItemStatus.ACCEPTED)
        .select_related("node")
        .order_by("pk")
    )
    for item in items:
        source = item.unit_id
        item.unit = successor
        item.save(update_fields=["unit"])
        event_record(
            subject_type=events.SUBJECT_SELF,
            subject_id=item.assessment_id,
            action=SELF_ITEM_MOVED_BY_MERGER,
            actor=actor,
            unit=successor,
            at=now,
            payload={
                "item": item.pk,
                "criterion": item.node.code,
                "moved": {"unit": {"from": codes[source], "to": successor.code}},
                "effective_on": effective_on.isoformat(),
            },
        )
        moved += 1
    return moved
