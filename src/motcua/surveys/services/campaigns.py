"""Writes of survey campaigns: create, draw the sample, send the invitations, answer through
an invitation, close. Each records a ledger event in its transaction.

Anonymity: an answer through an invitation is stored as an ordinary sheet with its stratum
(campaign, unit, procedure); the invitation only learns that it was used and on which day.
No sheet points to an invitation, a dossier or a person, and the ledger event of the sheet
names neither the invitation nor the dossier."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.ledger.services import event_record
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role
from motcua.surveys import events, invite, sampling, tokens
from motcua.surveys.errors import SurveysError
from motcua.surveys.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Invitation,
    SurveyForm,
    SurveyResponse,
)
from motcua.surveys.permissions import require_run
from motcua.surveys.selectors import campaign_population, sample_size

CAMPAIGN_EDITORS = [Role.REFORM_OFFICER, Role.PROVINCE_ADMIN]
MARGIN_CHOICES = (Decimal("3"), Decimal("5"), Decimal("7"), Decimal("10"))


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, code=SurveysError.CAMPAIGN_INPUT)


def _locked(campaign: Campaign, action: str, actor) -> Campaign:
    """Lock the campaign and ask the registry whether ``action`` is allowed (409 if not)."""
    from motcua.surveys.actions import CAMPAIGN_ACTIONS

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_run(actor, campaign.units.all())
    CAMPAIGN_ACTIONS.check(campaign.status, action)
    return campaign


def _next_status(action: str, campaign: Campaign) -> str:
    from motcua.surveys.actions import CAMPAIGN_ACTIONS

    return CAMPAIGN_ACTIONS.result(action, campaign, campaign.status)


@transaction.atomic
def campaign_create(
    *,
    actor,
    form: SurveyForm,
    name: str,
    date_from: dt.date,
    date_to: dt.date,
    units: Iterable[Unit],
    margin: Any,
    seed: int | None = None,
    valid_days: int = 30,
) -> Campaign:
    """A campaign in draft: the period of return, the units surveyed, the margin (± points)."""
    require_role(actor, CAMPAIGN_EDITORS)
    name = (name or "").strip()[:255]
    units = sorted(set(units), key=lambda u: u.code)
    if units:
        require_run(actor, units)
    try:
        margin = Decimal(str(margin).replace(",", "."))
    except InvalidOperation as error:
        raise _bad("Sai số phải là một số (điểm phần trăm).") from error
    if not name:
        raise _bad("Vui lòng đặt tên cho đợt khảo sát.")
    if date_to < date_from:
        raise _bad("Ngày kết thúc kỳ phải sau ngày bắt đầu.")
    if not units:
        raise _bad("Chọn ít nhất một đơn vị được khảo sát.")
    if margin not in MARGIN_CHOICES:
        raise _bad("Sai số chỉ được chọn ±3, ±5, ±7 hoặc ±10 điểm phần trăm.")
    if not 1 <= valid_days <= 180:
        raise _bad("Liên kết mời có hiệu lực từ 1 đến 180 ngày.")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 1_000_000)
    campaign = Campaign.objects.create(
        form=form,
        name=name,
        date_from=date_from,
        date_to=date_to,
        margin=margin,
        seed=seed,
        valid_days=valid_days,
        created_at=timezone.now(),
    )
    campaign.units.set(units)
    event_record(
        subject_type=events.CAMPAIGN_SUBJECT,
        subject_id=campaign.pk,
        action=events.CAMPAIGN_CREATED,
        actor=actor,
        payload={
            "name": name,
            "form": f"{form.code} v{form.version}",
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "units": [u.code for u in units],
            "margin": str(margin),
            "seed": seed,
        },
    )
    return campaign


@transaction.atomic
def campaign_draw(*, actor, campaign: Campaign) -> int:
    """Draw the sample and create one invitation per dossier drawn; returns how many."""
    require_role(actor, CAMPAIGN_EDITORS)
    campaign = _locked(campaign, "draw", actor)
    population = campaign_population(campaign=campaign)
    codes = {key: [d.code for d in rows] for key, rows in population.items()}
    sizes: dict[str, int] = {}
    for (unit, _procedure), stratum in codes.items():
        sizes[unit] = sizes.get(unit, 0) + len(stratum)
    margin = float(campaign.margin) / 100
    sizes = {unit: sample_size(population=n, margin=margin) for unit, n in sizes.items()}
    drawn = sampling.draw(codes, sizes, campaign.seed)
    by_code = {d.code: d for stratum_rows in population.values() for d in stratum_rows}
    now = timezone.now()
    expires = now + dt.timedelta(days=campaign.valid_days)
    rows: list[Invitation] = []
    for chosen in drawn.values():
        for code in chosen:
            dossier = by_code[code]
            nonce = tokens.new_nonce()
            rows.append(
                Invitation(
                    campaign=campaign,
                    dossier=dossier,
                    unit_id=dossier.competent_unit_id,
                    procedure_id=dossier.procedure_id,
                    nonce=nonce,
                    token_hash=tokens.hash_of(tokens.token_of(nonce)),
                    expires_at=expires,
                )
            )
    Invitation.objects.bulk_create(rows)
    campaign.status = _next_status("draw", campaign)
    campaign.drawn_at = now
    campaign.save(update_fields=["status", "drawn_at"])
    event_record(
        subject_type=events.CAMPAIGN_SUBJECT,
        subject_id=campaign.pk,
        action=events.CAMPAIGN_DRAWN,
        actor=actor,
        payload={
            "seed": campaign.seed,
            "sizes": sizes,
            "population": sum(len(v) for v in codes.values()),
            "invitations": len(rows),
            "expires_at": expires.isoformat(),
        },
        at=now,
    )
    return len(rows)


@transaction.atomic
def campaign_send(*, actor, campaign: Campaign) -> int:
    """Queue an e-mail and an SMS (the portal's outbox) for every invitation not yet sent."""
    require_role(actor, CAMPAIGN_EDITORS)
    campaign = _locked(campaign, "send", actor)
    now = timezone.now()
    pending = list(
        campaign.invitations.select_for_update()
        .filter(sent_at__isnull=True, used_on__isnull=True, expires_at__gt=now)
        .select_related("dossier", "unit")
    )
    messages = 0
    for invitation in pending:
        messages += invite.send(invitation, tokens.token_of(invitation.nonce))
    Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(sent_at=now)
    event_record(
        subject_type=events.CAMPAIGN_SUBJECT,
        subject_id=campaign.pk,
        action=events.CAMPAIGN_SENT,
        actor=actor,
        payload={"invitations": len(pending), "messages": messages},
        at=now,
    )
    return len(pending)


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    require_role(actor, CAMPAIGN_EDITORS)
    campaign = _locked(campaign, "close", actor)
    campaign.status = _next_status("close", campaign)
    campaign.save(update_fields=["status"])
    event_record(
        subject_type=events.CAMPAIGN_SUBJECT,
        subject_id=campaign.pk,
        action=events.CAMPAIGN_CLOSED,
        actor=actor,
        payload={},
    )
    return campaign


def invitation_check(token: str, *, lock: bool = False) -> Invitation:
    """The invitation behind ``token`` if it may still be answered; else a clear error."""
    qs = Invitation.objects.select_related("campaign__form", "unit", "procedure")
    if lock:
        qs = qs.select_for_update()
    invitation = qs.filter(token_hash=tokens.hash_of(token)).first()
    if invitation is None:
        raise NotFound(
            "Mã mời khảo sát không đúng. Vui lòng kiểm tra lại mã in trên phiếu hoặc trong tin "
            "nhắn.",
            code=SurveysError.INVITATION_UNKNOWN,
        )
    if invitation.used_on is not None:
        raise Conflict(
            "Mã mời này đã được dùng để trả lời; mỗi lời mời chỉ trả lời một lần. Cảm ơn bạn.",
            code=SurveysError.INVITATION_USED,
        )
    if invitation.expires_at <= timezone.now() or (
        invitation.campaign.status != CampaignStatus.DRAWN
    ):
        raise Conflict(
            "Lời mời khảo sát đã hết hạn hoặc đợt khảo sát đã kết thúc.",
            code=SurveysError.INVITATION_EXPIRED,
        )
    return invitation


@transaction.atomic
def invitation_answer(
    *, token: str, answers: Mapping[str, Any], channel: str = Channel.INVITED
) -> SurveyResponse:
    """Answer once through an invitation (the link, the QR code or the desk's tablet).

    The sheet keeps the campaign, unit and procedure; the invitation keeps only the day it
    was used. Nothing joins them afterwards."""
    if channel not in (Channel.INVITED, Channel.KIOSK):
        raise InvalidInput("Kênh khảo sát không hợp lệ.", code=SurveysError.SURVEY_CHANNEL)
    from motcua.surveys.services import survey_response_record

    invitation = invitation_check(token, lock=True)
    response = survey_response_record(
        form=invitation.campaign.form,
        unit=invitation.unit,
        answers=answers,
        channel=channel,
        campaign=invitation.campaign,
        procedure=invitation.procedure,
    )
    # the day only: the exact time would let someone match the sheet by its timestamp
    Invitation.objects.filter(pk=invitation.pk).update(used_on=timezone.localdate())
    return response
