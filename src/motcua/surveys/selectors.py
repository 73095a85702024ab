"""Reads of satisfaction ratings, shared by pages, API and the public statistics."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet

from motcua.core.errors import NotFound
from motcua.organization.models import Unit
from motcua.organization.selectors import unit_subtree_ids
from motcua.surveys.models import Overall, Questionnaire, Rating

QUESTIONNAIRE = "DG-HS"

GROUPS = {
    "unit": ("unit__code", "unit__name"),
    "field": ("dossier__procedure__field__code", "dossier__procedure__field__name"),
}


def questionnaire_in_force(*, on: dt.date, code: str = QUESTIONNAIRE) -> Questionnaire:
    questionnaire = (
        Questionnaire.objects.filter(code=code, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .prefetch_related("indicators", "bands")
        .order_by("-version")
        .first()
    )
    if questionnaire is None:
        raise NotFound("Chưa có bộ câu hỏi đánh giá áp dụng.", code="questionnaire_missing")
    return questionnaire


def rating_of(*, dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


def ratings(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str | None = None,
    field: str | None = None,
) -> QuerySet[Rating]:
    """Ratings of the dossiers received in the period (the population of the statistics)."""
    qs = Rating.objects.all()
    if unit:
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise NotFound(f"Không tìm thấy đơn vị {unit}.", code="unit_not_found")
        qs = qs.filter(unit_id__in=unit_subtree_ids({found.pk}))
    if field:
        qs = qs.filter(dossier__procedure__field__code=field)
    if date_from:
        qs = qs.filter(dossier__submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(dossier__submitted_at__date__lte=date_to)
    return qs


def _summary(row: dict, questionnaire: Questionnaire | None) -> dict:
    count = row["ratings"] or 0
    satisfied = (row["very_satisfied"] or 0) + (row["satisfied"] or 0)
    average = (
        Decimal(str(row["points_avg"])).quantize(Decimal("0.01"), ROUND_HALF_UP) if count else None
    )
    band = questionnaire.band_for(average) if questionnaire and average is not None else None
    return {
        **row,
        "points_avg": float(average) if average is not None else None,
        "satisfied_share": round(satisfied / count, 4) if count else None,
        "band": band.label if band else "",
    }


def satisfaction(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str | None = None,
    field: str | None = None,
    group_by: str | None = None,
) -> list[dict]:
    """Count, average points (of 18), band, and the overall answers — per group or in total.

    The band is read from the questionnaire in force at the end of the period.
    """
    qs = ratings(date_from=date_from, date_to=date_to, unit=unit, field=field)
    aggregates = {
        "ratings": Count("pk"),
        "points_avg": Avg("points"),
        "very_satisfied": Count("pk", filter=Q(overall=Overall.VERY_SATISFIED)),
        "satisfied": Count("pk", filter=Q(overall=Overall.SATISFIED)),
        "unsatisfied": Count("pk", filter=Q(overall=Overall.UNSATISFIED)),
    }
    try:
        questionnaire = questionnaire_in_force(on=date_to or dt.date.max)
    except NotFound:
        questionnaire = None
    if group_by:
        key, label = GROUPS[group_by]
        rows = qs.values(key, label).annotate(**aggregates).order_by(key)
        return [
            _summary({"group": r.pop(key), "label": r.pop(label), **r}, questionnaire) for r in rows
        ]
    return [_summary({"group": "", "label": "Tổng", **qs.aggregate(**aggregates)}, questionnaire)]
