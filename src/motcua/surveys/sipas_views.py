"""Pages of SIPAS-style surveys: the public answer page (no login, limited per client), the
desk page where an officer keys in a paper sheet, and the officer's index page with its
Excel export. Thin: they parse, call one service or selector, render."""

from __future__ import annotations

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from motcua.core.client import client_address
from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.core.periods import KINDS, parse_period
from motcua.core.throttle import TooManyRequests, over_limit
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import has_role, units_of
from motcua.surveys import services
from motcua.surveys.models import Channel, QuestionKind
from motcua.surveys.selectors import (
    sample_sizes,
    survey_form_in_force,
    survey_index,
)
from motcua.surveys.xlsform import xlsform_export

ANSWERS_PER_HOUR = 10
MIN_PUBLIC_SAMPLE = 30  # a unit's index is public only from this many sheets (never from 3)
OFFICER_ROLES = [Role.REFORM_OFFICER, Role.UNIT_LEADER, Role.PROVINCE_ADMIN, Role.INSPECTOR]


class TooManyAnswers(TooManyRequests):
    default_message = "Thiết bị này đã gửi quá nhiều phiếu. Vui lòng thử lại sau."


def answer_guard(request) -> None:
    """At most ``ANSWERS_PER_HOUR`` sheets an hour from one client (cache counter)."""
    key = f"survey:answers:{client_address(request)}"
    if over_limit(key, limit=ANSWERS_PER_HOUR, window=3600):
        raise TooManyAnswers()


def _answers(post, form) -> dict:
    answers = {}
    for section in form.sections.all():
        for q in section.questions.all():
            if q.kind == QuestionKind.MULTIPLE:
                answers[q.code] = post.getlist(q.code)
            else:
                answers[q.code] = post.get(q.code, "")
    return answers


def _sheet(request, *, code: str, channel: str, units, actor=None):
    try:
        form = survey_form_in_force(code=code)
    except NotFound as error:
        return render(request, "404.html", {"message": error.message}, status=404)
    context = {"form": form, "units": units, "channel": channel, "typed": {}, "missing": []}
    if request.method == "POST":
        answers = _answers(request.POST, form)
        context["typed"] = answers
        try:
            if channel == Channel.ONLINE:
                answer_guard(request)
            unit = next((u for u in units if u.code == request.POST.get("unit")), None)
            if unit is None:
                raise InvalidInput("Vui lòng chọn cơ quan, đơn vị đã giải quyết công việc.")
            services.survey_response_record(
                form=form, unit=unit, answers=answers, channel=channel, actor=actor
            )
        except DomainError as error:
            context.update(error=error.message, missing=error.details.get("missing", []))
            context["unit"] = request.POST.get("unit", "")
            return render(request, "surveys/sipas_form.html", context, status=error.status)
        return render(request, "surveys/sipas_thanks.html", {"form": form, "channel": channel})
    return render(request, "surveys/sipas_form.html", context)


@require_http_methods(["GET", "POST"])
def answer(request, code: str):
    """Public, no login: one sheet about one unit."""
    units = list(Unit.objects.filter(valid_to__isnull=True).order_by("name"))
    return _sheet(request, code=code, channel=Channel.ONLINE, units=units)


@login_required
@require_http_methods(["GET", "POST"])
def desk(request, code: str):
    """An officer keys in a paper sheet for one of their units."""
    units = sorted(set(units_of(request.user, services.DESK_RECORDERS)), key=lambda u: u.name)
    if not units:
        return render(request, "403.html", status=403)
    return _sheet(request, code=code, channel=Channel.DESK, units=units, actor=request.user)


def _index_context(request, code: str) -> dict:
    form = survey_form_in_force(code=code)
    period = parse_period(request.GET.get("period", "year"), request.GET.get("date"))
    rows = survey_index(
        form=form,
        unit=request.GET.get("unit") or None,
        date_from=period.start,
        date_to=period.end,
        with_rates=True,
    )
    return {"form": form, "period": period, "rows": rows, "kinds": KINDS}


