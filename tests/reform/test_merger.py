"""A unit merger moves open reform tasks and self-assessment items (issue 16, item 1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.ledger.models import Event
from motcua.organization.models import Role, UnitKind
from motcua.organization.services import units_merge
from motcua.reform import services
from motcua.reform.models import SelfAssessment, SelfItem, Task, TaskAssignment, TaskStatus
from motcua.reform.services.merger import SELF_ITEM_MOVED_BY_MERGER, TASK_MOVED_BY_MERGER

pytestmark = pytest.mark.django_db


def test_open_tasks_and_self_items_move_to_the_successor(
    small_plan, departments, frameworks, make_user
):
    led = list(Task.objects.filter(plan=small_plan, lead_unit=departments["STTTT"]))
    assert led, "the sample plan gives Sở TT&TT tasks to lead"
    done, still_open = led[0], led[1:]
    Task.objects.filter(pk=done.pk).update(status=TaskStatus.DONE)
    shared = TaskAssignment.objects.filter(task__plan=small_plan, unit=departments["STTTT"])
    shared_tasks = {a.task_id for a in shared if a.task_id != done.pk}
    framework = frameworks["par-index"]
    assessment = SelfAssessment.objects.create(  # an open yearly self-assessment
        index=framework.index,
        framework=framework,
        year=timezone.localdate().year,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    node = assessment.framework.nodes.filter(level="criterion").first()
    item = SelfItem.objects.create(assessment=assessment, node=node, unit=departments["STTTT"])

    successor = units_merge(
        actor=None, units=[departments["STTTT"], departments["SKHCN"]],
        effective_on=timezone.localdate(), new_code="SKHCN2",
        new_name="Sở Khoa học và Công nghệ (hợp nhất)", new_kind=UnitKind.DEPARTMENT,
        check_permission=False,
    )  # fmt: skip

    for task in still_open:
        task.refresh_from_db()
        assert task.lead_unit == successor
        event = Event.objects.filter(subject_type="reform_task", subject_id=str(task.pk)).last()
        assert event.action == TASK_MOVED_BY_MERGER
        assert event.payload["moved"]["lead_unit"] == {"from": "STTTT", "to": "SKHCN2"}
    assert not TaskAssignment.objects.filter(task_id__in=shared_tasks, unit__valid_to__isnull=False)
    done.refresh_from_db()
    assert done.lead_unit == departments["STTTT"]  # finished work stays where it was done
    assert not Event.objects.filter(
        subject_type="reform_task", subject_id=str(done.pk), action=TASK_MOVED_BY_MERGER
    ).exists()
    item.refresh_from_db()
    assert item.unit == successor
    assert Event.objects.filter(
        subject_type="reform_self", subject_id=str(assessment.pk), action=SELF_ITEM_MOVED_BY_MERGER
    ).exists()
    # the successor's reform officer reports on a moved task
    officer = make_user(Role.REFORM_OFFICER, unit=successor)
    services.task_report_progress(actor=officer, task=still_open[0], text="Tiếp tục", percent=20)
