"""The only writer of history rows."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from motcua.ledger import actions
from motcua.ledger.hashing import event_hash
from motcua.ledger.models import Event


def _actor_label(actor) -> str:
    if actor is None:
        return "Hệ thống"
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return full or actor.get_username()


def _json_safe(payload: dict[str, Any]) -> dict[str, Any]:
    """Dates, decimals and UUIDs as text, so that the stored payload hashes the same later."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def event_record(
    *,
    subject_type: str,
    subject_id: str | int,
    action: str,
    actor=None,
    unit=None,
    payload: dict[str, Any] | None = None,
    at=None,
) -> Event:
    """Append one event to the subject's history, chained to the previous one.

    Must run inside the caller's transaction (the state change and its event commit
    together). ``at`` is for the service's own clock reading; never a client's time.
    """
    if action not in actions.ACTIONS:
        raise ValueError(f"unregistered event action {action!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record must run inside the service's transaction")
    subject_id = str(subject_id)
    last = (
        Event.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    at = at or timezone.now()
    payload = _json_safe(payload or {})
    fields = {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "seq": seq,
        "action": action,
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": _actor_label(actor),
        "unit_id": unit.pk if unit is not None else None,
        "at": at,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    digest = event_hash(**fields)
    return Event.objects.create(**fields, hash=digest)
