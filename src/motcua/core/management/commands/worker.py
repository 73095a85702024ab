"""`motcua worker [--supervise]`: the background task worker (django-tasks).

On the database queue (the default) it waits out transient database errors instead of
exiting and writes a heartbeat (``core.worker``). On the Redis queue
(``MOTCUA_TASKS_BACKEND=rq``) it runs an RQ worker with its scheduler, the same heartbeat and
the same healing of the periodic chain (``core.rq_worker``); ``--queue-name``,
``--worker-id``, ``--batch`` and ``--max-tasks`` mean the same there. With ``--supervise`` it
runs the worker as a child process and starts it again whenever it stops (what `make run`
uses), with a growing pause if it keeps failing.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from motcua.core.worker import SteadyWorker


def _backend_name(value: str) -> str:
    from django.conf import settings
    from django_tasks import task_backends
    from django_tasks_db.management.commands.db_worker import valid_backend_name

    from motcua.core import rq_queue

    if value in settings.TASKS and rq_queue.is_rq(task_backends[value]):
        return value
    return valid_backend_name(value)  # the database queue's check says what is wrong


class Command(DbWorkerCommand):
    help = "Chạy các việc nền (gửi thông báo, nhắc hạn…); tự chờ khi cơ sở dữ liệu bận."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        for action in parser._actions:  # django-tasks-db accepts only a database backend here
            if action.dest == "backend_name":
                action.type = _backend_name
        parser.add_argument(
            "--supervise",
            action="store_true",
            help="chạy tiến trình con và khởi động lại khi nó dừng (dùng cho make run)",
        )

    def handle(self, *args, supervise: bool = False, **options):
        if supervise:
            return self.supervise()
        from django_tasks import task_backends

        from motcua.core import rq_queue

        backend = task_backends[options.get("backend_name") or "default"]
        if rq_queue.is_rq(backend):
            return self.rq_worker(backend, **options)
        # django-tasks builds its own Worker: use ours (same arguments, steadier loop)
        from django_tasks_db.management.commands import db_worker

        original = db_worker.Worker
        db_worker.Worker = SteadyWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original

    def rq_worker(self, backend, **options) -> None:
        from motcua.core import rq_worker

        names = options.get("queue_name") or "default"
        queues = sorted(backend.queues) if names == "*" else names.split(",")
        rq_worker.run(
            queues=queues,
            name=options.get("worker_id"),
            burst=bool(options.get("batch")),
            max_jobs=options.get("max_tasks"),
        )

    def supervise(self) -> None:
        argv = [a for a in sys.argv[1:] if a != "--supervise"]
        command = [sys.executable, "-m", "motcua.cli", *argv]
        child: subprocess.Popen | None = None
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True
            if child is not None and child.poll() is None:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        pause = 1.0
        while not stopping:
            started = time.monotonic()
            child = subprocess.Popen(command)  # noqa: S603 - our own command line
            code = child.wait()
            if stopping:
                break
            if time.monotonic() - started > 60:
                pause = 1.0  # it ran a while: a new failure, not a loop of failures
            self.stderr.write(
                f"Tiến trình chạy nền dừng (mã {code}); khởi động lại sau {pause:.0f} giây."
            )
            time.sleep(pause)
            pause = min(pause * 2, 60)
