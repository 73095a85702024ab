"""Satisfaction API: rate a returned dossier; the questionnaire; results per unit."""

from datetime import date

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from motcua.core.client import client_address
from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.core.periods import parse_period
from motcua.core.throttle import lookup_guard
from motcua.core.validation import Text
from motcua.dossiers.lookup import dossier_for_applicant
from motcua.organization.auth import officer_auth
from motcua.organization.models import Unit
from motcua.organization.permissions import has_role
from motcua.surveys import selectors, services
from motcua.surveys.errors import SurveysError
from motcua.surveys.models import Overall
from motcua.surveys.selectors import survey_form_in_force, survey_index
from motcua.surveys.sipas_views import OFFICER_ROLES, answer_guard

router = Router(tags=["Đánh giá"])


class RatingIn(Schema):
    phone4: Text(4) = Field(..., description="4 số cuối điện thoại của người nộp hồ sơ")
    overall: Text(20) = Field(..., description="very_satisfied | satisfied | unsatisfied")
    answers: dict[Text(40), int] = Field(
        ..., max_length=100, description="mã chỉ số → điểm (2, 1 hoặc 0)"
    )
    comment: Text(2000) = ""


class RatingOut(Schema):
    dossier: str
    overall: str
    overall_label: str
    points: int
    max_points: int
    questionnaire: str
    created_at: str


def rating_create(request, code: str, payload: RatingIn):
    """The applicant rates a dossier whose result was returned; once per dossier (409 after).

    Identified by dossier code + the last 4 digits of the applicant's phone (rate-limited,
    the same 404 for a wrong code and wrong digits).
    """
    with lookup_guard(subject=code, client=client_address(request)):
        dossier = dossier_for_applicant(code=code, phone4=payload.phone4)
    rating = services.rating_submit(
        dossier=dossier,
        overall=payload.overall,
        answers=payload.answers,
        comment=payload.comment,
    )
    return Status(
        201,
        {
            "dossier": rating.dossier_code,
            "overall": rating.overall,
            "overall_label": str(Overall(rating.overall).label),
            "points": rating.points,
            "max_points": rating.max_points,
            "questionnaire": f"{rating.questionnaire.code} v{rating.questionnaire.version}",
            "created_at": rating.created_at.isoformat(),
        },
    )


def register_rating(target: Router, *, operation_id: str | None = None) -> None:
    """Mount ``POST /dossiers/{code}/rating`` on ``target`` (here and on /api/portal)."""
    target.add_api_operation(
        "/dossiers/{code}/rating",
        ["POST"],
        rating_create,
        response={201: RatingOut},
        operation_id=operation_id,
        summary="Đánh giá mức độ hài lòng đối với hồ sơ đã trả kết quả",
    )


register_rating(router, operation_id="surveys_rating_create")


class ChoiceOut(Schema):
    points: int
    label: str


class SurveyIndicatorOut(Schema):
    order: int
    code: str
    text: str
    choices: list[ChoiceOut]


class BandOut(Schema):
    label: str
    lower: float | None
    upper: float | None


class QuestionnaireOut(Schema):
    code: str
    version: int
    name: str
    effective_from: date
    max_points: int
    overall: list[ChoiceOut] = []
    indicators: list[SurveyIndicatorOut]
    bands: list[BandOut]


@router.get("/questionnaire", response=QuestionnaireOut, summary="Bộ câu hỏi đang áp dụng")
def questionnaire(request, on: date | None = None):
    q = selectors.questionnaire_in_force(on=on or timezone.localdate())
    return {
        "code": q.code,
        "version": q.version,
        "name": q.name,
        "effective_from": q.effective_from,
        "max_points": q.max_points,
        "indicators": list(q.indicators.all()),
        "bands": [
            {
                "label": b.label,
                "lower": float(b.lower) if b.lower is not None else None,
                "upper": float(b.upper) if b.upper is not None else None,
            }
            for b in q.bands.all()
        ],
    }


