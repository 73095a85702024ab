"""The task worker waits out a busy database, says it is alive, and its health is visible."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.core import worker as worker_module
from motcua.core.models import WorkerHeartbeat
from motcua.core.tasks import purge_throttle_counters
from motcua.core.worker import SteadyWorker
from motcua.organization.models import Role

pytestmark = pytest.mark.django_db


def make_worker(**extra) -> SteadyWorker:
    options = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "kiem-thu",
        "excluded_queue_names": [],
    }
    return SteadyWorker(**{**options, **extra})


def test_the_worker_waits_out_a_locked_database_and_runs_the_task(monkeypatch):
    monkeypatch.setattr(worker_module.time, "sleep", lambda s: None)
    result = purge_throttle_counters.enqueue()
    worker = make_worker()
    real_tick, calls = worker.tick, []

    def tick():
        calls.append(1)
        if len(calls) <= 2:  # what a long import on SQLite does to the worker
            raise OperationalError("database is locked")
        return real_tick()

    worker.tick = tick
    worker.run()  # batch: returns when the queue is empty, instead of exiting on the lock
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    beat = WorkerHeartbeat.objects.get(worker_id="kiem-thu")
    assert beat.retries == 2 and "database is locked" in beat.last_error
    assert beat.tasks_run == 1


def test_a_lock_while_recording_the_outcome_does_not_fail_the_task(monkeypatch):
    monkeypatch.setattr(worker_module.time, "sleep", lambda s: None)
    result = purge_throttle_counters.enqueue()
    original, calls = DBTaskResult.set_successful, []

    def busy_once(self, value):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return original(self, value)

    monkeypatch.setattr(DBTaskResult, "set_successful", busy_once)
    make_worker().run()
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert len(calls) == 2


def test_other_database_errors_still_stop_the_worker(monkeypatch):
    worker = make_worker()

    def tick():
        raise OperationalError("no such table: x")

    worker.tick = tick
    with pytest.raises(OperationalError):
        worker.run()


def test_supervise_starts_the_worker_again_when_it_stops(monkeypatch):
    from motcua.core.management.commands import worker as command_module

    started = []

    class FakeChild:
        def __init__(self, command):
            started.append(command)

        def wait(self):
            if len(started) >= 3:
                raise KeyboardInterrupt  # end of the test
            return 1  # the worker died

        def poll(self):
            return 1

    monkeypatch.setattr(command_module.subprocess, "Popen", FakeChild)
    monkeypatch.setattr(command_module.time, "sleep", lambda s: None)
    monkeypatch.setattr(command_module.signal, "signal", lambda *a: None)
    monkeypatch.setattr(command_module.sys, "argv", ["motcua", "worker", "--supervise"])
    err = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        command_module.Command(stderr=err).supervise()
    assert len(started) == 3
    assert all(c[-1] == "worker" and "--supervise" not in c for c in started)
    assert err.getvalue().count("khởi động lại") == 2


def test_health_endpoint_says_when_work_is_not_getting_done(client):
    # no worker ever started
    r = client.get("/api/health")
    assert r.status_code == 503 and r.json()["worker_alive"] is False
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w", started_at=now, beat_at=now, pid=1)
    r = client.get("/api/health")
    assert r.status_code == 200, r.json()
    assert r.json()["ok"] is True and r.json()["queued"] == 0
    # a task waiting for 20 minutes: the worker is alive but the work is not getting done
    old = purge_throttle_counters.enqueue()
    DBTaskResult.objects.filter(pk=old.id).update(enqueued_at=now - dt.timedelta(minutes=20))
    body = client.get("/api/health").json()
    assert body["ok"] is False and body["queued"] == 1 and body["oldest_waiting"]
    # a silent worker
    WorkerHeartbeat.objects.update(beat_at=now - dt.timedelta(minutes=5))
    assert client.get("/api/health").json()["worker_alive"] is False


def test_operations_page_for_administrators_only(client, make_user, province, make_unit):
    purge_throttle_counters.enqueue()
    admin = make_user(Role.PROVINCE_ADMIN, unit=province)
    client.force_login(admin)
    html = client.get("/van-hanh/").content.decode()
    assert 'id="queued">1<' in html
    assert "Chưa có tiến trình chạy nền nào báo hoạt động" in html
    client.force_login(make_user(Role.DESK_OFFICER, unit=make_unit("UBND xã Một")))
    assert client.get("/van-hanh/").status_code == 403
