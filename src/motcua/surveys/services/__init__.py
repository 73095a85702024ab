"""Every write of the surveys app: the applicant's rating of a returned dossier; SIPAS-style
questionnaire versions (refused once in use) and their anonymous answer sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.ledger.changes import parts_save, row_delete, row_save
from motcua.ledger.services import event_record
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role
from motcua.surveys import events
from motcua.surveys.errors import SurveysError
from motcua.surveys.models import (
    OVERALL_RULES,
    Answer,
    Channel,
    Overall,
    QuestionKind,
    Questionnaire,
    Rating,
    SectionKind,
    SurveyAnswer,
    SurveyForm,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
    formula_of,
)
from motcua.surveys.selectors import questionnaire_in_force

ALREADY_RATED = "Hồ sơ {code} đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần."


@transaction.atomic
def rating_submit(
    *,
    dossier: Dossier,
    overall: str,
    answers: Mapping[str, int],
    comment: str = "",
    actor=None,
) -> Rating:
    """Record the applicant's rating: once per dossier, only after the result is returned.

    ``answers`` maps every indicator code of the questionnaire in force on the return date
    to one of its allowed points (2 / 1 / 0).
    """
    now = timezone.now()
    dossier = (
        Dossier.objects.select_for_update().select_related("competent_unit").get(pk=dossier.pk)
    )
    if dossier.status != Status.RETURNED:
        raise InvalidInput(
            f"Hồ sơ {dossier.code} chưa trả kết quả nên chưa thể đánh giá.",
            code=SurveysError.RATING_NOT_RETURNED,
        )
    if Rating.objects.filter(dossier=dossier).exists():
        raise Conflict(ALREADY_RATED.format(code=dossier.code), code=SurveysError.RATING_EXISTS)
    if overall not in Overall.values:
        raise InvalidInput(
            "Chọn mức độ hài lòng: Rất hài lòng, Hài lòng hoặc Không hài lòng.",
            code=SurveysError.RATING_OVERALL,
        )
    questionnaire = questionnaire_in_force(on=timezone.localtime(dossier.returned_at).date())
    indicators = list(questionnaire.indicators.all())
    missing = [i for i in indicators if i.code not in answers]
    unknown = set(answers) - {i.code for i in indicators}
    if missing or unknown:
        names = "; ".join(f"{i.order}. {i.text}" for i in missing) or ", ".join(sorted(unknown))
        raise InvalidInput(
            f"Chưa trả lời hoặc sai chỉ số: {names}.", code=SurveysError.RATING_INCOMPLETE
        )
    rows = []
    for indicator in indicators:
        try:
            points = int(answers[indicator.code])
        except (TypeError, ValueError):
            points = -1
        if points not in indicator.points_allowed():
            raise InvalidInput(
                f"Điểm của chỉ số «{indicator.text}» không hợp lệ.", code=SurveysError.RATING_POINTS
            )
        rows.append((indicator, points))
    total = sum(points for _, points in rows)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier,
                dossier_code=dossier.code,
                unit=dossier.competent_unit,
                questionnaire=questionnaire,
                overall=overall,
                points=total,
                max_points=questionnaire.max_points,
                comment=(comment or "").strip()[:2000],
                created_at=now,
            )
    except IntegrityError as error:  # a concurrent rating of the same dossier won
        raise Conflict(
            ALREADY_RATED.format(code=dossier.code), code=SurveysError.RATING_EXISTS
        ) from error
    Answer.objects.bulk_create(
        Answer(rating=rating, indicator=indicator, points=points) for indicator, points in rows
    )
    event_record(
        subject_type=events.SUBJECT,
        subject_id=dossier.code,
        action=events.SUBMITTED,
        actor=actor,
        unit=dossier.competent_unit,
        payload={
            "questionnaire": f"{questionnaire.code} v{questionnaire.version}",
            "overall": overall,
            "points": total,
            "max_points": rating.max_points,
            "answers": {indicator.code: points for indicator, points in rows},
        },
        at=now,
    )
    return rating


# --- the admin's edits of questionnaires ---------------------------------------------------


@transaction.atomic
def questionnaire_save(
    *, actor, instance: Questionnaire, created: bool, changed: Sequence[str] = ()
) -> Questionnaire:
    require_role(actor, [Role.PROVINCE_ADMIN])
    return row_save(
        actor=actor,
        instance=instance,
        action=events.QUESTIONNAIRE_SAVED,
        created=created,
        changed=changed,
    )


@transaction.atomic
def questionnaire_parts_save(
    *, actor, parent: Questionnaire, saved=(), changed=None, deleted=()
) -> None:
    """Its indicators and score bands, saved from the questionnaire's admin page."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    parts_save(
        actor=actor,
        parent=parent,
        action=events.QUESTIONNAIRE_SAVED,
        saved=saved,
        changed=changed,
        deleted=deleted,
    )


