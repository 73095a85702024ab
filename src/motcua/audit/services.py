"""Keep the stored integrity findings current: only dossiers with new events are read again.

``findings_refresh`` reads the dossier events sealed since its watermark (sealing orders
events after their transactions commit, so none is skipped), recomputes the per-dossier
findings of exactly those dossiers, adds the deadline bursts their new resolutions take part
in, and moves the watermark — one transaction, one ledger event. ``full=True`` recomputes
everything from the whole sealed history (the nightly job; the result equals the incremental
one, tested). Findings that depend on the passing of time (not returned after 15 days) are
stored with the time they become findings (``shown_from``), so time alone needs no refresh.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from motcua.audit import events, integrity
from motcua.audit.models import FindingsWatermark, IntegrityFinding
from motcua.audit.provenance import provenance
from motcua.ledger.models import Event, Seal
from motcua.ledger.services import event_record

CHUNK = 500


@dataclass
class Refreshed:
    dossiers: int = 0  # dossiers whose findings were recomputed
    added: int = 0
    removed: int = 0
    last_event_id: int = 0


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _rows(codes: Iterable[str]) -> dict[str, dict]:
    from motcua.dossiers.models import Dossier

    rows: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(codes))):
        for row in Dossier.objects.filter(code__in=chunk).values(
            "code", "competent_unit_id", "result_file"
        ):
            rows[row["code"]] = dict(row)
    return rows


def _per_dossier(codes: list[str], rows: dict[str, dict], upto: int) -> list[integrity.Finding]:
    found: list[integrity.Finding] = []
    for chunk in _chunks(codes):
        histories: dict[str, list[Event]] = defaultdict(list)
        for event in Event.objects.filter(
            subject_type=integrity.SUBJECT, subject_id__in=chunk, pk__lte=upto
        ).order_by("subject_id", "seq"):
            histories[event.subject_id].append(event)
        for code, history in histories.items():
            current = (rows.get(code) or {}).get("result_file") or ""
            found += integrity.dossier_findings(code, history, current)
    return found


def _resolutions(upto: int, start: dt.datetime | None = None, end: dt.datetime | None = None):
    events_ = Event.objects.filter(
        subject_type=integrity.SUBJECT, action__in=integrity.RESOLUTIONS, pk__lte=upto
    )
    if start is not None:
        events_ = events_.filter(at__gte=start)
    if end is not None:
        events_ = events_.filter(at__lte=end)
    return list(events_.only("pk", "subject_id", "seq", "at", "unit_id", "actor_label", "payload"))


def _bursts(new: list[Event], upto: int) -> list[integrity.Finding]:
    """Bursts the new resolutions take part in: every resolution within two windows of one
    of them (a burst containing a new resolution lies within one window of it)."""
    near = [e for e in new if integrity.near_due(e)]
    if not near:
        return []
    reach = 2 * integrity.BURST_WINDOW
    span = Event.objects.filter(pk__in=[e.pk for e in near]).aggregate(Min("at"), Max("at"))
    around = _resolutions(upto, span["at__min"] - reach, span["at__max"] + reach)
    return integrity.burst_findings(around)


def _store(found: list[integrity.Finding], rows: dict[str, dict], now) -> int:
    imported = provenance({f.code for f in found})
    objects = [
        IntegrityFinding(
            kind=f.kind,
            code=f.code,
            seq=f.seq,
            at=f.at,
            shown_from=f.shown_from or f.at,
            unit_id=(rows.get(f.code) or {}).get("competent_unit_id"),
            actor_label=f.actor_label[:200],
            detail=f.detail,
            events=f.events,
            imported=imported.get(f.code),
        )
        for f in found
    ]
    before = IntegrityFinding.objects.count()
    IntegrityFinding.objects.bulk_create(objects, batch_size=CHUNK, ignore_conflicts=True)
    return IntegrityFinding.objects.count() - before


def _move_bursts(codes: list[str], rows: dict[str, dict]) -> None:
    """A dossier moved to another competent unit takes its stored bursts along."""
    by_unit: dict[int | None, list[str]] = defaultdict(list)
    for code in codes:
        by_unit[(rows.get(code) or {}).get("competent_unit_id")].append(code)
    bursts = IntegrityFinding.objects.filter(kind=integrity.Kind.DEADLINE_BURST)
    for unit_id, group in by_unit.items():
        for chunk in _chunks(group):
            moved = bursts.filter(code__in=chunk)
            if unit_id is None:
                moved.exclude(unit__isnull=True).update(unit=None)
            else:
                moved.exclude(unit_id=unit_id).update(unit_id=unit_id)


def _sealed_head() -> int:
    return Seal.objects.aggregate(head=Max("event_id"))["head"] or 0


@transaction.atomic
def findings_refresh(*, full: bool = False, actor=None) -> Refreshed:
    """Bring the stored findings up to the last sealed event (see the module doc)."""
    now = timezone.now()
    mark = FindingsWatermark.objects.select_for_update().filter(pk=1).first()
    if mark is None:
        mark = FindingsWatermark.objects.create(pk=1)
    since = 0 if full else mark.last_event_id
    upto = _sealed_head()
    out = Refreshed(last_event_id=max(upto, since))
    if upto <= since:
        return out
    fresh = Event.objects.filter(subject_type=integrity.SUBJECT, pk__gt=since, pk__lte=upto)
    codes = sorted(set(fresh.values_list("subject_id", flat=True)))
    if full:
        out.removed = IntegrityFinding.objects.count()
        IntegrityFinding.objects.all().delete()
    else:
        stale = IntegrityFinding.objects.filter(kind__in=integrity.PER_DOSSIER)
        for chunk in _chunks(codes):
            out.removed += stale.filter(code__in=chunk).delete()[0]
    rows = _rows(codes)
    found = _per_dossier(codes, rows, upto)
    new_resolutions = (
        _resolutions(upto) if full else list(fresh.filter(action__in=integrity.RESOLUTIONS))
    )
    bursts = integrity.burst_findings(new_resolutions) if full else _bursts(new_resolutions, upto)
    bursts_rows = _rows({f.code for f in bursts} - set(rows))
    out.added = _store(found + bursts, {**rows, **bursts_rows}, now)
    _move_bursts(codes, rows)
    out.dossiers = len(codes)
    mark.last_event_id, mark.refreshed_at = upto, now
    mark.save(update_fields=["last_event_id", "refreshed_at"])
    if codes:
        event_record(
            subject_type=events.SUBJECT,
            subject_id="province",
            action=events.FINDINGS_REFRESHED,
            actor=actor,
            payload={
                "full": full,
                "from_event": since,
                "to_event": upto,
                "dossiers": out.dossiers,
                "added": out.added,
                "removed": out.removed,
            },
            at=now,
        )
    return out
