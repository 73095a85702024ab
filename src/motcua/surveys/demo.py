"""Demo ratings: some applicants rate their returned dossiers, through ``rating_submit``.

Answers follow the dossier's facts where the questionnaire asks about them (time vs the due
date, supplements, online service) and vary for the rest; the overall satisfaction follows
the points.

SIPAS-style answer sheets: a few per unit that returned results, online and keyed in at the
desk, through ``survey_response_record`` (anonymous: no dossier, no person).
"""

from __future__ import annotations

import datetime as dt
import time

from motcua.core.formats import vn_number
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Channel, Classification, Dossier
from motcua.organization.models import Unit
from motcua.surveys.models import Campaign, Overall, QuestionKind, Rating, SurveyQuestion
from motcua.surveys.models import Channel as SurveyChannel
from motcua.surveys.permissions import may_run
from motcua.surveys.selectors import questionnaire_in_force, survey_form_in_force
from motcua.surveys.services import (
    campaign_close,
    campaign_create,
    campaign_draw,
    campaign_send,
    invitation_answer,
    rating_submit,
    survey_response_record,
)
from motcua.surveys.tokens import token_of

SHARE = 0.4  # of returned dossiers get a rating
SHEETS_PER_UNIT = 12  # SIPAS answer sheets per unit that returned results
SCALE_WEIGHTS = (0.02, 0.05, 0.13, 0.45, 0.35)  # 1 … 5: mostly satisfied, some not
PROGRESS_EVERY = 500  # a progress line every so many returned dossiers (minutes on the demo)
SIPAS_PROGRESS_EVERY = 25  # … and every so many units' answer sheets


def _answers(dossier: Dossier, codes: list[str], rng) -> dict[str, int]:
    timely = {Classification.EARLY: 2, Classification.ON_TIME: 1}.get(dossier.classification, 0)
    facts = {
        "tong_thoi_gian": timely,
        "thoi_gian_tung_co_quan": timely if rng.random() < 0.8 else max(0, timely - 1),
        "so_lan_lien_he": max(0, 2 - dossier.supplement_count),
        "truc_tuyen": 2 if dossier.channel == Channel.ONLINE else rng.choice((1, 1, 0)),
    }
    return {code: facts.get(code, rng.choices((2, 1, 0), (0.75, 0.2, 0.05))[0]) for code in codes}


def _overall(points: int, rng) -> str:
    draw = rng.random()
    if points >= 16:
        return Overall.VERY_SATISFIED if draw < 0.65 else Overall.SATISFIED
    if points >= 12:
        return Overall.SATISFIED if draw < 0.85 else Overall.UNSATISFIED
    return Overall.UNSATISFIED if draw < 0.6 else Overall.SATISFIED


def load(*, rng, stdout, options) -> None:
    rated = set(Rating.objects.values_list("dossier_id", flat=True))
    done = 0
    returned = list(Dossier.objects.filter(status=Status.RETURNED).order_by("code"))
    total = len(returned)
    report = options.get("report")  # the background loader's progress bar (``demo --rest``)
    started = time.monotonic()
    for seen, dossier in enumerate(returned, 1):
        if dossier.pk not in rated and dossier.returned_at is not None and rng.random() < SHARE:
            questionnaire = questionnaire_in_force(on=dossier.returned_at.date())
            codes = [i.code for i in questionnaire.indicators.all()]
            answers = _answers(dossier, codes, rng)
            rating_submit(
                dossier=dossier, overall=_overall(sum(answers.values()), rng), answers=answers
            )
            done += 1
        if seen % PROGRESS_EVERY == 0 or seen == total:
            stdout.write(
                f"  … {vn_number(seen)}/{vn_number(total)} hồ sơ đã trả kết quả, {vn_number(done)} "
                f"đánh giá ({time.monotonic() - started:.0f} giây)"
            )
            if report is not None:
                report(seen, total)
    stdout.write(f"  Đánh giá mẫu: {done} hồ sơ đã trả kết quả được người nộp đánh giá.")
    load_sipas(rng=rng, stdout=stdout)
    load_campaign(rng=rng, stdout=stdout)


