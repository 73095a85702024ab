"""Reads of satisfaction ratings, shared by pages, API and the public statistics; and of
SIPAS-style surveys (the index per unit and factor)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.organization.models import Unit
from motcua.organization.selectors import unit_subtree_ids
from motcua.surveys.errors import SurveysError
from motcua.surveys.models import (
    DEFAULT_FORMULA,
    Overall,
    QuestionKind,
    Questionnaire,
    Rating,
    SectionKind,
    SurveyAnswer,
    SurveyForm,
    SurveyResponse,
    SurveySection,
)

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
        raise NotFound(
            "Chưa có bộ câu hỏi đánh giá áp dụng.", code=SurveysError.QUESTIONNAIRE_MISSING
        )
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
            raise NotFound(f"Không tìm thấy đơn vị {unit}.", code=SurveysError.UNIT_NOT_FOUND)
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


# --- SIPAS-style surveys ------------------------------------------------------------
# Reads of SIPAS-style surveys shared by the officer page, the API and the Excel export.
#
# The index (default formula, not confirmed against Decision 1001/QĐ-BNV): for each factor,
# the share of its 5-point answers that are "Hài lòng" or "Rất hài lòng"; the unit's index is
# the average of its factors' shares (factors without answers are left out).

FORMULA = DEFAULT_FORMULA["text"]  # the default; each form version holds its own


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
        raise NotFound(
            "Chưa có phiếu khảo sát đang áp dụng.", code=SurveysError.SURVEY_FORM_MISSING
        )
    return form


@dataclass
class FactorScore:
    code: str
    title: str
    answers: int
    satisfied: int
    criteria: list[FactorScore] = field(default_factory=list)  # one per 5-point item

    @property
    def share(self) -> float | None:
        return round(self.satisfied / self.answers, 4) if self.answers else None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else round(self.share * 100, 2)

    @property
    def interval(self) -> tuple[float, float] | None:
        """Wilson 95 % interval of the share. Answers of one sheet are not independent, so
        this is narrower than the truth: a guide, not the Ministry's method."""
        if not self.answers:
            return None
        n, p, z2 = self.answers, self.satisfied / self.answers, Z_95 * Z_95
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = Z_95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
        return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


