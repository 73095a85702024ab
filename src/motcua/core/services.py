"""Writes of the platform below every domain: long jobs and their steps.

A job's history is its own append-only list of ``JobEvent`` rows (queued, each named step,
done or failed): ``core`` sits below the ledger and knows no domain. What a job changes in a
domain (an import) is recorded there by that app's service, in the ledger, as always.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from motcua.core.errors import CoreError, DomainError, InvalidInput
from motcua.core.jobs import JobResult, Progress, kind_of
from motcua.core.models import Job, JobEvent, JobStatus

logger = logging.getLogger(__name__)


def _event(*, job: Job, status: str, message: str, done: int = 0, total: int = 0) -> JobEvent:
    last = JobEvent.objects.filter(job=job).aggregate(m=Max("seq"))["m"] or 0
    return JobEvent.objects.create(
        job=job,
        seq=last + 1,
        at=timezone.now(),
        status=status,
        message=message[:300],
        done=done,
        total=total,
    )


@transaction.atomic
def job_start(
    *,
    actor: Any,
    kind: str,
    params: dict[str, Any] | None = None,
    input_name: str = "",
    input_data: bytes | None = None,
) -> Job:
    """Queue a job of a registered kind for ``actor``; the worker starts it after the commit.
    The caller (the app's own service) has checked that the actor may ask for it."""
    try:
        job_kind = kind_of(kind)
    except KeyError:
        raise InvalidInput(
            f"Không có loại việc '{kind}'.", code=CoreError.JOB_KIND_UNKNOWN
        ) from None
    job = Job(
        kind=kind,
        label=job_kind.label,
        requested_by=actor,
        requested_label=(actor.get_full_name() or actor.get_username())[:200],
        params=params or {},
        step="Đang chờ tiến trình chạy nền nhận việc",
    )
    if input_data is not None:
        job.input_file.save(
            f"{job.id}{posixpath.splitext(input_name)[1][:10]}",
            ContentFile(input_data),
            save=False,
        )
    job.save()
    _event(job=job, status=JobStatus.QUEUED, message=job.step)

    from motcua.core.tasks import job_run_task

    transaction.on_commit(lambda: job_run_task.enqueue(str(job.pk)))
    return job


def job_progress(*, job: Job, message: str, done: int, total: int, new_step: bool) -> None:
    """How far a running job is (``core.jobs.Progress`` calls it); a new step is an event."""
    total = max(total, 0)
    done = min(max(done, 0), total) if total else 0
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(step=message[:300], done=done, total=total)
        if new_step:
            _event(job=job, status=JobStatus.RUNNING, message=message, done=done, total=total)
    job.step, job.done, job.total = message[:300], done, total


def _job_begin(job: Job) -> bool:
    """Mark a queued job as running (False: someone else already took it, or it finished)."""
    now = timezone.now()
    with transaction.atomic():
        taken = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, step="Bắt đầu"
        )
        if taken:
            _event(job=job, status=JobStatus.RUNNING, message="Bắt đầu")
    job.refresh_from_db()
    return bool(taken)


@transaction.atomic
def _job_finish(*, job: Job, result: JobResult) -> None:
    job.status = JobStatus.FAILED if result.failed else JobStatus.DONE
    job.summary = result.summary
    job.details = result.details[:500]
    job.finished_at = timezone.now()
    job.step = result.summary[:300]
    if job.total:
        job.done = job.total
    if result.content is not None and not result.failed:
        job.result_name = result.filename[:200]
        job.result_file.save(
            f"{job.id}{posixpath.splitext(result.filename)[1][:10]}",
            ContentFile(result.content),
            save=False,
        )
    job.save()
    _event(job=job, status=job.status, message=result.summary, done=job.done, total=job.total)


@transaction.atomic
def _job_fail(*, job: Job, error: BaseException) -> None:
    if isinstance(error, DomainError):
        message, code = error.message, error.code
    else:
        message = "Việc không hoàn thành do lỗi hệ thống; vui lòng thử lại hoặc báo quản trị."
        code = "server_error"
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        summary=message,
        step=message[:300],
        error_code=code[:64],
        finished_at=timezone.now(),
    )
    _event(job=job, status=JobStatus.FAILED, message=message)


def job_run(*, job: Job, echo: Any = None) -> Job:
    """Do a queued job now (the worker's task calls this): its kind's ``run`` reports its
    steps; the result file is stored through the default storage (private: served only by
    ``core.job_views.job_download`` after the kind's check)."""
    if not _job_begin(job):
        return job
    progress = Progress(job=job, echo=echo)
    try:
        result = kind_of(job.kind).run(job=job, progress=progress)
    except Exception as error:  # recorded on the job and shown on its page
        logger.exception("Việc %s (%s) không hoàn thành", job.pk, job.kind)
        _job_fail(job=job, error=error)
        job.refresh_from_db()
        return job
    _job_finish(job=job, result=result)
    progress.finish(result.summary)
    return job


def jobs_purge(*, before: dt.datetime) -> int:
    """Delete jobs finished before ``before`` with their stored files; returns how many."""
    count = 0
    for job in Job.objects.filter(finished_at__lt=before).iterator():
        for stored in (job.input_file, job.result_file):
            if stored:
                stored.delete(save=False)
        job.delete()
        count += 1
    return count
