"""The RQ worker of ``motcua worker`` when the queue is Redis (``MOTCUA_TASKS_BACKEND=rq``).

RQ's own worker (a work horse forked per job, the parent beating while it runs) with what
``core.worker`` gives the database worker:

- it runs RQ's scheduler (deferred runs, the periodic chain): one worker at a time holds its
  lock, any other takes over when that one stops;
- every ``MOTCUA_WORKER_BEAT_SECONDS`` it beats (RQ's hash, and the ``WorkerHeartbeat`` row
  read by the operations page and ``GET /api/health``), also while a job runs;
- when it starts and then at each beat while idle it mends the periodic chain
  (``core.schedule.heal``): a run left by a killed worker is failed and its job queued
  again, the scheduler lock of a killed scheduler is freed and taken over;
- the database connections are closed before a work horse is forked (a connection is never
  shared by two processes) and by the horse when its job ends.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from rq.worker import SimpleWorker, Worker

logger = logging.getLogger("motcua.worker")


class _Steady:
    """What both RQ worker kinds add (mixed in before RQ's class)."""

    name: str
    key: str
    connection: Any
    successful_job_count: int
    failed_job_count: int

    def _motcua_setup(self) -> None:
        self._beat_seconds = settings.MOTCUA_WORKER_BEAT_SECONDS
        self._born = timezone.now()
        self._last_db_beat = 0.0

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        super().heartbeat(timeout, pipeline)  # type: ignore[misc]
        now = time.monotonic()
        if now - self._last_db_beat < self._beat_seconds:
            return
        self._last_db_beat = now
        try:
            self._write_db_beat()
        except Exception:  # noqa: BLE001 - a missed beat must not stop the worker
            logger.warning("heartbeat row not written", exc_info=True)

    def _write_db_beat(self) -> None:
        from motcua.core.models import WorkerHeartbeat

        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.name[:64],
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self._born,
                "beat_at": timezone.now(),
                "tasks_run": self.successful_job_count + self.failed_job_count,
                "retries": 0,
                "last_error": "",
            },
        )

    def run_maintenance_tasks(self) -> None:
        from motcua.core.schedule import heal

        try:
            heal()
        except Exception:  # noqa: BLE001 - the next turn heals again
            logger.warning("periodic chain not healed this time", exc_info=True)
        finally:
            for connection in connections.all():
                if not connection.in_atomic_block:
                    connection.close_if_unusable_or_obsolete()
        super().run_maintenance_tasks()  # type: ignore[misc]


class SteadyRQWorker(_Steady, Worker):
    """A work horse per job (RQ's default): a job that dies takes no worker with it."""

    def fork_work_horse(self, job: Any, queue: Any) -> None:
        connections.close_all()
        super().fork_work_horse(job, queue)
        # the horse's process id, so that a worker judged gone whose horse still runs the
        # job is left alone (core.rq_queue.dead_runs)
        self.connection.hset(self.key, "motcua_horse_pid", self.horse_pid)

    def execute_job(self, job: Any, queue: Any) -> None:
        try:
            super().execute_job(job, queue)
        finally:  # that process id may be another process's tomorrow
            self.connection.hdel(self.key, "motcua_horse_pid")

    def main_work_horse(self, job: Any, queue: Any) -> None:
        try:
            super().main_work_horse(job, queue)
        finally:
            connections.close_all()


class SteadySimpleRQWorker(_Steady, SimpleWorker):
    """Jobs in the worker's own process (tests, and `--batch` runs)."""


def make_worker(
    *,
    queues: list[str],
    name: str | None = None,
    simple: bool = False,
) -> Worker | SimpleWorker:
    import django_rq
    from django_tasks_rq.backend import Job

    beat = settings.MOTCUA_WORKER_BEAT_SECONDS
    kind = SteadySimpleRQWorker if simple else SteadyRQWorker
    connection = django_rq.get_connection(queues[0])
    if name and connection.exists(kind.redis_worker_namespace_prefix + name):
        # the same name given again (a restart after a kill): RQ refuses a second live
        # worker of one name until the old one's key expires
        name = f"{name}-{os.urandom(4).hex()}"
    worker = kind(
        [django_rq.get_queue(q, job_class=Job) for q in queues],
        name=name,
        connection=connection,
        job_class=Job,
        # RQ waits for a job at most worker_ttl - 15 seconds: idle, it beats and heals each
        # beat; busy, the parent beats each beat while the horse runs
        worker_ttl=beat + 15,
        job_monitoring_interval=beat,
        maintenance_interval=beat,
    )
    worker._motcua_setup()
    return worker


def run(
    *,
    queues: list[str],
    name: str | None = None,
    burst: bool = False,
    max_jobs: int | None = None,
) -> None:
    worker = make_worker(queues=queues, name=name, simple=burst)
    logger.info("Tiến trình chạy nền RQ %s bắt đầu (hàng đợi %s)", worker.name, queues)
    connections.close_all()
    worker.work(burst=burst, max_jobs=max_jobs, with_scheduler=True, logging_level="WARNING")
