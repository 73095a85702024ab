"""The periodic-job chain survives a killed worker on the Redis queue too (RQ, against the
local Redis, DB 12): a worker killed with SIGKILL in the middle of a periodic job — its
process, its scheduler and the work horse running the job, as when a machine is lost —
leaves that run "started" and RQ's scheduler lock held; the next worker to start fails that
run, runs the job again at once, takes the scheduler over and keeps the chain going, one
run waiting at a time — nobody runs `motcua schedule`. (The database queue:
tests/deploy/test_worker_killed.py.)"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django_tasks_rq.backend import Job
from rq.job import NoSuchJobError

from tests.deploy.conftest import SRC, motcua_env
from tests.deploy.periodic_probe import PATH
from tests.redis_queue import REDIS_URL, redis_queue_db

# the children have their own database
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("redis-queue")]

ROOT = SRC.parent
RUN = "import sys, django; django.setup(); from tests.deploy.periodic_probe import main; main(sys.argv[1:])"
DAILY_JOB = "motcua.core.schedule.daily_job"
LOST = "motcua.core.schedule.WorkerLost"


@pytest.fixture
def server():
    with redis_queue_db() as connection:
        yield connection


def _env(var: Path, probe: Path) -> dict:
    env = motcua_env(
        var,
        PROBE_DIR=str(probe),
        MOTCUA_TASKS_BACKEND="rq",
        MOTCUA_TASKS_REDIS_URL=REDIS_URL,
        MOTCUA_WORKER_BEAT_SECONDS="1",
    )
    env["PYTHONPATH"] = f"{SRC}{os.pathsep}{ROOT}"
    return env


def _start_worker(env: dict, worker_id: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", RUN, "worker", worker_id],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the worker and its scheduler
    )


def _wait(condition, proc: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            raise AssertionError(f"the worker stopped before {what}:\n{proc.stdout.read()}")
        time.sleep(0.05)
    raise AssertionError(f"no {what} within {timeout} s")


def _runs(server: redis.Redis) -> list[tuple[str, str]]:
    """(status, exception class) of every run of the probe job, oldest first."""
    runs = []
    for key in server.scan_iter("rq:job:*"):
        name = key.decode()
        if name.count(":") != 2:
            continue
        try:
            job = Job.fetch(name.split(":")[2], connection=server)
        except NoSuchJobError:
            continue
        if job.func_name == DAILY_JOB and list(job.args) == [PATH]:
            errors = job.meta.get("_django_tasks_rq_exceptions", [])
            runs.append((job.created_at, job.get_status(), errors[-1] if errors else ""))
    return [(status, error) for _, status, error in sorted(runs)]


def test_a_worker_killed_mid_job_does_not_stop_the_periodic_chain_on_rq(
    tmp_path, migrated_sqlite, server
):
    var, probe = tmp_path / "var", tmp_path / "probe"
    var.mkdir()
    probe.mkdir()
    env = _env(var, probe)
    shutil.copy2(migrated_sqlite, var / "motcua.sqlite3")
    # given the chain started once, as `motcua schedule` does at installation
    subprocess.run([sys.executable, "-c", RUN, "schedule"], env=env, check=True, timeout=120)
    assert _runs(server) == [("scheduled", "")]
    # and a worker running the periodic job, which is long this time
    (probe / "block").touch()
    first = _start_worker(env, "worker-bi-dung")
    try:
        _wait(lambda: any(probe.glob("started-*")), first, "start of the job")
    finally:
        # when the machine is lost in the middle of the job: the worker, its scheduler and
        # the work horse (in a process group of its own) are killed, no chance to clean up
        os.killpg(first.pid, signal.SIGKILL)
        for mark in probe.glob("started-*"):
            os.kill(int(mark.name.split("-")[1]), signal.SIGKILL)
        first.wait(timeout=30)
    # then the run is left "started", nothing waits, and the scheduler lock is still held
    assert _runs(server) == [("started", "")]
    assert server.exists("rq:scheduler-lock:default")
    assert not any(probe.glob("finished-*"))
    # when another worker starts (no `motcua schedule`)
    (probe / "block").unlink()
    started = time.monotonic()
    second = _start_worker(env, "worker-moi")
    try:
        _wait(lambda: len(list(probe.glob("finished-*"))) >= 2, second, "two runs of the job")
        took = time.monotonic() - started
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            output = second.communicate(timeout=60)[0]
        finally:
            # its scheduler and work horses too, whatever the test's outcome: a scheduler
            # left alive would hold DB 12's lock for every later run on the machine
            with contextlib.suppress(ProcessLookupError):
                os.killpg(second.pid, signal.SIGKILL)
    # then the killed run is failed (the worker was lost), the job ran again at once, the
    # next runs came from the scheduler the new worker took over (each run queued the next
    # one, a second on): the chain goes on, one run waiting at a time
    runs = _runs(server)
    assert runs[0] == ("failed", LOST), output
    assert [s for s, _ in runs[1:]].count("finished") >= 2, (runs, output)
    assert [s for s, _ in runs].count("scheduled") + [s for s, _ in runs].count("queued") <= 1
    assert {s for s, _ in runs[1:]} <= {"finished", "scheduled", "queued", "started"}
    print(f"healed and two runs in {took:.1f} s")
    assert took < 30, f"healed in {took:.1f} s"
