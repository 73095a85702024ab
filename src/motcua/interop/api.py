"""JSON API of the national portal sync for operators (/api/interop/); thin: the selectors and
services check the role."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from motcua.interop import selectors, services
from motcua.interop.models import SyncRecord
from motcua.organization.auth import officer_auth

router = Router(tags=["Liên thông Cổng DVC quốc gia"], auth=officer_auth)


class SummaryFilters(Schema):
    day_from: dt.date | None = None
    day_to: dt.date | None = None


class SummaryRow(Schema):
    unit: str
    day: dt.date
    pending: int
    sent: int
    failed: int
    parked: int


class RecordOut(Schema):
    id: int
    dossier_code: str
    event_seq: int
    national_status: int
    state: str
    attempts: int
    last_error: str


@router.get("/summary", response=list[SummaryRow], summary="Bản ghi đồng bộ theo đơn vị, ngày")
def summary(request, filters: Query[SummaryFilters]):
    return selectors.sync_summary(
        user=request.user, day_from=filters.day_from, day_to=filters.day_to
    )


@router.get("/reconciliation", summary="Đối soát với Cổng DVC quốc gia, tỷ lệ đồng bộ")
def reconciliation(request):
    return selectors.reconcile(user=request.user).as_dict()


@router.post("/records/{record_id}/resend", response=RecordOut, summary="Gửi lại bản ghi")
def resend(request, record_id: int):
    record = get_object_or_404(SyncRecord, pk=record_id)
    return services.interop_resend(actor=request.user, record=record)
