"""Periodic jobs keeping the stored integrity findings current (registered in apps.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def findings_refresh_task() -> dict:
    """Every few minutes: the dossiers with events sealed since the last run."""
    from motcua.audit.services import findings_refresh

    done = findings_refresh()
    return {"dossiers": done.dossiers, "added": done.added, "removed": done.removed}


@task()
def findings_rebuild_task() -> dict:
    """Nightly: everything again from the whole sealed history (catches a dossier row
    changed outside the services, which leaves no event to notice)."""
    from motcua.audit.services import findings_refresh

    done = findings_refresh(full=True)
    return {"dossiers": done.dossiers, "added": done.added, "removed": done.removed}
