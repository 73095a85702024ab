"""Every clock in working days: classification, rejection, information pause, transfer,
handling, publication, reopening; on time / late read back from the history."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import TransitionNotAllowed
from motcua.core.formats import VN_TZ
from motcua.feedback import selectors
from motcua.feedback.models import Transfer
from motcua.feedback.services import feedback_perform
from motcua.ledger.models import Event


def at(day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN_TZ)


def act(item, action, actor, now, **data):
    return feedback_perform(feedback=item, action=action, actor=actor, data=data, now=now)


def last_payload(item) -> dict:
    return (
        Event.objects.filter(subject_type="feedback", subject_id=str(item.pk))
        .order_by("-seq")
        .first()
        .payload
    )


def test_classification_is_due_five_working_days_later_skipping_the_weekend(submit):
    friday = submit(now=dt.datetime(2026, 3, 6, 16, 0, tzinfo=VN_TZ))
    assert friday.due_at == dt.datetime(2026, 3, 13, 16, 0, tzinfo=VN_TZ)


def test_reject_within_two_working_days_is_on_time_after_is_late(submit, org):
    on_time = act(submit(), "reject", org["desk"], at(4, 8), reason="Không phải phản ánh")
    assert last_payload(on_time)["on_time"] is True
    late = act(submit(), "reject", org["desk"], at(4, 9), reason="Không phải phản ánh")
    assert last_payload(late)["on_time"] is False
    assert last_payload(late)["limit_at"] == "2026-03-04T08:00:00+07:00"


def test_information_pause_extends_the_classification_clock(submit, org):
    item = act(submit(), "request_info", org["desk"], at(3, 8), question="Số nhà?")
    assert last_payload(item)["on_time"] is True
    item = act(item, "provide_info", None, at(10, 8), info="Số 12", phone4="5678")
    assert item.stage_paused_hours == pytest.approx(40.0)  # Tue 3 → Tue 10: 5 working days
    assert item.due_at == dt.datetime(2026, 3, 16, 8, 0, tzinfo=VN_TZ)
    # rejecting on Thu 12 at 08:00 would be late without the pause (limit Wed 4 + 5 WD)
    item = act(item, "reject", org["desk"], at(11, 8), reason="Trùng khiếu nại")
    assert last_payload(item)["on_time"] is True


def test_a_paused_item_is_not_overdue(submit, org):
    item = act(submit(), "request_info", org["desk"], at(3, 8), question="Số nhà?")
    assert not item.is_overdue(at(31))
    assert item not in selectors.officer_queue(org["desk"], view="overdue", now=at(31))


def test_transfer_after_five_working_days_is_late_and_restarts_the_clock_there(submit, org):
    item = act(
        submit(), "transfer", org["desk"], at(10, 9), to_unit=org["dept"].pk, reason="Thẩm quyền Sở"
    )
    assert Transfer.objects.get(feedback=item).on_time is False
    assert item.due_at == dt.datetime(2026, 3, 17, 9, 0, tzinfo=VN_TZ)
    assert selectors.lateness(item) == {"on_time": 0, "late": 1}


def test_handling_round_is_due_fifteen_working_days_after_acceptance(submit, org):
    item = act(submit(), "accept", org["desk"], at(2, 9))
    rnd = item.rounds.get()
    assert rnd.due_at == dt.datetime(2026, 3, 23, 9, 0, tzinfo=VN_TZ)
    item = act(item, "draft", org["centre_leader"], at(20, 9), answer="Câu trả lời đầy đủ.")
    item = act(item, "approve", org["centre_leader"], at(24, 9))  # a day late
    rnd.refresh_from_db()
    assert rnd.answered_on_time is False
    assert rnd.handling_hours == pytest.approx(16 * 8 + 1)  # Mon 2 08:00 → Tue 24 09:00
    assert rnd.publish_due_at == dt.datetime(2026, 3, 26, 9, 0, tzinfo=VN_TZ)
    item = act(item, "publish", org["desk"], at(26, 10))
    assert last_payload(item)["on_time"] is False
    assert selectors.lateness(item) == {"on_time": 2, "late": 2}  # accept, draft | approve, pub


def test_handling_time_excludes_the_information_pause(submit, org):
    item = act(submit(), "request_info", org["desk"], at(2, 9), question="Số nhà?")
    item = act(item, "provide_info", None, at(9, 9), info="Số 12", phone4="5678")
    item = act(item, "accept", org["desk"], at(9, 10))
    item = act(item, "draft", org["centre_leader"], at(9, 11), answer="Câu trả lời đầy đủ.")
    item = act(item, "approve", org["centre_leader"], at(9, 11))
    assert item.rounds.get().handling_hours == pytest.approx(3.0)  # 08-09 and 09-11 on the 9th


def test_reopen_within_ten_working_days_opens_a_new_round_with_its_own_clock(submit, org):
    item = act(submit(), "accept", org["desk"], at(2, 9))
    item = act(item, "draft", org["centre_leader"], at(2, 10), answer="Câu trả lời đầy đủ.")
    item = act(item, "approve", org["centre_leader"], at(2, 11))
    item = act(item, "publish", org["desk"], at(3, 8))
    item = act(item, "reopen", None, at(17, 8), reason="Chưa được giải quyết", phone4="5678")
    second = item.rounds.get(number=2)
    assert second.due_at == dt.datetime(2026, 4, 7, 8, 0, tzinfo=VN_TZ)
    assert item.due_at == second.due_at


def test_reopen_after_the_period_is_refused(submit, org):
    item = act(submit(), "accept", org["desk"], at(2, 9))
    item = act(item, "draft", org["centre_leader"], at(2, 10), answer="Câu trả lời đầy đủ.")
    item = act(item, "approve", org["centre_leader"], at(2, 11))
    item = act(item, "publish", org["desk"], at(3, 8))
    with pytest.raises(TransitionNotAllowed, match="hết thời hạn"):
        act(item, "reopen", None, at(17, 9), reason="Quá hạn rồi", phone4="5678")


def test_queue_views_due_soon_and_overdue(submit, org):
    item = submit()  # due Mon 9 08:00
    assert item in selectors.officer_queue(org["desk"], view="classify", now=at(3))
    assert item in selectors.officer_queue(org["desk"], view="due_soon", now=at(6, 9))
    assert item not in selectors.officer_queue(org["desk"], view="due_soon", now=at(3))
    assert item in selectors.officer_queue(org["desk"], view="overdue", now=at(9, 9))
    assert item not in selectors.officer_queue(org["stranger"], now=at(3))
    assert item in selectors.officer_queue(org["desk"], scope="unit", now=at(3))
    assert item not in selectors.officer_queue(org["desk"], scope="mine", now=at(3))
    act(item, "request_info", org["desk"], at(3), question="Số nhà?")
    act(item, "provide_info", None, at(3, 9), info="Số 12", phone4="5678")
    assert item in selectors.officer_queue(org["desk"], scope="mine", now=at(3, 10))
