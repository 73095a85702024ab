"""Decision, return of the result, withdrawal, stop and cancellation."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import File

from motcua.core.errors import InvalidInput
from motcua.dossiers import events
from motcua.dossiers.action_rights import authorize
from motcua.dossiers.classification import classify_dossier
from motcua.dossiers.errors import DossierError
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Decision, Dossier, ReturnMethod
from motcua.dossiers.services._base import advance, clock, lock, record, save, service
from motcua.dossiers.services.pauses import _resume
from motcua.dossiers.services.processing import _name

FINISH_FIELDS = [
    "status",
    "decision",
    "finished_at",
    "classification",
    "holder_unit",
    "current_step",
    "assignee",
    "step_due_at",
]


def _finish(dossier: Dossier, action: str, decision: str, now: dt.datetime) -> None:
    advance(dossier, action, dossier.status)
    dossier.decision = decision
    dossier.finished_at = now
    dossier.classification = classify_dossier(dossier)
    dossier.holder_unit = dossier.receiving_unit
    dossier.current_step = None
    dossier.assignee = None
    dossier.step_due_at = None


@service
def dossier_approve(
    *,
    actor,
    dossier: Dossier,
    number: str,
    date: dt.date,
    signer: str,
    file: File | str,
    at: dt.datetime | None = None,
) -> Dossier:
    """The leader approves and issues the result document (number, date, signer, file).

    ``file`` is an uploaded file; a stored file name is accepted from trusted internal callers.
    """
    now = clock(at)
    if not (number or "").strip() or date is None or not (signer or "").strip() or not file:
        raise InvalidInput(
            "Kết quả phải có số, ngày, người ký và tệp văn bản.",
            code=DossierError.RESULT_INCOMPLETE,
        )
    dossier = lock(dossier, Action.APPROVE)
    unit = authorize(actor, dossier, Action.APPROVE)
    before_unit, before_user = dossier.holder_unit, dossier.assignee
    status_from, step = dossier.status, dossier.current_step
    late_step = bool(dossier.step_due_at and now > dossier.step_due_at)
    dossier.result_number = number.strip()
    dossier.result_date = date
    dossier.result_signer = signer.strip()
    if isinstance(file, str):
        dossier.result_file.name = file
    else:
        dossier.result_file.save(getattr(file, "name", "ket-qua.pdf"), file, save=False)
    _finish(dossier, Action.APPROVE, Decision.APPROVED, now)
    save(dossier, [*FINISH_FIELDS, "result_number", "result_date", "result_signer", "result_file"])
    record(
        dossier=dossier,
        action=events.APPROVED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={
            "completed_step": step.order if step else None,
            "result": {
                "number": dossier.result_number,
                "date": dossier.result_date,
                "signer": dossier.result_signer,
                "file": dossier.result_file.name,
            },
            "classification": dossier.classification,
            "from_unit": before_unit.code,
            "from_user": _name(before_user),
            "to_unit": dossier.receiving_unit.code,
            "to_user": None,
            "late": late_step,
        },
        notify=at is None,
    )
    return dossier


@service
def dossier_refuse(
    *, actor, dossier: Dossier, reasons: str, at: dt.datetime | None = None
) -> Dossier:
    """The leader refuses to resolve the dossier, with written reasons."""
    now = clock(at)
    if not reasons.strip():
        raise InvalidInput(
            "Cần nêu rõ lý do từ chối giải quyết.", code=DossierError.REASON_REQUIRED
        )
    dossier = lock(dossier, Action.REFUSE)
    unit = authorize(actor, dossier, Action.REFUSE)
    before_unit, before_user, status_from = dossier.holder_unit, dossier.assignee, dossier.status
    late_step = bool(dossier.step_due_at and now > dossier.step_due_at)
    _finish(dossier, Action.REFUSE, Decision.REFUSED, now)
    save(dossier, FINISH_FIELDS)
    record(
        dossier=dossier,
        action=events.REFUSED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={
            "reasons": reasons.strip(),
            "classification": dossier.classification,
            "from_unit": before_unit.code,
            "from_user": _name(before_user),
            "to_unit": dossier.receiving_unit.code,
            "to_user": None,
            "late": late_step,
        },
        notify=at is None,
    )
    return dossier


@service
def dossier_return_result(
    *,
    actor,
    dossier: Dossier,
    method: str,
    received_by: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Hand the result to the applicant (desk, post or online), with who received it."""
    now = clock(at)
    if method not in ReturnMethod.values:
        raise InvalidInput("Hình thức trả kết quả không hợp lệ.", code=DossierError.RETURN_METHOD)
    if not received_by.strip():
        raise InvalidInput("Cần ghi người nhận kết quả.", code=DossierError.RECEIVED_BY_REQUIRED)
    dossier = lock(dossier, Action.RETURN_RESULT)
    unit = authorize(actor, dossier, Action.RETURN_RESULT)
    status_from = dossier.status
    advance(dossier, Action.RETURN_RESULT, status_from)
    dossier.returned_at = now
    dossier.return_method = method
    save(dossier, ["status", "returned_at", "return_method"])
    record(
        dossier=dossier,
        action=events.RETURNED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={
            "method": method,
            "received_by": received_by.strip(),
            "note": note,
            "from_unit": unit.code,
            "from_user": _name(actor),
            "to_unit": None,
            "to_user": received_by.strip(),
            "late": bool(dossier.effective_due_at is not None and now > dossier.effective_due_at),
        },
        notify=at is None,
    )
    return dossier


def _close(*, actor, dossier, action, event, reason, at):
    now = clock(at)
    if not reason.strip():
        raise InvalidInput("Cần ghi rõ lý do.", code=DossierError.REASON_REQUIRED)
    dossier = lock(dossier, action)
    unit = authorize(actor, dossier, action)
    status_from = dossier.status
    if dossier.paused_since is not None:
        _resume(dossier, now)
    advance(dossier, action, status_from)
    dossier.closed_at = now
    dossier.current_step = None
    dossier.assignee = None
    dossier.step_due_at = None
    save(
        dossier,
        [
            "status",
            "closed_at",
            "paused_since",
            "paused_hours",
            "due_at",
            "current_step",
            "assignee",
            "step_due_at",
        ],
    )
    record(
        dossier=dossier,
        action=event,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={"reasons": reason.strip()},
        notify=at is None,
    )
    return dossier


@service
def dossier_withdraw(
    *, actor, dossier: Dossier, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """The applicant asked to withdraw the dossier; processing stops (form 05)."""
    return _close(
        actor=actor,
        dossier=dossier,
        action=Action.WITHDRAW,
        event=events.WITHDRAWN,
        reason=reason,
        at=at,
    )


@service
def dossier_stop(*, actor, dossier: Dossier, reason: str, at: dt.datetime | None = None) -> Dossier:
    """The competent body stops processing (form 05), e.g. the applicant is unreachable."""
    return _close(
        actor=actor,
        dossier=dossier,
        action=Action.STOP,
        event=events.STOPPED,
        reason=reason,
        at=at,
    )


@service
def dossier_cancel(
    *, actor, dossier: Dossier, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """An authorized officer (unit leader or province administrator) cancels the dossier."""
    return _close(
        actor=actor,
        dossier=dossier,
        action=Action.CANCEL,
        event=events.CANCELLED,
        reason=reason,
        at=at,
    )
