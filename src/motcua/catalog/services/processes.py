"""Internal processes: versions approved one by one, from the admin, or from the workbook.

A version that a dossier points to is never changed nor deleted: a changed process becomes
a new version used by new dossiers only, and a version the catalog no longer lists is
withdrawn (``withdrawn_at``) instead of deleted while dossiers still use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ForeignObjectRel
from django.utils import timezone

from motcua.catalog import events
from motcua.catalog.errors import CatalogError
from motcua.catalog.models import InternalProcess, Procedure, ProcessStep
from motcua.catalog.validation import step_allotment_error
from motcua.core.errors import Conflict, InvalidInput
from motcua.ledger.changes import parts_save, row_delete, row_save
from motcua.ledger.services import event_record
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role

CATALOG_ROLES = (Role.CATALOG_ADMIN, Role.PROVINCE_ADMIN)

#: What makes two versions the same process: dates, decision and every step.
ProcessContent = tuple[Any, str, tuple[tuple[Any, ...], ...]]


def _step_key(order, name, unit_kind, unit_code, role, hours) -> tuple[Any, ...]:
    return (int(order), name or "", unit_kind or "", unit_code or "", role or "", Decimal(hours))


def process_content(process: InternalProcess) -> ProcessContent:
    steps = sorted(process.steps.all(), key=lambda s: s.order)
    return (
        process.effective_from,
        process.decision or "",
        tuple(
            _step_key(s.order, s.name, s.unit_kind, s.unit.code if s.unit else "", s.role, s.hours)
            for s in steps
        ),
    )


def rows_content(steps: Sequence[dict[str, Any]]) -> ProcessContent:
    """The content of one version as the workbook's ``QuyTrinh`` rows give it."""
    first = steps[0]
    return (
        first["effective_from"],
        first.get("decision") or "",
        tuple(
            sorted(
                _step_key(r["order"], r["name"], r["unit_kind"], r["unit"], r["role"], r["hours"])
                for r in steps
            )
        ),
    )


def processes_in_use(ids: Iterable[int]) -> set[int]:
    """The ids among ``ids`` of versions some other row (a dossier …) points to.

    Read from the model's reverse relations, so the catalog need not know who uses it.
    """
    ids = list(ids)
    used: set[int] = set()
    if not ids:
        return used
    for relation in InternalProcess._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.related_model is ProcessStep:
            continue  # (reverse relations only: the models that point to a process)
        field = relation.field  # the foreign key of the model that uses the process
        used |= set(
            field.model._base_manager.filter(**{f"{field.name}__in": ids})
            .values_list(field.attname, flat=True)
            .distinct()
        )
    return used


def process_in_use(process: InternalProcess) -> bool:
    return process.pk is not None and bool(processes_in_use([process.pk]))


def versions_create(
    *, actor, pending: list[tuple[Procedure, int, ProcessContent]], units: dict[str, Unit]
) -> list[InternalProcess]:
    """Create the new versions ``processes_sync`` asked for, in bulk, each with its event."""
    if not pending:
        return []
    processes = InternalProcess.objects.bulk_create(
        [
            InternalProcess(
                procedure=procedure,
                version=version,
                effective_from=content[0],
                decision=content[1],
            )
            for procedure, version, content in pending
        ],
        batch_size=500,
    )
    if processes[0].pk is None:  # a backend without RETURNING on bulk insert
        ids = {
            (p.procedure_id, p.version): p
            for p in InternalProcess.objects.filter(
                procedure__in={procedure for procedure, _, _ in pending}
            )
        }
        processes = [ids[(procedure.pk, version)] for procedure, version, _ in pending]
    ProcessStep.objects.bulk_create(
        [
            ProcessStep(
                process=process,
                order=order,
                name=name,
                unit_kind=unit_kind,
                unit=units.get(unit_code) if unit_code else None,
                role=role,
                hours=hours,
            )
            for process, (_, _, (_, _, steps)) in zip(processes, pending, strict=True)
            for order, name, unit_kind, unit_code, role, hours in steps
        ],
        batch_size=1000,
    )
    for process, (procedure, _, _) in zip(processes, pending, strict=True):
        _process_event(actor, procedure, events.PROCESS_APPROVED, process, source="catalog_import")
    return processes


