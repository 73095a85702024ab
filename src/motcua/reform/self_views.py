"""Pages of the yearly self-assessment: list and open (Sở Nội vụ), one year's table with who
has not submitted, one criterion (score, explanation, evidence, submit / return, accept),
the consolidated report (Word, Excel)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date

from motcua.core.errors import DomainError, NotFound
from motcua.core.files import file_response
from motcua.ledger.actions import label as action_label
from motcua.ledger.selectors import events_for_subject
from motcua.organization.models import Unit
from motcua.reform import events, self_exports, self_selectors, services
from motcua.reform.models import Index, SelfEvidence, SelfItemStatus
from motcua.reform.selectors import require_staff
from motcua.reform.views import DOCX, XLSX, staff_required


def _run(request, fn, ok: str, **kwargs) -> bool:
    try:
        fn(actor=request.user, **kwargs)
    except DomainError as err:
        messages.error(request, err.message)
        return False
    messages.success(request, ok)
    return True


@staff_required
def self_list(request):
    can_manage = services.can_manage(request.user)
    if request.method == "POST" and can_manage:
        index = Index.objects.filter(code=request.POST.get("index", "")).first()
        deadline = parse_date(request.POST.get("deadline", "") or "")
        year = request.POST.get("year", "")
        if index is None or deadline is None or not year.isdigit():
            messages.error(request, "Cần chọn chỉ số, năm và hạn gửi (dd/mm/yyyy).")
        elif _run(request, services.self_assessment_open, f"Đã mở tự đánh giá năm {year}.",
                  index=index, year=int(year), deadline=deadline):  # fmt: skip
            return redirect("reform:self_list")
    return render(request, "reform/self_list.html", {
        "assessments": self_selectors.self_assessment_list(request.user),
        "indices": Index.objects.filter(code__in=["par-index", "sipas"]).order_by("order"),
        "can_manage": can_manage, "this_year": timezone.localdate().year,
    })  # fmt: skip


@staff_required
def self_detail(request, pk: int):
    assessment = self_selectors.self_assessment_get(request.user, pk)
    can_manage = services.can_manage(request.user)
    if request.method == "POST" and can_manage and request.POST.get("action") == "consolidate":
        _run(request, services.self_assessment_consolidate, "Đã tổng hợp kết quả tự đánh giá.",
             assessment=assessment)  # fmt: skip
        return redirect("reform:self_detail", pk=pk)
    mine = request.GET.get("cua_toi") == "1"
    unit_ids = self_selectors.preparer_unit_ids(request.user) if mine else None
    items = self_selectors.self_items(request.user, assessment, unit_ids=unit_ids)
    gaps = {g["item"].pk: g for g in self_selectors.self_vs_appraisal(request.user, assessment)}
    history = events_for_subject(subject_type=events.SUBJECT_SELF, subject_id=assessment.pk)
    return render(request, "reform/self_detail.html", {
        "assessment": assessment, "items": [(i, gaps.get(i.pk)) for i in items],
        "progress": self_selectors.self_progress(request.user, assessment), "mine": mine,
        "total": self_selectors.self_total(request.user, assessment), "can_manage": can_manage,
        "history": [(e, action_label(e.action)) for e in history.order_by("-seq")[:30]],
    })  # fmt: skip


@staff_required
def self_item(request, pk: int):
    item = self_selectors.self_item_get(request.user, pk)
    can_prepare = services.can_prepare(request.user, item)
    can_manage = services.can_manage(request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        done = False
        if action == "save":
            done = _run(request, services.self_item_save, "Đã ghi điểm và giải trình.", item=item,
                        score=request.POST.get("score", ""),
                        explanation=request.POST.get("explanation", ""))  # fmt: skip
        elif action == "evidence":
            upload = request.FILES.get("file")
            done = _run(request, services.self_evidence_add, "Đã thêm tài liệu kiểm chứng.",
                        item=item, upload=upload, link=request.POST.get("link", ""),
                        name=request.POST.get("name", ""))  # fmt: skip
        elif action == "submit":
            done = _run(request, services.self_item_submit, "Đã gửi Sở Nội vụ.", item=item)
        elif action in ("accept", "return"):
            done = _run(request, services.self_item_review,
                        "Đã chấp nhận." if action == "accept" else "Đã trả lại đơn vị.",
                        item=item, accept=action == "accept",
                        note=request.POST.get("note", ""))  # fmt: skip
        elif action == "assign":
            unit = Unit.objects.filter(code=request.POST.get("unit", "")).first()
            if unit is not None:
                done = _run(request, services.self_item_assign, "Đã giao đơn vị.", item=item,
                            unit=unit)  # fmt: skip
        if done:
            return redirect("reform:self_item", pk=pk)
    editable = item.status in (SelfItemStatus.DRAFT, SelfItemStatus.RETURNED)
    return render(request, "reform/self_item.html", {
        "item": item, "assessment": item.assessment, "can_prepare": can_prepare and editable,
        "can_manage": can_manage, "evidence": item.evidence.all(),
        "units": Unit.objects.filter(kind="department").order_by("name") if can_manage else [],
        "late": timezone.localdate() > item.assessment.deadline,
    })  # fmt: skip


@staff_required
def self_evidence_file(request, pk: int):
    evidence = SelfEvidence.objects.filter(pk=pk).first()
    if evidence is None or not evidence.file:
        raise Http404("Không có tài liệu này.")
    return file_response(evidence.file, name=evidence.name)


@staff_required
def self_export(request, pk: int, fmt: str):
    require_staff(request.user)
    try:
        assessment = self_selectors.self_assessment_get(request.user, pk)
    except NotFound as err:
        raise Http404(err.message) from err
    if fmt == "docx":
        content, kind = self_exports.self_report_docx(user=request.user, assessment=assessment,
                                                      today=timezone.localdate()), DOCX  # fmt: skip
    elif fmt == "xlsx":
        content, kind = (
            self_exports.self_report_xlsx(user=request.user, assessment=assessment),
            XLSX,
        )
    else:
        raise Http404("Không có định dạng này.")
    response = HttpResponse(content, content_type=kind)
    name = f"tu-danh-gia-{assessment.index.code}-{assessment.year}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
def accountability(request):
    from motcua.reform.accountability import accountability_table, accountability_xlsx
    from motcua.reform.models import Result

    code = request.GET.get("chi_so") or "par-index"
    if not Index.objects.filter(code=code).exists():
        raise Http404("Không có chỉ số này.")
    years = list(Result.objects.filter(index__code=code).values_list("year", flat=True))
    raw = request.GET.get("nam", "")
    year = int(raw) if raw.isdigit() else (max(years) if years else timezone.localdate().year)
    if request.GET.get("xuat") == "xlsx":
        response = HttpResponse(
            accountability_xlsx(request.user, year=year, index_code=code), content_type=XLSX
        )
        name = f"trach-nhiem-{code}-{year}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "reform/accountability.html", {
        **accountability_table(request.user, year=year, index_code=code), "years": sorted(set(years)),
        "indices": Index.objects.order_by("order"), "code": code,
    })  # fmt: skip


@staff_required
def sipas(request):
    """SIPAS per factor: the Ministry's result, the province's own survey, the self-estimate,
    the gaps and the tasks; Sở Nội vụ refreshes the self-estimate from the survey."""
    from motcua.reform.sipas import sipas_factors, sipas_years

    years = sipas_years(request.user)
    raw = request.GET.get("nam", "")
    year = int(raw) if raw.isdigit() else (years[0] if years else timezone.localdate().year)
    data = sipas_factors(request.user, year=year)
    can_manage = services.can_manage(request.user)
    if request.method == "POST" and can_manage and data["assessment"] is not None:
        _run(request, services.sipas_self_refresh, "Đã cập nhật từ khảo sát SIPAS của tỉnh.",
             assessment=data["assessment"])  # fmt: skip
        return redirect(f"{request.path}?nam={year}")
    return render(request, "reform/sipas.html", {
        **data, "years": sorted(set(years) | {year}, reverse=True), "can_manage": can_manage,
    })  # fmt: skip


@staff_required
def sipas_criteria(request):
    """The weakest criteria per unit from the province's own survey, under the form's target;
    Sở Nội vụ proposes a remediation task for one of them in a plan."""
    from motcua.reform.models import Plan

    raw = request.GET.get("nam", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    can_manage = services.can_manage(request.user)
    plans = list(Plan.objects.order_by("-issued_on")[:20])
    if request.method == "POST" and can_manage:
        plan = next((p for p in plans if str(p.pk) == request.POST.get("plan")), None)
        if plan is None:
            messages.error(request, "Chọn kế hoạch khắc phục để giao nhiệm vụ.")
        else:
            _run(
                request,
                services.survey_task_propose,
                "Đã đề xuất nhiệm vụ khắc phục trong kế hoạch.",
                plan=plan,
                unit_code=request.POST.get("unit", "")[:40],
                criterion=request.POST.get("criterion", "")[:40],
                year=year,
            )
        return redirect(f"{request.path}?nam={year}")
    data = services.survey_weak_criteria(request.user, year=year)
    return render(request, "reform/sipas_criteria.html", {
        **data, "year": year, "plans": plans, "can_manage": can_manage,
    })  # fmt: skip
