"""What every dossier service shares: clock, lock, permission, event, notification."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from motcua.dossiers import events
from motcua.dossiers.lifecycle import Status, check_allowed
from motcua.dossiers.models import Dossier
from motcua.ledger.services import event_record
from motcua.organization.models import Role, Unit, UnitKind
from motcua.organization.permissions import has_role, require_role

# Actions the applicant hears about (email/SMS via the portal's hook in tasks.py).
NOTIFIED = {
    events.RECEIVED,
    events.ACCEPTED,
    events.COMPLETION_REQUESTED,
    events.INTAKE_REFUSED,
    events.SUPPLEMENT_REQUESTED,
    events.PAYMENT_REQUESTED,
    events.APPROVED,
    events.REFUSED,
    events.RETURNED,
    events.STOPPED,
    events.WITHDRAWN,
    events.APOLOGIZED,
}


def clock(at: dt.datetime | None) -> dt.datetime:
    """Server time. ``at`` is accepted only from trusted internal callers (demo, bench)."""
    return at or timezone.now()


def lock(dossier: Dossier, action: str) -> Dossier:
    """Lock the row, refuse if someone changed it since the caller read it, check the table.

    Every write bumps ``version``, so an equal version means the caller's copy is the current
    row: the service works on a copy of it (the caller's object stays as it was if the
    service fails) without reading the row and its relations again.
    """
    row = (
        Dossier.objects.select_for_update()
        .filter(pk=dossier.pk)
        .values_list("version", "status")
        .first()
    )
    if row is None:
        raise NotFound(f"Không tìm thấy hồ sơ {dossier.code}.", code="dossier_not_found")
    version, status = row
    if version != dossier.version:
        raise Conflict(
            f"Hồ sơ {dossier.code} vừa được người khác cập nhật "
            f"(trạng thái hiện tại: {Status(status).label}). Vui lòng tải lại trang.",
            code="dossier_changed",
        )
    check_allowed(status, action)
    return copy.copy(dossier)


def require_any(actor, roles: Iterable[str], units: Iterable[Unit | None]) -> Unit:
    """The first of ``units`` where ``actor`` holds one of ``roles``; else PermissionDenied."""
    roles = tuple(roles)
    candidates = [u for u in units if u is not None]
    for unit in candidates:
        if has_role(actor, roles, unit):
            return unit
    require_role(actor, roles, candidates[0] if candidates else None)
    raise PermissionDenied()  # pragma: no cover - require_role raised


def step_unit(dossier: Dossier, step) -> Unit:
    """The unit that holds a step: its own unit, the desk for desk steps, else competent."""
    if step is None:
        return dossier.competent_unit
    if step.unit_id:
        return step.unit
    if step.role == Role.DESK_OFFICER or step.unit_kind == UnitKind.SERVICE_CENTRE:
        return dossier.receiving_unit
    return dossier.competent_unit


def check_assignee(user, step, unit: Unit) -> None:
    role = step.role if step is not None else Role.SPECIALIST
    roles = {role, Role.UNIT_LEADER} if role != Role.UNIT_LEADER else {role}
    if not has_role(user, roles, unit):
        raise InvalidInput(
            f"Cán bộ {user.get_full_name() or user.username} không có vai trò "
            f"{Role(role).label} tại {unit.name}.",
            code="assignee_not_eligible",
        )


def save(dossier: Dossier, fields: Iterable[str]) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*set(fields), "version"])


def iso(value):
    """Datetimes in payloads: ISO 8601 in Vietnamese local time, the same way every time."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat() if isinstance(value, dt.date) else value


def record(
    *,
    dossier: Dossier,
    action: str,
    actor,
    unit: Unit | None,
    at: dt.datetime,
    status_from: str | None,
    due_before: dt.datetime | None = None,
    payload: dict[str, Any] | None = None,
    notify: bool = True,
) -> None:
    body: dict[str, Any] = {
        "status_from": status_from,
        "status_to": dossier.status,
        "step": dossier.current_step.order if dossier.current_step_id else None,
        "step_name": dossier.current_step.name if dossier.current_step_id else "",
        "holder_unit": dossier.holder_unit.code if dossier.holder_unit_id else None,
        "assignee": dossier.assignee.get_username() if dossier.assignee_id else None,
        "due_before": iso(due_before),
        "due_after": iso(dossier.due_at),
        "step_due": iso(dossier.step_due_at),
    }
    body.update(payload or {})
    event_record(
        subject_type=events.SUBJECT,
        subject_id=dossier.code,
        action=action,
        actor=actor,
        unit=unit,
        payload=body,
        at=at,
    )
    if notify and action in NOTIFIED:
        code = dossier.code

        def send():
            from motcua.dossiers.tasks import dossier_notify

            dossier_notify.enqueue(code, action)

        transaction.on_commit(send)
