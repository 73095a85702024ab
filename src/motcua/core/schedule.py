"""Periodic jobs on the database task queue — no cron, no broker.

Each job is a django-tasks task that takes no arguments, run daily at a local time or every
fixed interval. ``schedule_all`` (run by
``motcua schedule`` and by ``make run``) queues the next run of every job unless one is
already waiting; every run queues the following one, so a single ``motcua worker`` keeps
the schedule going. Times are Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, task

from motcua.core.formats import VN_TZ

logger = logging.getLogger(__name__)

# task path → local time of day (daily) or interval. Core knows no job of its own: each app
# registers its jobs from its ``AppConfig.ready`` with ``register_job`` (a lower layer never
# names a task of a higher one).
DAILY_JOBS: dict[str, dt.time | dt.timedelta] = {}

# jobs that queue their own next run (name → a function queuing it, None when one waits)
SELF_SCHEDULED: dict[str, Callable[..., object]] = {}


def register_job(path: str, at: dt.time | dt.timedelta) -> str:
    """Run the no-argument task at ``path`` daily at local time ``at``, or every ``at``."""
    existing = DAILY_JOBS.get(path)
    if existing is not None and existing != at:
        raise ValueError(f"job {path!r} already registered at {existing!r}")
    DAILY_JOBS[path] = at
    return path


def register_self_scheduled(name: str, queue_next: Callable[..., object]) -> str:
    """A job with its own schedule: ``queue_next(now=...)`` queues its next run."""
    SELF_SCHEDULED[name] = queue_next
    return name


def next_run_after(at: dt.time | dt.timedelta, now: dt.datetime) -> dt.datetime:
    if isinstance(at, dt.timedelta):
        return now + at
    local = now.astimezone(VN_TZ)
    candidate = dt.datetime.combine(local.date(), at, tzinfo=VN_TZ)
    if candidate <= local:
        candidate += dt.timedelta(days=1)
    return candidate


def task_waiting(task_path: str, args: list[Any] | None = None) -> bool:
    """A run of ``task_path`` (with these arguments) is queued and not started yet."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return False
    waiting = DBTaskResult.objects.filter(task_path=task_path, status="READY")
    if args is not None:
        waiting = waiting.filter(args_kwargs__args=args)
    return waiting.exists()


def _waiting(path: str) -> bool:
    return task_waiting(daily_job.module_path, [path])


def schedule(path: str, *, now: dt.datetime | None = None) -> TaskResult[Any] | None:
    """Queue the next run of one daily job (None when one is already waiting)."""
    if path not in DAILY_JOBS:
        raise ValueError(f"unknown daily job {path!r}")
    if not daily_job.get_backend().supports_defer or _waiting(path):
        return None
    run_after = next_run_after(DAILY_JOBS[path], now or timezone.now())
    return daily_job.using(run_after=run_after).enqueue(path)


def schedule_all(*, now: dt.datetime | None = None) -> list[str]:
    queued = [path for path in DAILY_JOBS if schedule(path, now=now) is not None]
    queued += [
        name for name, queue_next in SELF_SCHEDULED.items() if queue_next(now=now) is not None
    ]
    return queued


@task()
def daily_job(path: str) -> Any:
    """Run one daily job now, then queue its next run."""
    try:
        return import_string(path).call()
    finally:
        try:
            schedule(path)
        except Exception:  # the job's own result must not be hidden
            logger.exception("could not queue the next run of %s", path)
