"""Periodic jobs on the task queue — no cron: the database queue, or Redis with RQ.

Each job is a django-tasks task that takes no arguments, run daily at a local time or every
fixed interval. ``schedule_all`` (run by
``motcua schedule`` and by ``make run``) queues the next run of every job unless one is
already waiting; every run queues the following one, so a single ``motcua worker`` keeps
the schedule going. Times are Asia/Ho_Chi_Minh.

A worker killed in the middle of a run (kill -9, a lost machine) would leave that run
"running" for ever and break the chain. So every worker, when it starts and then every
``HEAL_SECONDS``, calls ``heal``: runs left running by a worker that is gone (its process no
longer exists on this machine and it missed two beats, or its heartbeat is older than
``STALE_AFTER``) are marked
failed, a periodic job among them is queued again at once, and any registered job with no
run waiting or running gets its next run — without ``motcua schedule``.

On the Redis queue (``MOTCUA_TASKS_BACKEND=rq``) the same holds: ``core.rq_queue`` reads
which run waits or runs and which runs a lost RQ worker left, and the RQ worker
(``core.rq_worker``) heals as the database worker does.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def on_rq() -> bool:
    """The periodic jobs run on the Redis queue (RQ)."""
    from motcua.core import rq_queue

    return rq_queue.is_rq(daily_job.get_backend())


def periodic_name(task_path: str, args: list[Any] | None) -> str | None:
    """The registered job a run of ``task_path`` belongs to (None: not a periodic run)."""
    if task_path == daily_job.module_path and args and args[0] in DAILY_JOBS:
        return str(args[0])
    return task_path if task_path in SELF_SCHEDULED else None


@contextmanager
def guard(name: str) -> Iterator[None]:
    """Hold while checking that no run of a periodic job waits and queuing one: on RQ a
    Redis lock per job (the database queue's heal holds a database lock already)."""
    if on_rq():
        from motcua.core import rq_queue

        with rq_queue.guard(name):
            yield
    else:
        yield


def task_waiting(task_path: str, args: list[Any] | None = None) -> bool:
    """A run of ``task_path`` (with these arguments) is queued and not started yet."""
    if on_rq():
        from motcua.core import rq_queue

        name = periodic_name(task_path, args)
        if name is not None and (args is not None or name == task_path):
            return rq_queue.periodic_state(name) == "waiting"
        return rq_queue.waiting_runs(task_path, args) > 0
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
    if not daily_job.get_backend().supports_defer:
        return None
    with guard(path):
        if _waiting(path):
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


# ---------------------------------------------------------------- self-healing chain

#: A worker whose heartbeat is older than this is gone (it beats every 10 seconds, also
#: while it runs a long task).
STALE_AFTER = dt.timedelta(seconds=60)
#: On the same machine, a worker whose process is gone and that missed two beats is gone
#: (the missed beats guard against a process of the same id in another container that
#: carries the same host name: a live worker there still beats).
MISSED_BEATS = dt.timedelta(seconds=25)


class WorkerLost(RuntimeError):
    """Recorded on a run whose worker stopped in the middle of it."""


def heal(*, now: dt.datetime | None = None) -> list[str]:
    """Mend the periodic chain after a dead worker; returns what was queued (task paths or
    job paths). Runs in one locked block, so two workers healing at once queue nothing
    twice."""
    from motcua.core.throttle import one_at_a_time

    now = now or timezone.now()
    if not daily_job.get_backend().supports_defer:
        return []
    with one_at_a_time("motcua.core.schedule.heal"):
        if on_rq():
            queued = _heal_rq(now)
        else:
            queued = [q for run in _runs_of_dead_workers(now) if (q := _rerun(run, now))]
        running = _running_jobs()
        for path in DAILY_JOBS:
            if path not in running and schedule(path, now=now) is not None:
                queued.append(path)
        for name, queue_next in SELF_SCHEDULED.items():
            if name not in running and queue_next(now=now) is not None:
                queued.append(name)
    if queued:
        logger.info("periodic jobs queued (none was waiting or running): %s", queued)
    return queued


def _runs_of_dead_workers(now: dt.datetime) -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    from motcua.core.models import WorkerHeartbeat

    running = list(DBTaskResult.objects.running())
    last = {run.pk: (run.worker_ids or [""])[-1][:64] for run in running}
    beats = {b.worker_id: b for b in WorkerHeartbeat.objects.filter(worker_id__in=last.values())}
    host = socket.gethostname()[:255]
    dead = []
    for run in running:
        beat = beats.get(last[run.pk])
        if beat is None:  # a worker that never beat (not ours): judged by the run's age
            gone = run.started_at is None or run.started_at < now - STALE_AFTER
        else:
            gone = beat.beat_at < now - STALE_AFTER or (
                beat.beat_at < now - MISSED_BEATS
                and beat.host == host
                and bool(beat.pid)
                and not pid_alive(beat.pid)
            )
        if gone:
            dead.append(run)
    return dead


def pid_alive(pid: int) -> bool:
    """A process with this id runs on this machine (a zombie does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _rerun(run: Any, now: dt.datetime) -> str | None:
    """Mark the run failed and queue its periodic job again at once; the path queued."""
    run.set_failed(
        WorkerLost(f"Tiến trình chạy nền {run.worker_ids[-1:]} đã dừng giữa chừng việc này.")
    )
    args = (run.args_kwargs or {}).get("args") or []
    if run.task_path == daily_job.module_path and args and args[0] in DAILY_JOBS:
        if _waiting(args[0]):
            return None
        daily_job.using(run_after=now).enqueue(args[0])
        return str(args[0])
    if run.task_path in SELF_SCHEDULED and not task_waiting(run.task_path):
        import_string(run.task_path).using(run_after=now).enqueue(*args)
        return str(run.task_path)
    return None


def _running_jobs() -> set[str]:
    """The registered jobs with a run in progress (whose chain that run continues)."""
    if on_rq():
        from motcua.core import rq_queue

        return {
            name
            for job in rq_queue.started_runs()
            if (name := periodic_name(job.func_name or "", list(job.args))) is not None
        }
    from django_tasks_db.models import DBTaskResult

    names = set()
    for task_path, args_kwargs in DBTaskResult.objects.running().values_list(
        "task_path", "args_kwargs"
    ):
        args = (args_kwargs or {}).get("args") or []
        names.add(args[0] if task_path == daily_job.module_path and args else task_path)
    return names


def _heal_rq(now: dt.datetime) -> list[str]:
    """The RQ side of ``heal``: free the scheduler lock of a dead scheduler, fail the runs of
    dead workers and queue their periodic jobs again at once (straight to the queue)."""
    from django.conf import settings

    from motcua.core import rq_queue

    rq_queue.release_dead_scheduler_locks(now, pid_alive=pid_alive)
    beat = dt.timedelta(seconds=settings.MOTCUA_WORKER_BEAT_SECONDS)
    queued = []
    for job in rq_queue.dead_runs(
        now, stale_after=max(STALE_AFTER, 6 * beat), missed=2.5 * beat, pid_alive=pid_alive
    ):
        lost = WorkerLost(f"Tiến trình chạy nền {job.worker_name} đã dừng giữa chừng việc này.")
        if not rq_queue.fail(job, lost, now):
            continue
        args = list(job.args)
        name = periodic_name(job.func_name or "", args)
        if name is None:
            continue
        with guard(name):
            if rq_queue.periodic_state(name) == "waiting":
                continue
            if name == job.func_name:
                import_string(name).using(run_after=None).enqueue(*args)
            else:
                daily_job.using(run_after=None).enqueue(name)
        queued.append(name)
    return queued


def on_enqueued(sender: type, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """(django-tasks signal) On RQ, remember the run last queued for a periodic job."""
    from motcua.core import rq_queue

    if not rq_queue.is_rq(task_result.task.get_backend()):
        return
    name = periodic_name(task_result.task.module_path, list(task_result.args))
    if name is not None:
        rq_queue.mark(name, task_result.id)
