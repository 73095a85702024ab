"""Processing: hand-overs along the internal process and consultations (liên thông)."""

from __future__ import annotations

import datetime as dt

from motcua.core.errors import InvalidInput
from motcua.dossiers import deadlines, events
from motcua.dossiers.action_rights import authorize
from motcua.dossiers.errors import DossierError
from motcua.dossiers.lifecycle import Action, Status
from motcua.dossiers.models import (
    Consultation,
    Dossier,
)
from motcua.dossiers.services._base import (
    advance,
    check_assignee,
    clock,
    iso,
    lock,
    persist,
    record,
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
    unit = authorize(actor, dossier, Action.TRANSFER)
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
                code=DossierError.UNIT_NOT_COMPETENT,
            )
        dossier.competent_unit = to_unit
    step = dossier.current_step
    at_desk = step is not None and step.role == Role.DESK_OFFICER
    if status_from == Status.RECEIVED or at_desk:
        # from the desk (at receipt, or sent back to a desk step) to the next processing step
        later = [s for s in _steps(dossier) if step is None or s.order > step.order]
        processing = [s for s in later if s.role != Role.DESK_OFFICER]
        following = processing[0] if processing else (later[0] if later else None)
        if following is not None or status_from == Status.RECEIVED:
            step = following
    _enter_step(dossier, step, now, assignee)
    if step is None:
        dossier.holder_unit = dossier.competent_unit
    advance(dossier, Action.TRANSFER, status_from)
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
    unit = authorize(actor, dossier, Action.ASSIGN)
    check_assignee(assignee, dossier.current_step, dossier.holder_unit)
    before_user, status_from = dossier.assignee, dossier.status
    dossier.assignee = assignee
    advance(dossier, Action.ASSIGN, status_from)
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
    advance(dossier, Action.SELF_ASSIGN, status_from)
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
    unit = authorize(actor, dossier, Action.COMPLETE_STEP)
    step = dossier.current_step
    later = [s for s in _steps(dossier) if step is None or s.order > step.order]
    if not later:
        raise InvalidInput(
            "Đây là bước cuối của quy trình: lãnh đạo phê duyệt hoặc từ chối giải quyết.",
            code=DossierError.LAST_STEP,
        )
    before_unit, before_user, before_due = (
        dossier.holder_unit,
        dossier.assignee,
        dossier.step_due_at,
    )
    status_from = dossier.status
    _enter_step(dossier, later[0], now, next_assignee)
    advance(dossier, Action.COMPLETE_STEP, status_from)
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
        raise InvalidInput("Cần ghi lý do trả lại.", code=DossierError.REASON_REQUIRED)
    dossier = lock(dossier, Action.SEND_BACK)
    unit = authorize(actor, dossier, Action.SEND_BACK)
    current = dossier.current_step
    target = next((s for s in _steps(dossier) if s.order == to_step), None)
    if target is None or current is None or target.order >= current.order:
        raise InvalidInput(
            "Chỉ trả lại về một bước trước bước hiện tại.", code=DossierError.STEP_INVALID
        )
    before_unit, before_user, before_due = (
        dossier.holder_unit,
        dossier.assignee,
        dossier.step_due_at,
    )
    status_from = dossier.status
    _enter_step(dossier, target, now)
    advance(dossier, Action.SEND_BACK, status_from)
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
        raise InvalidInput("Cần ghi nội dung xin ý kiến.", code=DossierError.QUESTION_REQUIRED)
    dossier = lock(dossier, Action.CONSULT)
    acting = authorize(actor, dossier, Action.CONSULT)
    if unit.pk == dossier.holder_unit_id:
        raise InvalidInput(
            "Đơn vị được hỏi ý kiến phải là đơn vị khác.", code=DossierError.CONSULT_SELF
        )
    persist(dossier)  # the consultation's row points to it
    consultation = Consultation.objects.create(
        dossier=dossier,
        unit=unit,
        question=question.strip(),
        requested_at=now,
        due_at=deadlines.step_due(start=now, hours=hours, unit=unit) if hours else None,
    )
    status_from = dossier.status
    advance(dossier, Action.CONSULT, status_from)
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
        raise InvalidInput("Cần ghi nội dung ý kiến.", code=DossierError.OPINION_REQUIRED)
    dossier = lock(dossier, Action.RECORD_OPINION)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk, dossier=dossier)
    if consultation.answered_at is not None:
        raise InvalidInput("Đơn vị này đã trả lời.", code=DossierError.ALREADY_ANSWERED)
    unit = authorize(actor, dossier, Action.RECORD_OPINION, units=[consultation.unit])
    consultation.answered_at = now
    consultation.opinion = opinion.strip()
    consultation.save(update_fields=["answered_at", "opinion"])
    status_from = dossier.status
    advance(dossier, Action.RECORD_OPINION, status_from)
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
