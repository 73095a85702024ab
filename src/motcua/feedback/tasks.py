"""Background work of the feedback app: the due-soon sweep (registered in ``apps.py``)."""

from __future__ import annotations

from django_tasks import task


@task()
def feedback_warn_due_soon_task() -> int:
    from motcua.feedback.services import feedback_warn_due_soon

    return feedback_warn_due_soon()
