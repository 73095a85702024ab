"""Officer pages (audience: logged-in staff). Thin: parse, call one service, render."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_POST

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Procedure
from motcua.core.errors import DomainError, InvalidInput
from motcua.core.files import file_response
from motcua.core.pagination import paginate
from motcua.dossiers import selectors, services
from motcua.dossiers.actions import ACTIONS
from motcua.dossiers.errors import DossierError
from motcua.dossiers.intake_sources import (
    carried_documents,
    intake_source,
    reuse_chosen,
    shared_data_context,
)
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    ComponentCopy,
    ReturnMethod,
)
from motcua.dossiers.printed import available_forms, render_form_pdf
from motcua.dossiers.queue_markup import (
    queue_cards,
    queue_table_rows,
    queue_tabs,
    status_options,
)
from motcua.dossiers.risk import risks_for
from motcua.dossiers.schemas import ApplicantIn, ChecklistIn, IntakeTextIn, from_page, parse
from motcua.dossiers.selectors_queue import queue_rows, queue_values
from motcua.dossiers.services._base import step_unit
from motcua.dossiers.tasks import delivery_problems
from motcua.ledger.actions import label as action_label
from motcua.organization.models import ApiToken, Role, StaffRole, Unit
from motcua.organization.permissions import units_of, user_roles
from motcua.organization.services import api_token_create, api_token_revoke

QUEUES = [
    ("todo", "Cần xử lý"),
    ("due_soon", "Sắp đến hạn"),
    ("overdue", "Quá hạn"),
    ("waiting", "Chờ công dân"),
    ("done", "Đã xong"),
    ("", "Tất cả"),
]


def _bool(value: str | None) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get((value or "").lower())


@login_required
def work_queue(request):
    scope = request.GET.get("scope") if request.GET.get("scope") in ("mine", "unit") else "unit"
    queue = request.GET.get("queue", "todo")
    if queue not in dict(QUEUES):
        queue = "todo"
    filters = selectors.DossierFilters(
        scope=scope,
        queue=queue,
        q=request.GET.get("q", "").strip(),
        procedure=request.GET.get("procedure") or None,
        status=request.GET.get("status") or None,
        overdue=_bool(request.GET.get("overdue")),
        sort="risk" if request.GET.get("sort") == "risk" else "",
    )
    now = timezone.now()
    counts = selectors.queue_counts_kept(user=request.user, scope=scope, now=now)
    page = paginate(
        request,
        queue_values(selectors.dossier_list(user=request.user, filters=filters, now=now)),
        # the tab's count is the list's size unless a filter narrows it
        count=None if filters.narrowed() else counts.get(queue),
    )
    page.object_list = queue_rows(page.object_list, now=now)
    risks = risks_for([row.code for row in page.object_list], user=request.user)
    for row in page.object_list:
        row.risk = risks.get(row.code)
    tabs = [(key, label, counts.get(key)) for key, label in QUEUES]
    return render(
        request,
        "dossiers/queue.html",
        {
            "page": page,
            "filters": filters,
            # the loops of the page written in Python (dossiers.queue_markup): the same bytes
            "queue_tabs": queue_tabs(tabs, filters=filters),
            "status_options": status_options(selected=filters.status),
            "queue_cards": queue_cards(page.object_list),
            "queue_table_rows": queue_table_rows(page.object_list),
        },
    )


def _applicant_from(post) -> dict:
    return {
        "kind": post.get("applicant_kind") or ApplicantKind.PERSON,
        "name": post.get("applicant_name", ""),
        "id_number": post.get("applicant_id_number", ""),
        "phone": post.get("applicant_phone", ""),
        "email": post.get("applicant_email", ""),
        "address": post.get("applicant_address", ""),
    }


def _quantity(raw: str | None, name: str) -> int:
    try:
        quantity = int((raw or "1").strip())
    except ValueError:
        quantity = 0
    if not 1 <= quantity <= 1000:
        raise InvalidInput(
            f"Số lượng bản của «{name}» phải là số nguyên từ 1 đến 1000.",
            code=DossierError.QUANTITY_INVALID,
        )
    return quantity


def _checklist_from(request, procedure: Procedure) -> list[dict]:
    rows = []
    for component in procedure.components.all():
        key = f"c{component.pk}"
        row = {
            "component": component.pk,
            "provided": request.POST.get(f"{key}_provided") == "on",
            "copy_kind": request.POST.get(f"{key}_copy") or ComponentCopy.ORIGINAL,
            "quantity": _quantity(request.POST.get(f"{key}_qty"), component.name),
            "missing_note": request.POST.get(f"{key}_note", ""),
        }
        parse(ChecklistIn, row)
        rows.append({**row, "file": request.FILES.get(f"{key}_file")})
    return rows


_INTAKE_DONE = {
    Status.RECEIVED: "Đã tiếp nhận hồ sơ {code}.",
    Status.INTAKE_INCOMPLETE: "Đã lập phiếu hướng dẫn hoàn thiện {code}.",
    Status.INTAKE_REFUSED: "Đã lập phiếu từ chối tiếp nhận {code}.",
}


def _page_fingerprint(request) -> str:
    fields = sorted((k, v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken")
    files = sorted((k, f.name, f.size) for k, f in request.FILES.items())
    return json.dumps([fields, files], ensure_ascii=False)


def _intake_lookup(request, context, source, procedure):
    """«Tra cứu CSDL quốc gia về dân cư»: the applicant fields pre-filled from the source
    (its consent check, limit and history apply); the form is shown again, nothing received."""
    if source is None:
        context["lookup_error"] = "Chưa kết nối CSDL quốc gia về dân cư."
        return render(request, "dossiers/intake.html", context, status=400)
    try:
        found = source.lookup(
            actor=request.user,
            id_number=request.POST.get("lookup_id_number", ""),
            consent=request.POST.get("lookup_consent") == "on",
        )
    except DomainError as error:
        context["lookup_error"] = error.message
        return render(request, "dossiers/intake.html", context, status=error.status)
    person = found.get("applicant") or {}
    context["post"] = {
        "applicant_kind": ApplicantKind.PERSON,
        "applicant_name": person.get("name", ""),
        "applicant_id_number": person.get("id_number", ""),
        "applicant_address": person.get("address", ""),
    }
    context.update(shared_data_context(source, procedure, found.get("documents") or []))
    context["lookup_done"] = True
    return render(request, "dossiers/intake.html", context)


@login_required
def intake(request):
    """Choose procedure → checklist → applicant → files → receive and print the receipt."""
    desks = units_of(request.user, [Role.DESK_OFFICER])
    source = intake_source()  # look-up and reuse (docs/interop.md §9)
    code = request.GET.get("procedure") or request.POST.get("procedure")
    procedure = (
        Procedure.objects.filter(code=code).prefetch_related("components", "fees").first()
        if code
        else None
    )
    q = request.GET.get("q", "").strip()
    matches = list(catalog.procedure_search(q=q)[:20]) if q and procedure is None else []
    context = {
        "desks": desks,
        "procedure": procedure,
        "q": q,
        "matches": matches,
        "copy_kinds": ComponentCopy.choices,
        "channels": [c for c in Channel.choices if c[0] != Channel.ONLINE],
        "return_methods": ReturnMethod.choices,
        "applicant_kinds": ApplicantKind.choices,
        "post": request.POST,
        "intake_key": request.POST.get("intake_key") or uuid.uuid4().hex,
    }
    if procedure is not None:
        context["competent_units"] = Unit.objects.filter(
            kind=procedure.competent_unit_kind, valid_to__isnull=True
        ).order_by("name")
        context["fee_total"] = sum((f.amount for f in procedure.fees.all()), Decimal(0))
        documents = carried_documents(request.POST.get("lookup_documents"))
        context.update(shared_data_context(source, procedure, documents, request.POST))
        context["lookup_source"] = context["lookup_source"] and bool(desks)
    if request.method == "POST" and procedure is not None:
        outcome = request.POST.get("outcome", "receive")
        if outcome == "lookup":
            return _intake_lookup(request, context, source, procedure)
        unit = next((u for u in desks if str(u.pk) == request.POST.get("unit")), None)
        try:
            texts = parse(
                IntakeTextIn,
                {f: request.POST.get(f, "") for f in ("postal_tracking", "note", "reasons")},
            )
            common = {
                "actor": request.user,
                "procedure": procedure,
                "applicant": parse(ApplicantIn, _applicant_from(request.POST)).dict(),
                "checklist": _checklist_from(request, procedure),
                "unit": unit,
                "channel": request.POST.get("channel") or Channel.IN_PERSON,
                "postal_tracking": texts.postal_tracking,
            }

            def perform():
                if outcome == "receive":
                    competent = Unit.objects.filter(
                        pk=request.POST.get("competent_unit") or 0
                    ).first()
                    details = {
                        "competent_unit": competent,
                        "return_method": request.POST.get("return_method") or ReturnMethod.DESK,
                        "note": texts.note,
                    }
                    reuse = reuse_chosen(request.POST, context["reuse_offers"])
                    if reuse and source is not None:  # components from the document store
                        return source.receive(**common, **details, reuse=reuse)
                    return services.dossier_receive(**common, **details)
                if outcome == "request_completion":
                    return services.dossier_request_completion_at_intake(
                        **common, reasons=texts.reasons
                    )
                return services.dossier_refuse_at_intake(**common, reasons=texts.reasons)

            # the form carries a key made when it was shown: a double click is one dossier
            dossier, _ = services.dossier_intake_once(
                actor=request.user,
                idempotency_key=request.POST.get("intake_key", ""),
                fingerprint=_page_fingerprint(request),
                perform=perform,
            )
            done = _INTAKE_DONE.get(dossier.status, "Hồ sơ {code} đã được lập.")
            notify = messages.success if dossier.status == Status.RECEIVED else messages.info
            notify(request, done.format(code=dossier.code))
        except DomainError as error:
            context["error"] = error.message
            return render(request, "dossiers/intake.html", context, status=400)
        return redirect("dossiers:detail", code=dossier.code)
    return render(request, "dossiers/intake.html", context)


def _eligible(dossier, roles) -> list:
    unit = dossier.holder_unit
    ids = StaffRole.objects.filter(
        role__in=roles, unit=unit, valid_to__isnull=True, user__is_active=True
    ).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids).order_by("first_name", "username"))


def _next_step(dossier):
    if not dossier.process_id or dossier.current_step_id is None:
        return None
    return dossier.process.steps.filter(order__gt=dossier.current_step.order).first()


def _instant(value) -> dt.datetime | None:
    """An ISO time from an event payload, as an aware datetime (None if absent)."""
    if not value or not isinstance(value, str):
        return None
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _due_change(payload: dict) -> tuple | None:
    """(before, after) when the event moved the due time; None when it stayed the same."""
    if "due_before" not in payload or "due_after" not in payload:
        return None
    before, after = _instant(payload["due_before"]), _instant(payload["due_after"])
    if before is None or before == after:
        return None
    return before, after


def _earlier_steps(dossier) -> list[dict]:
    """Where "Trả về bước" can send the dossier: each earlier step, its unit and who acts."""
    if not dossier.process_id or not dossier.current_step_id:
        return []
    steps = list(dossier.process.steps.filter(order__lt=dossier.current_step.order))
    out = []
    for step in steps:
        unit = step_unit(dossier, step)
        people = _eligible_at(unit, {step.role})
        out.append(
            {
                "order": step.order,
                "name": step.name,
                "unit": unit,
                "role": Role(step.role).label,
                "people": ", ".join(u.get_full_name() or u.username for u in people[:5]),
                "default": step is steps[-1],  # the previous step
            }
        )
    return out


def _eligible_at(unit, roles) -> list:
    ids = StaffRole.objects.filter(
        role__in=roles, unit=unit, valid_to__isnull=True, user__is_active=True
    ).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids).order_by("first_name", "username"))


@login_required
def dossier_detail(request, code: str):
    dossier = selectors.dossier_get(code=code, user=request.user)
    history = list(selectors.dossier_events(dossier=dossier))
    allowed = [
        (a, ACTIONS[a].label, ACTIONS[a].files)
        for a in selectors.dossier_actions_for(dossier=dossier, user=request.user)
    ]
    step_roles = {dossier.current_step.role} if dossier.current_step_id else {Role.SPECIALIST}
    next_step = _next_step(dossier)
    context = {
        "dossier": dossier,
        "timeline": [
            {
                "event": e,
                "label": action_label(e.action),
                "p": e.payload,
                # not p.items in the template: on a dict without "items" that is dict.items
                "requested": e.payload.get("items") or [],
                "due_change": _due_change(e.payload),
                "occurred_at": _instant(e.payload.get("occurred_at")),
            }
            for e in history
        ],
        "allowed": allowed,
        "undelivered": delivery_problems(dossier.code),
        "forms": available_forms(dossier, history),
        "form_titles": dossier.rule_set.forms,
        "checklist": dossier.checklist.all(),
        "pauses": dossier.pauses.all(),
        "consultations": dossier.consultations.select_related("unit"),
        "open_consultations": dossier.consultations.filter(answered_at__isnull=True),
        "assignees": _eligible(dossier, step_roles | {Role.UNIT_LEADER}),
        "next_step": next_step,
        "next_assignees": (
            list(
                get_user_model()
                .objects.filter(
                    staff_roles__role__in={next_step.role, Role.UNIT_LEADER},
                    staff_roles__valid_to__isnull=True,
                    staff_roles__unit=(
                        next_step.unit
                        or (
                            dossier.receiving_unit
                            if next_step.role == Role.DESK_OFFICER
                            else dossier.competent_unit
                        )
                    ),
                )
                .distinct()
                .order_by("first_name")
            )
            if next_step
            else []
        ),
        "earlier_steps": _earlier_steps(dossier),
        "units": Unit.objects.filter(valid_to__isnull=True).exclude(pk=dossier.holder_unit_id)[
            :500
        ],
        "competent_units": Unit.objects.filter(
            kind=dossier.procedure.competent_unit_kind, valid_to__isnull=True
        ).order_by("name")[:500],
        "return_methods": ReturnMethod.choices,
        "now": timezone.now(),
        "today": timezone.localdate(),
    }
    return render(request, "dossiers/detail.html", context)


def _perform(request, dossier, action: str):
    """The page dispatcher: the registry's input schema, then the action's one service."""
    spec = ACTIONS[action]
    if not spec.api or spec.perform is None:
        raise InvalidInput("Thao tác không hợp lệ.")
    body = from_page(spec.input, request.POST)
    if body.version is not None:
        dossier.version = body.version
    files = {name: request.FILES.get(name) for name in spec.files}
    return spec.perform(request.user, dossier, body, files)


@login_required
@require_POST
def dossier_action(request, code: str, action: str):
    dossier = selectors.dossier_get(code=code, user=request.user)
    if action not in ACTIONS:
        messages.error(request, "Thao tác không hợp lệ.")
        return redirect("dossiers:detail", code=code)
    try:
        _perform(request, dossier, action)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thực hiện: {ACTIONS[action].label}.")
    return redirect("dossiers:detail", code=code)


@login_required
def dossier_form(request, code: str, form: str):
    dossier = selectors.dossier_get(code=code, user=request.user)
    try:
        pdf = render_form_pdf(dossier, form)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("dossiers:detail", code=code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-mau-{form}.pdf"'
    return response


@login_required
def dossier_result_file(request, code: str):
    """The result document, for the officers who may see the dossier."""
    dossier = selectors.dossier_get(code=code, user=request.user)
    return file_response(dossier.result_file)


@login_required
def dossier_checklist_file(request, code: str, item: int):
    """A digitized component of the dossier, for the officers who may see it."""
    dossier = selectors.dossier_get(code=code, user=request.user)
    return file_response(selectors.dossier_checklist_file(dossier=dossier, item=item))


@login_required
def profile(request):
    new_token = None
    if request.method == "POST":
        try:
            _, new_token = api_token_create(
                actor=request.user, user=request.user, name=request.POST.get("name", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
    return render(
        request,
        "dossiers/profile.html",
        {
            "roles": user_roles(request.user),
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Đã thu hồi mã truy cập «{token.name}».")
    return redirect("dossiers:profile")


@login_required
def stats(request):
    def day(name):
        value = parse_date(request.GET.get(name) or "")
        return value if isinstance(value, dt.date) else None

    group_by = request.GET.get("group_by") or "unit"
    if group_by not in selectors.GROUPS:
        group_by = "unit"
    today = timezone.localdate()
    date_from, date_to = day("from"), day("to")
    if date_from is None and date_to is None:  # what a leader means: the year so far
        date_from, date_to = today.replace(month=1, day=1), today
    filters = selectors.StatsFilters(
        unit=request.GET.get("unit") or None,
        field=request.GET.get("field") or None,
        procedure=request.GET.get("procedure") or None,
        date_from=date_from,
        date_to=date_to,
    )
    try:
        rows = selectors.dossier_stats(filters=filters, group_by=group_by)
        total = selectors.dossier_stats(filters=filters)[0]
    except DomainError as error:
        messages.error(request, error.message)
        rows, total = [], None
    if request.GET.get("xuat") == "xlsx":
        return _stats_workbook(rows, total, group_by, date_from, date_to)
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    last_year = today.year - 1
    return render(
        request,
        "dossiers/stats.html",
        {
            "rows": rows,
            "total": total,
            "group_by": group_by,
            "groups": selectors.GROUP_LABELS,
            "as_of": selectors.stats_as_of(filters=filters),
            "date_from": date_from,
            "date_to": date_to,
            "unit_choices": Unit.objects.filter(valid_to__isnull=True).order_by("name")[:1000],
            "quick": [
                ("Từ đầu năm", today.replace(month=1, day=1), today),
                ("Quý này", quarter_start, today),
                ("Tháng này", today.replace(day=1), today),
                ("Năm trước", dt.date(last_year, 1, 1), dt.date(last_year, 12, 31)),
            ],
        },
    )


_STATS_COLUMNS = (
    ("received", "Tiếp nhận"),
    ("resolved_early", "Trước hạn"),
    ("resolved_on_time", "Đúng hạn"),
    ("resolved_late", "Quá hạn"),
    ("in_progress_within", "Đang giải quyết trong hạn"),
    ("in_progress_overdue", "Đang giải quyết quá hạn"),
    ("paused", "Tạm dừng"),
    ("withdrawn", "Rút"),
    ("refused", "Từ chối"),
    ("online", "Trực tuyến"),
)


def _stats_workbook(rows, total, group_by, date_from, date_to) -> HttpResponse:
    """The statistics table as an Excel workbook (the same rows and totals as the page)."""
    import io

    from openpyxl import Workbook

    from motcua.core.formats import vn_date

    book = Workbook()
    sheet = book.active
    sheet.title = "Thống kê"
    sheet.append(
        [f"Thống kê tình hình giải quyết hồ sơ từ {vn_date(date_from)} đến {vn_date(date_to)}"]
    )
    header = [selectors.GROUP_LABELS.get(group_by, "Nhóm")] + [label for _, label in _STATS_COLUMNS]
    sheet.append([*header, "Tỷ lệ đúng hạn (%)"])

    def line(label, row):
        share = round(row["on_time_share"] * 100, 1) if row.get("resolved") else "—"
        return [label, *[row.get(key) or 0 for key, _ in _STATS_COLUMNS], share]

    for row in rows:
        sheet.append(line(row["label"], row))
    if total:
        sheet.append(line("Tổng", total))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="thong-ke-ho-so.xlsx"'
    return response
