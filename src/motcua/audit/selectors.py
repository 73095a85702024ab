"""Reads of the stored integrity findings (page, API, Excel)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.audit.errors import AuditError
from motcua.audit.integrity import Finding, Kind
from motcua.audit.models import FindingsWatermark, IntegrityFinding
from motcua.core.errors import InvalidInput
from motcua.ledger.services import day_bounds
from motcua.organization.selectors import unit_subtree_ids


def findings_list(
    *,
    kind: str | None = None,
    unit=None,
    units: list | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Finding]:
    """Stored findings whose event falls in [date_from, date_to] (Vietnam days), newest
    first, as of ``now`` (a not-returned finding shows once its 15 days have passed).

    ``unit`` (or any of ``units``) keeps dossiers whose competent unit is that unit or one
    below it.
    """
    if kind and kind not in Kind.values:
        raise InvalidInput(
            f"Loại phát hiện '{kind}' không hợp lệ.", code=AuditError.FINDING_KIND_INVALID
        )
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.",
            code=AuditError.DATE_RANGE_INVALID,
        )
    rows = IntegrityFinding.objects.filter(shown_from__lte=now or timezone.now())
    if kind:
        rows = rows.filter(kind=kind)
    scopes = [*([unit] if unit is not None else []), *(units or [])]
    if scopes:
        rows = rows.filter(unit_id__in=unit_subtree_ids({u.pk for u in scopes}))
    if date_from:
        rows = rows.filter(at__gte=day_bounds(date_from)[0])
    if date_to:
        rows = rows.filter(at__lt=day_bounds(date_to)[1])
    rows = rows.select_related("unit").order_by("-at", "-code", "-seq")
    return [
        Finding(
            kind=r.kind,
            code=r.code,
            at=r.at,
            seq=r.seq,
            detail=r.detail,
            unit_id=r.unit_id,
            unit_name=r.unit.name if r.unit else "",
            actor_label=r.actor_label,
            events=r.events,
            shown_from=r.shown_from,
            imported=r.imported,
        )
        for r in rows
    ]


def findings_as_of() -> dt.datetime | None:
    """When the stored findings were last brought up to date."""
    return FindingsWatermark.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
