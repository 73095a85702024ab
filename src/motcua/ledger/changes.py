"""Saving and deleting configuration rows, each with its event (the apps' services use these).

The apps' named services (``procedure_save``, ``field_delete``, ``framework_parts_save`` …)
check the actor's role and call one of these helpers: the row is written and its event is
recorded in the same transaction. The payload names the changed fields and their new values,
so the history shows what an administrator changed; secrets are never copied into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from motcua.ledger.services import event_record

SECRET_FIELDS = frozenset({"password", "token_hash", "id_number"})

Row = TypeVar("Row", bound=models.Model)


def row_subject(instance: models.Model) -> tuple[str, str]:
    """A configuration row's own subject: ``("catalog.field", "12")``."""
    return instance._meta.label_lower, str(instance.pk)


def row_values(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The row's plain field values (foreign keys as ids), secrets left out."""
    wanted = set(fields) if fields is not None else None
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS or field.primary_key:
            continue
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        value = field.value_from_object(instance)
        values[field.name] = value.name if isinstance(value, FieldFile) else value
    return values


@transaction.atomic
def row_save(
    *,
    actor,
    instance: Row,
    action: str,
    created: bool,
    changed: Sequence[str] = (),
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    unit=None,
    payload: dict[str, Any] | None = None,
) -> Row:
    """Save ``instance`` and record ``action`` on its subject: ``subject_type`` (the row's model
    by default) and ``subject_id`` (the row's id, once saved, by default). A row saved
    unchanged (``changed`` empty) records nothing."""
    instance.save()
    if not created and not changed:
        return instance  # saved as it was: nothing to record
    subject_type = subject_type or row_subject(instance)[0]
    subject_id = subject_id if subject_id is not None else instance.pk
    event_record(
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        actor=actor,
        unit=unit,
        payload={
            "row": instance._meta.label_lower,
            "id": instance.pk,
            "created": created,
            "changed": sorted(changed) if not created else [],
            "values": row_values(instance, None if created else changed),
            **(payload or {}),
        },
    )
    return instance


@transaction.atomic
def row_delete(
    *,
    actor,
    instance: models.Model,
    action: str,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    unit=None,
) -> None:
    """Delete ``instance`` (its cascade too) and record ``action`` with its last values."""
    subject_type = subject_type or row_subject(instance)[0]
    subject_id = subject_id if subject_id is not None else instance.pk
    payload = {
        "row": instance._meta.label_lower,
        "id": instance.pk,
        "deleted": True,
        "label": str(instance),
        "values": row_values(instance),
    }
    instance.delete()
    event_record(
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        actor=actor,
        unit=unit,
        payload=payload,
    )


@transaction.atomic
def parts_save(
    *,
    actor,
    parent: models.Model,
    action: str,
    saved: Sequence[models.Model] = (),
    changed: dict[int, Sequence[str]] | None = None,
    deleted: Sequence[models.Model] = (),
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    unit=None,
) -> None:
    """Save and delete the parts of ``parent`` (inline rows) and record one event on the parent.

    ``changed`` maps ``id(part)`` to the changed field names of an existing part (a part
    without a primary key is new). Nothing is recorded when nothing changed.
    """
    if not saved and not deleted:
        return
    changed = changed or {}
    gone = [{"row": p._meta.label_lower, "id": p.pk, "label": str(p)} for p in deleted]
    for part in deleted:
        part.delete()
    written = []
    for part in saved:
        is_new = part.pk is None
        part.save()
        written.append(
            {
                "row": part._meta.label_lower,
                "id": part.pk,
                "created": is_new,
                "values": row_values(part, None if is_new else changed.get(id(part))),
            }
        )
    subject_type = subject_type or row_subject(parent)[0]
    subject_id = subject_id if subject_id is not None else parent.pk
    event_record(
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        actor=actor,
        unit=unit,
        payload={
            "row": parent._meta.label_lower,
            "id": parent.pk,
            "saved": written,
            "deleted": gone,
        },
    )
