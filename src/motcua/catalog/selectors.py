"""Catalog reads shared by the public pages, the API and the exports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from motcua.catalog.errors import CatalogError
from motcua.catalog.models import InternalProcess, Procedure, ProcedureStatus
from motcua.core.errors import NotFound
from motcua.core.text import fold, search_tokens


def procedure_search(
    *,
    q: str | None = None,
    field: str | None = None,
    level: str | None = None,
    online_type: str | None = None,
    include_abolished: bool = False,
) -> QuerySet[Procedure]:
    """Procedures whose code, name or field contain every word of ``q``, with or without marks."""
    qs = Procedure.objects.select_related("field")
    if not include_abolished:
        qs = qs.filter(status=ProcedureStatus.ACTIVE)
    for token in search_tokens(q):
        qs = qs.filter(search_text__contains=token)
    if field:
        qs = qs.filter(field__code=field)
    if level:
        qs = qs.filter(levels__level=level)
    if online_type:
        qs = qs.filter(online_type=online_type)
    phrase = " ".join(search_tokens(q))
    if phrase:
        qs = qs.annotate(
            rank=Case(
                When(search_text__startswith=phrase, then=Value(0)),
                When(search_text__contains=phrase, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("rank", "name", "code")
    else:
        qs = qs.order_by("field__name", "name", "code")
    return qs


def procedure_detail(*, code: str) -> Procedure:
    procedure = (
        Procedure.objects.select_related("field")
        .prefetch_related(
            "levels",
            "components",
            "fees",
            Prefetch(
                "processes",
                queryset=InternalProcess.objects.filter(withdrawn_at__isnull=True)
                .prefetch_related("steps__unit")
                .order_by("-effective_from", "-version"),
            ),
            "publications__decision",
        )
        .filter(code=code)
        .first()
    )
    if procedure is None:
        raise NotFound(
            f"Không tìm thấy thủ tục có mã {code}.", code=CatalogError.PROCEDURE_NOT_FOUND
        )
    return procedure


def process_versions(procedure: Procedure) -> QuerySet[InternalProcess]:
    """Every version of the procedure's internal process that new dossiers may use (withdrawn
    versions left out), newest first, with its steps."""
    return (
        procedure.processes.filter(withdrawn_at__isnull=True)
        .order_by("-effective_from", "-version")
        .prefetch_related("steps")
    )


def process_in_force(
    *, procedure: Procedure, on: dt.date, versions: list[InternalProcess] | None = None
) -> InternalProcess | None:
    """The version in force on ``on``; ``versions`` (from ``process_versions``) if already read."""
    if versions is not None:
        return next((p for p in versions if p.effective_from <= on), None)
    return process_versions(procedure).filter(effective_from__lte=on).first()


def procedure_search_text(procedure: Procedure, field_name: str = "") -> str:
    return fold(f"{procedure.name} {procedure.code} {field_name}")
