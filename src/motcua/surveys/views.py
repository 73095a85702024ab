"""Public rating pages: find the returned dossier (code + 4 phone digits), answer the
questionnaire, thank you; and the per-unit results."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.client import client_address
from motcua.core.errors import DomainError
from motcua.core.periods import KINDS, parse_period
from motcua.core.throttle import lookup_guard, without_digits
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.lookup import LookupForm, dossier_for_applicant
from motcua.dossiers.models import Dossier
from motcua.surveys import selectors, services
from motcua.surveys.models import Overall

SESSION_KEY = "motcua_rating_codes"


@require_http_methods(["GET", "POST"])
def start(request):
    if request.method == "GET" and (response := without_digits(request)) is not None:
        return response
    form = LookupForm(request.POST or None, initial={"code": request.GET.get("ma", "")})
    if request.method == "POST" and form.is_valid():
        try:
            with lookup_guard(subject=form.cleaned_data["code"], client=client_address(request)):
                dossier = dossier_for_applicant(
                    code=form.cleaned_data["code"], phone4=form.cleaned_data["phone4"]
                )
        except DomainError as error:
            return render(
                request,
                "surveys/start.html",
                {"form": form, "error": error.message},
                status=error.status,
            )
        codes = request.session.get(SESSION_KEY, [])
        request.session[SESSION_KEY] = [*codes[-19:], dossier.code]
        return redirect("surveys:rate", code=dossier.code)
    return render(request, "surveys/start.html", {"form": form})


@require_http_methods(["GET", "POST"])
def rate(request, code):
    if code not in request.session.get(SESSION_KEY, []):
        return redirect(reverse("surveys:start") + f"?ma={code}")
    dossier = get_object_or_404(
        Dossier.objects.select_related("procedure", "competent_unit"), code=code
    )
    existing = selectors.rating_of(dossier=dossier)
    context = {"dossier": dossier, "existing": existing, "overall_choices": Overall.choices}
    if existing is None and dossier.status == Status.RETURNED:
        questionnaire = selectors.questionnaire_in_force(
            on=timezone.localtime(dossier.returned_at).date()
        )
        context["questionnaire"] = questionnaire
        context["indicators"] = list(questionnaire.indicators.all())
    if request.method == "POST" and existing is None:
        answers = {
            key.removeprefix("chi-so-"): value
            for key, value in request.POST.items()
            if key.startswith("chi-so-")
        }
        context["posted"] = answers
        context["posted_overall"] = request.POST.get("overall", "")
        try:
            services.rating_submit(
                dossier=dossier,
                overall=request.POST.get("overall", ""),
                answers=answers,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as error:
            context["error"] = error.message
            return render(request, "surveys/rate.html", context, status=error.status)
        return redirect("surveys:thanks", code=code)
    return render(request, "surveys/rate.html", context)


@require_GET
def thanks(request, code):
    if code not in request.session.get(SESSION_KEY, []):
        return redirect("surveys:start")
    dossier = get_object_or_404(Dossier, code=code)
    return render(
        request,
        "surveys/thanks.html",
        {"dossier": dossier, "rating": selectors.rating_of(dossier=dossier)},
    )


@require_GET
def results(request):
    kind = request.GET.get("period") if request.GET.get("period") in KINDS else "year"
    try:
        period = parse_period(kind, request.GET.get("date") or None)
    except DomainError:
        period = parse_period(kind)
    args = {"date_from": period.start, "date_to": period.end}
    return render(
        request,
        "surveys/results.html",
        {
            "period": period,
            "kinds": KINDS,
            "rows": selectors.satisfaction(**args, group_by="unit"),
            "total": selectors.satisfaction(**args)[0],
            "questionnaire": selectors.questionnaire_in_force(on=period.end),
        },
    )
