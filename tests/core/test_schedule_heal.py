"""The worker mends the periodic chain (core.schedule.heal): a run left "running" by a
worker that is gone is failed and its job queued again at once; a run of a live worker
(even a long one) is left alone; every registered job ends with one run waiting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.core import schedule
from motcua.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

SEAL = "motcua.ledger.tasks.ledger_seal_task"
REMIND = "motcua.reform.tasks.send_reform_reminders"


@pytest.fixture(autouse=True)
def db_queue(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def running(path: str, worker: str, *, started: dt.datetime) -> DBTaskResult:
    result = schedule.daily_job.enqueue(path)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=started, worker_ids=[worker]
    )
    return DBTaskResult.objects.get(pk=result.id)


def beat(worker: str, *, at: dt.datetime, host: str = "may-khac", pid: int = 4242) -> None:
    WorkerHeartbeat.objects.create(worker_id=worker, host=host, pid=pid, started_at=at, beat_at=at)


def waiting(path: str) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            status="READY", task_path=schedule.daily_job.module_path, args_kwargs__args=[path]
        )
    )


def test_a_run_of_a_silent_worker_is_failed_and_its_job_queued_at_once():
    now = timezone.now()
    # given a seal run left running by a worker on another machine that stopped beating
    lost = running(SEAL, "da-mat", started=now - dt.timedelta(minutes=10))
    beat("da-mat", at=now - dt.timedelta(minutes=5))
    # and a long reminder run of a worker that still beats
    long = running(REMIND, "con-song", started=now - dt.timedelta(minutes=30))
    beat("con-song", at=now - dt.timedelta(seconds=5))
    # when a worker heals the chain
    queued = schedule.heal(now=now)
    # then the lost run is failed and its job runs again now
    lost.refresh_from_db()
    assert lost.status == "FAILED" and lost.exception_class_path.endswith("WorkerLost")
    assert [r.run_after for r in waiting(SEAL)] == [now]
    # the live run is untouched and its job not doubled (it queues its own next run)
    long.refresh_from_db()
    assert long.status == "RUNNING" and waiting(REMIND) == []
    # every other registered job has its next run waiting
    others = set(schedule.DAILY_JOBS) - {SEAL, REMIND}
    assert others <= set(queued) and all(len(waiting(p)) == 1 for p in others)
    # healing again changes nothing
    assert schedule.heal(now=now) == []


def test_a_run_whose_process_is_gone_on_this_machine_is_failed_after_two_missed_beats():
    import socket
    import subprocess
    import sys

    now = timezone.now()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(gone.stdout)
    lost = running(SEAL, "vua-chet", started=now - dt.timedelta(seconds=40))
    here = socket.gethostname()[:255]
    beat("vua-chet", at=now - dt.timedelta(seconds=30), host=here, pid=pid)
    assert not schedule.pid_alive(pid)
    # a worker of the same process id that still beats (another container) is left alone
    alive = running(REMIND, "cung-pid", started=now - dt.timedelta(seconds=40))
    beat("cung-pid", at=now - dt.timedelta(seconds=5), host=here, pid=pid)
    assert SEAL in schedule.heal(now=now)
    alive.refresh_from_db()
    assert alive.status == "RUNNING"
    lost.refresh_from_db()
    assert lost.status == "FAILED"
