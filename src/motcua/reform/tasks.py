"""Background work (django-tasks): the daily reminder sweep for reform tasks."""

from __future__ import annotations

from django_tasks import task

from motcua.reform import services


@task()
def send_reform_reminders(days: int | None = None) -> dict:
    """Notify lead units N days before a deadline and when overdue (idempotent)."""
    return services.reminders_send(days=days)
