"""Which dossier events the national side must know, and their outbox rows.

``record_outbox`` is called by the ledger (``ledger.services.on_event``) in the transaction
that records the events, so an event and its sync record commit or roll back together.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.dossiers import events as dossier_events
from motcua.dossiers.lifecycle import NATIONAL_STATUS
from motcua.interop.models import SyncRecord, SyncState


def national(status: str | None) -> int | None:
    return NATIONAL_STATUS.get(status) if status else None


def publishes(subject_type: str, payload: dict[str, Any]) -> bool:
    """The event changes the dossier's national status (1–10) or its due time."""
    if subject_type != dossier_events.SUBJECT or "status_to" not in payload:
        return False
    before, after = national(payload.get("status_from")), national(payload.get("status_to"))
    if after is None:
        return False
    # services pass ``due_before`` only where the due time can move (pauses, apologies, fixes)
    due_before = payload.get("due_before")
    return before != after or (due_before is not None and due_before != payload.get("due_after"))


def record_for(event) -> SyncRecord:
    payload = event.payload
    return SyncRecord(
        dossier_code=event.subject_id,
        event_seq=event.seq,
        event_hash=event.hash,
        action=event.action,
        national_status=national(payload["status_to"]),
        due_at=payload.get("due_after") or "",
        event_at=event.at,
        unit_id=event.unit_id,
    )


_COPY = (
    "COPY interop_syncrecord (dossier_code, event_seq, event_hash, action, national_status, "
    "due_at, event_at, unit_id, state, attempts, last_error, created_at) FROM STDIN"
)


def record_outbox(events: list) -> None:
    published = [e for e in events if publishes(e.subject_type, e.payload)]
    if not published:
        return
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or len(published) < 50:
        SyncRecord.objects.bulk_create([record_for(e) for e in published], batch_size=2000)
        return
    # many rows (a batch, an import): COPY, as the ledger copies their events; the rows of
    # ``record_for`` as tuples (no model instance per row)
    now, pending = timezone.now(), SyncState.PENDING.value
    with connection.cursor() as cursor, cursor.cursor.copy(_COPY) as copy:
        for e in published:
            payload = e.payload
            copy.write_row(
                (
                    e.subject_id, e.seq, e.hash, e.action, national(payload["status_to"]),
                    payload.get("due_after") or "", e.at, e.unit_id, pending, 0, "", now,
                )
            )  # fmt: skip
