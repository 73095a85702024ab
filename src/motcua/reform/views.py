"""Reform pages (officers): index tree, plan board, unit accountability, task, import."""

from __future__ import annotations

import functools
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.core.files import file_response
from motcua.core.pagination import paginate
from motcua.ledger.actions import label as action_label
from motcua.organization.models import Unit
from motcua.reform import exports, selectors, services
from motcua.reform.forms import PlanUploadForm, ProgressForm, StatusForm
from motcua.reform.models import DeadlineKind, Node, NodeLevel, Plan, TaskStatus


def staff_required(view):
    """Signed in (else the login page) and on the province's staff (else 403): the reform
    area is internal. The same rule as the API (``selectors.require_staff``)."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        selectors.require_staff(request.user)
        return view(request, *args, **kwargs)

    return wrapper


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@staff_required
def overview(request):
    cards = []
    for index in selectors.index_list(request.user):
        latest = index.results.order_by("-year").first()
        cards.append({"index": index, "latest": latest})
    return render(
        request,
        "reform/overview.html",
        {
            "cards": cards,
            "plans": selectors.plan_list(request.user)[:10],
            "can_manage": services.can_manage(request.user),
        },
    )


@staff_required
def index_detail(request, code):
    index = selectors.index_get(request.user, code)
    year = request.GET.get("nam")
    year = int(year) if year and year.isdigit() else None
    view = selectors.index_tree(request.user, index=index, year=year)
    return render(
        request,
        "reform/index_detail.html",
        {
            "view": view,
            "years": selectors.result_years(request.user, index),
            "chart": selectors.area_chart(view),
            "trend": selectors.index_trend(request.user, index),
            "history": selectors.results_history(request.user, index),
            "areas": [r for r in view.rows if r.node.level == NodeLevel.AREA],
            "can_manage": services.can_manage(request.user),
        },
    )


@staff_required
def result_form(request, code):
    index = selectors.index_get(request.user, code)
    year = request.POST.get("year") or request.GET.get("nam") or ""
    framework = selectors.framework_for(request.user, index, int(year)) if year.isdigit() else None
    framework = framework or index.frameworks.order_by("-year").first()
    nodes = list(framework.nodes.order_by("order")) if framework else []
    error = None
    if request.method == "POST" and request.FILES.get("workbook"):
        try:
            results = services.result_import(
                actor=request.user, data=request.FILES["workbook"].read()
            )
        except DomainError as err:
            error = err.message
        else:
            result = results[-1]
            years = ", ".join(str(r.year) for r in results)
            messages.success(request, f"Đã nhập kết quả {result.index.short_name} năm {years}.")
            return redirect(reverse("reform:index", args=[index.code]) + f"?nam={result.year}")
    elif request.method == "POST":
        scores = {n.code: request.POST.get(f"score_{n.code}", "") for n in nodes}
        national = {
            n.code: request.POST[f"avg_{n.code}"]
            for n in nodes
            if request.POST.get(f"avg_{n.code}")
        }
        try:
            services.result_record(
                actor=request.user,
                index_code=index.code,
                year=int(year) if year.isdigit() else 0,
                scores={k: v for k, v in scores.items() if v.strip()},
                national=national,
                total=request.POST.get("total") or None,
                rank=int(request.POST["rank"]) if request.POST.get("rank", "").isdigit() else None,
                rank_of=int(request.POST["rank_of"])
                if request.POST.get("rank_of", "").isdigit()
                else None,
                national_average=request.POST.get("national_average") or None,
                source=request.POST.get("source", ""),
            )
        except DomainError as err:
            error = err.message
        else:
            messages.success(request, f"Đã ghi kết quả {index.short_name} năm {year}.")
            return redirect(reverse("reform:index", args=[index.code]) + f"?nam={year}")
    return render(
        request,
        "reform/result_form.html",
        {"index": index, "framework": framework, "nodes": nodes, "year": year, "error": error,
         "post": request.POST},
    )  # fmt: skip


@staff_required
def result_template(request, code):
    index = selectors.index_get(request.user, code)
    year = request.GET.get("nam", "")
    year = int(year) if year.isdigit() else timezone.localdate().year - 1
    framework = selectors.framework_for(request.user, index, year)
    if framework is None:
        raise Http404("Chỉ số chưa có bộ tiêu chí.")
    from motcua.reform.results_excel import result_template as build

    response = HttpResponse(build(framework=framework, year=year), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{index.code}-{year}.xlsx"'
    return response


def _board_filters(request) -> dict:
    g = request.GET
    state = g.get("tinh_trang", "")
    unit = Unit.objects.filter(code=g.get("don_vi")).first() if g.get("don_vi") else None
    return {
        "plan": int(g["ke_hoach"]) if g.get("ke_hoach", "").isdigit() else None,
        "status": g.get("trang_thai") if g.get("trang_thai") in TaskStatus.values else None,
        "unit": unit,
        "role": "lead" if unit is not None else None,
        "index": g.get("chi_so") or None,
        "deadline_kind": g.get("loai_han") if g.get("loai_han") in DeadlineKind.values else None,
        "overdue": True if state == "qua_han" else None,
        "due_soon": state == "sap_den_han",
        "q": g.get("q", "").strip() or None,
        "order": "deadline" if g.get("sap_xep") == "han" else "plan",
        "node": Node.objects.filter(pk=g["tieu_chi"]).first()
        if g.get("tieu_chi", "").isdigit()
        else None,
    }


@staff_required
def board(request):
    filters = _board_filters(request)
    today = timezone.localdate()
    tasks = selectors.task_list(request.user, **filters, today=today)
    page = paginate(request, tasks)
    context = {
        "page": page,
        "today": today,
        "counts": selectors.task_status_counts(tasks, today=today),
        "by_unit": selectors.task_counts_by_lead_unit(tasks, today=today),
        "f": request.GET,
        "plans": Plan.objects.order_by("-issued_on"),
        "units": Unit.objects.filter(reform_tasks_led__isnull=False).distinct().order_by("name"),
        "indices": selectors.index_list(request.user),
        "statuses": TaskStatus.choices,
        "deadline_kinds": DeadlineKind.choices,
        "selected_plan": Plan.objects.filter(pk=filters["plan"]).first()
        if filters["plan"]
        else None,
    }
    template = (
        "reform/_board_results.html" if request.headers.get("HX-Request") else "reform/board.html"
    )
    return render(request, template, context)


@staff_required
def evidence_file(request, pk: int):
    """An evidence file of a progress report, for the province's staff only."""
    evidence = selectors.evidence_for(request.user, pk)
    return file_response(evidence.file, name=evidence.name)


