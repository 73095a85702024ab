"""Periodic jobs of the early warning (registered in apps.py): train nightly, score often."""

from __future__ import annotations

from django_tasks import task


@task()
def risk_model_train_task() -> dict:
    """Nightly: learn again from the last year of the province's own history."""
    from motcua.core.errors import DomainError
    from motcua.insights.services import risk_model_train, risk_scores_refresh

    try:
        row = risk_model_train()
    except DomainError as error:  # a new province: too little history yet
        return {"trained": False, "reason": error.message}
    return {"trained": True, "model": row.pk, "scored": risk_scores_refresh()}


@task()
def risk_scores_refresh_task() -> dict:
    """Every 30 minutes: the open dossiers' scores with the active model."""
    from motcua.insights.services import risk_scores_refresh

    return {"scored": risk_scores_refresh(train_if_missing=True)}
