"""Reads of the stored integrity findings (page, API, Excel)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from motcua.audit import integrity
from motcua.audit.errors import AuditError
from motcua.audit.integrity import Finding, Kind
from motcua.audit.models import FindingsWatermark, IntegrityFinding
from motcua.core.errors import InvalidInput
from motcua.ledger import actions
from motcua.ledger.services import day_bounds
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role, units_of
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


# ------------------------------------------------ what a user may read (page, API, job)

ROLES = (Role.INSPECTOR, Role.PROVINCE_ADMIN)


def _links(code: str) -> dict[str, str]:
    return {
        "dossier_url": reverse("dossiers:detail", args=[code]),
        "timeline_url": reverse("audit:dossier") + "?" + urlencode({"code": code}),
    }


def _cited(events: list[dict]) -> list[dict]:
    from motcua.audit.integrity import parse_time

    return [
        {
            "seq": e.get("seq"),
            "action": e.get("action", ""),
            "label": actions.label(e.get("action", "")),
            "at": parse_time(e.get("at")),
        }
        for e in events
    ]


def scope_check(user, unit_code: str | None) -> Unit | None:
    """The unit asked for (None: all the user's units), once the user may read its findings."""
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code.strip()).first()
        if unit is None:
            raise InvalidInput(f"Không có đơn vị mã '{unit_code}'.", code=AuditError.UNIT_NOT_FOUND)
    require_role(user, ROLES, unit)
    return unit


def findings_for(
    user,
    *,
    kind: str | None = None,
    unit_code: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict]:
    """Findings the user may see: an inspector sees the units at and below their own."""
    unit = scope_check(user, unit_code)
    filters: dict[str, Any] = {"kind": kind or None, "date_from": date_from, "date_to": date_to}
    if unit is not None or user.is_superuser:
        found = findings_list(unit=unit, **filters)
    else:
        found = findings_list(units=list(units_of(user, ROLES)), **filters)
    return [
        {
            "kind": f.kind,
            "kind_label": f.kind_label,
            "code": f.code,
            "unit_id": f.unit_id,
            "unit_name": f.unit_name,
            "at": f.at,
            "seq": f.seq,
            "actor_label": f.actor_label,
            "detail": f.detail,
            "events": _cited(f.events),
            "imported": f.imported,
            **_links(f.code),
        }
        for f in found
    ]


def workbook_of(rows: list[dict]) -> list[integrity.Finding]:
    return [
        integrity.Finding(
            kind=r["kind"],
            code=r["code"],
            at=r["at"],
            seq=r["seq"],
            detail=r["detail"],
            unit_id=r["unit_id"],
            unit_name=r["unit_name"],
            actor_label=r["actor_label"],
            imported=r["imported"],
            events=[
                {"seq": e["seq"], "action": e["action"], "at": e["at"].isoformat()}
                for e in r["events"]
                if e["at"] is not None
            ],
        )
        for r in rows
    ]
