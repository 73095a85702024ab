"""Reads of the platform's own rows: a long job, for the one who may follow it."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse

from motcua.core.errors import CoreError, NotFound, PermissionDenied
from motcua.core.formats import vn_datetime
from motcua.core.jobs import KINDS
from motcua.core.models import Job, JobStatus


def job_for(*, user: Any, job_id: str | uuid.UUID) -> Job:
    """The job if ``user`` asked for it or its kind lets them see it (same role and unit);
    NotFound for an unknown id, PermissionDenied for someone else's."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        key = None
    job = Job.objects.filter(pk=key).first() if key else None
    if job is None:
        raise NotFound("Không tìm thấy việc này.", code=CoreError.JOB_NOT_FOUND)
    if not user.is_authenticated:
        raise PermissionDenied(code=CoreError.JOB_FORBIDDEN)
    if job.requested_by_id == user.pk:
        return job
    kind = KINDS.get(job.kind)
    if kind is None or not kind.may_see(user, job):
        raise PermissionDenied(
            "Việc này do người khác yêu cầu; bạn không có quyền xem hoặc tải kết quả.",
            code=CoreError.JOB_FORBIDDEN,
        )
    return job


def job_status(job: Job) -> dict[str, Any]:
    """What the progress bar shows (the JSON the page polls)."""
    ready = job.status == JobStatus.DONE and bool(job.result_file)
    return {
        "id": str(job.pk),
        "label": job.label,
        "status": job.status,
        "status_label": job.get_status_display(),
        "percent": job.percent(),
        "done": job.done,
        "total": job.total,
        "step": job.step,
        "finished": job.is_finished(),
        "summary": job.summary,
        "details": job.details[:100],
        "created_at": vn_datetime(job.created_at),
        "download_url": reverse("core:job_download", args=[job.pk]) if ready else "",
        "download_name": job.result_name if ready else "",
    }


#: how many finished jobs the operations page lists below the running ones
RECENT_JOBS = 20


def jobs_overview(*, user: Any, limit: int = RECENT_JOBS) -> list[dict[str, Any]]:
    """The running and waiting jobs, then the most recent others, for the operations page
    (the caller checks that ``user`` is an operator). Each row says whether ``user`` may open
    the job's page (their own, or one its kind lets them follow)."""
    active = (JobStatus.QUEUED, JobStatus.RUNNING)
    running = list(Job.objects.filter(status__in=active).order_by("created_at"))
    recent = list(Job.objects.exclude(status__in=active).order_by("-created_at")[:limit])
    rows = []
    for job in running + recent:
        kind = KINDS.get(job.kind)
        rows.append(
            {
                "job": job,
                "kind": kind.label if kind else job.kind,
                "by": job.requested_label or "—",
                "percent": job.percent(),
                "url": reverse("core:job", args=[job.pk]),
                "may_open": job.requested_by_id == user.pk
                or (kind is not None and kind.may_see(user, job)),
            }
        )
    return rows