class SatisfactionRow(Schema):
    group: str
    label: str
    ratings: int
    points_avg: float | None
    band: str
    very_satisfied: int
    satisfied: int
    unsatisfied: int
    satisfied_share: float | None


class SatisfactionOut(Schema):
    period: dict
    total: SatisfactionRow
    rows: list[SatisfactionRow]


@router.get("/units", response=SatisfactionOut, summary="Kết quả đánh giá theo đơn vị")
def by_unit(
    request,
    period: Text(10) = "year",
    date: Text(10) | None = None,
    unit: Text(40) | None = None,
    field: Text(40) | None = None,
    group: Text(20) = "unit",
):
    p = parse_period(period, date)
    group = group if group in selectors.GROUPS else "unit"
    args = {"date_from": p.start, "date_to": p.end, "unit": unit, "field": field}
    return {
        "period": p.as_dict(),
        "total": selectors.satisfaction(**args)[0],
        "rows": selectors.satisfaction(**args, group_by=group),
    }


# --- SIPAS-style surveys ------------------------------------------------------------------


class SurveyAnswersIn(Schema):
    unit: Text(40) = Field(..., description="mã cơ quan, đơn vị đã giải quyết công việc")
    answers: dict[Text(40), Text(2000) | list[Text(10)]] = Field(
        ..., max_length=200, description="mã câu hỏi → '4' | ['1', '3'] | văn bản"
    )


class SurveyResponseOut(Schema):
    id: int
    form: str
    unit: str
    channel: str


@router.post(
    "/sipas/{code}/responses",
    response={201: SurveyResponseOut},
    summary="Gửi phiếu khảo sát hài lòng (SIPAS) — không cần đăng nhập, giới hạn theo thiết bị",
)
def sipas_response_create(request, code: str, payload: SurveyAnswersIn):

    answer_guard(request)
    form = survey_form_in_force(code=code)
    unit = Unit.objects.filter(code=payload.unit, valid_to__isnull=True).first()
    if unit is None:
        raise InvalidInput("Không tìm thấy cơ quan, đơn vị.", code=SurveysError.SURVEY_UNIT)
    response = services.survey_response_record(form=form, unit=unit, answers=payload.answers)
    return Status(
        201,
        {
            "id": response.pk,
            "form": f"{form.code} v{form.version}",
            "unit": unit.code,
            "channel": response.channel,
        },
    )


class SurveyCriterionOut(Schema):
    code: str
    title: str
    answers: int
    satisfied: int
    share: float | None


class FactorOut(Schema):
    code: str
    title: str
    answers: int
    satisfied: int
    share: float | None
    ci_low: float | None = Field(None, description="khoảng tin cậy 95% (Wilson), cận dưới")
    ci_high: float | None = Field(None, description="khoảng tin cậy 95% (Wilson), cận trên")
    criteria: list[SurveyCriterionOut] = Field([], description="tiêu chí: mỗi câu thang 5 mức")


class UnitIndexOut(Schema):
    unit_code: str
    unit_name: str
    responses: int
    index: float | None
    invited: int = Field(0, description="lời mời của các đợt khảo sát trong kỳ")
    answered: int = Field(0, description="lời mời đã được dùng để trả lời")
    response_rate: float | None = Field(None, description="answered / invited")
    factors: list[FactorOut]


class SurveyIndexOut(Schema):
    form: str
    formula: str
    formula_rule: dict
    period: dict
    units: list[UnitIndexOut]


