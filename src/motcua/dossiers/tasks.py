"""Background work: applicant notifications (the portal hooks in here) and the due-soon sweep."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)

# The portal registers senders here (email/SMS); each gets (dossier, action).
NOTIFIERS: list = []
# ... and what it could not deliver: each gets a dossier code, returns Vietnamese sentences
# (shown on the dossier page so an officer knows the applicant was not told).
DELIVERY_PROBLEMS: list = []


def delivery_problems(code: str) -> list[str]:
    return [line for report in DELIVERY_PROBLEMS for line in report(code)]


@task()
def dossier_notify(code: str, action: str) -> int:
    """Tell the applicant about a change (sent after the transaction committed)."""
    from motcua.dossiers.models import Dossier

    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None:
        return 0
    sent = 0
    for notifier in NOTIFIERS:
        try:
            notifier(dossier, action)
        except Exception:  # one failing channel must not silence the others
            logger.exception("dossier %s: notifier %r failed for %s", code, notifier, action)
        else:
            sent += 1
    logger.info("dossier %s: %s notified to %d of %d channels", code, action, sent, len(NOTIFIERS))
    return sent


@task()
def dossier_warn_due_soon_task() -> int:
    from motcua.dossiers.services import dossier_warn_due_soon

    return dossier_warn_due_soon()
