"""Deadline reminders and the uploaded plans waiting for confirmation."""

from __future__ import annotations

import datetime as dt
import functools

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.ledger.services import event_record
from motcua.organization.models import Role, StaffRole
from motcua.reform import events
from motcua.reform.models import (
    Occurrence,
    Task,
    TaskStatus,
)
from motcua.reform.services.permissions import (
    _setting,
    lead_unit_ids,
)

# --- reminders ---------------------------------------------------------------------------


def reminder_recipients(task: Task) -> list:
    ids, kinds = lead_unit_ids(task)
    today = timezone.localdate()
    roles = (
        StaffRole.objects.filter(role=Role.REFORM_OFFICER, valid_from__lte=today)
        .exclude(valid_to__lt=today)
        .filter(Q(unit_id__in=ids) | Q(unit__kind__in=kinds))
        .select_related("user")
    )
    return list({r.user for r in roles if r.user.is_active})


@transaction.atomic
def reminders_send(*, today: dt.date | None = None, days: int | None = None) -> dict:
    """Notify lead units' reform officers N days before a deadline and once when overdue.

    Idempotent: each period is reminded at most once "due soon" and once "overdue".
    """
    today = today or timezone.localdate()
    days = days if days is not None else int(_setting("REFORM_REMINDER_DAYS", 7))
    now = timezone.now()
    sent = {"due_soon": 0, "overdue": 0, "emails": 0}
    open_periods = (
        Occurrence.objects.select_for_update()
        .filter(
            done_at__isnull=True, task__status__in=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]
        )
        .select_related("task", "task__plan")
    )
    due_soon = open_periods.filter(
        reminded_due_soon_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    )
    overdue = open_periods.filter(reminded_overdue_at__isnull=True, due_on__lt=today)
    for kind, qs, field in (
        ("due_soon", due_soon, "reminded_due_soon_at"),
        ("overdue", overdue, "reminded_overdue_at"),
    ):
        for occ in qs:
            task = occ.task
            recipients = reminder_recipients(task)
            emails = [u.email for u in recipients if u.email]
            if emails:
                subject = (
                    f"[CCHC] Nhiệm vụ {task.number} sắp đến hạn {occ.due_on:%d/%m/%Y}"
                    if kind == "due_soon"
                    else f"[CCHC] Nhiệm vụ {task.number} đã quá hạn ({occ.due_on:%d/%m/%Y})"
                )
                body = (
                    f"Kế hoạch {task.plan.number}, kỳ {occ.label}.\n\n{task.text[:800]}\n\n"
                    f"Thời hạn: {task.deadline_text}. Vui lòng báo cáo tiến độ trên hệ thống."
                )
                transaction.on_commit(
                    functools.partial(send_mail, subject, body, None, emails, fail_silently=True)
                )
                sent["emails"] += len(emails)
            setattr(occ, field, now)
            occ.save(update_fields=[field])
            event_record(
                subject_type=events.SUBJECT_TASK,
                subject_id=task.pk,
                action=events.TASK_REMINDED,
                actor=None,
                unit=task.lead_unit,
                at=now,
                payload={
                    "kind": kind,
                    "period": occ.label,
                    "due_on": occ.due_on,
                    "recipients": [u.get_username() for u in recipients],
                },
            )
            sent[kind] += 1
    return sent


# --- uploaded plans waiting for confirmation -----------------------------------------------

#: Where an uploaded plan waits between its preview and the officer's confirmation.
IMPORT_PREVIEWS = "reform/imports"
PREVIEW_TTL = dt.timedelta(hours=24)


def import_previews_purge(*, now: dt.datetime | None = None) -> int:
    """Delete uploaded plans never confirmed within ``PREVIEW_TTL``; returns how many."""
    from django.core.files.storage import default_storage

    limit = (now or timezone.now()) - PREVIEW_TTL
    if not default_storage.exists(IMPORT_PREVIEWS):
        return 0
    _, names = default_storage.listdir(IMPORT_PREVIEWS)
    purged = 0
    for name in names:
        path = f"{IMPORT_PREVIEWS}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
            purged += 1
    return purged
