"""Registering and classifying at the receiving unit: accept, ask for information (clock
paused), the sender's answer, reject, transfer (in or out of the province), merge duplicates,
and an officer's correction of the classification (field, procedure, unit concerned).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from motcua.core.errors import InvalidInput, NotFound
from motcua.feedback import clocks, events
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, Round, Status, Transfer
from motcua.feedback.services.common import (
    begin,
    now_or,
    record,
    resume,
    stage_limit,
    start_stage,
)
from motcua.ledger.services import event_record
from motcua.organization.models import Unit


@transaction.atomic
def feedback_accept(*, feedback, actor, note: str = "", now=None) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "accept", actor)
    limit = stage_limit(item, "classify", now)
    item.round += 1
    rnd = Round.objects.create(
        feedback=item,
        number=item.round,
        unit=item.current_unit,
        started_at=now,
        due_at=clocks.after(now, "handle", unit=item.current_unit),
    )
    item.status = Status.HANDLING
    start_stage(item, now, rnd.due_at)
    item.save()
    record(
        item, events.ACCEPTED, actor, now, note=note, round=rnd.number, due_at=rnd.due_at, **limit
    )
    return item


@transaction.atomic
def feedback_request_info(*, feedback, actor, question: str, now=None) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "request_info", actor)
    limit = stage_limit(item, "request_info", now)
    item.status, item.paused_at = Status.INFO_REQUESTED, now
    item.save()
    record(item, events.INFO_REQUESTED, actor, now, question=question, **limit)
    return item


@transaction.atomic
def feedback_provide_info(
    *, feedback, actor=None, info: str, phone4: str = "", now=None
) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "provide_info", actor, phone4)
    paused = resume(item, now)
    item.status = Status.NEW
    item.due_at = clocks.after(
        item.stage_started_at,
        "classify",
        unit=item.current_unit,
        extra_hours=item.stage_paused_hours,
    )
    item.save()
    record(
        item, events.INFO_PROVIDED, actor, now, info=info, paused_hours=paused, due_at=item.due_at
    )
    return item


@transaction.atomic
def feedback_reject(*, feedback, actor, reason: str, now=None) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "reject", actor)
    resume(item, now)
    limit = stage_limit(item, "reject", now)
    item.status, item.closed_reason, item.closed_at = Status.REJECTED, reason, now
    item.due_at = None
    item.save()
    record(item, events.REJECTED, actor, now, reason=reason, **limit)
    return item


@transaction.atomic
def feedback_transfer(
    *,
    feedback,
    actor,
    reason: str,
    to_unit=None,
    body_name: str = "",
    conduct: bool = False,
    now=None,
) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "transfer", actor)
    body_name = (body_name or "").strip()
    if isinstance(to_unit, int):
        to_unit = Unit.objects.filter(pk=to_unit).first()
        if to_unit is None:
            raise NotFound("Không tìm thấy đơn vị nhận.", code=FeedbackError.UNIT_NOT_FOUND)
    if (to_unit is None) == (not body_name):
        raise InvalidInput(
            "Chọn một đơn vị trong tỉnh hoặc ghi tên cơ quan ngoài tỉnh (chỉ một).",
            code=FeedbackError.TRANSFER_DESTINATION,
        )
    if to_unit is not None:
        if to_unit.pk == item.current_unit_id:
            raise InvalidInput(
                "Không thể chuyển cho chính đơn vị đang giữ phản ánh.",
                code=FeedbackError.TRANSFER_SAME_UNIT,
            )
        if not to_unit.is_active_on(timezone.localdate(now)):
            raise InvalidInput("Đơn vị nhận không còn hoạt động.", code=FeedbackError.UNIT_INACTIVE)
    limit = stage_limit(item, "transfer", now)
    source = item.current_unit
    Transfer.objects.create(
        feedback=item,
        from_unit=source,
        to_unit=to_unit,
        body_name=body_name,
        reason=reason,
        conduct=bool(conduct),
        at=now,
        limit_at=limit["limit_at"],
        by=actor,
    )
    payload = {"reason": reason, "conduct": bool(conduct), "from_unit": source.name, **limit}
    if to_unit is None:
        item.status, item.closed_at, item.closed_reason = Status.TRANSFERRED_OUT, now, reason
        item.due_at = None
        item.save()
        record(item, events.TRANSFERRED_OUT, actor, now, body_name=body_name, **payload)
        return item
    item.current_unit = to_unit
    start_stage(item, now, clocks.after(now, "classify", unit=to_unit))
    item.save()
    record(
        item, events.TRANSFERRED, actor, now, to_unit=to_unit.name, due_at=item.due_at, **payload
    )
    return item


@transaction.atomic
def feedback_merge(*, feedback, actor, into_code: str, now=None) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "merge", actor)
    target = (
        Feedback.objects.select_for_update().filter(code=(into_code or "").strip().upper()).first()
    )
    if target is None:
        raise NotFound(
            "Không tìm thấy phản ánh gốc với mã đã nhập.", code=FeedbackError.ORIGINAL_NOT_FOUND
        )
    if target.pk == item.pk:
        raise InvalidInput("Không thể gộp phản ánh vào chính nó.", code=FeedbackError.MERGE_SELF)
    if target.status in (Status.MERGED, Status.REJECTED, Status.TRANSFERRED_OUT):
        raise InvalidInput(
            "Phản ánh gốc đã kết thúc hoặc đã được gộp, không gộp vào được.",
            code=FeedbackError.MERGE_TARGET_CLOSED,
        )
    resume(item, now)
    Feedback.objects.filter(merged_into=item).update(merged_into=target)
    item.status, item.merged_into, item.closed_at, item.due_at = Status.MERGED, target, now, None
    item.save()
    record(item, events.MERGED, actor, now, into=target.code)
    event_record(
        subject_type=events.SUBJECT,
        subject_id=target.pk,
        action=events.MERGED_IN,
        actor=actor,
        unit=target.current_unit,
        at=now,
        payload={"code": target.code, "status": target.status, "duplicate": item.code},
    )
    return item


def _classification(item: Feedback) -> dict:
    """The classification as the history shows it: codes and names, None when not set."""
    return {
        "field": item.field.code if item.field else None,
        "field_name": item.field.name if item.field else None,
        "procedure": item.procedure.code if item.procedure else None,
        "subject_unit": item.subject_unit.name if item.subject_unit else None,
    }


def _new_classification(
    item: Feedback, field: str | None, procedure_code: str | None, subject_unit: int | None
) -> None:
    from motcua.catalog.models import Field, Procedure

    if procedure_code is not None and procedure_code.strip():
        procedure = (
            Procedure.objects.select_related("field").filter(code=procedure_code.strip()).first()
        )
        if procedure is None:
            raise InvalidInput(
                "Không tìm thấy thủ tục với mã đã nhập.", code=FeedbackError.PROCEDURE_NOT_FOUND
            )
        item.procedure = procedure
        if field is None:  # the field follows the procedure unless it is given too
            item.field = procedure.field
    if field is not None and field.strip():
        found = Field.objects.filter(code=field.strip()).first()
        if found is None:
            raise InvalidInput(
                "Không tìm thấy lĩnh vực với mã đã chọn.", code=FeedbackError.FIELD_NOT_FOUND
            )
        item.field = found
    if subject_unit is not None:
        unit = Unit.objects.filter(pk=subject_unit).first()
        if unit is None:
            raise NotFound("Không tìm thấy đơn vị bị phản ánh.", code=FeedbackError.UNIT_NOT_FOUND)
        item.subject_unit = unit


@transaction.atomic
def feedback_reclassify(
    *,
    feedback,
    actor,
    reason: str,
    field: str | None = None,
    procedure_code: str | None = None,
    subject_unit: int | None = None,
    now=None,
) -> Feedback:
    """Correct the field (lĩnh vực), the procedure or the unit concerned after intake.

    Officers of the unit holding the item, while it is open; what is not given stays. The
    history keeps the old and the new values; statistics per field read the corrected one.
    """
    now = now_or(now)
    item = begin(feedback, "reclassify", actor)
    item = Feedback.objects.select_related(
        "field", "procedure", "subject_unit", "current_unit"
    ).get(pk=item.pk)  # already locked by begin, in this transaction
    old = _classification(item)
    _new_classification(item, field, procedure_code, subject_unit)
    new = _classification(item)
    changed = {k: {"old": old[k], "new": new[k]} for k in old if old[k] != new[k]}
    if not changed:
        raise InvalidInput(
            "Phân loại mới giống phân loại hiện tại, không có gì để điều chỉnh.",
            code=FeedbackError.CLASSIFICATION_UNCHANGED,
        )
    item.save(update_fields=["field", "procedure", "subject_unit", "updated_at"])
    record(item, events.RECLASSIFIED, actor, now, reason=reason.strip(), changes=changed)
    return item