MARGINS = {"3": 0.03, "5": 0.05, "10": 0.10}  # ± percentage points the officer may choose


def _with_samples(request, context: dict) -> dict:
    chosen = request.GET.get("sai_so", "5")
    margin = MARGINS.get(chosen, 0.05)
    period = context["period"]
    sizes = sample_sizes(date_from=period.start, date_to=period.end, margin=margin)
    for row in context["rows"]:
        row.returned, row.needed = sizes.get(row.unit_code, (0, 0))
    context.update(margin=chosen if chosen in MARGINS else "5", margins=MARGINS)
    return context


def _xlsx(context: dict) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "Chỉ số hài lòng"
    factors = context["rows"][0].factors if context["rows"] else []
    sheet.append([f"{context['form'].name} — {context['period'].label}"])
    sheet.append(
        [
            "Mã đơn vị",
            "Đơn vị",
            "Số phiếu",
            *[f.title for f in factors],
            "Chỉ số chung",
            "Được mời",
            "Đã trả lời (mời)",
            "Tỷ lệ trả lời",
        ]
    )
    for row in context["rows"]:
        sheet.append(
            [
                row.unit_code,
                row.unit_name,
                row.responses,
                *[f.share for f in row.factors],
                row.index,
                row.invited,
                row.answered,
                row.rate,
            ]
        )
    for cells in sheet.iter_rows(min_row=3, min_col=4, max_col=4 + len(factors)):
        for cell in cells:
            cell.number_format = "0.00%"
    for (cell,) in sheet.iter_rows(min_row=3, min_col=7 + len(factors)):
        cell.number_format = "0.0%"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="chi-so-hai-long-{stamp}.xlsx"'
    return response


@login_required
@require_GET
def index(request, code: str):
    """The satisfaction index per unit and factor (officers: reform, leaders, inspectors)."""
    if not has_role(request.user, OFFICER_ROLES):
        return render(request, "403.html", status=403)
    try:
        context = _index_context(request, code)
    except DomainError as error:
        return render(request, "404.html", {"message": error.message}, status=error.status)
    if request.GET.get("xuat") == "xlsx":
        return _xlsx(context)
    return render(request, "surveys/sipas_index.html", _with_samples(request, context))


@require_GET
def public_index(request, code: str):
    """Public: each unit's index once it has ``MIN_PUBLIC_SAMPLE`` sheets in the period."""
    try:
        context = _index_context(request, code)
    except DomainError as error:
        return render(request, "404.html", {"message": error.message}, status=error.status)
    rows = context["rows"]
    context["rows"] = [r for r in rows if r.responses >= MIN_PUBLIC_SAMPLE]
    context["hidden"] = len(rows) - len(context["rows"])
    context["min_sample"] = MIN_PUBLIC_SAMPLE
    context["public"] = True
    return render(request, "surveys/sipas_index.html", context)


@login_required
@require_GET
def xlsform(request, code: str):
    """The questionnaire in force as an XLSForm, for ODK Collect / KoboToolbox (officers)."""
    if not has_role(request.user, OFFICER_ROLES):
        return render(request, "403.html", status=403)
    try:
        form = survey_form_in_force(code=code)
    except DomainError as error:
        return render(request, "404.html", {"message": error.message}, status=error.status)
    response = HttpResponse(
        xlsform_export(form),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{form.code}-v{form.version}-xlsform.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def paper(request, code: str):
    """The questionnaire in force as a paper sheet (PDF), for officers to print; its answers
    are keyed in at ``sipas_desk``."""
    if not has_role(request.user, [*OFFICER_ROLES, *services.DESK_RECORDERS]):
        return render(request, "403.html", status=403)
    try:
        form = survey_form_in_force(code=code)
    except DomainError as error:
        return render(request, "404.html", {"message": error.message}, status=error.status)
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string("surveys/sipas_paper.html", {"form": form})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{form.code}-v{form.version}.pdf"'
    return response
