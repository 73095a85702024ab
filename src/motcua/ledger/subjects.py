"""Subjects that must have a history: a registry the other apps fill from ``AppConfig.ready``.

The ledger knows no subject. An app whose rows are each created together with their first
event (a dossier: ``dossier.submitted``) registers the table, and ``verify`` reports any such
row without a single event: a history deleted whole, seals included, is then named by its
subject instead of surfacing only as a break of the global chain at the next subject's event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class Required:
    subject_type: str
    model: type[Model]
    id_field: str


_REGISTRY: dict[str, Required] = {}


def register_required(subject_type: str, model: type[Model], id_field: str = "pk") -> None:
    """Every row of ``model`` is the subject ``(subject_type, str(row.<id_field>))`` and must
    have at least one event."""
    _REGISTRY[subject_type] = Required(subject_type, model, id_field)


def required() -> list[Required]:
    return list(_REGISTRY.values())
