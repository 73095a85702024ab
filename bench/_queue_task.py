"""The no-op task of bench/task_queue.py (a module the workers import by its path)."""

from __future__ import annotations

from django_tasks import task


@task()
def noop(i: int) -> int:
    return i
