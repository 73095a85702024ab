"""Background work (django-tasks): the daily reminder sweep for reform tasks."""

from __future__ import annotations

from django_tasks import task

from motcua.reform import services


@task()
def send_reform_reminders(days: int | None = None) -> dict:
    """Notify lead units N days before a deadline and when overdue (idempotent); the same
    for the units that have not submitted their self-assessment criteria."""
    sent = services.reminders_send(days=days)
    sent["self_assessment"] = services.self_reminders_send(days=days)
    return sent


@task()
def purge_import_previews() -> int:
    """Delete uploaded plans whose preview was never confirmed (older than a day)."""
    return services.import_previews_purge()