@dataclass
class UnitIndex:
    unit_code: str
    unit_name: str
    responses: int
    factors: list[FactorScore] = field(default_factory=list)
    overall: str = "mean_of_factors"  # the form's formula: how factors make the index
    invited: int = 0  # invitations of the campaigns overlapping the period (``with_rates``)
    answered: int = 0  # of them, used
    rate: float | None = None  # answered / invited; None without invitations

    @property
    def index(self) -> float | None:
        if self.overall == "pooled":
            n = sum(f.answers for f in self.factors)
            return round(sum(f.satisfied for f in self.factors) / n, 4) if n else None
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
            raise NotFound(f"Không tìm thấy đơn vị {unit}.", code=SurveysError.UNIT_NOT_FOUND)
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
    with_rates: bool = False,
) -> list[UnitIndex]:
    """The satisfaction index per unit, factor and criterion for the answers of the period,
    by the form's own formula (``SurveyForm.rule``).

    ``with_rates``: also the response rate per unit over the campaigns overlapping the
    period (``response_rates``), and a row for every unit (of ``unit``'s subtree) invited
    but without a sheet in the period: no index ("—"), its rate (0 % when nobody answered).
    """
    rule = form.rule
    responses = _responses(form=form, unit=unit, date_from=date_from, date_to=date_to)
    factors = list(
        SurveySection.objects.filter(form=form, kind=SectionKind.FACTOR)
        .prefetch_related("questions")
        .order_by("order")
    )
    counts = {
        (r["unit__code"], r["unit__name"]): r["n"]
        for r in responses.values("unit__code", "unit__name").annotate(n=Count("pk"))
    }
    rates: dict[str, RateRow] = {}
    if with_rates:
        scope = None
        if unit:
            found = Unit.objects.filter(code=unit).first()
            scope = unit_subtree_ids({found.pk}) if found else set()
        campaigns = campaigns_in(form=form, date_from=date_from, date_to=date_to)
        rates = {r.unit_code: r for r in response_rates(campaigns=campaigns, unit_ids=scope)}
        known = {code for code, _ in counts}
        for r in rates.values():
            if r.unit_code not in known:
                counts[(r.unit_code, r.unit_name)] = 0
    rows = (
        SurveyAnswer.objects.filter(
            response__in=responses,
            question__kind=QuestionKind.SCALE5,
            question__section__kind=SectionKind.FACTOR,
        )
        .values("response__unit__code", "question_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(value__in=rule["satisfied"])))
    )
    cells: dict[tuple[str, int], tuple[int, int]] = {
        (r["response__unit__code"], r["question_id"]): (r["n"], r["ok"]) for r in rows
    }

    def factor_score(code: str, section) -> FactorScore:
        criteria = [
            FactorScore(q.code, q.text, *cells.get((code, q.pk), (0, 0)))
            for q in section.questions.all()
            if q.kind == QuestionKind.SCALE5
        ]
        return FactorScore(
            code=section.code,
            title=section.title,
            answers=sum(c.answers for c in criteria),
            satisfied=sum(c.satisfied for c in criteria),
            criteria=criteria,
        )

    return [
        UnitIndex(
            unit_code=code,
            unit_name=name,
            responses=n,
            factors=[factor_score(code, s) for s in factors],
            overall=rule["overall"],
            invited=rates[code].invited if code in rates else 0,
            answered=rates[code].answered if code in rates else 0,
            rate=rates[code].rate if code in rates else None,
        )
        for (code, name), n in sorted(counts.items())
    ]


def weakest_criteria(rows: list[UnitIndex], *, target: float, limit: int = 3) -> list[dict]:
    """Per unit, its criteria under ``target`` (lowest share first, at most ``limit``)."""
    out: list[dict] = []
    for row in rows:
        under = sorted(
            (
                (c, f)
                for f in row.factors
                for c in f.criteria
                if c.share is not None and c.share < target
            ),
            key=lambda pair: (pair[0].share, pair[0].code),
        )[:limit]
        out.extend(
            {"unit_code": row.unit_code, "unit_name": row.unit_name, "factor": f, "criterion": c}
            for c, f in under
        )
    return out


Z_95 = 1.96


def sample_size(*, population: int, margin: float, z: float = Z_95, p: float = 0.5) -> int:
    """Answer sheets needed for a share known to ± ``margin`` at 95 % (Cochran's formula with
    the finite population correction; p = 0,5 is the most cautious guess)."""
    if population <= 0:
        return 0
    if not 0 < margin < 1:
        raise ValueError("margin must be between 0 and 1")
    n0 = z * z * p * (1 - p) / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def sample_sizes(
    *, date_from: dt.date | None, date_to: dt.date | None, margin: float
) -> dict[str, tuple[int, int]]:
    """Per unit code: (dossiers returned in the period, sheets needed for ``margin``)."""
    qs = Dossier.objects.filter(status=Status.RETURNED, returned_at__isnull=False)
    if date_from:
        qs = qs.filter(returned_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(returned_at__date__lte=date_to)
    rows = qs.values("competent_unit__code").annotate(n=Count("pk"))
    return {
        r["competent_unit__code"]: (r["n"], sample_size(population=r["n"], margin=margin))
        for r in rows
    }


# --- campaigns ----------------------------------------------------------------------


def campaign_population(*, campaign) -> dict[tuple[str, str], list[Dossier]]:
    """The campaign's sampling frame: dossiers of its units returned in its period, grouped
    by stratum (unit code, procedure code), each stratum sorted by dossier code."""
    unit_ids = list(campaign.units.values_list("pk", flat=True))
    qs = (
        Dossier.objects.filter(
            status=Status.RETURNED,
            returned_at__isnull=False,
            competent_unit_id__in=unit_ids,
            returned_at__date__gte=campaign.date_from,
            returned_at__date__lte=campaign.date_to,
        )
        .select_related("competent_unit", "procedure")
        .only(
            "code",
            "competent_unit__code",
            "procedure__code",
            "competent_unit_id",
            "procedure_id",
            "applicant_email",
            "applicant_phone",
        )
        .order_by("code")
    )
    out: dict[tuple[str, str], list[Dossier]] = {}
    for dossier in qs:
        out.setdefault((dossier.competent_unit.code, dossier.procedure.code), []).append(dossier)
    return out


def campaign_plan(*, campaign, margin: float | None = None) -> list[dict]:
    """Per unit: dossiers returned in the period and the sheets needed for the margin."""
    margin = float(campaign.margin) / 100 if margin is None else margin
    counts: dict[str, int] = {}
    for (unit, _procedure), rows in campaign_population(campaign=campaign).items():
        counts[unit] = counts.get(unit, 0) + len(rows)
    return [
        {
            "unit_code": u.code,
            "unit_name": u.name,
            "population": counts.get(u.code, 0),
            "needed": sample_size(population=counts.get(u.code, 0), margin=margin),
        }
        for u in campaign.units.order_by("code")
    ]


@dataclass
class RateRow:
    unit_code: str
    unit_name: str
    invited: int
    answered: int

    @property
    def rate(self) -> float | None:
        return round(self.answered / self.invited, 4) if self.invited else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(self.rate * 100, 1)


def response_rates(*, campaigns, unit_ids: set[int] | None = None) -> list[RateRow]:
    """Per unit, over ``campaigns`` (and the units ``unit_ids`` when given): invitations
    drawn vs invitations answered (counted on the invitations: ``used_on`` is set, never
    joined to a sheet)."""
    from motcua.surveys.models import Invitation

    invitations = Invitation.objects.filter(campaign__in=campaigns)
    if unit_ids is not None:
        invitations = invitations.filter(unit_id__in=unit_ids)
    rows = (
        invitations.values("unit__code", "unit__name")
        .annotate(n=Count("pk"), used=Count("pk", filter=Q(used_on__isnull=False)))
        .order_by("unit__code")
    )
    return [RateRow(r["unit__code"], r["unit__name"], r["n"], r["used"]) for r in rows]


def campaigns_in(*, form, date_from: dt.date | None, date_to: dt.date | None):
    """Campaigns of ``form`` whose period overlaps [date_from, date_to]."""
    from motcua.surveys.models import Campaign

    qs = Campaign.objects.filter(form__code=form.code)
    if date_from:
        qs = qs.filter(date_to__gte=date_from)
    if date_to:
        qs = qs.filter(date_from__lte=date_to)
    return qs


def campaign_get(user, *, pk: int):
    """A campaign for its editors (reform officer, province admin); 403/404 otherwise."""
    from motcua.core.errors import PermissionDenied
    from motcua.organization.models import Role
    from motcua.organization.permissions import has_role
    from motcua.surveys.models import Campaign

    if not has_role(user, [Role.REFORM_OFFICER, Role.PROVINCE_ADMIN]):
        raise PermissionDenied(
            "Chỉ cán bộ cải cách hành chính hoặc quản trị tỉnh xem đợt khảo sát."
        )
    campaign = Campaign.objects.select_related("form").filter(pk=pk).first()
    if campaign is None:
        raise NotFound("Không tìm thấy đợt khảo sát.", code=SurveysError.CAMPAIGN_NOT_FOUND)
    from motcua.surveys.permissions import require_run

    require_run(user, campaign.units.all())
    return campaign
