"""The Redis database the task-queue tests use (DB 12 of the local Redis), emptied before and
after each test, one test at a time across pytest-xdist workers (RQ's keys carry no prefix:
two tests sharing the database would see each other's runs)."""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

REDIS_URL = "redis://127.0.0.1:6379/12"


@contextmanager
def redis_queue_db() -> Iterator[redis.Redis]:
    lock = Path(tempfile.gettempdir()) / "motcua-tests-redis-12.lock"
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        server = redis.Redis.from_url(REDIS_URL)
        server.flushdb()
        try:
            yield server
        finally:
            server.flushdb()
            fcntl.flock(held, fcntl.LOCK_UN)
