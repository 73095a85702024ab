"""The task worker that does not die of a busy database, and says it is alive.

``motcua worker`` runs django-tasks' database worker with two changes: a transient database
error ("database is locked" under a long import on SQLite, a dropped PostgreSQL connection)
is waited out with a growing pause instead of ending the process, and every few seconds the
worker writes a heartbeat row (``WorkerHeartbeat``) that the operations page and
``GET /api/health`` read (``core.selectors.worker_health``) — also while a long task runs,
from a side thread, so a busy worker is never taken for a dead one. When it starts and then
every ``HEAL_SECONDS`` it mends the periodic chain (``core.schedule.heal``): a run left
"running" by a killed worker is failed and its job queued again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger("motcua.worker")

HEARTBEAT_SECONDS = 10
HEAL_SECONDS = 10
MAX_PAUSE_SECONDS = 30

_TRANSIENT = (
    "is locked",
    "database is busy",
    "server closed the connection",
    "connection already closed",
    "could not connect",
    "terminating connection",
    "connection refused",
    "the connection is closed",
)


def is_transient(error: BaseException) -> bool:
    """A database error that goes away by itself (lock, dropped connection)."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    text = " ".join(str(a) for a in error.args).lower()
    return any(marker in text for marker in _TRANSIENT)


def _refresh_connections() -> None:
    """Drop unusable or obsolete connections (as Django does between requests); never one
    inside a transaction (a test's, or a caller's), which Django cannot reopen there."""
    from django.db import connections

    for connection in connections.all():
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class SteadyWorker(Worker):
    """django-tasks' ``Worker`` whose loop survives transient database errors."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.started_at = timezone.now()
        self.last_beat = 0.0
        self.last_heal = 0.0
        self.retries = 0
        self.last_error = ""

    # ---- one turn of the loop: claim a ready task and run it (as django-tasks does)

    def tick(self) -> tuple[bool, object]:
        """(whether the queue could be read, the task run or None)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is not None:
            self.run_task(task_result)
        return True, task_result

    def run_task(self, db_task_result) -> None:
        """Run it as django-tasks does; recording its outcome waits out a busy database
        (otherwise a lock at that moment marks a task that worked as failed, or leaves it
        claimed for ever)."""
        for name in ("set_successful", "set_failed"):
            setattr(db_task_result, name, self._patient(getattr(db_task_result, name)))
        stop = threading.Event()
        beating = threading.Thread(target=self._beat_until, args=(stop,), daemon=True)
        beating.start()
        try:
            super().run_task(db_task_result)
        finally:
            stop.set()
            beating.join()

    def _beat_until(self, stop: threading.Event) -> None:
        """Beat every HEARTBEAT_SECONDS while a task runs (on this thread's connection)."""
        from django.db import connections

        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                self._write_beat()
        except Exception:  # noqa: BLE001 - a missed beat must not stop the task
            logger.warning("heartbeat during a task failed", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections only

    def _patient(self, write):
        def run(*args, **kwargs):
            pause = 0.5
            for _ in range(12):
                try:
                    return write(*args, **kwargs)
                except (OperationalError, InterfaceError) as error:
                    if not is_transient(error):
                        raise
                    self.retries += 1
                    self.last_error = f"{timezone.now():%Y-%m-%d %H:%M:%S} {error}"
                    time.sleep(pause)
                    pause = min(pause * 2, MAX_PAUSE_SECONDS)
            return write(*args, **kwargs)

        return run

    def beat(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_beat < HEARTBEAT_SECONDS:
            return
        try:
            self._write_beat()
        except (OperationalError, InterfaceError) as error:
            if not is_transient(error):
                raise
            return  # the next beat will do
        self.last_beat = now

    def _write_beat(self) -> None:
        from motcua.core.models import WorkerHeartbeat

        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id[:64],
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "beat_at": timezone.now(),
                "tasks_run": self._run_tasks,
                "retries": self.retries,
                "last_error": self.last_error[:500],
            },
        )

    def heal(self) -> None:
        """Mend the periodic chain (at start, then every HEAL_SECONDS)."""
        now = time.monotonic()
        if self.last_heal and now - self.last_heal < HEAL_SECONDS:
            return
        from motcua.core.schedule import heal

        heal()
        self.last_heal = now

    def run(self) -> None:
        logger.info(
            "Tiến trình chạy nền %s bắt đầu (hàng đợi %s)", self.worker_id, self.queue_names
        )
        pause = 1.0
        while self.running:
            _refresh_connections()
            try:
                self.beat()
                self.heal()
                read, task_result = self.tick()
            except (OperationalError, InterfaceError) as error:
                if not is_transient(error):
                    raise
                self.retries += 1
                self.last_error = f"{timezone.now():%Y-%m-%d %H:%M:%S} {error}"
                logger.warning(
                    "Cơ sở dữ liệu tạm thời không dùng được (%s): thử lại sau %.0f giây",
                    error,
                    pause,
                )
                _refresh_connections()
                time.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)
                continue
            pause = 1.0
            if self.batch and read and task_result is None:
                self.beat(force=True)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                self.beat(force=True)
                return
            _refresh_connections()
            if self.running and not task_result:
                time.sleep(self.interval)
