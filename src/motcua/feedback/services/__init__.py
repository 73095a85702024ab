"""Every write of the feedback app: intake, the actions of the allowed-actions table, the
due-soon sweep, Open311 keys.

Each service runs in one transaction, checks the table (status, role at the item's current
unit, or the sender), reads every clock from the work calendar and records its history event.
The modules: ``intake`` (every channel), ``handling`` (classify, transfer, merge, correct the
classification), ``answers`` (draft, approve, publish, reopen, rate), ``warnings`` (due soon),
``keys`` (Open311). Callers import from ``motcua.feedback.services``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from motcua.core.errors import InvalidInput
from motcua.feedback import actions
from motcua.feedback.models import Feedback
from motcua.feedback.services.answers import (
    feedback_approve,
    feedback_draft,
    feedback_publish,
    feedback_rate,
    feedback_reopen,
    feedback_send_back,
)
from motcua.feedback.services.common import can, is_sender
from motcua.feedback.services.handling import (
    feedback_accept,
    feedback_merge,
    feedback_provide_info,
    feedback_reclassify,
    feedback_reject,
    feedback_request_info,
    feedback_transfer,
)
from motcua.feedback.services.intake import OFFICE_CHANNELS, default_unit, feedback_submit
from motcua.feedback.services.keys import (
    open311_key_check,
    open311_key_issue,
    open311_key_revoke,
)
from motcua.feedback.services.warnings import feedback_warn_due_soon

#: The table's services by name (``actions.Action.service``).
SERVICES = {
    f.__name__: f
    for f in (
        feedback_accept,
        feedback_request_info,
        feedback_provide_info,
        feedback_reject,
        feedback_transfer,
        feedback_merge,
        feedback_reclassify,
        feedback_draft,
        feedback_send_back,
        feedback_approve,
        feedback_publish,
        feedback_reopen,
        feedback_rate,
    )
}


def feedback_perform(
    *, feedback: Feedback, action: str, actor, data: dict, now: dt.datetime | None = None
) -> Feedback:
    """Validate ``data`` with the action's schema and call its service (pages and API)."""
    row = actions.get(action)
    try:
        clean = row.schema.model_validate(data)
    except ValidationError as error:
        fields = [actions.form_label(row, e["loc"]) for e in error.errors()]
        raise InvalidInput(f"Dữ liệu không hợp lệ ở: {', '.join(fields)}.") from None
    values = clean.model_dump()
    if not row.for_sender:
        values.pop("phone4", None)
    return SERVICES[row.service](feedback=feedback, actor=actor, now=now, **values)


__all__ = [
    "OFFICE_CHANNELS",
    "SERVICES",
    "can",
    "default_unit",
    "feedback_accept",
    "feedback_approve",
    "feedback_draft",
    "feedback_merge",
    "feedback_perform",
    "feedback_provide_info",
    "feedback_publish",
    "feedback_rate",
    "feedback_reclassify",
    "feedback_reject",
    "feedback_reopen",
    "feedback_request_info",
    "feedback_send_back",
    "feedback_submit",
    "feedback_transfer",
    "feedback_warn_due_soon",
    "is_sender",
    "open311_key_check",
    "open311_key_issue",
    "open311_key_revoke",
]
