"""Daily upkeep of the counters of failed tries; running a long job (core.jobs)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task


@task()
def purge_throttle_counters() -> int:
    """Daily: forget look-up counters and login failures older than a day (every window and
    every lock-out is far shorter)."""
    from axes.models import AccessAttempt, AccessFailureLog

    from motcua.core.throttle import throttle_counters_purge

    limit = timezone.now() - dt.timedelta(days=1)
    deleted = throttle_counters_purge()
    deleted += AccessAttempt.objects.filter(attempt_time__lt=limit).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=limit).delete()[0]
    return deleted


@task()
def job_run_task(job_id: str) -> str:
    """Run one long job (``core.services.job_run``); returns its final status."""
    from motcua.core.models import Job
    from motcua.core.services import job_run

    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return job_run(job=job).status


@task()
def purge_old_jobs() -> int:
    """Daily: forget finished long jobs (and their files) after ``JOB_KEEP_DAYS``."""
    from motcua.core.services import jobs_purge

    return jobs_purge(before=timezone.now() - dt.timedelta(days=JOB_KEEP_DAYS))


#: how long a finished job's result stays downloadable
JOB_KEEP_DAYS = 7
