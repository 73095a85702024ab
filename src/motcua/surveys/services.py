"""Every write of the surveys app: the applicant's rating of a returned dossier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.ledger.changes import parts_save, row_delete, row_save
from motcua.ledger.services import event_record
from motcua.organization.models import Role
from motcua.organization.permissions import require_role
from motcua.surveys import events
from motcua.surveys.models import Answer, Overall, Questionnaire, Rating
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
            code="rating_not_returned",
        )
    if Rating.objects.filter(dossier=dossier).exists():
        raise Conflict(ALREADY_RATED.format(code=dossier.code), code="rating_exists")
    if overall not in Overall.values:
        raise InvalidInput(
            "Chọn mức độ hài lòng: Rất hài lòng, Hài lòng hoặc Không hài lòng.",
            code="rating_overall",
        )
    questionnaire = questionnaire_in_force(on=timezone.localtime(dossier.returned_at).date())
    indicators = list(questionnaire.indicators.all())
    missing = [i for i in indicators if i.code not in answers]
    unknown = set(answers) - {i.code for i in indicators}
    if missing or unknown:
        names = "; ".join(f"{i.order}. {i.text}" for i in missing) or ", ".join(sorted(unknown))
        raise InvalidInput(f"Chưa trả lời hoặc sai chỉ số: {names}.", code="rating_incomplete")
    rows = []
    for indicator in indicators:
        try:
            points = int(answers[indicator.code])
        except (TypeError, ValueError):
            points = -1
        if points not in indicator.points_allowed():
            raise InvalidInput(
                f"Điểm của chỉ số «{indicator.text}» không hợp lệ.", code="rating_points"
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
        raise Conflict(ALREADY_RATED.format(code=dossier.code), code="rating_exists") from error
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
