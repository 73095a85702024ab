"""The reform officer's pages to edit a questionnaire: its versions, and one version's
header, formula and questions. A version in use (it has answer sheets) is frozen: the page
shows it read-only and offers a new version. Thin: every change is a service."""

from __future__ import annotations

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError, InvalidInput
from motcua.core.files import check_content, read_limited
from motcua.core.parsing import parse_date
from motcua.organization.permissions import has_role
from motcua.surveys import services
from motcua.surveys.models import QuestionKind, SurveyForm, SurveyQuestion
from motcua.surveys.xlsform import xlsform_read

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
XLSFORM_MAX_BYTES = 2 * 1024 * 1024  # a questionnaire is a few dozen rows: 2 MB is plenty


def _choices(text: str) -> list[dict]:
    """One choice a line, "value | label" (or just the label: numbered 1, 2, …)."""
    out = []
    for n, line in enumerate((ln.strip() for ln in text.splitlines() if ln.strip()), start=1):
        value, sep, label = line.partition("|")
        value, label = (value.strip(), label.strip()) if sep else (str(n), line)
        if not value or not label:
            raise InvalidInput(f"Dòng lựa chọn «{line}» thiếu giá trị hoặc nhãn.")
        out.append({"value": value[:10], "label": label[:200]})
    if not out:
        raise InvalidInput("Câu chọn một / chọn nhiều cần ít nhất một lựa chọn.")
    return out


def _formula(post) -> dict:
    try:
        target = float(post.get("target", "").replace(",", ".")) / 100
    except ValueError as error:
        raise InvalidInput("Mục tiêu là một số phần trăm, ví dụ 80.") from error
    return {
        "satisfied": post.getlist("satisfied"),
        "overall": post.get("overall", ""),
        "target": target,
        "confirmed": post.get("confirmed") == "on",
        "text": post.get("text", "")[:1000],
    }


@login_required
@require_http_methods(["GET", "POST"])
def form_edit(request, pk: int):
    if not has_role(request.user, services.EDITORS):
        return render(request, "403.html", status=403)
    form = get_object_or_404(SurveyForm, pk=pk)
    context: dict = {"form": form, "frozen": form.is_in_use(), "choice_kinds": CHOICE_KINDS}
    if request.method == "POST":
        do = request.POST.get("do", "")
        try:
            if do == "header":
                start = parse_date(request.POST.get("effective_from"))
                if start is None:
                    raise InvalidInput("Ngày áp dụng không hợp lệ (dd/mm/yyyy).")
                services.survey_form_update(
                    actor=request.user,
                    form=form,
                    name=request.POST.get("name", "").strip()[:255] or form.name,
                    source=request.POST.get("source", "")[:500],
                    note=request.POST.get("note", "")[:4000],
                    effective_from=start,
                    formula=_formula(request.POST),
                )
            elif do == "question":
                question = get_object_or_404(
                    SurveyQuestion, pk=request.POST.get("question"), section__form=form
                )
                changes = {
                    "text": request.POST.get("text", "").strip()[:500] or question.text,
                    "required": request.POST.get("required") == "on",
                    "confirmed": request.POST.get("confirmed") == "on",
                }
                if question.kind in CHOICE_KINDS:
                    changes["choices"] = _choices(request.POST.get("choices", ""))
                services.survey_question_update(actor=request.user, question=question, **changes)
            elif do == "version":
                start = parse_date(request.POST.get("effective_from"))
                if start is None:
                    raise InvalidInput("Ngày áp dụng của phiên bản mới không hợp lệ.")
                new = services.survey_form_new_version(
                    actor=request.user, form=form, effective_from=start
                )
                return redirect("surveys:form_edit", pk=new.pk)
            else:
                raise InvalidInput("Thao tác không hợp lệ.")
        except DomainError as error:
            context.update(error=error.message, typed=request.POST)
            return render(request, "surveys/form_edit.html", context, status=error.status)
        return redirect("surveys:form_edit", pk=form.pk)
    context["versions"] = SurveyForm.objects.filter(code=form.code).order_by("-version")
    return render(request, "surveys/form_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def form_import(request, pk: int):
    """Upload an XLSForm (.xlsx, checked by content, at most ``XLSFORM_MAX_BYTES``) as the
    next version of this questionnaire: every problem of the file is listed, nothing is
    written unless the whole file is good (``services.survey_form_import``)."""
    if not has_role(request.user, services.EDITORS):
        return render(request, "403.html", status=403)
    form = get_object_or_404(SurveyForm, pk=pk)
    last = SurveyForm.objects.filter(code=form.code).order_by("-version").first()
    context: dict = {"form": form, "last": last, "max_mb": XLSFORM_MAX_BYTES // (1024 * 1024)}
    if request.method == "POST":
        context["typed"] = request.POST
        try:
            upload = request.FILES.get("file")
            if upload is None:
                raise InvalidInput("Chọn tệp XLSForm (.xlsx) để tải lên.")
            start = parse_date(request.POST.get("effective_from"))
            if start is None:
                raise InvalidInput("Ngày áp dụng của phiên bản mới không hợp lệ (dd/mm/yyyy).")
            label = upload.name[:100]
            checked = check_content(
                read_limited(upload, label=label, limit=XLSFORM_MAX_BYTES),
                label=label,
                kinds=("xlsx",),
            )
            new = services.survey_form_import(
                actor=request.user,
                data=xlsform_read(BytesIO(checked.data)),
                effective_from=start,
                into=form,
                file_sha256=checked.sha256,
            )
        except DomainError as error:
            context.update(error=error.message, problems=error.details.get("problems", []))
            return render(request, "surveys/form_import.html", context, status=error.status)
        return redirect("surveys:form_edit", pk=new.pk)
    return render(request, "surveys/form_import.html", context)
