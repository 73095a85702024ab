"""Corrections after the fact: the apology with a new appointment, the late entry."""

from __future__ import annotations

import datetime as dt

from motcua.core.errors import InvalidInput
from motcua.core.formats import vn_date
from motcua.dossiers import deadlines, events
from motcua.dossiers.action_rights import authorize
from motcua.dossiers.errors import DossierError
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import (
    Dossier,
)
from motcua.dossiers.services._base import (
    clock,
    iso,
    lock,
    record,
    save,
    service,
)

#: How far an apology may push the appointment: after the current due time, within a year.
MAX_REAPPOINTMENT = dt.timedelta(days=365)


@service
def dossier_apologize(
    *,
    actor,
    dossier: Dossier,
    reason: str,
    new_due_at: dt.datetime,
    at: dt.datetime | None = None,
) -> Dossier:
    """Apology and new appointment (form 04): once, at the latest 1 working day before due;
    the new appointment is after the current due time and at most one year later.

    The dossier stays counted late (classification reads the apology event).
    """
    now = clock(at)
    if not reason.strip():
        raise InvalidInput("Cần ghi lý do chậm trễ.", code=DossierError.REASON_REQUIRED)
    dossier = lock(dossier, Action.APOLOGIZE)
    unit = authorize(actor, dossier, Action.APOLOGIZE)
    if dossier.apologized_at is not None:
        raise InvalidInput(
            "Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần thứ hai.",
            code=DossierError.REAPPOINTMENT_ONCE,
        )
    if dossier.due_at is None:
        raise InvalidInput("Thủ tục không quy định thời hạn.", code=DossierError.NO_DUE_DATE)
    limit_unit = dossier.competent_unit
    if deadlines.one_working_day_after(now, unit=limit_unit) > dossier.due_at:
        raise InvalidInput(
            "Đã quá thời điểm xin lỗi, hẹn lại (chậm nhất 01 ngày làm việc trước hạn trả).",
            code=DossierError.APOLOGY_TOO_LATE,
        )
    if new_due_at <= dossier.due_at:
        raise InvalidInput(
            "Ngày hẹn mới phải sau hạn trả hiện tại.", code=DossierError.NEW_DUE_INVALID
        )
    if new_due_at > dossier.due_at + MAX_REAPPOINTMENT:
        raise InvalidInput(
            "Ngày hẹn mới không được quá 01 năm sau hạn trả hiện tại "
            f"({vn_date(dossier.due_at + MAX_REAPPOINTMENT)}).",
            code=DossierError.NEW_DUE_TOO_FAR,
        )
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
        raise InvalidInput(
            "Cần ghi nội dung được nhập bù.", code=DossierError.LATE_ENTRY_DESCRIPTION_REQUIRED
        )
    if len(reason) < 10:
        raise InvalidInput(
            "Nhập bù phải ghi rõ lý do (ít nhất 10 ký tự).",
            code=DossierError.LATE_ENTRY_REASON_REQUIRED,
        )
    if occurred_at.tzinfo is None:
        raise InvalidInput("Thời điểm xảy ra phải có múi giờ.", code=DossierError.NAIVE_DATETIME)
    if occurred_at >= now:
        raise InvalidInput(
            "Thời điểm xảy ra phải trước thời điểm nhập bù.",
            code=DossierError.LATE_ENTRY_NOT_IN_PAST,
        )
    if dossier.received_at and occurred_at < dossier.received_at:
        raise InvalidInput(
            "Thời điểm xảy ra không được trước khi tiếp nhận hồ sơ.",
            code=DossierError.LATE_ENTRY_BEFORE_RECEIPT,
        )
    dossier = lock(dossier, Action.LATE_ENTRY)
    unit = authorize(actor, dossier, Action.LATE_ENTRY)
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
