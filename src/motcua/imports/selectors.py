"""Reads of the import: the platform's history as exchange rows, runs and differences."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from motcua.dossiers import events as dossier_events
from motcua.dossiers.models import Classification, Dossier
from motcua.imports.format import COLUMNS
from motcua.imports.models import ImportedDossier, ImportRun
from motcua.ledger.models import Event
from motcua.organization.models import Unit

CHUNK = 500


def history_rows(*, after_pk: int = 0) -> Iterator[dict[str, Any]]:
    """Every dossier event as one exchange row: dossiers in creation order, events by seq.

    Streamed in chunks of dossiers, so a province's years fit in little memory.
    ``after_pk``: only the dossiers created after that one (the demo's newest).
    """
    units = dict(Unit.objects.values_list("pk", "code"))
    users = dict(get_user_model().objects.values_list("pk", "username"))
    last_pk = after_pk
    while True:
        dossiers = list(
            Dossier.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .select_related("procedure")[:CHUNK]
        )
        if not dossiers:
            return
        last_pk = dossiers[-1].pk
        by_code: dict[str, list[Event]] = {d.code: [] for d in dossiers}
        for event in Event.objects.filter(
            subject_type=dossier_events.SUBJECT, subject_id__in=list(by_code)
        ).order_by("subject_id", "seq"):
            by_code[event.subject_id].append(event)
        for d in dossiers:
            history = by_code[d.code]
            for index, event in enumerate(history):
                row = dict.fromkeys(COLUMNS, "")
                payload = event.payload or {}
                row.update(
                    dossier=d.code,
                    seq=str(event.seq),
                    action=event.action,
                    at=timezone.localtime(event.at).isoformat(),
                    actor=users.get(event.actor_id, "") if event.actor_id else "",
                    unit=units.get(event.unit_id, "") if event.unit_id else "",
                    status=payload.get("status_to") or "",
                    payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                )
                if index == 0:
                    row.update(
                        procedure=d.procedure.code,
                        receiving_unit=units.get(d.receiving_unit_id, ""),
                        competent_unit=units.get(d.competent_unit_id, "")
                        if d.competent_unit_id
                        else "",
                        channel=d.channel,
                        return_method=d.return_method,
                        postal_tracking=d.postal_tracking,
                        applicant_kind=d.applicant_kind,
                        applicant_name=d.applicant_name,
                        applicant_id_number=d.applicant_id_number,
                        applicant_phone=d.applicant_phone,
                        applicant_email=d.applicant_email,
                        applicant_address=d.applicant_address,
                    )
                if index == len(history) - 1 and d.classification:
                    row["on_time"] = "0" if d.classification == Classification.LATE else "1"
                yield row


def run_for(sha256: str) -> ImportRun | None:
    return ImportRun.objects.filter(sha256=sha256).first()


def imported_codes(run: ImportRun) -> set[str]:
    return set(run.imported.values_list("code", flat=True))


def on_time_differences(run: ImportRun):
    """Dossiers whose previous on-time flag disagrees with our recomputed classification:
    where a province finds its old "khống" (reported on time, late by the work calendar)."""
    late = Q(classification=Classification.LATE)
    return (
        ImportedDossier.objects.filter(run=run, previous_on_time__isnull=False)
        .exclude(classification="")
        .filter((late & Q(previous_on_time=True)) | (~late & Q(previous_on_time=False)))
        .order_by("id")
    )


def run_list(limit: int = 50) -> list[dict[str, Any]]:
    """Runs, newest first, with their progress in percent and their on-time differences."""
    out = []
    for run in ImportRun.objects.all()[:limit]:
        out.append(
            {
                "run": run,
                "percent": round(100 * run.dossiers_done / run.dossiers) if run.dossiers else 100,
                "running": run.finished_at is None,
                "differences": on_time_differences(run).count(),
            }
        )
    return out


def imported_provenance(codes: list[str]) -> dict[str, dict[str, Any]]:
    """What the import recorded about these dossiers (for the khống report and the proofs):
    the run, its source file and SHA-256, the batch and that batch's ledger event."""
    from motcua.imports import events as import_events

    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(codes), CHUNK):
        rows = ImportedDossier.objects.filter(code__in=codes[start : start + CHUNK]).select_related(
            "run"
        )
        for row in rows:
            found[row.code] = {
                "source": "import",
                "run": row.run_id,
                "file": row.run.file_name,
                "sha256": row.run.sha256,
                "batch": row.batch,
            }
    batches = {(m["run"], m["batch"]) for m in found.values()}
    seqs = {}
    for run, batch in batches:
        seqs[(run, batch)] = (
            Event.objects.filter(
                subject_type=import_events.SUBJECT,
                subject_id=str(run),
                action=import_events.BATCH,
                payload__batch=batch,
            )
            .values_list("seq", flat=True)
            .first()
        )
    for mark in found.values():
        seq = seqs.get((mark["run"], mark["batch"]))
        mark["event"] = (
            {"subject_type": import_events.SUBJECT, "subject_id": str(mark["run"]), "seq": seq}
            if seq is not None
            else None
        )
    return found
