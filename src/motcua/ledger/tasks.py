"""Nightly: store the daily roots of the days that ended, then verify everything.

``motcua ledger schedule`` queues the first run; each run queues the next one (01:00,
Asia/Ho_Chi_Minh), so one worker (``motcua worker``) keeps it going.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from motcua.core import schedule

logger = logging.getLogger(__name__)

NIGHTLY_AT = dt.time(1, 0)


@task()
def ledger_nightly() -> dict:
    from django.db import DatabaseError

    from motcua.ledger.services import daily_roots_build, verify_run_record

    try:
        try:
            built = daily_roots_build()
        except DatabaseError:  # e.g. the sealing lock timed out: verify anyway, retry tomorrow
            logger.exception("ledger: daily roots not built tonight")
            built = []
        report = verify_run_record()
    finally:
        try:
            nightly_schedule()
        except Exception:  # must not hide the result of the check
            logger.exception("ledger: could not queue the next nightly run")
    return {
        "roots_built": len(built),
        "ok": report.ok,
        "events": report.events,
        "problems": report.problem_count,
        "first_problem": report.first.describe() if report.first else "",
    }


def next_run_after(now: dt.datetime) -> dt.datetime:
    return schedule.next_run_after(NIGHTLY_AT, now)


def _already_queued() -> bool:
    return schedule.task_waiting(ledger_nightly.module_path)


def nightly_schedule(*, now: dt.datetime | None = None):
    """Queue the next nightly run unless one is already waiting; returns the result or None."""
    backend = ledger_nightly.get_backend()
    if not backend.supports_defer:
        return None
    with schedule.guard(ledger_nightly.module_path):
        if _already_queued():
            return None
        return ledger_nightly.using(run_after=next_run_after(now or timezone.now())).enqueue()


@task()
def ledger_seal_task() -> int:
    """Extend the global chain over new events (scheduled every few minutes)."""
    from motcua.ledger.services import ledger_seal

    return ledger_seal()


@task()
def ledger_partitions_task() -> dict:
    """Create the event table's next monthly partitions (PostgreSQL; daily, idempotent)."""
    from django.db import connection

    from motcua.ledger.partitions import partitions_ensure

    result = partitions_ensure(connection)
    for name, rows in result.blocked.items():
        logger.warning("ledger: partition %s not created, %s rows in the default one", name, rows)
    return {"created": result.created, "blocked": result.blocked}
