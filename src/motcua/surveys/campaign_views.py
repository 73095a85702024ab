"""Pages of survey campaigns: the reform officer's list, creation and campaign page (sample
sizes explained, draw, send, close, response rates); the public pages answered through an
invitation — the link or QR code (no login) and the desk's tablet (kiosk: 800×1280, no
login, one answer per invitation, limited per device). Thin: parse, call, render."""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from motcua.core.client import client_address
from motcua.core.errors import DomainError, InvalidInput
from motcua.core.parsing import parse_date
from motcua.core.throttle import TooManyRequests, over_limit
from motcua.organization.models import Unit
from motcua.organization.permissions import has_role
from motcua.surveys import services, tokens
from motcua.surveys.actions import CAMPAIGN_ACTIONS
from motcua.surveys.invite import link
from motcua.surveys.models import Campaign, Channel
from motcua.surveys.permissions import may_run
from motcua.surveys.qr import qr_svg
from motcua.surveys.selectors import (
    campaign_get,
    campaign_plan,
    response_rates,
    survey_form_in_force,
)
from motcua.surveys.services.campaigns import (
    CAMPAIGN_EDITORS,
    MARGIN_CHOICES,
    invitation_check,
)
from motcua.surveys.sipas_views import _answers

TRIES_PER_HOUR = 30  # codes tried or sheets sent from one client address
DEVICE_TRIES_PER_HOUR = 20  # … and from one tablet (its signed cookie)
DEVICE_COOKIE = "motcua_kiosk"


class TooManyTries(TooManyRequests):
    default_message = "Thiết bị này đã thử quá nhiều lần. Vui lòng thử lại sau ít phút."


def _device(request) -> str:
    try:
        return signing.loads(request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_COOKIE)
    except signing.BadSignature:
        return ""


def guard(request, *, device: str = "") -> None:
    """Every public try (a code looked up, a sheet sent) counts per address and per device."""
    if over_limit(f"survey:invite:{client_address(request)}", limit=TRIES_PER_HOUR, window=3600):
        raise TooManyTries()
    if device and over_limit(f"survey:kiosk:{device}", limit=DEVICE_TRIES_PER_HOUR, window=3600):
        raise TooManyTries()


# --- the reform officer's pages ------------------------------------------------------------


def _editor(request) -> bool:
    return has_role(request.user, CAMPAIGN_EDITORS)


