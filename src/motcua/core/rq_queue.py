"""The Redis queue (RQ through django-tasks-rq, ``MOTCUA_TASKS_BACKEND=rq``): what the periodic
chain (``core.schedule``) and the health page need to read and mend there.

- Which periodic run waits: every enqueue of a periodic job records its run's id under
  ``motcua:periodic:<job>`` (``on_enqueued``, a django-tasks signal); the job waits while that
  run is queued or scheduled, runs while it is started. Reading the run's own status (one
  key) is exact at every step of RQ's hand-over (scheduled → queued → popped → started),
  where a look at the registries could miss a run between two of them.
- Which runs a lost worker left: RQ keeps a started run in its ``StartedJobRegistry`` and
  fails it as abandoned only when its heartbeat expires (a minute and a half or more). A
  worker's hash (``rq:worker:<name>``) carries its host, process id and last heartbeat,
  so ``dead_runs`` judges as ``core.schedule`` does for the database queue; ``fail`` records
  the run failed (``WorkerLost``) as RQ records an abandoned one.
- The scheduler's lock: RQ moves scheduled runs to the queue from one scheduler process
  holding ``rq:scheduler-lock:<queue>`` for a minute; a scheduler killed with its worker
  would hold it up to two minutes. ``release_dead_scheduler_locks`` frees it at once when
  its holder is gone, so the next worker schedules (``core.rq_worker``).
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from redis import Redis
    from rq.job import Job

MARK = "motcua:periodic:{}"
#: a run of these statuses has not started yet
WAITING = {"queued", "scheduled", "deferred"}
STARTED = "started"
#: RQ's scheduler beats every second: five missed beats and a dead process means it is gone
SCHEDULER_MISSED = dt.timedelta(seconds=5)

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def is_rq(backend: object) -> bool:
    return type(backend).__module__.startswith("django_tasks_rq")


def queue_names() -> list[str]:
    from django_tasks import default_task_backend

    return sorted(default_task_backend.queues or ["default"])


_CONNECTIONS: dict[str, Redis] = {}


def connection() -> Redis:
    """The queue's Redis, one client per process and address (redis-py's pool reconnects
    after a fork)."""
    import django_rq
    from django.conf import settings

    name = queue_names()[0]
    address = repr(sorted(settings.RQ_QUEUES[name].items()))
    if address not in _CONNECTIONS:
        _CONNECTIONS[address] = django_rq.get_connection(name)
    return _CONNECTIONS[address]


@contextmanager
def guard(name: str) -> Iterator[None]:
    """One process at a time checks-then-queues the runs of one periodic job."""
    with connection().lock(f"motcua:periodic-lock:{name}", timeout=60, blocking_timeout=30):
        yield


# ---------------------------------------------------------------- which run waits or runs


def mark(name: str, job_id: str) -> None:
    connection().set(MARK.format(name), job_id)


def _status(conn: Redis, job_id: str) -> str:
    raw = conn.hget(f"rq:job:{job_id}", "status")
    return raw.decode() if isinstance(raw, bytes) else str(raw or "")


def periodic_state(name: str) -> str:
    """``waiting``, ``running`` or ``""`` for the run last queued for the periodic job."""
    conn = connection()
    job_id = conn.get(MARK.format(name))
    if not job_id:
        return ""
    status = _status(conn, job_id.decode() if isinstance(job_id, bytes) else str(job_id))
    if status in WAITING:
        return "waiting"
    return "running" if status == STARTED else ""


def _jobs(ids: list[str], conn: Redis) -> list[Job]:
    from django_tasks_rq.backend import Job as TaskJob

    return [job for job in TaskJob.fetch_many(ids, connection=conn) if job is not None]


def waiting_runs(task_path: str, args: list[Any] | None = None) -> int:
    """How many runs of ``task_path`` (with these arguments) are queued or scheduled (a scan:
    for what is not periodic)."""
    from rq import Queue
    from rq.registry import ScheduledJobRegistry

    conn = connection()
    count = 0
    for name in queue_names():
        ids = Queue(name, connection=conn).get_job_ids()
        ids += ScheduledJobRegistry(name, connection=conn).get_job_ids(cleanup=False)
        for job in _jobs(ids, conn):
            if job.func_name == task_path and (args is None or list(job.args) == args):
                count += 1
    return count


def started_runs() -> list[Job]:
    from rq.registry import StartedJobRegistry

    conn = connection()
    ids: list[str] = []
    for name in queue_names():
        ids += StartedJobRegistry(name, connection=conn).get_job_ids(cleanup=False)
    return [job for job in _jobs(ids, conn) if job.get_status(refresh=False) == STARTED]


# ---------------------------------------------------------------- runs of a lost worker


def _here() -> str:
    return socket.gethostname()


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def dead_runs(
    now: dt.datetime,
    *,
    stale_after: dt.timedelta,
    missed: dt.timedelta,
    pid_alive: Callable[[int], bool],
) -> list[Job]:
    """Started runs whose worker is gone: its hash expired, or its last heartbeat is older
    than ``stale_after``, or it is on this machine, missed its beats and neither its process
    nor the work horse running the job exists."""
    from rq.worker import Worker

    conn = connection()
    dead = []
    for job in started_runs():
        worker = None
        if job.worker_name:
            worker = Worker.find_by_key(
                Worker.redis_worker_namespace_prefix + job.worker_name, conn
            )
        if worker is None:
            since = _aware(job.last_heartbeat or job.started_at)
            gone = since is None or since < now - stale_after
        else:
            beat = _aware(worker.last_heartbeat) or now
            horse = int(cast(Any, conn.hget(worker.key, "motcua_horse_pid")) or 0)
            gone = beat < now - stale_after or (
                beat < now - missed
                and worker.hostname == _here()
                and bool(worker.pid)
                and not pid_alive(worker.pid or 0)
                and not (horse and pid_alive(horse))
            )
        if gone:
            dead.append(job)
    return dead


def fail(job: Job, error: BaseException, now: dt.datetime) -> bool:
    """Record the started run failed with ``error`` (as RQ records an abandoned job, and as
    django-tasks-rq reads an exception class); False when it is no longer started."""
    from django_tasks.utils import get_module_path
    from redis import WatchError
    from rq.job import JobStatus
    from rq.utils import utcformat

    conn = connection()
    with conn.pipeline() as pipe:
        try:
            pipe.watch(job.key)
            if _status(cast(Any, pipe), job.id) != STARTED:
                return False
            job.meta.setdefault("_django_tasks_rq_exceptions", []).append(
                get_module_path(type(error))
            )
            pipe.multi()
            pipe.hset(job.key, "meta", cast(Any, job.serializer.dumps(job.meta)))
            pipe.hset(job.key, "ended_at", utcformat(now.astimezone(dt.UTC)))
            job.set_status(JobStatus.FAILED, pipeline=pipe)
            job.started_job_registry.remove_executions(job, pipeline=pipe)
            job._handle_failure(f"{type(error).__name__}: {error}", pipe, worker_name="")
            pipe.execute()
        except WatchError:
            return False
    return True


def release_dead_scheduler_locks(now: dt.datetime, *, pid_alive: Callable[[int], bool]) -> int:
    """Free the scheduler locks whose holder is gone; how many were freed."""
    from rq.exceptions import SchedulerNotFound
    from rq.scheduler import RQScheduler

    conn = connection()
    released = 0
    for name in queue_names():
        key = RQScheduler.get_locking_key(name)
        holder = conn.get(key)
        if not holder:
            continue
        holder_name = holder.decode() if isinstance(holder, bytes) else str(holder)
        try:
            scheduler = RQScheduler.fetch(holder_name, conn)
        except SchedulerNotFound:
            gone = True
        else:
            beat = _aware(scheduler.last_heartbeat) or now
            gone = (
                beat < now - SCHEDULER_MISSED
                and scheduler.hostname == _here()
                and bool(scheduler.pid)
                and not pid_alive(scheduler.pid)
            )
        if gone and conn.eval(_RELEASE, 1, key, holder_name):
            released += 1
    return released


# ---------------------------------------------------------------- the health page


def queue_health(now: dt.datetime) -> tuple[int, dt.datetime | None, int]:
    """(runs waiting now, when the oldest was queued, runs failed in the last 24 hours)."""
    from rq import Queue
    from rq.defaults import DEFAULT_FAILURE_TTL
    from rq.registry import FailedJobRegistry

    conn = connection()
    queued, oldest, failed = 0, None, 0
    for name in queue_names():
        queue = Queue(name, connection=conn)
        queued += queue.count
        first = queue.get_job_ids(0, 0)
        if first:
            jobs = _jobs(first, conn)
            enqueued = _aware(jobs[0].enqueued_at) if jobs else None
            if enqueued is not None and (oldest is None or enqueued < oldest):
                oldest = enqueued
        # a failed run is kept DEFAULT_FAILURE_TTL: its score is when it failed plus that
        since = (now - dt.timedelta(days=1)).timestamp() + DEFAULT_FAILURE_TTL
        failed += cast(
            int, conn.zcount(FailedJobRegistry(name, connection=conn).key, since, "+inf")
        )
    return queued, oldest, failed


@dataclass(frozen=True)
class Failure:
    """A failed run, as the operations page lists it (the database queue's fields)."""

    finished_at: dt.datetime | None
    task_path: str
    exception_class_path: str


def recent_failures(limit: int) -> list[Failure]:
    from rq.registry import FailedJobRegistry

    conn = connection()
    ids: list[str] = []
    for name in queue_names():
        ids += FailedJobRegistry(name, connection=conn).get_job_ids(0, limit - 1, desc=True)
    failures = []
    for job in _jobs(ids, conn):
        errors = job.meta.get("_django_tasks_rq_exceptions") or [""]
        path = job.func_name or ""
        if path.endswith(".daily_job") and job.args:
            path = str(job.args[0])
        failures.append(Failure(_aware(job.ended_at), path, str(errors[-1])))
    failures.sort(key=lambda f: f.finished_at or dt.datetime.min.replace(tzinfo=dt.UTC))
    return failures[::-1][:limit]
