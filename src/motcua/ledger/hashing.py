"""Canonical form and hash of an event. The standalone verifier repeats exactly this."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

# One encoder, built once: json.dumps with options would build a new one for every event.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
#: the encoder's own string quoting (ensure_ascii=False), for ``event_hash_text``
_QUOTE = json.encoder.encode_basestring  # type: ignore[attr-defined]


def canonical_time(at: dt.datetime) -> str:
    """UTC, always with microseconds: 2026-03-02T01:15:00.000000Z."""
    utc = at.astimezone(dt.UTC)
    if utc.year >= 1000:  # the same text as strftime below, several times faster
        return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def payload_text(payload: dict[str, Any]) -> str:
    """The payload's canonical JSON (as inside the hashed body): stored as it is, so that
    a bulk insert encodes each payload once (``event_hash_text``)."""
    return _ENCODER.encode(payload)


def _int(value: int | None) -> str:
    return "null" if value is None else int.__repr__(value)


def event_hash_text(
    subject_type, subject_id, seq, action, actor_id, actor_label, unit_id, at_text, payload, prev
) -> str:
    """``event_hash_of`` with the payload already encoded by ``payload_text``: the same
    bytes (the body's keys in sorted order, each value as the encoder writes it)."""
    body = (
        f'{{"action":{_QUOTE(action)},"actor_id":{_int(actor_id)},'
        f'"actor_label":{_QUOTE(actor_label)},"at":{_QUOTE(at_text)},"payload":{payload},'
        f'"prev_hash":{_QUOTE(prev)},"seq":{_int(seq)},"subject_id":{_QUOTE(subject_id)},'
        f'"subject_type":{_QUOTE(subject_type)},"unit_id":{_int(unit_id)}}}'
    )
    return hashlib.sha256(body.encode()).hexdigest()


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