def _form_or_none():
    try:
        return survey_form_in_force()
    except DomainError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request):
    if not _editor(request):
        return render(request, "403.html", status=403)
    units = list(Unit.objects.filter(valid_to__isnull=True).order_by("name"))
    context = {
        "campaigns": [
            c
            for c in Campaign.objects.prefetch_related("units")[:50]
            if may_run(request.user, c.units.all())
        ],
        "units": units,
        "margins": MARGIN_CHOICES,
        "form": _form_or_none(),
    }
    if request.method == "POST":
        post = request.POST
        context["typed"] = post
        try:
            date_from, date_to = parse_date(post.get("from")), parse_date(post.get("to"))
            if date_from is None or date_to is None:
                raise InvalidInput("Nhập ngày bắt đầu và kết thúc của kỳ (dd/mm/yyyy).")
            seed = post.get("seed", "").strip()
            if seed and not seed.isdigit():
                raise InvalidInput("Số gieo ngẫu nhiên phải là số nguyên dương.")
            chosen = set(post.getlist("units"))
            if context["form"] is None:
                raise InvalidInput("Chưa có phiếu khảo sát đang áp dụng.")
            campaign = services.campaign_create(
                actor=request.user,
                form=context["form"],
                name=post.get("name", ""),
                date_from=date_from,
                date_to=date_to,
                units=[u for u in units if u.code in chosen],
                margin=post.get("margin", ""),
                seed=int(seed[:9]) if seed else None,
            )
        except DomainError as error:
            context["error"] = error.message
            return render(request, "surveys/campaigns.html", context, status=error.status)
        return redirect("surveys:campaign", pk=campaign.pk)
    return render(request, "surveys/campaigns.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign(request, pk: int):
    if not _editor(request):
        return render(request, "403.html", status=403)
    try:
        item = campaign_get(request.user, pk=pk)
    except DomainError as error:
        template = "404.html" if error.status == 404 else "403.html"
        return render(request, template, {"message": error.message}, status=error.status)
    context: dict = {"campaign": item}
    if request.method == "POST":
        code = request.POST.get("do", "")
        try:
            if code not in CAMPAIGN_ACTIONS:
                raise InvalidInput("Thao tác không hợp lệ.")
            CAMPAIGN_ACTIONS[code].perform(request.user, item, None, None)
        except DomainError as error:
            context["error"] = error.message
        else:
            return redirect("surveys:campaign", pk=item.pk)
        item.refresh_from_db()
    context.update(
        actions=[CAMPAIGN_ACTIONS[c] for c in CAMPAIGN_ACTIONS.allowed(item.status)],
        plan=campaign_plan(campaign=item),
        rates=response_rates(campaigns=[item]),
        margin_fraction=f"{item.margin / 100:.2f}".replace(".", ","),
    )
    return render(
        request, "surveys/campaign.html", context, status=400 if "error" in context else 200
    )


# --- answering through an invitation (public, no login) ------------------------------------


def _answer(request, *, token: str, channel: str, template: str, extra: dict):
    """Check the invitation, show the sheet; on POST record it once. Missing answers come
    back with a Vietnamese message and everything typed kept."""
    context = {**extra, "typed": {}, "missing": [], "token": token}
    try:
        guard(request, device=extra.get("device", ""))
        invitation = invitation_check(token)
    except DomainError as error:
        context["error"] = error.message
        return render(request, template, {**context, "blocked": True}, status=error.status)
    form = invitation.campaign.form
    context.update(form=form, unit=invitation.unit, procedure=invitation.procedure)
    if request.method == "POST" and request.POST.get("step") == "answers":
        answers = _answers(request.POST, form)
        context["typed"] = answers
        try:
            services.invitation_answer(token=token, answers=answers, channel=channel)
        except DomainError as error:
            context.update(error=error.message, missing=error.details.get("missing", []))
            return render(request, template, context, status=error.status)
        return render(request, template, {**extra, "done": True})
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """The one-time link of an e-mail, SMS or the QR code on the slip."""
    return _answer(
        request,
        token=tokens.normalize(token),
        channel=Channel.INVITED,
        template="surveys/invitation.html",
        extra={},
    )


@require_http_methods(["GET"])
def invitation_start(request):
    """Type the code printed on the slip (for a phone that scanned the kiosk's QR code)."""
    typed = tokens.normalize(request.GET.get("ma", ""))
    if typed:
        return redirect("surveys:invitation", token=typed)
    return render(request, "surveys/invitation_start.html")


@require_http_methods(["GET", "POST"])
def kiosk(request):
    """The desk's tablet: type the code of the slip, answer, thank you, back to the start."""
    device = _device(request)
    start_url = request.build_absolute_uri(reverse("surveys:invitation_start"))
    extra = {"device": device, "kiosk_qr": qr_svg(start_url, scale=4), "start_url": start_url}
    token = tokens.normalize(request.POST.get("ma", "")) if request.method == "POST" else ""
    if token:
        response = _answer(
            request, token=token, channel=Channel.KIOSK, template="surveys/kiosk.html", extra=extra
        )
    else:
        response = render(request, "surveys/kiosk.html", extra)
    if not device:
        value = signing.dumps(secrets.token_hex(12), salt=DEVICE_COOKIE)
        response.set_cookie(
            DEVICE_COOKIE, value, max_age=5 * 365 * 86400, httponly=True, samesite="Lax"
        )
    return response


def slip_qr(dossier) -> str:
    """The QR code and code for the dossier's open invitation, for its printed slip (form
    01, registered with the dossiers' printed forms); empty when it has none."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from motcua.surveys.models import CampaignStatus, Invitation

    invitation = (
        Invitation.objects.filter(
            dossier=dossier,
            used_on__isnull=True,
            expires_at__gt=timezone.now(),
            campaign__status=CampaignStatus.DRAWN,
        )
        .order_by("-id")
        .first()
    )
    if invitation is None:
        return ""
    token = tokens.token_of(invitation.nonce)
    url = link(token)
    return render_to_string(
        "surveys/slip_qr.html",
        {"qr": qr_svg(url, scale=2), "code": tokens.grouped(token), "url": url},
    )
