"""Pauses: a supplement or a payment asked of the applicant stops the clock until it arrives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files import File

from motcua.core.errors import InvalidInput
from motcua.dossiers import deadlines, events
from motcua.dossiers.action_rights import authorize
from motcua.dossiers.errors import DossierError
from motcua.dossiers.lifecycle import Action, Status
from motcua.dossiers.models import (
    ChecklistItem,
    ComponentCopy,
    Dossier,
    Pause,
    PauseKind,
)
from motcua.dossiers.services._base import (
    add_children,
    advance,
    children,
    clock,
    current_batch,
    lock,
    record,
    save,
    service,
)
from motcua.dossiers.services.processing import _name


def _pause(dossier: Dossier, kind: str, now: dt.datetime, reason: str) -> None:
    add_children([Pause(dossier=dossier, kind=kind, started_at=now, reason=reason)])
    dossier.paused_since = now


def _resume(dossier: Dossier, now: dt.datetime) -> float:
    """End the open pause: due times move by the working time paused."""
    batch = current_batch()
    pending = [p for p in batch.pending(Pause, dossier) if p.ended_at is None] if batch else []
    pause = pending[-1] if pending else None  # not inserted yet: inserted as it ends here
    if pause is None:
        pause = Pause.objects.select_for_update().get(dossier=dossier, ended_at__isnull=True)
    hours = deadlines.paused_hours(start=pause.started_at, end=now, unit=dossier.competent_unit)
    pause.ended_at, pause.hours = now, hours
    if pause.pk is not None:
        pause.save(update_fields=["ended_at", "hours"])
    dossier.paused_since = None
    dossier.paused_hours = dossier.paused_hours + hours
    dossier.due_at = deadlines.extend(due=dossier.due_at, hours=hours, unit=dossier.competent_unit)
    dossier.step_due_at = deadlines.extend(
        due=dossier.step_due_at, hours=hours, unit=dossier.holder_unit
    )
    return hours


#: What resuming work after a pause changes on the dossier row.
RESUME_FIELDS = ["status", "paused_since", "paused_hours", "due_at", "step_due_at"]


def _resume_work(dossier: Dossier, now: dt.datetime, action: str) -> float:
    """End the pause (due times move by the working time paused) and go back to work."""
    status_from = dossier.status
    hours = _resume(dossier, now)
    advance(dossier, action, status_from)
    return hours


def _amount(value) -> Decimal:
    amount = Decimal(value)
    if amount <= 0:
        raise InvalidInput("Số tiền phải lớn hơn 0.", code=DossierError.AMOUNT_INVALID)
    return amount


@service
def dossier_request_supplement(
    *,
    actor,
    dossier: Dossier,
    items: list[str],
    reason: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask the applicant for everything missing at once (form 02); the clock pauses.

    Only once: a second request needs a reason and counts the dossier late.
    """
    now = clock(at)
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise InvalidInput(
            "Cần liệt kê đầy đủ các nội dung phải bổ sung.", code=DossierError.ITEMS_REQUIRED
        )
    dossier = lock(dossier, Action.REQUEST_SUPPLEMENT)
    unit = authorize(actor, dossier, Action.REQUEST_SUPPLEMENT)
    if dossier.supplement_count >= 1 and not reason.strip():
        raise InvalidInput(
            "Chỉ được yêu cầu bổ sung một lần. Lần tiếp theo phải nêu rõ lý do và hồ sơ "
            "sẽ bị tính là quá hạn.",
            code=DossierError.SUPPLEMENT_ONCE,
        )
    status_from = dossier.status
    advance(dossier, Action.REQUEST_SUPPLEMENT, status_from)
    dossier.supplement_count += 1
    _pause(dossier, PauseKind.SUPPLEMENT, now, "; ".join(items))
    save(dossier, ["status", "supplement_count", "paused_since"])
    record(
        dossier=dossier,
        action=events.SUPPLEMENT_REQUESTED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        due_before=dossier.due_at,
        payload={
            "items": items,
            "reasons": reason.strip(),
            "count": dossier.supplement_count,
            "counted_late": dossier.supplement_count > 1,
            "from_unit": unit.code,
            "from_user": _name(actor),
            "to_unit": None,
            "to_user": dossier.applicant_name,
            "late": bool(dossier.step_due_at and now > dossier.step_due_at),
        },
        notify=at is None,
    )
    return dossier


