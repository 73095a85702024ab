"""Online submissions: the portal submits, a desk accepts, refuses or asks to complete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.catalog.models import Procedure
from motcua.core.errors import InvalidInput
from motcua.dossiers import events
from motcua.dossiers.action_rights import authorize
from motcua.dossiers.actions import created_status
from motcua.dossiers.errors import DossierError
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Channel, ChecklistItem, Dossier, ReturnMethod
from motcua.dossiers.services._base import (
    advance,
    children,
    clock,
    insert,
    lock,
    record,
    save,
    service,
)
from motcua.dossiers.services.intake import (
    _checklist_payload,
    _checklist_rows,
    _new_dossier,
    _start_clock,
    _write_checklist,
)
from motcua.organization.models import Unit


@service
def dossier_submit_online(
    *,
    procedure: Procedure,
    unit: Unit,
    applicant: dict[str, Any],
    checklist: list[dict] | None = None,
    return_method: str = ReturnMethod.ONLINE,
    competent_unit: Unit | None = None,
    actor=None,
    at: dt.datetime | None = None,
) -> Dossier:
    """An online submission (portal): it gets its code now and waits for a desk to accept."""
    now = clock(at)
    rows = _checklist_rows(procedure, checklist)
    dossier = _new_dossier(
        procedure=procedure,
        unit=unit,
        competent_unit=competent_unit,
        applicant=applicant,
        channel=Channel.ONLINE,
        postal_tracking="",
        return_method=return_method,
        fee_due=None,
        note="",
        status=created_status("submit_online"),
        now=now,
    )
    insert(dossier)
    _write_checklist(dossier, rows)
    record(
        dossier=dossier,
        action=events.SUBMITTED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=None,
        payload={"procedure": procedure.code, "channel": Channel.ONLINE},
        notify=at is None,
    )
    return dossier


@service
def dossier_accept(*, actor, dossier: Dossier, at: dt.datetime | None = None) -> Dossier:
    """A desk accepts an online submission: the clock starts now (form 01)."""
    now = clock(at)
    dossier = lock(dossier, Action.ACCEPT)
    unit = authorize(actor, dossier, Action.ACCEPT)
    status_from = dossier.status
    advance(dossier, Action.ACCEPT, status_from)
    dossier.assignee = actor
    _start_clock(dossier, now)
    save(
        dossier,
        [
            "status",
            "assignee",
            "received_at",
            "due_at",
            "current_step",
            "holder_unit",
            "step_started_at",
            "step_due_at",
        ],
    )
    record(
        dossier=dossier,
        action=events.ACCEPTED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={
            "rule_set": dossier.rule_set.code,
            "checklist": _checklist_payload(
                [
                    {
                        "name": i.name,
                        "copy_kind": i.copy_kind,
                        "quantity": i.quantity,
                        "provided": i.provided,
                        "file": i.file,
                    }
                    for i in children(ChecklistItem, dossier, "checklist")
                ]
            ),
            "from_unit": None,
            "to_unit": unit.code,
        },
        notify=at is None,
    )
    return dossier


def _online_not_received(*, actor, dossier, reasons, action, event, at):
    if not reasons.strip():
        raise InvalidInput(
            "Cần ghi rõ lý do / nội dung cần hoàn thiện.", code=DossierError.REASON_REQUIRED
        )
    now = clock(at)
    dossier = lock(dossier, action)
    unit = authorize(actor, dossier, action)
    status_from = dossier.status
    advance(dossier, action, status_from)
    dossier.closed_at = now
    dossier.note = reasons.strip()
    save(dossier, ["status", "closed_at", "note"])
    record(
        dossier=dossier,
        action=event,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={"reasons": reasons.strip()},
        notify=at is None,
    )
    return dossier


@service
def dossier_refuse_online(
    *, actor, dossier: Dossier, reasons: str, at: dt.datetime | None = None
) -> Dossier:
    """Refuse an online submission (form 03)."""
    return _online_not_received(
        actor=actor,
        dossier=dossier,
        reasons=reasons,
        action=Action.REFUSE_INTAKE,
        event=events.INTAKE_REFUSED,
        at=at,
    )


@service
def dossier_request_completion_online(
    *, actor, dossier: Dossier, reasons: str, at: dt.datetime | None = None
) -> Dossier:
    """Ask the online applicant to complete everything at once (form 02); not received."""
    return _online_not_received(
        actor=actor,
        dossier=dossier,
        reasons=reasons,
        action=Action.REQUEST_COMPLETION,
        event=events.COMPLETION_REQUESTED,
        at=at,
    )
