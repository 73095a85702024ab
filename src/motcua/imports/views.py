"""The import page, for the province's administrators: upload a history, follow the runs.

A history (CSV or JSON Lines) and an optional mapping file are uploaded; they are checked
and validated in full in the request (every problem listed with its line, nothing written),
then the import runs in the background as a job with a progress bar (``imports.jobs``).
The runs, with their own progress bars, are listed below (refreshed every 2 seconds while
one is running). The command ``motcua import history FILE`` does the same on the server.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError
from motcua.core.selectors import job_for, job_status
from motcua.imports.jobs import history_upload_start
from motcua.imports.selectors import run_list
from motcua.imports.services import IMPORT_ROLES, ImportInvalid
from motcua.organization.permissions import require_role

#: problems shown on the page (a wrong file may have thousands; the count is always shown)
SHOWN = 200


class UploadForm(forms.Form):
    history = forms.FileField(
        label="Tệp lịch sử hồ sơ (CSV hoặc JSON Lines)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.jsonl,.ndjson,.json"}),
    )
    mapping = forms.FileField(
        label="Tệp ánh xạ (JSON, không bắt buộc)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json"}),
    )


@require_http_methods(["GET", "POST"])
@login_required
def runs(request):
    require_role(request.user, IMPORT_ROLES)
    context = {"runs": run_list()}
    context["running"] = any(r["running"] for r in context["runs"])
    if request.headers.get("HX-Request"):
        return render(request, "imports/_runs.html", context)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            job = history_upload_start(
                actor=request.user,
                history=form.cleaned_data["history"],
                mapping=form.cleaned_data.get("mapping"),
            )
        except ImportInvalid as invalid:
            context["problems"] = [str(p) for p in invalid.problems[:SHOWN]]
            context["problem_count"] = len(invalid.problems)
            status = 400
        except DomainError as error:
            context["refused"] = error.message
            status = error.status
        else:
            return redirect(f"{request.path}?viec={job.pk}")
    elif request.method == "POST":
        status = 400
    if job_id := request.GET.get("viec"):
        context["job"] = job_status(job_for(user=request.user, job_id=job_id))
    context["form"] = form
    return render(request, "imports/runs.html", context, status=status)
