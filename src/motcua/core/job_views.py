"""A long job's page, the small JSON its progress bar polls, and its private download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.errors import Conflict, CoreError, DomainError
from motcua.core.files import file_response
from motcua.core.selectors import job_for, job_status


@login_required
@require_GET
def job_page(request, job_id: str):
    """Whoever asked for the job, or whom its kind allows (same role and unit)."""
    job = job_for(user=request.user, job_id=job_id)
    return render(request, "core/job.html", {"job": job_status(job)})


@never_cache
@require_GET
def job_status_view(request, job_id: str):
    """Polled by the progress bar: JSON, or {code, message} when refused."""
    try:
        job = job_for(user=request.user, job_id=job_id)
    except DomainError as error:
        return JsonResponse(
            error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False}
        )
    return JsonResponse(job_status(job), json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def job_download(request, job_id: str):
    """The result file, private: the same check as the page."""
    job = job_for(user=request.user, job_id=job_id)
    if not job_status(job)["download_url"]:
        raise Conflict("Việc chưa xong hoặc không có tệp kết quả.", code=CoreError.JOB_NOT_READY)
    return file_response(job.result_file, name=job.result_name)