def processes_sync(
    *,
    actor,
    procedure: Procedure,
    wanted: list[tuple[int, ProcessContent]],
    existing: list[InternalProcess],
    used: set[int],
    pending: list[tuple[Procedure, int, ProcessContent]],
) -> dict[str, int]:
    """Make the procedure's versions those of the workbook (``wanted``: number and content).

    A wanted content equal to an existing version keeps that version (a withdrawn one is
    restored); an existing version no longer wanted is deleted when unused, else withdrawn;
    a new content becomes a new version, numbered as in the workbook when that number is
    free, else after the last one: it is added to ``pending`` for ``versions_create``.
    Returns what changed.
    """
    counts = {"created": 0, "withdrawn": 0, "deleted": 0, "restored": 0}
    contents = {p.pk: process_content(p) for p in existing}
    kept: set[int] = set()
    new: list[tuple[int, ProcessContent]] = []
    for number, content in wanted:
        match = next(
            (
                p
                for p in sorted(existing, key=lambda p: p.withdrawn_at is not None)
                if p.pk not in kept and contents[p.pk] == content
            ),
            None,
        )
        if match is None:
            new.append((number, content))
            continue
        kept.add(match.pk)
        if match.withdrawn_at is not None:
            match.withdrawn_at = None
            match.save(update_fields=["withdrawn_at"])
            counts["restored"] += 1
            _process_event(actor, procedure, events.PROCESS_RESTORED, match)
    taken = {p.version for p in existing}
    for process in existing:
        if process.pk in kept or process.withdrawn_at is not None:
            continue
        if process.pk in used:
            process.withdrawn_at = timezone.now()
            process.save(update_fields=["withdrawn_at"])
            counts["withdrawn"] += 1
            _process_event(actor, procedure, events.PROCESS_WITHDRAWN, process)
        else:
            process.delete()
            taken.discard(process.version)
            counts["deleted"] += 1
            _process_event(actor, procedure, events.PROCESS_DELETED, process)
    for number, content in new:
        version = number if number and number not in taken else max(taken, default=0) + 1
        taken.add(version)
        pending.append((procedure, version, content))
        counts["created"] += 1
    return counts


def _process_event(actor, procedure: Procedure, action: str, process, **extra) -> None:
    event_record(
        subject_type="procedure",
        subject_id=procedure.code,
        action=action,
        actor=actor,
        payload={
            "version": process.version,
            "effective_from": process.effective_from,
            **extra,
        },
    )


@transaction.atomic
def process_approve(
    *,
    actor,
    procedure: Procedure,
    effective_from,
    steps: list[dict[str, Any]],
    decision: str = "",
) -> InternalProcess:
    """Approve a new version of a procedure's internal process (steps must add up)."""
    require_role(actor, CATALOG_ROLES)
    message = step_allotment_error(procedure.working_hours, [Decimal(s["hours"]) for s in steps])
    if message:
        raise InvalidInput(message, code=CatalogError.PROCESS_ALLOTMENT_MISMATCH)
    last = procedure.processes.order_by("-version").first()
    process = InternalProcess.objects.create(
        procedure=procedure,
        version=(last.version + 1) if last else 1,
        effective_from=effective_from,
        decision=decision,
    )
    for order, step in enumerate(steps, start=1):
        ProcessStep.objects.create(
            process=process,
            order=order,
            name=step["name"],
            unit_kind=step.get("unit_kind", ""),
            unit=step.get("unit"),
            role=step["role"],
            hours=Decimal(step["hours"]),
        )
    event_record(
        subject_type="procedure",
        subject_id=procedure.code,
        action=events.PROCESS_APPROVED,
        actor=actor,
        payload={"version": process.version, "effective_from": effective_from, "steps": len(steps)},
    )
    return process


# --- the admin's add, change and delete ---------------------------------------------------


def _refuse_if_used(process: InternalProcess) -> None:
    if process_in_use(process):
        raise Conflict(
            f"Quy trình {process} đã được hồ sơ sử dụng nên không sửa, không xóa được; "
            "hãy phê duyệt một phiên bản mới.",
            code=CatalogError.PROCESS_IN_USE,
        )


@transaction.atomic
def process_save(
    *, actor, instance: InternalProcess, created: bool, changed: Sequence[str] = ()
) -> InternalProcess:
    """A version added in the admin is approved; an unused one may still be corrected."""
    require_role(actor, CATALOG_ROLES)
    if not created:
        _refuse_if_used(InternalProcess.objects.get(pk=instance.pk))
    return row_save(
        actor=actor,
        instance=instance,
        action=events.PROCESS_APPROVED if created else events.PROCESS_SAVED,
        created=created,
        changed=changed,
        subject_type="procedure",
        subject_id=instance.procedure.code,
        payload={"version": instance.version},
    )


@transaction.atomic
def process_steps_save(
    *,
    actor,
    parent: InternalProcess,
    saved: Sequence[ProcessStep] = (),
    changed: dict[int, Sequence[str]] | None = None,
    deleted: Sequence[ProcessStep] = (),
) -> None:
    require_role(actor, CATALOG_ROLES)
    if saved or deleted:
        _refuse_if_used(parent)
    parts_save(
        actor=actor,
        parent=parent,
        action=events.PROCESS_SAVED,
        saved=saved,
        changed=changed,
        deleted=deleted,
        subject_type="procedure",
        subject_id=parent.procedure.code,
    )


@transaction.atomic
def process_delete(*, actor, instance: InternalProcess) -> None:
    require_role(actor, CATALOG_ROLES)
    _refuse_if_used(instance)
    row_delete(
        actor=actor,
        instance=instance,
        action=events.PROCESS_DELETED,
        subject_type="procedure",
        subject_id=instance.procedure.code,
    )