@transaction.atomic
def questionnaire_delete(*, actor, instance: Questionnaire) -> None:
    require_role(actor, [Role.PROVINCE_ADMIN])
    row_delete(actor=actor, instance=instance, action=events.QUESTIONNAIRE_DELETED)


# --- SIPAS-style surveys ------------------------------------------------------------

EDITORS = [Role.REFORM_OFFICER, Role.PROVINCE_ADMIN]
DESK_RECORDERS = [Role.DESK_OFFICER, Role.REFORM_OFFICER, Role.UNIT_LEADER]
TEXT_LIMIT = 2000
FORM_FIELDS = ("name", "source", "note", "effective_from", "effective_to", "formula")
QUESTION_FIELDS = ("text", "required", "confirmed", "choices")


def _checked_formula(data: Any) -> dict:
    """A formula the index can apply, or InvalidInput saying what is wrong."""
    bad = InvalidInput(
        "Công thức không hợp lệ: mức hài lòng là các giá trị 1–5, cách tính chung là "
        "«mean_of_factors» hoặc «pooled», mục tiêu từ 0 đến 1.",
        code=SurveysError.SURVEY_FORMULA,
    )
    if not isinstance(data, dict):
        raise bad
    rule = formula_of(data)
    satisfied = rule["satisfied"]
    try:
        target = float(rule["target"])
    except (TypeError, ValueError) as error:
        raise bad from error
    if (
        not satisfied
        or not set(satisfied) <= {"1", "2", "3", "4", "5"}
        or data.get("overall", rule["overall"]) not in OVERALL_RULES
        or not 0 < target < 1
    ):
        raise bad
    return {**rule, "target": target, "text": str(rule["text"])[:1000]}


def _refuse_frozen(form: SurveyForm) -> None:
    if form.is_in_use():
        raise Conflict(
            f"Phiếu «{form.name}» phiên bản {form.version} đã có người trả lời nên không được "
            "sửa; hãy tạo phiên bản mới.",
            code=SurveysError.SURVEY_FORM_FROZEN,
        )


