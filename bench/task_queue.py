"""Task queue benchmark: N tasks queued, then run by one `motcua worker`, on the database queue
(the baseline, measured in the same run) and on the Redis queue (RQ, MOTCUA_TASKS_BACKEND=rq).

    .venv/bin/python bench/task_queue.py                 # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/task_queue.py

Environment: BENCH_TASKS (default 500), BENCH_REDIS_URL (default redis://127.0.0.1:6379/12,
emptied before and after). Each task is a no-op (``bench/_queue_task.py``), so the figures are
the queue's own cost per task: queuing (from one process) and running with one worker, from
its start to the last task done (the worker's start-up included). The RQ worker forks a work
horse per task, the price of isolating each task; the database worker runs them in its
process. No target: the Redis queue is there to spread work over machines, not to run one
machine's tasks faster; the figures say what a worker costs per task on each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from _common import machine, workspace  # noqa: E402

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

N = int(os.environ.get("BENCH_TASKS", "500"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
IS_PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
TMP, DB_NAME = workspace("task_queue")

CHILD = """
import sys, time, django
django.setup()
from bench._queue_task import noop
started = time.perf_counter()
for i in range(int(sys.argv[1])):
    noop.enqueue(i)
print(time.perf_counter() - started)
"""


def done_count(backend: str) -> int:
    """Tasks run to success so far (read directly, without starting Django)."""
    if backend == "rq":
        import redis

        return int(redis.Redis.from_url(REDIS_URL).zcard("rq:finished:default"))
    sql = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
    if IS_PG:
        import psycopg

        with psycopg.connect(env(backend)["DATABASE_URL"]) as db:
            return int(db.execute(sql).fetchone()[0])
    import sqlite3

    with sqlite3.connect(TMP / "motcua.sqlite3", timeout=30) as db:
        return int(db.execute(sql).fetchone()[0])


def env(backend: str) -> dict:
    out = dict(os.environ)
    out.update(
        PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}",  # bench._queue_task
        DJANGO_SETTINGS_MODULE="motcua.settings",
        DEBUG="0",
        MOTCUA_VAR_DIR=str(TMP),
        MOTCUA_TASKS_BACKEND=backend,
        MOTCUA_TASKS_REDIS_URL=REDIS_URL,
    )
    if IS_PG:
        out["DATABASE_URL"] = f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{DB_NAME}"
    return out


def enqueue(backend: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(N)], env=env(backend), capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{backend}: queuing failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def run(backend: str) -> tuple[float, float, float]:
    """(seconds to queue N from one process, seconds from the worker's start to the last
    task done, seconds from the first task done to the last)."""
    queued = enqueue(backend)
    started = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "-m", "motcua.cli", "worker", "--no-startup-delay", "--interval", "0.05"],
        env=env(backend),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    first = None
    try:
        while (count := done_count(backend)) < N:
            if first is None and count:
                first = time.perf_counter()
            if worker.poll() is not None:
                raise SystemExit(f"the {backend} worker stopped (code {worker.returncode})")
            time.sleep(0.02)
        last = time.perf_counter()
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return queued, last - started, last - (first or started)


def main() -> None:
    import fcntl
    import tempfile

    import redis

    # the Redis database of the queue tests (tests/redis_queue.py): one user at a time
    lock = (Path(tempfile.gettempdir()) / "motcua-tests-redis-12.lock").open("a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    if IS_PG:
        import psycopg

        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        subprocess.run(
            [sys.executable, "-m", "motcua.cli", "migrate", "--noinput", "-v", "0"],
            env=env("db"),
            check=True,
        )
        print(f"Hàng đợi việc nền: {N} việc rỗng, một tiến trình chạy nền; {machine()}")
        figures = {}
        for backend in ("db", "rq"):
            queued, total, steady = run(backend)
            figures[backend] = steady
            print(
                f"  {backend}: xếp {N / queued:,.0f} việc/giây (một tiến trình); chạy "
                f"{(N - 1) / steady:,.1f} việc/giây ({steady:.1f} giây từ việc đầu đến việc cuối; "
                f"{total:.1f} giây kể cả khởi động tiến trình chạy nền)"
            )
        ratio = figures["rq"] / figures["db"]
        print(f"  tỉ lệ thời gian chạy Redis (RQ) / cơ sở dữ liệu (mốc): {ratio:.2f}")
        print(f"  {machine()}")
    finally:
        server.flushdb()
        if IS_PG:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