def _sheet(questions: list[SurveyQuestion], rng, mood: float) -> dict:
    answers: dict = {}
    for q in questions:
        if q.kind == QuestionKind.SCALE5:
            weights = list(SCALE_WEIGHTS)
            weights[4] *= mood
            answers[q.code] = rng.choices(("1", "2", "3", "4", "5"), weights)[0]
        elif q.kind == QuestionKind.EXPECT3:
            answers[q.code] = rng.choice(("1", "2", "3"))
        elif q.kind == QuestionKind.SINGLE and rng.random() < 0.9:
            answers[q.code] = rng.choice([o["value"] for o in q.options()])
        elif q.kind == QuestionKind.MULTIPLE and rng.random() < 0.5:
            answers[q.code] = rng.sample([o["value"] for o in q.options()], 2)
    return answers


def load_sipas(*, rng, stdout) -> None:
    form = survey_form_in_force()
    if form.responses.exists():
        return
    questions = list(SurveyQuestion.objects.filter(section__form=form))
    unit_ids = (
        Dossier.objects.filter(status=Status.RETURNED)
        .values_list("competent_unit_id", flat=True)
        .distinct()
    )
    done = 0
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("code"))
    started = time.monotonic()
    for number, unit in enumerate(units, 1):
        if number % SIPAS_PROGRESS_EVERY == 0:
            stdout.write(
                f"  … {vn_number(number)}/{vn_number(len(units))} đơn vị, {vn_number(done)} "
                f"phiếu khảo sát SIPAS ({time.monotonic() - started:.0f} giây)"
            )
        mood = rng.uniform(0.5, 1.5)  # units differ
        for _ in range(SHEETS_PER_UNIT):
            survey_response_record(
                form=form,
                unit=unit,
                answers=_sheet(questions, rng, mood),
                channel=SurveyChannel.ONLINE,
            )
            done += 1
    stdout.write(f"  Khảo sát SIPAS mẫu: {done} phiếu trả lời.")


CAMPAIGN_UNITS = 3  # the units with the most returns in the period
ANSWER_SHARE = 0.55  # of invitations answered


def load_campaign(*, rng, stdout) -> Campaign | None:
    """A finished campaign: the 90 days up to the last return, the three busiest units, ±10
    points, drawn, invitations sent, about half answered (link or desk tablet), closed."""
    from django.db.models import Count, Max
    from django.utils import timezone

    from motcua.organization.models import Role, StaffRole

    if Campaign.objects.exists():
        return None
    last = Dossier.objects.filter(status=Status.RETURNED).aggregate(m=Max("returned_at"))["m"]
    if last is None:
        return None
    date_to = timezone.localtime(last).date()
    date_from = date_to - dt.timedelta(days=89)
    busiest = (
        Dossier.objects.filter(
            status=Status.RETURNED,
            returned_at__date__gte=date_from,
            returned_at__date__lte=date_to,
        )
        .values("competent_unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "competent_unit_id")[:CAMPAIGN_UNITS]
    )
    units = list(Unit.objects.filter(pk__in=[r["competent_unit_id"] for r in busiest]))
    candidates = (
        StaffRole.objects.filter(role__in=[Role.REFORM_OFFICER, Role.PROVINCE_ADMIN])
        .order_by("-role", "pk")  # a reform officer (of Sở Nội vụ) first, else the admin
        .select_related("user")
    )
    actor = next((r for r in candidates if may_run(r.user, units)), None)
    if actor is None:
        return None
    form = survey_form_in_force()
    campaign = campaign_create(
        actor=actor.user,
        form=form,
        name=f"Khảo sát mẫu {date_from:%d/%m/%Y} – {date_to:%d/%m/%Y}",
        date_from=date_from,
        date_to=date_to,
        units=units,
        margin="10",
        seed=2026,
    )
    campaign_draw(actor=actor.user, campaign=campaign)
    campaign_send(actor=actor.user, campaign=campaign)
    questions = list(SurveyQuestion.objects.filter(section__form=form))
    moods = {u.pk: rng.uniform(0.6, 1.4) for u in units}
    answered = 0
    for invitation in campaign.invitations.order_by("pk"):
        if rng.random() >= ANSWER_SHARE:
            continue
        invitation_answer(
            token=token_of(invitation.nonce),
            answers=_sheet(questions, rng, moods[invitation.unit_id]),
            channel=SurveyChannel.KIOSK if rng.random() < 0.3 else SurveyChannel.INVITED,
        )
        answered += 1
    campaign_close(actor=actor.user, campaign=campaign)
    stdout.write(
        f"  Đợt khảo sát mẫu: {campaign.invitations.count()} lời mời, {answered} phiếu trả lời."
    )
    return campaign