@transaction.atomic
def survey_form_update(*, actor, form: SurveyForm, **changes: Any) -> SurveyForm:
    """Change the header of a questionnaire version not yet in use."""
    require_role(actor, EDITORS)
    form = SurveyForm.objects.select_for_update().get(pk=form.pk)
    _refuse_frozen(form)
    unknown = set(changes) - set(FORM_FIELDS)
    if unknown:
        raise InvalidInput(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    if "formula" in changes:
        changes["formula"] = _checked_formula(changes["formula"])
    before = {k: str(getattr(form, k)) for k in changes}
    for key, value in changes.items():
        setattr(form, key, value)
    if form.effective_to and form.effective_to < form.effective_from:
        raise InvalidInput(
            "Ngày hết áp dụng phải sau ngày bắt đầu áp dụng.", code=SurveysError.SURVEY_PERIOD
        )
    form.save(update_fields=list(changes))
    event_record(
        subject_type=events.FORM_SUBJECT,
        subject_id=form.pk,
        action=events.FORM_UPDATED,
        actor=actor,
        payload={"before": before, "after": {k: str(getattr(form, k)) for k in changes}},
    )
    return form


@transaction.atomic
def survey_question_update(*, actor, question: SurveyQuestion, **changes: Any) -> SurveyQuestion:
    """Change one question of a version not yet in use."""
    require_role(actor, EDITORS)
    question = SurveyQuestion.objects.select_related("section__form").get(pk=question.pk)
    form = SurveyForm.objects.select_for_update().get(pk=question.section.form_id)
    _refuse_frozen(form)
    unknown = set(changes) - set(QUESTION_FIELDS)
    if unknown:
        raise InvalidInput(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    before = {k: getattr(question, k) for k in changes}
    for key, value in changes.items():
        setattr(question, key, value)
    question.save(update_fields=list(changes))
    event_record(
        subject_type=events.FORM_SUBJECT,
        subject_id=form.pk,
        action=events.FORM_UPDATED,
        actor=actor,
        payload={"question": question.code, "before": before, "after": changes},
    )
    return question


def _clean(question: SurveyQuestion, raw: Any) -> Any:
    """The stored value of one answer, or None when unanswered; InvalidInput when wrong."""
    if raw is None or raw == "" or raw == []:
        return None
    allowed = {o["value"] for o in question.options()}
    wrong = InvalidInput(
        f"Câu «{question.text}»: lựa chọn không hợp lệ.", code=SurveysError.SURVEY_ANSWER_INVALID
    )
    if question.kind == QuestionKind.TEXT:
        return str(raw).strip()[:TEXT_LIMIT] or None
    if question.kind == QuestionKind.MULTIPLE:
        values = [str(v) for v in (raw if isinstance(raw, list | tuple) else [raw])]
        if not set(values) <= allowed:
            raise wrong
        return sorted(set(values))
    value = str(raw).strip()
    if value not in allowed:
        raise wrong
    return value


@transaction.atomic
def survey_response_record(
    *,
    form: SurveyForm,
    unit: Unit,
    answers: Mapping[str, Any],
    channel: str = Channel.ONLINE,
    actor=None,
    campaign=None,
    procedure=None,
) -> SurveyResponse:
    """Record one anonymous answer sheet for ``unit``.

    Online answers have no actor; a paper sheet keyed in at the desk needs an officer of the
    unit (desk officer, reform officer or leader). Every required question must be answered;
    the error lists the missing ones so the page can show them next to what was typed.
    """
    if channel not in Channel.values:
        raise InvalidInput("Kênh khảo sát không hợp lệ.", code=SurveysError.SURVEY_CHANNEL)
    if channel == Channel.DESK:
        require_role(actor, DESK_RECORDERS, unit)
    today = timezone.localdate()
    if not unit.is_active_on(today):
        raise InvalidInput("Đơn vị không còn hoạt động.", code=SurveysError.SURVEY_UNIT_INACTIVE)
    if form.effective_from > today or (form.effective_to and form.effective_to < today):
        raise InvalidInput(
            "Phiếu khảo sát này không còn áp dụng.", code=SurveysError.SURVEY_FORM_EXPIRED
        )
    questions = list(
        SurveyQuestion.objects.filter(section__form=form).order_by("section__order", "order")
    )
    known = {q.code for q in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InvalidInput(
            f"Câu hỏi không có trong phiếu: {', '.join(unknown)}.",
            code=SurveysError.SURVEY_ANSWER_UNKNOWN,
        )
    cleaned = {q.code: _clean(q, answers.get(q.code)) for q in questions}
    missing = [q for q in questions if q.required and cleaned[q.code] is None]
    if missing:
        raise InvalidInput(
            "Vui lòng trả lời các câu bắt buộc: " + "; ".join(q.text for q in missing) + ".",
            code=SurveysError.SURVEY_ANSWER_MISSING,
            missing=[q.code for q in missing],
        )
    now = timezone.now()
    response = SurveyResponse.objects.create(
        form=form,
        unit=unit,
        channel=channel,
        created_at=now,
        campaign=campaign,
        procedure=procedure,
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=q, value=cleaned[q.code])
        for q in questions
        if cleaned[q.code] is not None
    )
    event_record(
        subject_type=events.RESPONSE_SUBJECT,
        subject_id=response.pk,
        action=events.RESPONSE_RECORDED,
        actor=actor,
        unit=unit,
        # no answers in the payload: the history shows that a sheet came, not who said what
        payload={
            "form": f"{form.code} v{form.version}",
            "channel": channel,
            **({"campaign": campaign.pk} if campaign is not None else {}),
        },
        at=now,
    )
    return response


@transaction.atomic
def survey_form_new_version(*, actor, form: SurveyForm, effective_from: dt.date) -> SurveyForm:
    """Copy a version (frozen or not) into the next one, editable until it is used.

    The older version stops the day before; its questions and answers stay as they were.
    """
    require_role(actor, EDITORS)
    form = SurveyForm.objects.select_for_update().get(pk=form.pk)
    if effective_from <= form.effective_from:
        raise InvalidInput(
            "Phiên bản mới phải áp dụng sau ngày áp dụng của phiên bản cũ.",
            code=SurveysError.SURVEY_PERIOD,
        )
    last = SurveyForm.objects.filter(code=form.code).order_by("-version").first()
    if last is not None and last.pk != form.pk:
        raise Conflict(
            f"Đã có phiên bản {last.version}; hãy tạo bản mới từ phiên bản đó.",
            code=SurveysError.SURVEY_FORM_NOT_LATEST,
        )
    new = SurveyForm.objects.create(
        code=form.code,
        version=form.version + 1,
        name=form.name,
        source=form.source,
        note=form.note,
        effective_from=effective_from,
        effective_to=None,
        formula=form.formula,
    )
    for section in form.sections.prefetch_related("questions"):
        questions = list(section.questions.all())
        section.pk, section.form = None, new
        section.save()
        for question in questions:
            question.pk, question.section = None, section
            question.save()
    form.effective_to = effective_from - dt.timedelta(days=1)
    form.save(update_fields=["effective_to"])
    event_record(
        subject_type=events.FORM_SUBJECT,
        subject_id=new.pk,
        action=events.FORM_VERSIONED,
        actor=actor,
        payload={"from": f"{form.code} v{form.version}", "version": new.version},
    )
    return new


@transaction.atomic
def survey_form_import(
    *,
    actor,
    data: Mapping[str, Any],
    effective_from: dt.date,
    into: SurveyForm | None = None,
    file_sha256: str = "",
) -> SurveyForm:
    """Create the next version of a questionnaire from XLSForm data (``xlsform.xlsform_read``),
    editable until it is used; the previous version stops the day before (as
    ``survey_form_new_version``). With ``into``, the file's form_id must be that
    questionnaire's code."""
    require_role(actor, EDITORS)
    code = str(data.get("code") or "").strip()
    sections = list(data.get("sections") or [])
    if not code or not sections:
        raise InvalidInput(
            "XLSForm thiếu mã phiếu (form_id) hoặc không có phần nào.",
            code=SurveysError.XLSFORM_INVALID,
        )
    if into is not None and code != into.code:
        problem = f"Trang settings: form_id «{code[:40]}» khác mã phiếu {into.code}."
        raise InvalidInput(problem, code=SurveysError.XLSFORM_INVALID, problems=[problem])
    last = SurveyForm.objects.select_for_update().filter(code=code).order_by("-version").first()
    if last is not None and effective_from <= last.effective_from:
        raise InvalidInput(
            f"Phiên bản mới phải áp dụng sau ngày {last.effective_from:%d/%m/%Y} "
            f"(ngày áp dụng của phiên bản {last.version}).",
            code=SurveysError.SURVEY_PERIOD,
        )
    form = SurveyForm.objects.create(
        code=code,
        version=(last.version + 1) if last else 1,
        name=str(data.get("name") or (last.name if last else code))[:255],
        source=last.source if last else "",
        note=last.note if last else "",
        effective_from=effective_from,
        formula=last.formula if last else {},
    )
    if last is not None and (last.effective_to is None or last.effective_to >= effective_from):
        last.effective_to = effective_from - dt.timedelta(days=1)
        last.save(update_fields=["effective_to"])
    seen: set[str] = set()
    for s_order, section in enumerate(sections, start=1):
        row = SurveySection.objects.create(
            form=form,
            order=s_order,
            code=section["code"],
            title=section["title"],
            kind=section["kind"] if section["kind"] in SectionKind.values else SectionKind.OTHER,
        )
        for q_order, q in enumerate(section["questions"], start=1):
            if q["code"] in seen:
                raise InvalidInput(
                    f"Mã câu hỏi trùng: {q['code']}.", code=SurveysError.XLSFORM_INVALID
                )
            seen.add(q["code"])
            SurveyQuestion.objects.create(section=row, order=q_order, **q)
    event_record(
        subject_type=events.FORM_SUBJECT,
        subject_id=form.pk,
        action=events.FORM_IMPORTED,
        actor=actor,
        payload={
            "form": f"{form.code} v{form.version}",
            "questions": len(seen),
            **({"from": f"{last.code} v{last.version}"} if last is not None else {}),
            **({"file_sha256": file_sha256} if file_sha256 else {}),
        },
    )
    return form


from motcua.surveys.services.campaigns import (  # noqa: E402 - the campaign half of the app
    campaign_close,
    campaign_create,
    campaign_draw,
    campaign_send,
    invitation_answer,
)

__all__ = [
    "campaign_close",
    "campaign_create",
    "campaign_draw",
    "campaign_send",
    "invitation_answer",
]
