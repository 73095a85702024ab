"""A task for the Redis queue's tests (tests/core/test_rq_queue.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def add(a: int, b: int) -> int:
    return a + b
