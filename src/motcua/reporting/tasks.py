"""Background work (django-tasks): reminders of reports due or overdue, and the catch-up of
the maintained daily aggregates. Both are put in ``core.schedule.DAILY_JOBS`` by
``ReportingConfig.ready`` (core offers the registry; it imports nothing from reporting)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from motcua.reporting import services

JOBS = {
    "motcua.reporting.tasks.report_reminders_task": dt.time(7, 30),
    "motcua.reporting.tasks.aggregates_catch_up_task": dt.timedelta(minutes=5),
}


@task()
def report_reminders_task() -> int:
    """Remind units whose periodic report is due within 3 days or overdue (once a day)."""
    return services.report_remind()


@task()
def aggregates_catch_up_task() -> dict:
    """Recount the daily aggregates of the days touched since the last run."""
    return services.aggregates_catch_up()
