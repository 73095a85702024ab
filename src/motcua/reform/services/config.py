"""The admin's edits of indices, frameworks, criteria, plans and tasks, each with its event.

Indices, frameworks and their criteria (nodes) are recorded on their own rows
(``reform.index:3``, ``reform.framework:1`` …); plans and tasks on the subjects their other
events use, so a task's history shows the admin's corrections next to its progress.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models, transaction

from motcua.core.text import fold
from motcua.ledger.changes import parts_save, row_delete, row_save
from motcua.reform import events
from motcua.reform.models import Node, Plan, Task
from motcua.reform.services.permissions import require_manage
from motcua.reform.services.plans import _recompute


def _subject(instance: models.Model) -> str | None:
    if isinstance(instance, Task):
        return events.SUBJECT_TASK
    if isinstance(instance, Plan):
        return events.SUBJECT_PLAN
    return None  # the row's own model


def _actions(instance: models.Model) -> tuple[str, str]:
    if isinstance(instance, Task):
        return events.TASK_SAVED, events.TASK_DELETED
    if isinstance(instance, Plan):
        return events.PLAN_SAVED, events.PLAN_DELETED
    return events.FRAMEWORK_SAVED, events.FRAMEWORK_DELETED


@transaction.atomic
def reform_row_save(
    *, actor, instance: models.Model, created: bool, changed: Sequence[str] = ()
) -> models.Model:
    """Save an index, framework, criterion, plan or task from its admin page."""
    require_manage(actor)
    if isinstance(instance, Node):
        instance.name_folded = fold(instance.name)
    if isinstance(instance, Task) and instance.pk:
        _recompute(instance)
    return row_save(
        actor=actor,
        instance=instance,
        action=_actions(instance)[0],
        created=created,
        changed=changed,
        subject_type=_subject(instance),
    )


@transaction.atomic
def reform_parts_save(*, actor, parent: models.Model, saved=(), changed=None, deleted=()) -> None:
    """A framework's criteria or a task's assigned units, saved from the parent's admin page."""
    require_manage(actor)
    for part in saved:
        if isinstance(part, Node):
            part.name_folded = fold(part.name)
    parts_save(
        actor=actor,
        parent=parent,
        action=_actions(parent)[0],
        saved=saved,
        changed=changed,
        deleted=deleted,
        subject_type=_subject(parent),
    )


@transaction.atomic
def reform_row_delete(*, actor, instance: models.Model) -> None:
    require_manage(actor)
    row_delete(
        actor=actor,
        instance=instance,
        action=_actions(instance)[1],
        subject_type=_subject(instance),
    )
