"""A subject's history with everything needed to check it without trusting the server.

The document lists every event of the subject with its canonical fields and hashes, the
Merkle inclusion path of each event into the root of its day, and those daily root
records. ``scripts/verify_proof.py`` (standard library only) checks it; ``docs/ledger.md``
describes the procedure step by step.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.ledger import merkle
from motcua.ledger.hashing import canonical_time
from motcua.ledger.models import DailyRoot, Event
from motcua.ledger.services import day_bounds, local_day

FORMAT = "motcua-ledger-proof/1"


def root_as_dict(root: DailyRoot) -> dict[str, Any]:
    return {
        "day": root.day.isoformat(),
        "event_count": root.event_count,
        "merkle_root": root.merkle_root,
        "chain_head_event_id": root.chain_head_event_id,
        "chain_head": root.chain_head,
        "prev_hash": root.prev_hash,
        "hash": root.hash,
    }


def subject_proof(*, subject_type: str, subject_id: str | int) -> dict[str, Any]:
    subject_id = str(subject_id)
    events = list(
        Event.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("seq")
    )
    if not events:
        raise NotFound("Không có lịch sử cho đối tượng này.")
    by_day: dict = defaultdict(list)
    for event in events:
        by_day[local_day(event.at)].append(event)
    roots = {r.day: r for r in DailyRoot.objects.filter(day__in=list(by_day))}
    proofs: dict[int, dict[str, Any]] = {}
    for day, day_events in by_day.items():
        root = roots.get(day)
        if root is None:
            continue
        start, end = day_bounds(day)
        rows = list(
            Event.objects.filter(at__gte=start, at__lt=end).order_by("id").values_list("id", "hash")
        )
        position = {event_id: i for i, (event_id, _) in enumerate(rows)}
        hashes = [h for _, h in rows]
        wanted = {e.pk: position[e.pk] for e in day_events if e.pk in position}
        paths = merkle.audit_paths(hashes, wanted.values())
        for event_id, index in wanted.items():
            proofs[event_id] = {
                "day": day.isoformat(),
                "leaf_index": index,
                "tree_size": len(hashes),
                "audit_path": paths[index],
            }
    return {
        "format": FORMAT,
        "generated_at": canonical_time(timezone.now()),
        "subject": {"type": subject_type, "id": subject_id},
        "hash_algorithm": "sha256",
        "events": [
            {
                "id": e.pk,
                "canonical": {
                    "subject_type": e.subject_type,
                    "subject_id": e.subject_id,
                    "seq": e.seq,
                    "action": e.action,
                    "actor_id": e.actor_id,
                    "actor_label": e.actor_label,
                    "unit_id": e.unit_id,
                    "at": canonical_time(e.at),
                    "payload": e.payload,
                    "prev_hash": e.prev_hash,
                },
                "hash": e.hash,
                "inclusion": proofs.get(e.pk),
            }
            for e in events
        ],
        "roots": [root_as_dict(roots[day]) for day in sorted(roots)],
    }
