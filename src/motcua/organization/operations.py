"""The operations page: is background work getting done (for the province's administrators)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from motcua.core.errors import PermissionDenied
from motcua.core.health import recent_failures, worker_health
from motcua.core.selectors import jobs_overview
from motcua.organization.models import Role
from motcua.organization.permissions import user_roles


def is_operator(user) -> bool:
    return user.is_superuser or any(r.role == Role.PROVINCE_ADMIN for r in user_roles(user))


@login_required
def operations(request):
    if not is_operator(request.user):
        raise PermissionDenied("Trang vận hành dành cho quản trị hệ thống cấp tỉnh.")
    return render(
        request,
        "organization/operations.html",
        {
            "health": worker_health(),
            "failures": recent_failures(),
            "jobs": jobs_overview(user=request.user),
        },
    )
