"""Processing: hand-overs along the internal process, consultations, pauses, apology."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files import File

from motcua.core.errors import InvalidInput
from motcua.dossiers import deadlines, events
from motcua.dossiers.lifecycle import Action, Status
from motcua.dossiers.models import (
    ChecklistItem,
    ComponentCopy,
    Consultation,
    Dossier,
    Pause,
    PauseKind,
)
from motcua.dossiers.services._base import (
    add_children,
    check_assignee,
    children,
    clock,
    current_batch,
    iso,
    lock,
    persist,
    record,
    require_any,
    save,
    service,
    step_unit,
)
from motcua.organization.models import Role, Unit

STEP_FIELDS = [
    "status",
    "current_step",
    "holder_unit",
    "assignee",
    "step_started_at",
    "step_due_at",
    "competent_unit",
]


def _name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _holder(
    actor, dossier: Dossier, roles=(Role.UNIT_LEADER,), units: list[Unit] | None = None
) -> Unit:
    """The assignee acts at the holding unit; anyone else needs one of ``roles`` at one of
    ``units`` (default: a leader of the holding unit, acting for the assignee)."""
    if dossier.assignee_id is not None and actor is not None and actor.pk == dossier.assignee_id:
        return dossier.holder_unit
    return require_any(actor, roles, units or [dossier.holder_unit])


def _enter_step(dossier: Dossier, step, now: dt.datetime, assignee=None) -> None:
    dossier.current_step = step
    dossier.holder_unit = step_unit(dossier, step)
    dossier.step_started_at = now
    dossier.step_due_at = (
        deadlines.step_due(start=now, hours=step.hours, unit=dossier.holder_unit)
        if step is not None and dossier.due_at is not None
        else None
    )
    if assignee is not None:
        check_assignee(assignee, step, dossier.holder_unit)
    dossier.assignee = assignee
    dossier.status = Status.IN_PROGRESS if assignee is not None else Status.WAITING_ASSIGNMENT


def _steps(dossier: Dossier) -> list:
    """The process's steps in order (from the prefetch made at receipt when there is one)."""
    if dossier.process is None:
        return []
    return sorted(dossier.process.steps.all(), key=lambda s: s.order)


def _handover(dossier: Dossier, before_unit: Unit, before_user, now: dt.datetime, late_ref):
    return {
        "from_unit": before_unit.code if before_unit else None,
        "from_user": _name(before_user),
        "to_unit": dossier.holder_unit.code if dossier.holder_unit_id else None,
        "to_user": _name(dossier.assignee),
        "late": bool(late_ref is not None and now > late_ref),
    }