@service
def dossier_receive_supplement(
    *, actor, dossier: Dossier, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """The supplement arrived: the clock resumes and due = old due + working time paused."""
    now = clock(at)
    dossier = lock(dossier, Action.RECEIVE_SUPPLEMENT)
    unit = authorize(actor, dossier, Action.RECEIVE_SUPPLEMENT)
    return _supplement_received(dossier, now=now, actor=actor, unit=unit, note=note)


def _supplement_received(
    dossier: Dossier, *, now: dt.datetime, actor, unit, note: str, extra: dict | None = None
) -> Dossier:
    """Resume the clock (due = old due + working time paused) and record the hand-over."""
    status_from, due_before = dossier.status, dossier.due_at
    hours = _resume_work(dossier, now, Action.RECEIVE_SUPPLEMENT)
    save(dossier, RESUME_FIELDS)
    record(
        dossier=dossier,
        action=events.SUPPLEMENT_RECEIVED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        due_before=due_before,
        payload={
            "paused_hours": round(hours, 4),
            "note": note,
            "from_unit": None,
            "from_user": dossier.applicant_name,
            "to_unit": dossier.holder_unit.code,
            "to_user": _name(dossier.assignee),
            "late": False,
            **(extra or {}),
        },
    )
    return dossier


@service
def dossier_receive_supplement_online(
    *,
    dossier: Dossier,
    files: list[tuple[str, File]],
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant sent the requested supplement through the portal.

    Called only by the portal after it has checked that the signed-in citizen owns the
    dossier and that every file's content is an accepted type. The files join the checklist
    as electronic copies; the clock resumes as with ``dossier_receive_supplement``.
    """
    now = clock(at)
    if not files:
        raise InvalidInput(
            "Cần gửi kèm ít nhất một tệp bổ sung.", code=DossierError.SUPPLEMENT_FILES_REQUIRED
        )
    dossier = lock(dossier, Action.RECEIVE_SUPPLEMENT)
    items = children(ChecklistItem, dossier, "checklist")
    last = max((i.order for i in items), default=0)
    added = [
        ChecklistItem(
            dossier=dossier,
            order=last + offset,
            name=f"Bổ sung: {label}"[:500],
            provided=True,
            copy_kind=ComponentCopy.ELECTRONIC,
            file=file,
        )
        for offset, (label, file) in enumerate(files, start=1)
    ]
    add_children(added)  # saving a row stores its uploaded file
    names = [item.name for item in added]
    return _supplement_received(
        dossier,
        now=now,
        actor=None,
        unit=dossier.receiving_unit,
        note=note.strip(),
        extra={"channel": "online", "files": names},
    )


@service
def dossier_request_payment(
    *,
    actor,
    dossier: Dossier,
    amount,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask the applicant to fulfil financial obligations; the clock pauses until paid."""
    now = clock(at)
    amount = _amount(amount)
    dossier = lock(dossier, Action.REQUEST_PAYMENT)
    unit = authorize(actor, dossier, Action.REQUEST_PAYMENT)
    status_from = dossier.status
    advance(dossier, Action.REQUEST_PAYMENT, status_from)
    dossier.fee_due = dossier.fee_due + amount
    _pause(dossier, PauseKind.PAYMENT, now, note)
    save(dossier, ["status", "fee_due", "paused_since"])
    record(
        dossier=dossier,
        action=events.PAYMENT_REQUESTED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        due_before=dossier.due_at,
        payload={"amount": amount, "note": note, "from_unit": unit.code, "to_unit": None},
        notify=at is None,
    )
    return dossier


@service
def dossier_record_payment(
    *,
    actor,
    dossier: Dossier,
    amount,
    receipt: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Payment received: the clock resumes like after a supplement."""
    now = clock(at)
    amount = _amount(amount)
    dossier = lock(dossier, Action.RECORD_PAYMENT)
    unit = authorize(actor, dossier, Action.RECORD_PAYMENT)
    status_from, due_before = dossier.status, dossier.due_at
    hours = _resume_work(dossier, now, Action.RECORD_PAYMENT)
    dossier.fee_paid = dossier.fee_paid + amount
    save(dossier, [*RESUME_FIELDS, "fee_paid"])
    record(
        dossier=dossier,
        action=events.PAYMENT_RECORDED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        due_before=due_before,
        payload={
            "amount": amount,
            "receipt": receipt,
            "paused_hours": round(hours, 4),
            "from_unit": None,
            "to_unit": dossier.holder_unit.code,
        },
    )
    return dossier


@service
def dossier_record_online_payment(
    *,
    dossier: Dossier,
    amount,
    receipt: str,
    reference: str = "",
    provider: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """A payment confirmed by the payment gateway (the payments app, after verifying it).

    No officer acts, so the event has no actor. While the dossier waits for the payment the
    clock resumes as with ``dossier_record_payment``; otherwise the amount is added to what
    was paid and the status stays. Not exposed in the API: only the payments service calls it.
    """
    now = clock(at)
    amount = _amount(amount)
    dossier = lock(dossier, Action.ONLINE_PAYMENT)
    status_from, due_before = dossier.status, dossier.due_at
    hours = 0.0
    fields = ["fee_paid"]
    if status_from == Status.PAYMENT_REQUESTED:
        hours = _resume(dossier, now)
        fields += RESUME_FIELDS
    advance(dossier, Action.ONLINE_PAYMENT, status_from)
    dossier.fee_paid = dossier.fee_paid + amount
    save(dossier, fields)
    record(
        dossier=dossier,
        action=events.PAYMENT_RECORDED,
        actor=None,
        unit=dossier.holder_unit,
        at=now,
        status_from=status_from,
        due_before=due_before,
        payload={
            "amount": amount,
            "receipt": receipt,
            "reference": reference,
            "provider": provider,
            "online": True,
            "paused_hours": round(hours, 4),
            "from_unit": None,
            "to_unit": dossier.holder_unit.code,
        },
    )
    return dossier
