"""Background jobs of the organization app."""

from __future__ import annotations

from django_tasks import task


@task()
def unit_mergers_apply_task() -> int:
    """Daily: a merger whose effective date has come moves the ended units' open work."""
    from motcua.organization.services import mergers_apply_due

    return mergers_apply_due()