@router.get(
    "/sipas/{code}/index",
    response=SurveyIndexOut,
    auth=officer_auth,
    summary="Chỉ số hài lòng theo đơn vị và yếu tố (cán bộ)",
)
def sipas_index(
    request,
    code: str,
    period: Text(10) = "year",
    date: Text(10) | None = None,
    unit: Text(40) | None = None,
):

    if not has_role(request.user, OFFICER_ROLES):
        raise PermissionDenied("Chỉ cán bộ cải cách, lãnh đạo, thanh tra xem được chỉ số.")
    form = survey_form_in_force(code=code)
    p = parse_period(period, date)
    rows = survey_index(form=form, unit=unit, date_from=p.start, date_to=p.end, with_rates=True)
    return {
        "form": f"{form.code} v{form.version}",
        "formula": form.rule["text"],
        "formula_rule": form.rule,
        "period": p.as_dict(),
        "units": [
            {
                "unit_code": r.unit_code,
                "unit_name": r.unit_name,
                "responses": r.responses,
                "index": r.index,
                "invited": r.invited,
                "answered": r.answered,
                "response_rate": r.rate,
                "factors": [
                    {
                        "code": f.code,
                        "title": f.title,
                        "answers": f.answers,
                        "satisfied": f.satisfied,
                        "share": f.share,
                        "ci_low": f.interval[0] if f.interval else None,
                        "ci_high": f.interval[1] if f.interval else None,
                        "criteria": [
                            {
                                "code": c.code,
                                "title": c.title,
                                "answers": c.answers,
                                "satisfied": c.satisfied,
                                "share": c.share,
                            }
                            for c in f.criteria
                        ],
                    }
                    for f in r.factors
                ],
            }
            for r in rows
        ],
    }


# --- campaigns ----------------------------------------------------------------------------


class SurveyRateOut(Schema):
    unit_code: str
    unit_name: str
    invited: int
    answered: int
    response_rate: float | None


class SurveyCampaignOut(Schema):
    id: int
    name: str
    form: str
    date_from: date
    date_to: date
    margin: float
    seed: int
    status: str
    actions: list[str] = Field(..., description="thao tác được phép ở trạng thái hiện tại")
    plan: list[dict] = Field(..., description="mỗi đơn vị: hồ sơ đã trả N và cỡ mẫu n")
    rates: list[SurveyRateOut]


def _campaign_out(request, pk: int) -> dict:
    from motcua.surveys.actions import CAMPAIGN_ACTIONS
    from motcua.surveys.selectors import campaign_get, campaign_plan, response_rates

    campaign = campaign_get(request.user, pk=pk)
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "form": f"{campaign.form.code} v{campaign.form.version}",
        "date_from": campaign.date_from,
        "date_to": campaign.date_to,
        "margin": float(campaign.margin),
        "seed": campaign.seed,
        "status": campaign.status,
        "actions": list(CAMPAIGN_ACTIONS.allowed(campaign.status)),
        "plan": campaign_plan(campaign=campaign),
        "rates": [
            {
                "unit_code": r.unit_code,
                "unit_name": r.unit_name,
                "invited": r.invited,
                "answered": r.answered,
                "response_rate": r.rate,
            }
            for r in response_rates(campaigns=[campaign])
        ],
    }


@router.get(
    "/campaigns/{pk}",
    response=SurveyCampaignOut,
    auth=officer_auth,
    summary="Đợt khảo sát: cỡ mẫu theo đơn vị, tỷ lệ trả lời (cán bộ cải cách)",
)
def campaign_detail(request, pk: int):
    return _campaign_out(request, pk)


def _campaign_action(spec):
    def view(request, pk: int):
        from motcua.surveys.selectors import campaign_get

        spec.perform(request.user, campaign_get(request.user, pk=pk), None, None)
        return _campaign_out(request, pk)

    view.__name__ = f"campaign_{spec.code}"
    view.__doc__ = (
        f"Được phép từ: {', '.join(spec.allowed_from)}. Người thực hiện: {spec.unit_rule}. "
        f"Sự kiện: `{spec.event}`."
    )
    return router.post(
        f"/campaigns/{{pk}}/actions/{spec.code}",
        response=SurveyCampaignOut,
        auth=officer_auth,
        summary=f"Đợt khảo sát: {spec.label}",
        operation_id=f"survey_campaign_{spec.code}",
    )(view)


def _mount_campaign_actions() -> None:
    from motcua.surveys.actions import CAMPAIGN_ACTIONS

    for spec in CAMPAIGN_ACTIONS:
        _campaign_action(spec)


_mount_campaign_actions()
