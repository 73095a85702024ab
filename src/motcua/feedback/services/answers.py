"""Handling and answering: the draft (with the decree's six criteria), the leader's approval
or send-back, publication and the sender's notice, and the sender's reopening and rating.
"""

from __future__ import annotations

from django.db import transaction

from motcua.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from motcua.core.formats import vn_datetime
from motcua.feedback import clocks, events
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, Round, Status
from motcua.feedback.services.common import (
    begin,
    current_round,
    now_or,
    record,
    start_stage,
)


@transaction.atomic
def feedback_draft(*, feedback, actor, answer: str, now=None, **criteria) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "draft", actor)
    rnd = current_round(item)
    rnd.answer = answer.strip()
    rnd.assessment = {k: v.strip() for k, v in criteria.items() if v and v.strip()}
    rnd.drafted_by = actor
    rnd.save()
    item.status = Status.DRAFTED
    item.save()
    record(
        item,
        events.DRAFTED,
        actor,
        now,
        round=rnd.number,
        limit="handle",
        limit_at=rnd.due_at,
        on_time=now <= rnd.due_at,
    )
    return item


@transaction.atomic
def feedback_send_back(*, feedback, actor, reason: str, now=None) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "send_back", actor)
    item.status = Status.HANDLING
    item.save()
    record(item, events.SENT_BACK, actor, now, reason=reason)
    return item


@transaction.atomic
def feedback_approve(*, feedback, actor, note: str = "", now=None) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "approve", actor)
    rnd = current_round(item)
    unit = item.current_unit
    if rnd.number == 1:  # from receipt, the information pauses excluded
        hours = clocks.working_hours(item.received_at, now, unit=unit) - item.paused_hours
    else:
        hours = clocks.working_hours(rnd.started_at, now, unit=unit)
    rnd.answered_at, rnd.approved_by, rnd.handling_hours = now, actor, max(0.0, hours)
    rnd.publish_due_at = clocks.after(now, "publish", unit=unit)
    rnd.save()
    item.status = Status.ANSWERED
    start_stage(item, now, rnd.publish_due_at)
    item.save()
    record(
        item,
        events.APPROVED,
        actor,
        now,
        note=note,
        round=rnd.number,
        limit="handle",
        limit_at=rnd.due_at,
        on_time=now <= rnd.due_at,
        handling_hours=rnd.handling_hours,
        publish_due_at=rnd.publish_due_at,
    )
    return item


def _notify_sender(item: Feedback) -> None:
    if not item.sender_email:
        return
    from django.core.mail import send_mail

    send_mail(
        f"Trả lời phản ánh {item.code}",
        f"Phản ánh «{item.title}» của Ông/Bà đã có câu trả lời. Tra cứu bằng mã {item.code} "
        "trên Cổng dịch vụ công của tỉnh.",
        None,
        [item.sender_email],
        fail_silently=True,
    )


@transaction.atomic
def feedback_publish(*, feedback, actor, now=None) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "publish", actor)
    rnd = current_round(item)
    rnd.published_at = now
    rnd.save()
    item.status, item.closed_at, item.due_at = Status.PUBLISHED, now, None
    item.save()
    record(
        item,
        events.PUBLISHED,
        actor,
        now,
        round=rnd.number,
        public=item.is_public,
        limit="publish",
        limit_at=rnd.publish_due_at,
        on_time=now <= rnd.publish_due_at,
    )
    transaction.on_commit(lambda: _notify_sender(item))
    return item


@transaction.atomic
def feedback_reopen(*, feedback, actor=None, reason: str, phone4: str = "", now=None) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "reopen", actor, phone4)
    last = current_round(item)
    published_at = last.published_at or now  # "reopen" is allowed only from a published answer
    limit_at = clocks.after(published_at, "reopen", unit=item.current_unit)
    if now > limit_at:
        raise TransitionNotAllowed(
            f"Đã hết thời hạn đề nghị xử lý lại (đến {vn_datetime(limit_at)}).",
            code=FeedbackError.REOPEN_EXPIRED,
        )
    item.round += 1
    rnd = Round.objects.create(
        feedback=item,
        number=item.round,
        unit=item.current_unit,
        started_at=now,
        due_at=clocks.after(now, "handle", unit=item.current_unit),
        reopen_reason=reason,
    )
    item.status, item.closed_at = Status.HANDLING, None
    start_stage(item, now, rnd.due_at)
    item.save()
    record(
        item,
        events.REOPENED,
        actor,
        now,
        reason=reason,
        round=rnd.number,
        due_at=rnd.due_at,
        limit="reopen",
        limit_at=limit_at,
        on_time=True,
    )
    return item


@transaction.atomic
def feedback_rate(
    *, feedback, actor=None, rating: int, comment: str = "", phone4: str = "", now=None
) -> Feedback:
    now = now_or(now)
    item = begin(feedback, "rate", actor, phone4)
    if not 1 <= int(rating) <= 5:
        raise InvalidInput("Mức hài lòng từ 1 đến 5.", code=FeedbackError.RATING_INVALID)
    rnd = current_round(item)
    if rnd.rating is not None:
        raise Conflict("Câu trả lời này đã được đánh giá.", code=FeedbackError.ALREADY_RATED)
    rnd.rating, rnd.rating_comment = int(rating), comment.strip()
    rnd.save()
    record(item, events.RATED, actor, now, round=rnd.number, rating=int(rating))
    return item
