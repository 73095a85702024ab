"""Reads of SIPAS-style surveys shared by the officer page, the API and the Excel export.

The index (default formula, not confirmed against Decision 1001/QĐ-BNV): for each factor,
the share of its 5-point answers that are "Hài lòng" or "Rất hài lòng"; the unit's index is
the average of its factors' shares (factors without answers are left out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.organization.models import Unit
from motcua.organization.selectors import unit_subtree_ids
from motcua.surveys.models import (
    SATISFIED_VALUES,
    QuestionKind,
    SectionKind,
    SurveyAnswer,
    SurveyForm,
    SurveyResponse,
    SurveySection,
)

FORMULA = (
    "Mỗi yếu tố: (số câu trả lời Hài lòng + Rất hài lòng) / số câu trả lời thang 5 mức của yếu "
    "tố; chỉ số chung: bình quân các yếu tố có câu trả lời. Công thức mặc định, chưa đối chiếu "
    "Quyết định 1001/QĐ-BNV."
)


def survey_form_in_force(*, code: str = "SIPAS", on: dt.date | None = None) -> SurveyForm:
    on = on or timezone.localdate()
    form = (
        SurveyForm.objects.filter(code=code, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .prefetch_related("sections__questions")
        .order_by("-version")
        .first()
    )
    if form is None:
        raise NotFound("Chưa có phiếu khảo sát đang áp dụng.", code="survey_form_missing")
    return form


@dataclass
class FactorScore:
    code: str
    title: str
    answers: int
    satisfied: int

    @property
    def share(self) -> float | None:
        return round(self.satisfied / self.answers, 4) if self.answers else None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else round(self.share * 100, 2)


@dataclass
class UnitIndex:
    unit_code: str
    unit_name: str
    responses: int
    factors: list[FactorScore] = field(default_factory=list)

    @property
    def index(self) -> float | None:
        shares = [f.share for f in self.factors if f.share is not None]
        return round(sum(shares) / len(shares), 4) if shares else None

    @property
    def percent(self) -> float | None:
        return None if self.index is None else round(self.index * 100, 2)


def _responses(*, form, unit, date_from, date_to):
    qs = SurveyResponse.objects.filter(form=form)
    if unit:
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise NotFound(f"Không tìm thấy đơn vị {unit}.", code="unit_not_found")
        qs = qs.filter(unit_id__in=unit_subtree_ids({found.pk}))
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def survey_index(
    *,
    form: SurveyForm,
    unit: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[UnitIndex]:
    """The satisfaction index per unit (and per factor) for the answers of the period."""
    responses = _responses(form=form, unit=unit, date_from=date_from, date_to=date_to)
    factors = list(
        SurveySection.objects.filter(form=form, kind=SectionKind.FACTOR).order_by("order")
    )
    counts = {
        (r["unit__code"], r["unit__name"]): r["n"]
        for r in responses.values("unit__code", "unit__name").annotate(n=Count("pk"))
    }
    satisfied = Q()
    for value in SATISFIED_VALUES:
        satisfied |= Q(value=value)
    rows = (
        SurveyAnswer.objects.filter(
            response__in=responses,
            question__kind=QuestionKind.SCALE5,
            question__section__kind=SectionKind.FACTOR,
        )
        .values("response__unit__code", "question__section_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=satisfied))
    )
    cells = {(r["response__unit__code"], r["question__section_id"]): r for r in rows}
    result = []
    for (code, name), n in sorted(counts.items()):
        result.append(
            UnitIndex(
                unit_code=code,
                unit_name=name,
                responses=n,
                factors=[
                    FactorScore(
                        code=s.code,
                        title=s.title,
                        answers=cells.get((code, s.pk), {}).get("n", 0),
                        satisfied=cells.get((code, s.pk), {}).get("ok", 0),
                    )
                    for s in factors
                ],
            )
        )
    return result
