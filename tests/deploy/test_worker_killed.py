"""The periodic-job chain survives a killed worker: a worker killed with SIGKILL in the
middle of a periodic job leaves its run "running"; the next worker to start marks that run
failed, runs the job again and keeps the chain going — nobody runs `motcua schedule`."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.deploy.conftest import SRC, motcua_env
from tests.deploy.periodic_probe import PATH

pytestmark = pytest.mark.django_db  # the children have their own database

ROOT = SRC.parent
RUN = "import sys, django; django.setup(); from tests.deploy.periodic_probe import main; main(sys.argv[1:])"


def _env(var: Path, probe: Path) -> dict:
    env = motcua_env(var, PROBE_DIR=str(probe))
    env["PYTHONPATH"] = f"{SRC}{os.pathsep}{ROOT}"
    return env


def _start_worker(env: dict, worker_id: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", RUN, "worker", worker_id],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
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


def _runs(database: Path) -> list[tuple[str, str]]:
    """(status, exception class) of every run of the probe job, oldest first."""
    with sqlite3.connect(database, timeout=20) as db:
        rows = db.execute(
            "SELECT status, exception_class_path, args_kwargs FROM django_tasks_database_dbtaskresult"
            " ORDER BY enqueued_at"
        ).fetchall()
    return [(status, exc) for status, exc, args in rows if PATH in args]


def test_a_worker_killed_mid_job_does_not_stop_the_periodic_chain(tmp_path, migrated_sqlite):
    var, probe = tmp_path / "var", tmp_path / "probe"
    var.mkdir()
    probe.mkdir()
    env = _env(var, probe)
    database = var / "motcua.sqlite3"
    shutil.copy2(migrated_sqlite, database)
    # given the chain started once, as `motcua schedule` does at installation
    subprocess.run([sys.executable, "-c", RUN, "schedule"], env=env, check=True, timeout=120)
    assert _runs(database) == [("READY", "")]
    # and a worker running the periodic job, which is long this time
    (probe / "block").touch()
    first = _start_worker(env, "worker-bi-dung")
    try:
        _wait(lambda: any(probe.glob("started-*")), first, "start of the job")
    finally:
        # when the worker is killed in the middle of the job (no chance to clean up)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    # then the run is left "running" and nothing is queued: the chain is broken
    assert _runs(database) == [("RUNNING", "")]
    assert not any(probe.glob("finished-*"))
    # when another worker starts (no `motcua schedule`)
    (probe / "block").unlink()
    second = _start_worker(env, "worker-moi")
    try:
        _wait(lambda: len(list(probe.glob("finished-*"))) >= 2, second, "two runs of the job", 180)
    finally:
        second.send_signal(signal.SIGTERM)
        output = second.communicate(timeout=60)[0]
    # then the killed run is failed (the worker was lost), the job ran again at once, and
    # every run queued the next one: the chain goes on, one run waiting at a time
    runs = _runs(database)
    assert runs[0] == ("FAILED", "motcua.core.schedule.WorkerLost"), output
    assert [s for s, _ in runs[1:]].count("SUCCESSFUL") >= 2
    assert [s for s, _ in runs].count("READY") <= 1
    assert {s for s, _ in runs[1:]} <= {"SUCCESSFUL", "READY", "RUNNING"}