@service
def dossier_transfer(
    *,
    actor,
    dossier: Dossier,
    to_unit: Unit | None = None,
    assignee=None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Hand the dossier from the desk (or a wrong unit) to the competent unit."""
    now = clock(at)
    dossier = lock(dossier, Action.TRANSFER)
    unit = _holder(actor, dossier, [Role.DESK_OFFICER, Role.UNIT_LEADER])
    before_unit, before_user, before_due = (
        dossier.holder_unit,
        dossier.assignee,
        dossier.step_due_at,
    )
    status_from = dossier.status
    if to_unit is not None and to_unit.pk != dossier.competent_unit_id:
        if to_unit.kind != dossier.procedure.competent_unit_kind:
            raise InvalidInput(
                f"{to_unit.name} không phải loại cơ quan có thẩm quyền giải quyết thủ tục này.",
                code="unit_not_competent",
            )
        dossier.competent_unit = to_unit
    step = dossier.current_step
    if status_from == Status.RECEIVED:
        later = [s for s in _steps(dossier) if step is None or s.order > step.order]
        processing = [s for s in later if s.role != Role.DESK_OFFICER]
        step = processing[0] if processing else (later[0] if later else None)
    _enter_step(dossier, step, now, assignee)
    if step is None:
        dossier.holder_unit = dossier.competent_unit
    save(dossier, STEP_FIELDS)
    record(
        dossier=dossier,
        action=events.TRANSFERRED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={"note": note, **_handover(dossier, before_unit, before_user, now, before_due)},
    )
    return dossier


@service
def dossier_assign(*, actor, dossier: Dossier, assignee, at: dt.datetime | None = None) -> Dossier:
    """The unit leader assigns the current step to an officer."""
    now = clock(at)
    dossier = lock(dossier, Action.ASSIGN)
    unit = require_any(actor, [Role.UNIT_LEADER], [dossier.holder_unit])
    check_assignee(assignee, dossier.current_step, dossier.holder_unit)
    before_user, status_from = dossier.assignee, dossier.status
    dossier.assignee = assignee
    dossier.status = Status.IN_PROGRESS
    save(dossier, ["assignee", "status"])
    record(
        dossier=dossier,
        action=events.ASSIGNED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload=_handover(dossier, dossier.holder_unit, before_user, now, None),
    )
    return dossier


@service
def dossier_self_assign(*, actor, dossier: Dossier, at: dt.datetime | None = None) -> Dossier:
    """An officer with the step's role at the holding unit takes the step."""
    now = clock(at)
    dossier = lock(dossier, Action.SELF_ASSIGN)
    check_assignee(actor, dossier.current_step, dossier.holder_unit)
    status_from = dossier.status
    dossier.assignee = actor
    dossier.status = Status.IN_PROGRESS
    save(dossier, ["assignee", "status"])
    record(
        dossier=dossier,
        action=events.SELF_ASSIGNED,
        actor=actor,
        unit=dossier.holder_unit,
        at=now,
        status_from=status_from,
        payload=_handover(dossier, dossier.holder_unit, None, now, None),
    )
    return dossier


@service
def dossier_complete_step(
    *,
    actor,
    dossier: Dossier,
    next_assignee=None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """The step is done: the dossier moves to the next step of the internal process."""
    now = clock(at)
    dossier = lock(dossier, Action.COMPLETE_STEP)
    unit = _holder(actor, dossier)
    step = dossier.current_step
    later = [s for s in _steps(dossier) if step is None or s.order > step.order]
    if not later:
        raise InvalidInput(
            "Đây là bước cuối của quy trình: lãnh đạo phê duyệt hoặc từ chối giải quyết.",
            code="last_step",
        )
    before_unit, before_user, before_due = (
        dossier.holder_unit,
        dossier.assignee,
        dossier.step_due_at,
    )
    status_from = dossier.status
    _enter_step(dossier, later[0], now, next_assignee)
    save(dossier, STEP_FIELDS)
    record(
        dossier=dossier,
        action=events.STEP_COMPLETED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={
            "completed_step": step.order if step else None,
            "note": note,
            **_handover(dossier, before_unit, before_user, now, before_due),
        },
    )
    return dossier


@service
def dossier_send_back(
    *, actor, dossier: Dossier, to_step: int, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """Send the dossier back to an earlier step with a written reason."""
    now = clock(at)
    if not reason.strip():
        raise InvalidInput("Cần ghi lý do trả lại.", code="reason_required")
    dossier = lock(dossier, Action.SEND_BACK)
    unit = _holder(actor, dossier)
    current = dossier.current_step
    target = next((s for s in _steps(dossier) if s.order == to_step), None)
    if target is None or current is None or target.order >= current.order:
        raise InvalidInput("Chỉ trả lại về một bước trước bước hiện tại.", code="step_invalid")
    before_unit, before_user, before_due = (
        dossier.holder_unit,
        dossier.assignee,
        dossier.step_due_at,
    )
    status_from = dossier.status
    _enter_step(dossier, target, now)
    save(dossier, STEP_FIELDS)
    record(
        dossier=dossier,
        action=events.SENT_BACK,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={
            "reasons": reason.strip(),
            "from_step": current.order,
            **_handover(dossier, before_unit, before_user, now, before_due),
        },
    )
    return dossier


@service
def dossier_consult(
    *,
    actor,
    dossier: Dossier,
    unit: Unit,
    question: str,
    hours: float | None = None,
    at: dt.datetime | None = None,
) -> Consultation:
    """Ask another unit's opinion (liên thông); several may be asked in parallel."""
    now = clock(at)
    if not question.strip():
        raise InvalidInput("Cần ghi nội dung xin ý kiến.", code="question_required")
    dossier = lock(dossier, Action.CONSULT)
    acting = _holder(actor, dossier)
    if unit.pk == dossier.holder_unit_id:
        raise InvalidInput("Đơn vị được hỏi ý kiến phải là đơn vị khác.", code="consult_self")
    persist(dossier)  # the consultation's row points to it
    consultation = Consultation.objects.create(
        dossier=dossier,
        unit=unit,
        question=question.strip(),
        requested_at=now,
        due_at=deadlines.step_due(start=now, hours=hours, unit=unit) if hours else None,
    )
    status_from = dossier.status
    dossier.status = Status.CONSULTING
    save(dossier, ["status"])
    record(
        dossier=dossier,
        action=events.CONSULTED,
        actor=actor,
        unit=acting,
        at=now,
        status_from=status_from,
        payload={
            "consultation": consultation.pk,
            "question": consultation.question,
            "from_unit": acting.code,
            "from_user": _name(actor),
            "to_unit": unit.code,
            "to_user": None,
            "opinion_due": iso(consultation.due_at),
            "late": False,
        },
    )
    return consultation


@service
def dossier_record_opinion(
    *,
    actor,
    dossier: Dossier,
    consultation: Consultation,
    opinion: str,
    at: dt.datetime | None = None,
) -> Dossier:
    """The consulted unit answers; when no question is left open, processing resumes."""
    now = clock(at)
    if not opinion.strip():
        raise InvalidInput("Cần ghi nội dung ý kiến.", code="opinion_required")
    dossier = lock(dossier, Action.RECORD_OPINION)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk, dossier=dossier)
    if consultation.answered_at is not None:
        raise InvalidInput("Đơn vị này đã trả lời.", code="already_answered")
    unit = require_any(actor, [Role.SPECIALIST, Role.UNIT_LEADER], [consultation.unit])
    consultation.answered_at = now
    consultation.opinion = opinion.strip()
    consultation.save(update_fields=["answered_at", "opinion"])
    status_from = dossier.status
    if not dossier.consultations.filter(answered_at__isnull=True).exists():
        _back_to_work(dossier)
    save(dossier, ["status"])
    record(
        dossier=dossier,
        action=events.OPINION_RECORDED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        payload={
            "consultation": consultation.pk,
            "opinion": consultation.opinion,
            "from_unit": unit.code,
            "from_user": _name(actor),
            "to_unit": dossier.holder_unit.code,
            "to_user": _name(dossier.assignee),
            "late": bool(consultation.due_at and now > consultation.due_at),
        },
    )
    return dossier


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


def _back_to_work(dossier: Dossier) -> None:
    dossier.status = Status.IN_PROGRESS if dossier.assignee_id else Status.WAITING_ASSIGNMENT


#: What resuming work after a pause changes on the dossier row.
RESUME_FIELDS = ["status", "paused_since", "paused_hours", "due_at", "step_due_at"]


def _resume_work(dossier: Dossier, now: dt.datetime) -> float:
    """End the pause (due times move by the working time paused) and go back to work."""
    hours = _resume(dossier, now)
    _back_to_work(dossier)
    return hours


def _amount(value) -> Decimal:
    amount = Decimal(value)
    if amount <= 0:
        raise InvalidInput("Số tiền phải lớn hơn 0.", code="amount_invalid")
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
        raise InvalidInput("Cần liệt kê đầy đủ các nội dung phải bổ sung.", code="items_required")
    dossier = lock(dossier, Action.REQUEST_SUPPLEMENT)
    unit = _holder(actor, dossier)
    if dossier.supplement_count >= 1 and not reason.strip():
        raise InvalidInput(
            "Chỉ được yêu cầu bổ sung một lần. Lần tiếp theo phải nêu rõ lý do và hồ sơ "
            "sẽ bị tính là quá hạn.",
            code="supplement_once",
        )
    status_from = dossier.status
    dossier.status = Status.SUPPLEMENT_REQUESTED
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
    unit = _holder(
        actor,
        dossier,
        [Role.DESK_OFFICER, Role.UNIT_LEADER],
        [dossier.receiving_unit, dossier.holder_unit],
    )
    return _supplement_received(dossier, now=now, actor=actor, unit=unit, note=note)


def _supplement_received(
    dossier: Dossier, *, now: dt.datetime, actor, unit, note: str, extra: dict | None = None
) -> Dossier:
    """Resume the clock (due = old due + working time paused) and record the hand-over."""
    status_from, due_before = dossier.status, dossier.due_at
    hours = _resume_work(dossier, now)
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
        raise InvalidInput("Cần gửi kèm ít nhất một tệp bổ sung.", code="supplement_files_required")
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
    unit = _holder(actor, dossier)
    status_from = dossier.status
    dossier.status = Status.PAYMENT_REQUESTED
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
    unit = _holder(
        actor,
        dossier,
        [Role.DESK_OFFICER, Role.UNIT_LEADER],
        [dossier.receiving_unit, dossier.holder_unit],
    )
    status_from, due_before = dossier.status, dossier.due_at
    hours = _resume_work(dossier, now)
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
        hours = _resume_work(dossier, now)
        fields += RESUME_FIELDS
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


@service
def dossier_apologize(
    *,
    actor,
    dossier: Dossier,
    reason: str,
    new_due_at: dt.datetime,
    at: dt.datetime | None = None,
) -> Dossier:
    """Apology and new appointment (form 04): once, at the latest 1 working day before due.

    The dossier stays counted late (classification reads the apology event).
    """
    now = clock(at)
    if not reason.strip():
        raise InvalidInput("Cần ghi lý do chậm trễ.", code="reason_required")
    dossier = lock(dossier, Action.APOLOGIZE)
    unit = require_any(actor, [Role.UNIT_LEADER], [dossier.holder_unit, dossier.competent_unit])
    if dossier.apologized_at is not None:
        raise InvalidInput(
            "Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần thứ hai.",
            code="reappointment_once",
        )
    if dossier.due_at is None:
        raise InvalidInput("Thủ tục không quy định thời hạn.", code="no_due_date")
    limit_unit = dossier.competent_unit
    if deadlines.one_working_day_after(now, unit=limit_unit) > dossier.due_at:
        raise InvalidInput(
            "Đã quá thời điểm xin lỗi, hẹn lại (chậm nhất 01 ngày làm việc trước hạn trả).",
            code="apology_too_late",
        )
    if new_due_at <= dossier.due_at:
        raise InvalidInput("Ngày hẹn mới phải sau hạn trả hiện tại.", code="new_due_invalid")
    status_from = dossier.status
    dossier.apologized_at = now
    dossier.reappointed_due_at = new_due_at
    save(dossier, ["apologized_at", "reappointed_due_at"])
    record(
        dossier=dossier,
        action=events.APOLOGIZED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=status_from,
        due_before=dossier.due_at,
        payload={"reasons": reason.strip(), "new_due": iso(new_due_at)},
        notify=at is None,
    )
    return dossier


@service
def dossier_record_late_entry(
    *,
    actor,
    dossier: Dossier,
    occurred_at: dt.datetime,
    description: str,
    reason: str,
    at: dt.datetime | None = None,
) -> Dossier:
    """Record afterwards something that happened outside the system (e.g. a paper hand-over
    during an outage). Never a back-dated status change: the event carries the server time,
    the claimed time and the reason, and inspectors see every such entry flagged."""
    now = clock(at)
    description, reason = description.strip(), reason.strip()
    if not description:
        raise InvalidInput("Cần ghi nội dung được nhập bù.", code="late_entry_description_required")
    if len(reason) < 10:
        raise InvalidInput(
            "Nhập bù phải ghi rõ lý do (ít nhất 10 ký tự).", code="late_entry_reason_required"
        )
    if occurred_at.tzinfo is None:
        raise InvalidInput("Thời điểm xảy ra phải có múi giờ.", code="naive_datetime")
    if occurred_at >= now:
        raise InvalidInput(
            "Thời điểm xảy ra phải trước thời điểm nhập bù.", code="late_entry_not_in_past"
        )
    if dossier.received_at and occurred_at < dossier.received_at:
        raise InvalidInput(
            "Thời điểm xảy ra không được trước khi tiếp nhận hồ sơ.",
            code="late_entry_before_receipt",
        )
    dossier = lock(dossier, Action.LATE_ENTRY)
    unit = require_any(
        actor,
        [Role.DESK_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER],
        [dossier.holder_unit, dossier.competent_unit, dossier.receiving_unit],
    )
    save(dossier, [])
    record(
        dossier=dossier,
        action=events.LATE_ENTRY,
        actor=actor,
        unit=unit,
        at=now,
        status_from=dossier.status,
        payload={"occurred_at": iso(occurred_at), "description": description, "reason": reason},
        notify=False,
    )
    return dossier
