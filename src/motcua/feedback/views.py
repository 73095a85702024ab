"""Feedback pages. Public: send, receipt, track by code, answered feedback. Officers: queue,
desk intake, the item with its timeline and the buttons of the allowed-actions table, printed
forms, statistics. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from motcua.catalog.models import Field, Procedure
from motcua.core.client import client_address
from motcua.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from motcua.core.files import file_response
from motcua.core.pagination import paginate
from motcua.core.throttle import failures_counted, lookup_limits, without_digits
from motcua.feedback import actions, pdf, routing, selectors, services, stats
from motcua.feedback.errors import FeedbackError
from motcua.feedback.forms import FeedbackForm, OfficeFeedbackForm, TrackForm
from motcua.feedback.models import Channel
from motcua.organization.models import Unit
from motcua.organization.permissions import has_role, units_of
from motcua.organization.selectors import unit_subtree_ids

SESSION_CODES = "feedback_codes"
QUEUE_VIEWS = [
    ("", "Tất cả đang mở"),
    ("classify", "Chờ phân loại"),
    ("due_soon", "Sắp đến hạn"),
    ("overdue", "Quá hạn"),
]


def _procedure(code: str):
    if not code:
        return None
    procedure = Procedure.objects.select_related("field").filter(code=code.strip()).first()
    if procedure is None:
        raise InvalidInput(
            "Không tìm thấy thủ tục với mã đã nhập.", code=FeedbackError.PROCEDURE_NOT_FOUND
        )
    return procedure


def _submit_values(form) -> dict:
    d = form.cleaned_data
    return {
        "title": d["title"],
        "content": d["content"],
        "field": d["field"],
        "procedure": _procedure(d["procedure_code"]),
        "subject_unit": d["subject_unit"],
        "place_address": d["place_address"],
        "lat": d["lat"],
        "lon": d["lon"],
        "sender_name": d["sender_name"],
        "sender_phone": d["sender_phone"],
        "sender_address": d["sender_address"],
        "sender_email": d["sender_email"],
        "is_public": d["is_public"],
        "show_name": d["show_name"],
        "files": d["files"],
    }


# ------------------------------------------------------------------ public pages


def public_list(request):
    """Answered feedback (public ones only), searchable without diacritics."""
    query = request.GET.get("q", "")
    page = paginate(request, selectors.public_search(query))
    rows = [(item, selectors.public_sender(item)) for item in page]
    return render(request, "feedback/public_list.html", {"page": page, "rows": rows, "q": query})


def public_detail(request, code: str):
    item = selectors.public_items().filter(code=code.upper()).first()
    if item is None:
        raise NotFound(
            "Không có phản ánh công khai với mã này.", code=FeedbackError.FEEDBACK_NOT_FOUND
        )
    return render(
        request,
        "feedback/public_detail.html",
        {
            "item": item,
            "sender": selectors.public_sender(item),
            "answer": selectors.final_answer(item),
        },
    )


def submit(request):
    user = request.user if request.user.is_authenticated else None
    initial = {}
    if user is not None:
        initial = {"sender_name": user.get_full_name(), "sender_email": user.email}
    form = FeedbackForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.feedback_submit(
                actor=user,
                channel=Channel.PORTAL,
                client=client_address(request),
                **_submit_values(form),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            request.session[SESSION_CODES] = [*request.session.get(SESSION_CODES, []), item.code][
                -20:
            ]
            return redirect("feedback:receipt", code=item.code)
    return render(request, "feedback/submit.html", {"form": form})


def receipt(request, code: str):
    item = selectors.by_code(code)
    if item.code not in request.session.get(SESSION_CODES, []) and not services.is_sender(
        item, request.user
    ):
        raise NotFound("Không tìm thấy biên nhận.", code=FeedbackError.RECEIPT_NOT_FOUND)
    return render(request, "feedback/receipt.html", {"item": item})


def _guard(request, code: str):
    """A counted look-up by code (the project's guard: failed tries per client and code)."""
    return failures_counted(
        scope="feedback",
        client=client_address(request),
        subject=(code or "").strip().upper(),
        limits=lookup_limits(),
    )


def _track_context(request, code: str, phone4: str) -> dict:
    asked = selectors.by_code(code)
    verified = services.is_sender(asked, request.user, phone4)
    if phone4 and not verified:
        raise PermissionDenied(
            "Mã phản ánh hoặc 4 số cuối điện thoại không đúng.", code=FeedbackError.TRACK_MISMATCH
        )
    item = selectors.followed(asked)
    return {
        "asked": asked,
        "item": item,
        "verified": verified,
        "phone4": phone4,
        "steps": selectors.timeline(item, public=True),
        "answer": selectors.final_answer(item) if (item.is_public or verified) else None,
        "sender_actions": [
            (a, actions.form_fields(a))
            for a in selectors.allowed_actions(asked, request.user, phone4)
            if a.for_sender
        ],
    }


def track(request):
    """By code alone: the status and public steps; with the phone digits (sent by POST, never
    in the URL) or the sender's login: the private answer and the sender's actions."""
    if request.method == "GET" and (response := without_digits(request)) is not None:
        return response
    data = request.POST if request.method == "POST" else request.GET
    form = TrackForm(data or None)
    context = {"form": form, "RATINGS": actions.RATING_CHOICES}
    if data and form.is_valid():
        code = form.cleaned_data["code"]
        with _guard(request, code):
            context.update(_track_context(request, code, form.cleaned_data["phone4"]))
    return render(request, "feedback/track.html", context)


@require_POST
def sender_action(request, code: str, action: str):
    row = actions.get(action)
    if not row.for_sender:
        raise PermissionDenied("Thao tác này dành cho cán bộ.", code=FeedbackError.OFFICER_ACTION)
    data = _action_data(request, row)
    with _guard(request, code):
        item = selectors.by_code(code)
        try:
            services.feedback_perform(feedback=item, action=action, actor=request.user, data=data)
        except DomainError as error:
            if isinstance(error, PermissionDenied | NotFound):
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã ghi nhận: {row.label}.")
        phone4 = data.get("phone4", "")
        context = _track_context(request, item.code, phone4)
    form = TrackForm(initial={"code": item.code, "phone4": phone4})
    return render(
        request,
        "feedback/track.html",
        {"form": form, "RATINGS": actions.RATING_CHOICES, **context},
    )


def _action_data(request, row: actions.Action) -> dict:
    data = {}
    for f in actions.form_fields(row):
        value = request.POST.get(f["name"])
        if f["widget"] == "checkbox":
            data[f["name"]] = value in ("on", "1", "true")
        elif value not in (None, ""):
            data[f["name"]] = value
    return data


# ------------------------------------------------------------------ the sender's own items

CITIZEN_LOGIN = "portal:citizen_login"  # the portal's citizen log-in page (by URL name)


@login_required(login_url=CITIZEN_LOGIN)
def mine(request):
    """«Phản ánh của tôi»: the logged-in person's own feedback, as cards (phones first)."""
    page = paginate(request, selectors.citizen_items(request.user))
    return render(request, "feedback/mine.html", {"page": page, "now": timezone.now()})


@login_required(login_url=CITIZEN_LOGIN)
def my_detail(request, code: str):
    item = selectors.citizen_item(request.user, code)
    context = _track_context(request, item.code, "")
    return render(
        request, "feedback/my_detail.html", {"RATINGS": actions.RATING_CHOICES, **context}
    )


# ------------------------------------------------------------------ officer pages


@login_required
def queue(request):
    scope = request.GET.get("scope", "unit")
    view = request.GET.get("view", "")
    items = selectors.officer_queue(request.user, scope=scope, view=view)
    return render(
        request,
        "feedback/queue.html",
        {
            "page": paginate(request, items),
            "scope": scope,
            "view": view,
            "VIEWS": QUEUE_VIEWS,
            "now": timezone.now(),
        },
    )


@login_required
def office_intake(request):
    units = units_of(request.user, actions.OFFICERS)
    form = OfficeFeedbackForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.feedback_submit(
                actor=request.user,
                channel=form.cleaned_data["channel"],
                receiving_unit=form.cleaned_data["receiving_unit"],
                **_submit_values(form),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Đã tiếp nhận phản ánh {item.code}.")
            return redirect("feedback:officer_detail", code=item.code)
    return render(request, "feedback/office_intake.html", {"form": form})


def _transfer_units(item):
    today = timezone.localdate()
    return (
        Unit.objects.exclude(pk=item.current_unit_id).exclude(valid_to__lt=today).order_by("name")
    )


def _classification_choices(buttons) -> dict:
    """The lists of the «correct the classification» form, when that button is shown."""
    if not any(a.code == "reclassify" for a, _ in buttons):
        return {}
    today = timezone.localdate()
    return {
        "fields_all": Field.objects.order_by("name"),
        "units_all": Unit.objects.exclude(valid_to__lt=today).order_by("name"),
    }


@login_required
def officer_detail(request, code: str):
    item = selectors.officer_item(request.user, code)
    buttons = [
        (a, actions.form_fields(a))
        for a in selectors.allowed_actions(item, request.user)
        if not a.for_sender
    ]
    suggestion = routing.suggest(item) if any(a.code == "transfer" for a, _ in buttons) else None
    first_unit = suggestion["units"][0][0].pk if suggestion and suggestion["units"] else None
    return render(
        request,
        "feedback/officer_detail.html",
        {
            "item": item,
            "buttons": buttons,
            "suggestion": suggestion,
            "suggested_unit_id": first_unit,
            "steps": selectors.timeline(item),
            "rounds": item.rounds.select_related("unit").all(),
            "transfers": item.transfers.select_related("from_unit", "to_unit").all(),
            "units": _transfer_units(item) if buttons else [],
            **_classification_choices(buttons),
            "now": timezone.now(),
            "lateness": selectors.lateness(item),
        },
    )


@login_required
@require_POST
def officer_action(request, code: str, action: str):
    item = selectors.officer_item(request.user, code)
    row = actions.get(action)
    try:
        services.feedback_perform(
            feedback=item, action=action, actor=request.user, data=_action_data(request, row)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thực hiện: {row.label}.")
    return redirect("feedback:officer_detail", code=item.code)


@login_required
def attachment(request, code: str, pk: int):
    item = selectors.officer_item(request.user, code)
    one = item.attachments.filter(pk=pk).first()
    if one is None:
        raise NotFound("Không tìm thấy tệp.", code=FeedbackError.FILE_NOT_FOUND)
    return file_response(one.file, name=one.name)


def _pdf(html: str, name: str) -> HttpResponse:
    response = HttpResponse(pdf.to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def transfer_letter(request, code: str, pk: int):
    item = selectors.officer_item(request.user, code)
    return _pdf(pdf.transfer_letter_html(item, pk), f"chuyen-{item.code}.pdf")


@login_required
def answer_pdf(request, code: str, number: int):
    item = selectors.officer_item(request.user, code)
    return _pdf(pdf.answer_html(item, number), f"tra-loi-{item.code}-{number}.pdf")


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = parse_date(request.GET.get("tu", "") or "") or today.replace(month=1, day=1)
    end = parse_date(request.GET.get("den", "") or "") or today
    return start, end


@login_required
def statistics(request):
    if not has_role(request.user, selectors.READERS):
        raise PermissionDenied("Chỉ cán bộ xem được thống kê này.")
    start, end = _period(request)
    by = request.GET.get("theo", "unit")
    unit_ids = None
    if not request.user.is_superuser and not has_role(
        request.user, ("inspector", "province_admin")
    ):
        unit_ids = unit_subtree_ids([u.pk for u in units_of(request.user, selectors.READERS)])
    data = stats.feedback_stats(start=start, end=end, by=by, unit_ids=unit_ids)
    if request.GET.get("xuat") == "xlsx":
        response = HttpResponse(
            stats.stats_excel(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="thong-ke-phan-anh.xlsx"'
        return response
    return render(request, "feedback/stats.html", {"s": data, "columns": stats.COLUMNS})


def public_statistics(request):
    """Per unit, for everyone: answers on time, the handling rate, satisfaction (no names)."""
    start, end = _period(request)
    data = stats.feedback_stats(start=start, end=end, by="unit")
    return render(request, "feedback/public_stats.html", {"s": data})
