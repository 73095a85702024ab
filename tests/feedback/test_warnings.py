"""The due-soon sweep: warnings in working time, once per item, threshold and due time, as a
history event and an e-mail to the handling officer and the unit's leaders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from motcua.core.formats import VN_TZ
from motcua.feedback import events
from motcua.feedback.services import feedback_perform, feedback_warn_due_soon
from motcua.ledger.models import Event


def at(day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN_TZ)


def act(item, action, actor, now, **data):
    return feedback_perform(feedback=item, action=action, actor=actor, data=data, now=now)


def warnings(item) -> list[dict]:
    return list(
        Event.objects.filter(
            subject_type="feedback", subject_id=str(item.pk), action=events.DUE_SOON_WARNED
        )
        .order_by("seq")
        .values_list("payload", flat=True)
    )


@pytest.fixture
def mails(org):
    for name in ("centre_leader", "leader", "specialist", "desk", "stranger"):
        org[name].email = f"{org[name].username}@example.vn"
        org[name].save()
    mail.outbox.clear()
    return mail.outbox


def test_each_threshold_warns_once_in_working_time(
    submit, org, mails, django_capture_on_commit_callbacks
):
    item = submit()  # Monday 2 March 08:00, classification due Monday 9 March 08:00
    assert feedback_warn_due_soon(now=at(4, 8)) == 0  # 3 working days left
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_warn_due_soon(now=at(5, 9)) == 1  # under 2 working days
    assert feedback_warn_due_soon(now=at(5, 10)) == 0  # the same threshold: never twice
    first = warnings(item)
    assert len(first) == 1 and first[0]["threshold_days"] == 2
    assert first[0]["due_at"] == "2026-03-09T08:00:00+07:00"
    # nobody of the centre acted yet: its leader is told, nobody else
    assert first[0]["notified"] == ["fb.lanhdao.tt"]
    assert [m.to for m in mails] == [["fb.lanhdao.tt@example.vn"]]
    assert item.code in mails[0].subject and "08:00 09/03/2026" in mails[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_warn_due_soon(now=at(6, 9)) == 1  # under 1 working day
    assert [w["threshold_days"] for w in warnings(item)] == [2, 1]
    assert feedback_warn_due_soon(now=at(6, 16)) == 0
    assert len(mails) == 2


def test_working_time_not_calendar_time_decides(submit, org):
    # Friday 09:00, due Monday 08:00: three calendar days away, seven working hours
    item = submit()
    assert feedback_warn_due_soon(now=at(6, 9)) == 1
    (only,) = warnings(item)
    assert only["threshold_days"] == 1 and only["left_hours"] == pytest.approx(7.0)
    assert len(only["keys"]) == 2  # the 2-day threshold is covered by the same warning
    assert feedback_warn_due_soon(now=at(7, 9)) == 0  # Saturday: nothing new


def test_paused_and_closed_items_are_not_warned(submit, org):
    paused = act(submit(), "request_info", org["desk"], at(3, 8), question="Ghi rõ số nhà")
    closed = act(submit(), "reject", org["desk"], at(3, 8), reason="Không phải phản ánh")
    assert feedback_warn_due_soon(now=at(6, 9)) == 0
    assert warnings(paused) == [] and warnings(closed) == []


def test_a_new_stage_is_warned_again_and_its_officer_is_told(
    submit, org, mails, django_capture_on_commit_callbacks
):
    item = submit()
    assert feedback_warn_due_soon(now=at(6, 9)) == 1
    item = act(
        item, "transfer", org["desk"], at(6, 10), to_unit=org["dept"].pk, reason="Thẩm quyền của Sở"
    )
    item = act(item, "accept", org["specialist"], at(6, 11))  # 15 WD: due Fri 27 March 11:00
    assert item.due_at == at(27, 11)
    assert feedback_warn_due_soon(now=at(24, 11)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_warn_due_soon(now=at(26, 11)) == 1
    last = warnings(item)[-1]
    assert last["due_at"] == "2026-03-27T11:00:00+07:00" and last["threshold_days"] == 1
    # the specialist who accepted it and the department's leader; not the other department
    assert last["notified"] == ["fb.chuyenvien", "fb.lanhdao"]
    assert sorted(mails[-1].to) == ["fb.chuyenvien@example.vn", "fb.lanhdao@example.vn"]


def test_a_threshold_as_long_as_the_stage_is_skipped(submit, org):
    item = act(submit(), "accept", org["desk"], at(2, 9))
    item = act(item, "draft", org["centre_leader"], at(2, 10), answer="Đã chỉ đạo khơi thông cống.")
    item = act(item, "approve", org["centre_leader"], at(2, 11))  # publish within 2 WD
    assert feedback_warn_due_soon(now=at(2, 12)) == 0  # the 2-day threshold: not for this stage
    assert feedback_warn_due_soon(now=at(3, 12)) == 1  # under 1 working day left
    assert warnings(item)[-1]["threshold_days"] == 1


def test_the_sweep_is_a_registered_periodic_job(submit):
    from motcua.core.schedule import DAILY_JOBS
    from motcua.feedback.tasks import feedback_warn_due_soon_task

    path = "motcua.feedback.tasks.feedback_warn_due_soon_task"
    assert isinstance(DAILY_JOBS[path], dt.timedelta)
    item = submit(now=dt.datetime.now(VN_TZ) - dt.timedelta(days=30))  # long overdue
    assert feedback_warn_due_soon_task.call() == 0 and warnings(item) == []


def test_warnings_stay_out_of_the_public_timeline(submit, org):
    from motcua.feedback import selectors

    item = submit()
    feedback_warn_due_soon(now=at(6, 9))
    labels = [s.label for s in selectors.timeline(item, public=True)]
    assert "Cảnh báo phản ánh sắp đến hạn" not in labels
    assert "Cảnh báo phản ánh sắp đến hạn" in [s.label for s in selectors.timeline(item)]
