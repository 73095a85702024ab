"""The catalog administrator's edits of single rows (the admin pages), each with its event."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from motcua.catalog import events
from motcua.catalog.models import Field, Procedure, PublicationDecision
from motcua.catalog.selectors import procedure_search_text
from motcua.catalog.services.processes import CATALOG_ROLES
from motcua.ledger.changes import parts_save, row_delete, row_save
from motcua.organization.permissions import require_role


def procedure_refresh_search(*, procedure: Procedure) -> None:
    """Keep the folded search copy in step with the name."""
    procedure.search_text = procedure_search_text(procedure, procedure.field.name)
    Procedure.objects.filter(pk=procedure.pk).update(search_text=procedure.search_text)


@transaction.atomic
def procedure_save(
    *, actor, instance: Procedure, created: bool, changed: Sequence[str] = ()
) -> Procedure:
    require_role(actor, CATALOG_ROLES)
    instance.search_text = procedure_search_text(instance, instance.field.name)
    return row_save(
        actor=actor,
        instance=instance,
        action=events.PROCEDURE_SAVED,
        created=created,
        changed=changed,
        subject_type="procedure",
        subject_id=instance.code,
    )


@transaction.atomic
def procedure_parts_save(*, actor, parent: Procedure, saved=(), changed=None, deleted=()) -> None:
    """Levels, dossier components and fees of a procedure, saved from its admin page."""
    require_role(actor, CATALOG_ROLES)
    parts_save(
        actor=actor,
        parent=parent,
        action=events.PROCEDURE_SAVED,
        saved=saved,
        changed=changed,
        deleted=deleted,
        subject_type="procedure",
        subject_id=parent.code,
    )


@transaction.atomic
def procedure_delete(*, actor, instance: Procedure) -> None:
    require_role(actor, CATALOG_ROLES)
    row_delete(
        actor=actor,
        instance=instance,
        action=events.PROCEDURE_DELETED,
        subject_type="procedure",
        subject_id=instance.code,
    )


@transaction.atomic
def field_save(*, actor, instance: Field, created: bool, changed: Sequence[str] = ()) -> Field:
    require_role(actor, CATALOG_ROLES)
    row_save(
        actor=actor, instance=instance, action=events.FIELD_SAVED, created=created, changed=changed
    )
    if not created and "name" in changed:
        for procedure in instance.procedures.all():
            procedure_refresh_search(procedure=procedure)
    return instance


@transaction.atomic
def field_delete(*, actor, instance: Field) -> None:
    require_role(actor, CATALOG_ROLES)
    row_delete(actor=actor, instance=instance, action=events.FIELD_DELETED)


@transaction.atomic
def decision_save(
    *, actor, instance: PublicationDecision, created: bool, changed: Sequence[str] = ()
) -> PublicationDecision:
    require_role(actor, CATALOG_ROLES)
    return row_save(
        actor=actor,
        instance=instance,
        action=events.DECISION_SAVED,
        created=created,
        changed=changed,
    )


@transaction.atomic
def decision_entries_save(
    *, actor, parent: PublicationDecision, saved=(), changed=None, deleted=()
) -> None:
    require_role(actor, CATALOG_ROLES)
    parts_save(
        actor=actor,
        parent=parent,
        action=events.DECISION_SAVED,
        saved=saved,
        changed=changed,
        deleted=deleted,
    )


@transaction.atomic
def decision_delete(*, actor, instance: PublicationDecision) -> None:
    require_role(actor, CATALOG_ROLES)
    row_delete(actor=actor, instance=instance, action=events.DECISION_DELETED)
