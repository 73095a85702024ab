"""The operations page of the national portal sync (/lien-thong/): staff only; the selectors
check role and unit, the services write."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from motcua.core.errors import DomainError
from motcua.core.formats import vn_number
from motcua.core.pagination import paginate
from motcua.interop import selectors, services
from motcua.interop.models import SyncRecord, SyncState
from motcua.organization.models import Role
from motcua.organization.permissions import has_role


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def operations(request):
    day_from, day_to = _day(request.GET.get("tu_ngay")), _day(request.GET.get("den_ngay"))
    rows = selectors.sync_summary(user=request.user, day_from=day_from, day_to=day_to)
    run = selectors.last_reconciliation(user=request.user)
    return render(
        request,
        "interop/operations.html",
        {
            "page": paginate(request, rows),
            "totals": selectors.state_totals(user=request.user),
            "run": run,
            "ratio": vn_number(run.sync_ratio * 100, 1) if run else "",
            "day_from": day_from,
            "day_to": day_to,
            "can_reconcile": has_role(request.user, (Role.PROVINCE_ADMIN,)),
            "can_catalog": has_role(request.user, (Role.PROVINCE_ADMIN, Role.CATALOG_ADMIN)),
            "inbound": selectors.inbound_count(user=request.user),
        },
    )


@login_required
@require_GET
def records(request):
    state = request.GET.get("trang_thai") or ""
    rows = selectors.records_to_watch(user=request.user, state=state)
    return render(
        request,
        "interop/records.html",
        {
            "page": paginate(request, rows),
            "state": state,
            "states": [(s, SyncState(s).label) for s in (SyncState.FAILED, SyncState.PARKED)],
            "can_resend": has_role(request.user, selectors.RESENDERS),
        },
    )


@login_required
@require_POST
def resend(request, record_id: int):
    record = get_object_or_404(selectors.visible_records(request.user), pk=record_id)
    try:
        row: SyncRecord = services.interop_resend(actor=request.user, record=record)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Đã đưa bản ghi {row.dossier_code} #{row.event_seq} vào hàng gửi lại."
        )
    state = request.POST.get("trang_thai")
    suffix = f"?trang_thai={state}" if state in SyncState.values else ""
    return redirect(reverse("interop:records") + suffix)


@login_required
@require_POST
def reconcile_now(request):
    try:
        run = services.interop_reconcile(actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        verdict = "khớp hoàn toàn" if run.complete else f"{run.differences} chênh lệch"
        messages.success(request, f"Đã đối soát: {verdict}.")
    return redirect("interop:operations")


@login_required
def catalog(request):
    """The national catalog's differences, and applying them as a publication decision."""
    from motcua.interop.catalog_sync import catalog_diff, interop_catalog_apply

    if request.method == "POST":
        try:
            run = interop_catalog_apply(
                actor=request.user,
                digest=request.POST.get("ma_ban_xuat", ""),
                number=request.POST.get("so_quyet_dinh", ""),
                date=_day(request.POST.get("ngay_ban_hanh")) or timezone.localdate(),
                signer=request.POST.get("nguoi_ky", ""),
                title=request.POST.get("trich_yeu", ""),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã áp dụng theo quyết định {run.decision_number}.")
        return redirect("interop:catalog")
    diff = catalog_diff(user=request.user)
    groups = [
        (kind, label, diff.of_kind(kind))
        for kind, label in (
            ("added", "Ban hành mới"),
            ("amended", "Sửa đổi, bổ sung"),
            ("abolished", "Bãi bỏ"),
        )
    ]
    return render(
        request,
        "interop/catalog.html",
        {"diff": diff, "groups": groups, "today": timezone.localdate()},
    )