@staff_required
def task_detail(request, pk):
    task = selectors.task_detail(request.user, pk)
    can_report = services.can_report(request.user, task)
    form = ProgressForm(request.POST or None, request.FILES or None) if can_report else None
    status_form = StatusForm() if services.can_manage(request.user) else None
    if request.method == "POST" and request.POST.get("action") == "status" and status_form:
        status_form = StatusForm(request.POST)
        if status_form.is_valid():
            try:
                services.task_change_status(
                    actor=request.user, task=task, status=status_form.cleaned_data["status"],
                    reason=status_form.cleaned_data["reason"],
                )  # fmt: skip
            except DomainError as err:
                messages.error(request, err.message)
            else:
                messages.success(request, "Đã đổi trạng thái nhiệm vụ.")
            return redirect("reform:task", pk=task.pk)
    elif request.method == "POST" and form is not None and form.is_valid():
        try:
            services.task_report_progress(
                actor=request.user,
                task=task,
                text=form.cleaned_data["text"],
                percent=form.cleaned_data["percent"],
                files=form.cleaned_data["evidence"],
            )
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, "Đã ghi nhận báo cáo tiến độ.")
            return redirect("reform:task", pk=task.pk)
    elif request.method == "POST" and form is None:
        messages.error(request, "Bạn không có quyền báo cáo tiến độ nhiệm vụ này.")
    today = timezone.localdate()
    return render(
        request,
        "reform/task_detail.html",
        {
            "task": task,
            "today": today,
            "overdue": task.is_overdue(today),
            "due_soon": task.is_due_soon(today, selectors.due_soon_days()),
            "nodes": selectors.node_points_lost(request.user, task.nodes.all()),
            "history": [
                (e, action_label(e.action)) for e in selectors.task_history(request.user, task)
            ],
            "form": form,
            "status_form": status_form,
        },
    )


