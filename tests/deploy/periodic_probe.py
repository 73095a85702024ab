"""A periodic job for the killed-worker test (tests/deploy/test_worker_killed.py), imported
by the worker subprocesses: it marks its start and end in PROBE_DIR and, while the file
``block`` exists there, keeps running (so the test can kill the worker in the middle)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from django_tasks import task

PATH = "tests.deploy.periodic_probe.probe_job"
EVERY = dt.timedelta(seconds=1)


@task()
def probe_job() -> int:
    marks = Path(os.environ["PROBE_DIR"])
    (marks / f"started-{os.getpid()}-{time.time_ns()}").touch()
    while (marks / "block").exists():
        time.sleep(0.05)
    (marks / f"finished-{os.getpid()}-{time.time_ns()}").touch()
    return 1


def main(argv: list[str]) -> None:
    """``schedule`` (what `motcua schedule` does) or ``worker WORKER_ID``, with the probe
    registered as a periodic job as an app would from its AppConfig.ready (after
    ``django.setup()``: see ``RUN`` in the test)."""
    from django.core.management import call_command

    from motcua.core import schedule, worker
    from motcua.core.schedule import register_job, schedule_all

    # The worker's clock runs ten times faster here, as the RQ test's does with
    # MOTCUA_WORKER_BEAT_SECONDS=1: a beat and a heal every second (production: 10 s), a
    # worker whose process is gone judged lost after 2.5 missed beats (production: 25 s).
    # The same code decides; the test no longer waits ~30 s for the production clock.
    worker.HEARTBEAT_SECONDS = worker.HEAL_SECONDS = 1
    schedule.MISSED_BEATS = dt.timedelta(seconds=2.5)
    register_job(PATH, EVERY)
    if argv[0] == "schedule":
        schedule_all()
    else:
        call_command("worker", "--interval", "0.1", "--no-startup-delay", "--worker-id", argv[1])
