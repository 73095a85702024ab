"""Canonical form and hash of an event. The standalone verifier repeats exactly this."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

# One encoder, built once: json.dumps with options would build a new one for every event.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_time(at: dt.datetime) -> str:
    """UTC, always with microseconds: 2026-03-02T01:15:00.000000Z."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash_of(
    subject_type, subject_id, seq, action, actor_id, actor_label, unit_id, at_text, payload, prev
) -> str:
    """The event's hash from its fields in order, ``at`` already canonical text (the form
    verify's hot loop reads them in): SHA-256 of the stable JSON below."""
    body = {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "seq": seq,
        "action": action,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "unit_id": unit_id,
        "at": at_text,
        "payload": payload,
        "prev_hash": prev,
    }
    return hashlib.sha256(_ENCODER.encode(body).encode()).hexdigest()


def event_hash(
    *,
    subject_type: str,
    subject_id: str,
    seq: int,
    action: str,
    actor_id: int | None,
    actor_label: str,
    unit_id: int | None,
    at: dt.datetime,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    return event_hash_of(
        subject_type, str(subject_id), seq, action, actor_id, actor_label, unit_id,
        canonical_time(at), payload, prev_hash,
    )  # fmt: skip


def seal_hash(*, prev_hash: str, event_id: int, event_hash: str) -> str:
    """Link of the global chain: the previous link, the event's position (id) and its hash."""
    return hashlib.sha256(f"{prev_hash}|{event_id}|{event_hash}".encode()).hexdigest()


def root_record(
    *,
    day: str,
    event_count: int,
    merkle_root: str,
    chain_head_event_id: int,
    chain_head: str,
    prev_hash: str,
) -> bytes:
    body = {
        "day": day,
        "event_count": event_count,
        "merkle_root": merkle_root,
        "chain_head_event_id": chain_head_event_id,
        "chain_head": chain_head,
        "prev_hash": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def root_hash(**fields: Any) -> str:
    """Hash of a published daily root; each root includes the previous one's hash."""
    return hashlib.sha256(root_record(**fields)).hexdigest()