@staff_required
def unit_page(request, code):
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404("Không có đơn vị này.")
    data = selectors.unit_accountability(request.user, unit=unit)
    data["led_page"] = paginate(request, data["led"])
    data["supported_count"] = data["supported"].count()
    data["supported_list"] = data["supported"][:50]
    data["today"] = timezone.localdate()
    from motcua.reform.accountability import unit_head

    data["head"] = unit_head(unit)
    return render(request, "reform/unit.html", data)


@staff_required
def plan_import(request):
    if not services.can_manage(request.user):
        messages.error(
            request, "Chỉ cán bộ CCHC của Sở Nội vụ hoặc quản trị tỉnh được nhập kế hoạch."
        )
        return redirect("reform:overview")
    preview = None
    form = PlanUploadForm()
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        if not _token_ok(token):
            raise Http404("Tệp tạm không hợp lệ.")
        path = f"{services.IMPORT_PREVIEWS}/{token}.xlsx"
        try:
            with default_storage.open(path, "rb") as fh:
                data = fh.read()
            result = services.plan_import(
                actor=request.user,
                data=data,
                filename=request.POST.get("filename", ""),
                commit=True,
                split_rows=set(request.POST.getlist("tach")),
            )
        except (DomainError, FileNotFoundError) as err:
            messages.error(request, getattr(err, "message", "Tệp tạm đã hết hạn, hãy tải lên lại."))
        else:
            default_storage.delete(path)
            messages.success(request, f"Đã nhập {result['task_count']} nhiệm vụ của kế hoạch.")
            return redirect(reverse("reform:board") + f"?ke_hoach={result['plan_id']}")
    elif request.method == "POST":
        form = PlanUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["workbook"]
            data = upload.read()
            try:
                preview = services.plan_import(
                    actor=request.user,
                    data=data,
                    filename=upload.name,
                    split_rows=set(request.POST.getlist("tach")),
                )
            except DomainError as err:
                form.add_error("workbook", err.message)
            else:
                token = uuid.uuid4().hex
                default_storage.save(f"{services.IMPORT_PREVIEWS}/{token}.xlsx", ContentFile(data))
                preview["token"] = token
    return render(request, "reform/plan_import.html", {"form": form, "preview": preview})


def _token_ok(token: str) -> bool:
    return len(token) == 32 and all(c in "0123456789abcdef" for c in token)


@staff_required
def plan_export(request, pk, fmt):
    plan = Plan.objects.filter(pk=pk).first()
    if plan is None or fmt not in ("docx", "xlsx"):
        raise Http404("Không có kế hoạch hoặc định dạng này.")
    slug = plan.number.replace("/", "-")
    if fmt == "docx":
        content = exports.plan_report_docx(
            user=request.user,
            plan=plan,
            issuer=plan.issuer_name or "ỦY BAN NHÂN DÂN TỈNH",
            place=request.GET.get("dia_danh", ""),
            signer_title="TM. " + (plan.issuer_name or "Ủy ban nhân dân tỉnh"),
        )
        response = HttpResponse(content, content_type=DOCX)
    else:
        response = HttpResponse(
            exports.plan_report_xlsx(user=request.user, plan=plan), content_type=XLSX
        )
    response["Content-Disposition"] = f'attachment; filename="bao-cao-tien-do-{slug}.{fmt}"'
    return response
