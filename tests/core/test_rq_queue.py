"""The Redis task queue (MOTCUA_TASKS_BACKEND=rq: django-tasks-rq on RQ), against the local
Redis (DB 12, emptied around each test): a task runs, the periodic chain goes on with one
run waiting per job (also when many processes queue at once), a run left by a lost worker is
failed and its job queued again at once, a live worker's long run is left alone, and a long
job shows its progress. A real worker killed with kill -9: tests/deploy/test_rq_worker_killed.py."""

from __future__ import annotations

import datetime as dt
import signal
import threading

import pytest
import redis
from django.utils import timezone
from rq import Queue
from rq.registry import ScheduledJobRegistry
from rq.utils import utcformat

from motcua.core import rq_queue, rq_worker, schedule
from motcua.core.health import recent_failures, worker_health
from motcua.core.models import JobStatus, WorkerHeartbeat
from tests.core.rq_probe import add
from tests.redis_queue import REDIS_URL, redis_queue_db

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("redis-queue")]
SEAL = "motcua.ledger.tasks.ledger_seal_task"
REMIND = "motcua.reform.tasks.send_reform_reminders"


@pytest.fixture(autouse=True)
def redis_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    with redis_queue_db() as server:
        yield server


def work(name: str | None = None) -> None:
    """Run what is due now in this process (RQ burst mode, with its scheduler), as a worker."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker = rq_worker.make_worker(queues=["default"], name=name, simple=True)
        worker.work(burst=True, with_scheduler=True, logging_level="WARNING")
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def waiting(path: str) -> int:
    return rq_queue.waiting_runs(schedule.daily_job.module_path, [path])


def marked(server: redis.Redis, name: str) -> str:
    return server.get(rq_queue.MARK.format(name)).decode()


def test_a_task_queued_on_redis_runs_on_a_worker_and_its_result_is_read_back():
    assert rq_queue.is_rq(add.get_backend())
    result = add.enqueue(2, 3)
    assert result.status == "READY"
    work(name="may-1")
    result = add.get_backend().get_result(result.id)
    assert result.status == "SUCCESSFUL" and result.return_value == 5
    # and the worker said it is alive where the health page reads it
    assert WorkerHeartbeat.objects.filter(worker_id="may-1").exists()


def test_the_periodic_chain_goes_on_with_one_run_waiting_per_job(redis_queue):
    now = timezone.now()
    # given the chain started (what `motcua schedule` does)
    queued = schedule.schedule_all(now=now)
    assert set(schedule.DAILY_JOBS) <= set(queued)
    assert "motcua.ledger.tasks.ledger_nightly" in queued
    assert all(waiting(path) == 1 for path in schedule.DAILY_JOBS)
    assert rq_queue.periodic_state(SEAL) == "waiting"
    # starting it again queues nothing
    assert schedule.schedule_all(now=now) == []
    # when the seal's run comes due and a worker runs it
    first = marked(redis_queue, SEAL)
    registry = ScheduledJobRegistry("default", connection=redis_queue)
    job = schedule.daily_job.get_backend()._get_job(first)
    registry.schedule(job, dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    work()
    # then it succeeded and queued its own next run, ten minutes on: one waiting again
    assert schedule.daily_job.get_backend().get_result(first).status == "SUCCESSFUL"
    following = marked(redis_queue, SEAL)
    assert following != first and waiting(SEAL) == 1
    assert rq_queue.periodic_state(SEAL) == "waiting"
    due = registry.get_scheduled_time(following)
    assert dt.timedelta(minutes=9) < due - timezone.now() <= dt.timedelta(minutes=10)
    # and healing finds nothing to do
    assert schedule.heal() == []


def test_many_processes_queuing_one_job_at_once_leave_one_run_waiting():
    start = threading.Barrier(8)
    results = []

    def queue_it():
        start.wait()
        results.append(schedule.schedule(SEAL))

    threads = [threading.Thread(target=queue_it) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([r for r in results if r is not None]) == 1
    assert waiting(SEAL) == 1


def _start(path: str, worker_name: str, *, beat_at: dt.datetime, server: redis.Redis):
    """A run of the periodic job ``path`` taken by a worker whose last beat was at ``beat_at``
    (as RQ records it: the worker's hash, the run started, in the started registry)."""
    result = schedule.daily_job.enqueue(path)
    worker = rq_worker.make_worker(queues=["default"], name=worker_name, simple=True)
    worker.register_birth()
    job = schedule.daily_job.get_backend()._get_job(result.id)
    server.lrem(Queue("default", connection=server).key, 1, job.id)
    worker.prepare_execution(job)
    worker.prepare_job_execution(job)
    server.hset(worker.key, "last_heartbeat", utcformat(beat_at))
    return job


def test_a_run_of_a_silent_worker_is_failed_and_its_job_queued_at_once(redis_queue):
    now = timezone.now()
    # given a seal run left running by a worker (on any machine) silent for two minutes
    lost = _start(SEAL, "da-mat", beat_at=now - dt.timedelta(minutes=2), server=redis_queue)
    # and a long reminder run of a worker that still beats
    long = _start(REMIND, "con-song", beat_at=now - dt.timedelta(seconds=3), server=redis_queue)
    assert rq_queue.periodic_state(SEAL) == "running"
    # when a worker heals the chain
    queued = schedule.heal(now=now)
    # then the lost run failed (the worker was lost) and its job waits to run now, once
    result = schedule.daily_job.get_backend().get_result(lost.id)
    assert result.status == "FAILED"
    assert result.errors[-1].exception_class_path == "motcua.core.schedule.WorkerLost"
    assert SEAL in queued and waiting(SEAL) == 1
    again = marked(redis_queue, SEAL)
    assert again in Queue("default", connection=redis_queue).get_job_ids()  # not deferred
    # the live run is untouched and its job not doubled (it queues its own next run)
    assert long.get_status() == "started" and waiting(REMIND) == 0
    assert REMIND not in queued
    # every other registered job has its next run waiting
    others = set(schedule.DAILY_JOBS) - {SEAL, REMIND}
    assert others <= set(queued) and all(waiting(p) == 1 for p in others)
    # healing again changes nothing
    assert schedule.heal(now=now) == []
    # and the operations page reads the Redis queue: one run waiting now, one failed
    health = worker_health()
    assert (health.queued, health.failed_24h) == (1, 1) and health.oldest_waiting is not None
    [failure] = recent_failures()
    assert (failure.task_path, failure.exception_class_path) == (
        SEAL,
        schedule.WorkerLost.__module__ + ".WorkerLost",
    )


def test_a_run_whose_worker_process_is_gone_on_this_machine_is_failed_after_missed_beats(
    redis_queue, settings
):
    import subprocess
    import sys

    settings.MOTCUA_WORKER_BEAT_SECONDS = 1
    now = timezone.now()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    lost = _start(SEAL, "vua-chet", beat_at=now - dt.timedelta(seconds=3), server=redis_queue)
    redis_queue.hset(lost.worker_name and f"rq:worker:{lost.worker_name}", "pid", gone.stdout)
    assert not schedule.pid_alive(int(gone.stdout))
    # the same, but its last beat is a second old: not judged yet
    fresh = _start(REMIND, "vua-dap", beat_at=now - dt.timedelta(seconds=1), server=redis_queue)
    redis_queue.hset(f"rq:worker:{fresh.worker_name}", "pid", gone.stdout)
    queued = schedule.heal(now=now)
    assert SEAL in queued and REMIND not in queued
    assert lost.get_status() == "failed" and fresh.get_status() == "started"


def test_a_long_job_shows_its_progress_on_the_redis_queue(
    client, catalog_admin, make_unit, django_capture_on_commit_callbacks
):
    from motcua.catalog.services import catalog_export_start

    with django_capture_on_commit_callbacks(execute=True):
        job = catalog_export_start(actor=catalog_admin)
    assert job.status == JobStatus.QUEUED
    assert rq_queue.waiting_runs("motcua.core.tasks.job_run_task", [str(job.pk)]) == 1
    work()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.percent() == 100
    steps = [e.message for e in job.events.order_by("seq")]
    assert steps[1:3] == ["Bắt đầu", "Đọc danh mục từ cơ sở dữ liệu"]
    client.force_login(catalog_admin)
    status = client.get(f"/viec-nen/{job.pk}/trang-thai/").json()
    assert status["percent"] == 100 and status["finished"] and status["status"] == "done"
