"""Is background work getting done? The task worker's heartbeat and the queue (a read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.core.models import WorkerHeartbeat

#: a worker that has not written for this long is considered stopped
STALE_AFTER = dt.timedelta(seconds=60)
#: a ready task waiting longer than this means the work is not getting done
LATE_AFTER = dt.timedelta(minutes=5)


@dataclass
class Health:
    ok: bool
    worker_alive: bool
    last_heartbeat: dt.datetime | None
    worker_host: str
    worker_started_at: dt.datetime | None
    worker_retries: int
    worker_last_error: str
    queued: int
    failed_24h: int
    oldest_waiting: dt.datetime | None
    problems: list[str]

    def as_dict(self) -> dict:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, dt.datetime):
                out[key] = value.isoformat()
        return out


def worker_health(now: dt.datetime | None = None) -> Health:
    now = now or timezone.now()
    beat = WorkerHeartbeat.objects.order_by("-beat_at").first()
    alive = beat is not None and now - beat.beat_at <= STALE_AFTER
    if _on_rq():
        from motcua.core import rq_queue

        queued, oldest, failed_24h = rq_queue.queue_health(now)
    else:
        waiting = DBTaskResult.objects.ready()
        queued = waiting.count()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        failed_24h = (
            DBTaskResult.objects.failed()
            .filter(finished_at__gte=now - dt.timedelta(days=1))
            .count()
        )
    problems = []
    if beat is None:
        problems.append("Chưa có tiến trình chạy nền nào báo hoạt động (motcua worker).")
    elif not alive:
        problems.append("Tiến trình chạy nền không báo hoạt động quá 60 giây.")
    if oldest is not None and now - oldest > LATE_AFTER:
        problems.append(f"Có {queued} việc đang chờ, việc lâu nhất chờ quá 5 phút.")
    return Health(
        ok=not problems,
        worker_alive=alive,
        last_heartbeat=beat.beat_at if beat else None,
        worker_host=f"{beat.host} (PID {beat.pid})" if beat else "",
        worker_started_at=beat.started_at if beat else None,
        worker_retries=beat.retries if beat else 0,
        worker_last_error=beat.last_error if beat else "",
        queued=queued,
        failed_24h=failed_24h,
        oldest_waiting=oldest,
        problems=problems,
    )


def recent_failures(limit: int = 20) -> list[Any]:
    """The last failed runs (finished_at, task_path, exception_class_path), newest first."""
    if _on_rq():
        from motcua.core import rq_queue

        return list(rq_queue.recent_failures(limit))
    return list(DBTaskResult.objects.failed().order_by("-finished_at")[:limit])


def _on_rq() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    from motcua.core import rq_queue

    return rq_queue.is_rq(task_backends[DEFAULT_TASK_BACKEND_ALIAS])
