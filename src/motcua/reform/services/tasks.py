"""A task's progress reports, periods and status changes."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from motcua.core.files import check_content, read_limited
from motcua.core.text import clean_text
from motcua.ledger.services import event_record
from motcua.reform import events
from motcua.reform.errors import ReformError
from motcua.reform.models import (
    Evidence,
    Occurrence,
    Progress,
    Task,
    TaskStatus,
)
from motcua.reform.services.permissions import (
    can_report,
    reporting_unit,
    require_manage,
)
from motcua.reform.services.plans import _recompute

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def _lock(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("plan", "lead_unit")
        .get(pk=task.pk)
    )


@transaction.atomic
def task_report_progress(
    *,
    actor,
    task: Task,
    text: str,
    percent: int,
    files: list | None = None,
    occurrence: Occurrence | None = None,
) -> Progress:
    """Record a progress update (text, percent, evidence) by the lead unit's reform officer.

    100% completes the current period (a one-off task is then done; a recurring task moves
    to its next period). Events: progress_reported, evidence_added (one per file),
    period_completed and status_changed when they happen.
    """
    task = _lock(task)
    if not can_report(actor, task):
        raise PermissionDenied(
            "Chỉ cán bộ cải cách hành chính của đơn vị chủ trì được báo cáo tiến độ nhiệm vụ này.",
            code=ReformError.REFORM_PROGRESS_DENIED,
        )
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise Conflict(
            f"Nhiệm vụ đang ở trạng thái '{task.get_status_display()}', không báo cáo thêm.",
            code=ReformError.REFORM_TASK_CLOSED,
        )
    text = (text or "").strip()
    if not text:
        raise InvalidInput(
            "Cần nhập nội dung kết quả thực hiện.", code=ReformError.PROGRESS_TEXT_REQUIRED
        )
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise InvalidInput(
            "Tiến độ phải là số từ 0 đến 100.", code=ReformError.PROGRESS_PERCENT
        ) from None
    if not 0 <= percent <= 100:
        raise InvalidInput("Tiến độ phải là số từ 0 đến 100.", code=ReformError.PROGRESS_PERCENT)
    files = files or []
    for f in files:
        if f.size > MAX_EVIDENCE_BYTES:
            raise InvalidInput(f"Tệp {f.name} quá 20 MB.", code=ReformError.EVIDENCE_TOO_LARGE)
    open_periods = task.occurrences.filter(done_at__isnull=True).order_by("due_on")
    if occurrence is None:
        occurrence = open_periods.first()
    elif occurrence.task_id != task.pk or occurrence.done_at is not None:
        raise InvalidInput("Kỳ báo cáo không hợp lệ.", code=ReformError.PROGRESS_PERIOD_INVALID)
    now = timezone.now()
    unit = reporting_unit(actor, task)
    progress = Progress.objects.create(
        task=task,
        occurrence=occurrence,
        text=text,
        percent=percent,
        author=actor,
        author_label=actor.get_full_name() or actor.get_username(),
        unit=unit,
        at=now,
    )
    event_record(
        subject_type=events.SUBJECT_TASK,
        subject_id=task.pk,
        action=events.TASK_PROGRESS_REPORTED,
        actor=actor,
        unit=unit,
        at=now,
        payload={
            "progress": progress.pk,
            "percent": percent,
            "period": occurrence.label if occurrence else None,
            "text": text[:500],
        },
    )
    for f in files:
        # the content check every upload passes (PDF parses, images re-encoded, no markup)
        label = Path(f.name or "minh-chung").name
        checked = check_content(read_limited(f, label=label), label=label)
        evidence = Evidence(
            progress=progress,
            name=clean_text(label)[:255],
            size=checked.size,
            sha256=checked.sha256,
        )
        stored = checked.as_django_file(Path(label).stem[:80] or "minh-chung")
        evidence.file.save(stored.name or label, stored, save=False)
        evidence.save()
        event_record(
            subject_type=events.SUBJECT_TASK,
            subject_id=task.pk,
            action=events.TASK_EVIDENCE_ADDED,
            actor=actor,
            unit=unit,
            at=now,
            payload={"evidence": evidence.pk, "name": evidence.name, "sha256": evidence.sha256},
        )
    old_status = task.status
    if occurrence is not None:
        occurrence.progress_percent = percent
        if percent == 100:
            occurrence.done_at = now
            event_record(
                subject_type=events.SUBJECT_TASK,
                subject_id=task.pk,
                action=events.TASK_PERIOD_COMPLETED,
                actor=actor,
                unit=unit,
                at=now,
                payload={"period": occurrence.label, "due_on": occurrence.due_on},
            )
        occurrence.save(update_fields=["progress_percent", "done_at"])
    _recompute(task)
    has_more = task.occurrences.filter(done_at__isnull=True).exists()
    if percent == 100 and not has_more and not task.is_recurring:
        task.status = TaskStatus.DONE
    elif percent == 100 and not has_more and occurrence is not None:
        task.status = TaskStatus.DONE  # the last period up to the horizon
    else:
        task.status = TaskStatus.IN_PROGRESS
    task.progress_percent = 0 if (percent == 100 and has_more) else percent
    task.save(update_fields=["status", "progress_percent", "next_due_on"])
    if task.status != old_status:
        _status_event(actor, task, old_status, unit, now, reason="")
    return progress


def _status_event(actor, task, old, unit, at, *, reason: str) -> None:
    event_record(
        subject_type=events.SUBJECT_TASK,
        subject_id=task.pk,
        action=events.TASK_STATUS_CHANGED,
        actor=actor,
        unit=unit,
        at=at,
        payload={"from": old, "to": task.status, "reason": reason},
    )


ALLOWED_STATUS: dict[str, set[str]] = {
    TaskStatus.NOT_STARTED: {TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.CANCELLED},
    TaskStatus.DONE: {TaskStatus.IN_PROGRESS},
    TaskStatus.CANCELLED: {TaskStatus.IN_PROGRESS},
}


@transaction.atomic
def task_change_status(*, actor, task: Task, status: str, reason: str) -> Task:
    """Stop or reopen a task (Sở Nội vụ / province admin), with a reason."""
    require_manage(actor)
    task = _lock(task)
    if status not in ALLOWED_STATUS.get(task.status, set()):
        raise TransitionNotAllowed(
            f"Không chuyển được từ '{task.get_status_display()}' sang '{TaskStatus(status).label}'."
            if status in TaskStatus.values
            else "Trạng thái không hợp lệ."
        )
    if not (reason or "").strip():
        raise InvalidInput("Cần nêu lý do.", code=ReformError.STATUS_REASON_REQUIRED)
    old = task.status
    task.status = status
    if (
        status == TaskStatus.IN_PROGRESS
        and not task.occurrences.filter(done_at__isnull=True).exists()
    ):
        last = task.occurrences.order_by("-due_on").first()
        if last is not None:
            last.done_at = None
            last.save(update_fields=["done_at"])
    _recompute(task)
    task.save(update_fields=["status", "next_due_on"])
    _status_event(actor, task, old, task.lead_unit, timezone.now(), reason=reason.strip())
    return task
