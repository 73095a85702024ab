"""Progress reports, status, overdue/due soon, reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.ledger.models import Event
from motcua.ledger.selectors import events_for_subject
from motcua.organization.models import Role
from motcua.reform import events, selectors, services
from motcua.reform.models import TaskStatus
from tests.samples import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def justice_officer(make_user, departments):
    return make_user(Role.REFORM_OFFICER, unit=departments["STP"], username="cchc_stp",
                     email="cchc.stp@example.vn")  # fmt: skip


def _task(plan, start):
    return plan.tasks.get(text__startswith=start)


def test_lead_unit_officer_reports_progress_with_evidence(small_plan, justice_officer):
    task = _task(small_plan, "Nâng cao trình độ chuyên môn, kiến thức pháp luật")
    evidence = SimpleUploadedFile("cong-van.pdf", pdf("minh chung"), "application/pdf")
    progress = services.task_report_progress(
        actor=justice_officer, task=task, text="Đã ban hành Công văn hướng dẫn", percent=40,
        files=[evidence],
    )  # fmt: skip
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.progress_percent == 40
    assert progress.unit.code == "STP" and progress.occurrence.label == "Năm 2021"
    assert progress.evidence.get().name == "cong-van.pdf"
    actions = list(
        events_for_subject(subject_type="reform_task", subject_id=task.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        events.TASK_CREATED,
        events.TASK_PROGRESS_REPORTED,
        events.TASK_EVIDENCE_ADDED,
        events.TASK_STATUS_CHANGED,
    ]


def test_recurring_task_moves_to_next_period_at_100_percent(small_plan, justice_officer):
    task = _task(small_plan, "Nâng cao trình độ chuyên môn, kiến thức pháp luật")
    services.task_report_progress(actor=justice_officer, task=task, text="Xong 2021", percent=100)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.next_due_on == dt.date(2022, 12, 31)
    assert task.occurrences.filter(done_at__isnull=False).count() == 1
    for year in range(2022, 2026):
        services.task_report_progress(
            actor=justice_officer, task=task, text=f"Xong {year}", percent=100
        )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.next_due_on is None
    with pytest.raises(Conflict):
        services.task_report_progress(actor=justice_officer, task=task, text="thêm", percent=10)


def test_one_off_task_is_done_at_100_percent(small_plan, make_user, departments):
    officer = make_user(Role.REFORM_OFFICER, unit=departments["STTTT"])
    task = _task(small_plan, "Hoàn thiện, trình UBND tỉnh phê duyệt Kiến trúc CQĐT")
    services.task_report_progress(
        actor=officer, task=task, text="UBND tỉnh đã phê duyệt", percent=100
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and not task.is_overdue(dt.date(2030, 1, 1))


def test_only_a_reform_officer_of_the_lead_unit_may_report(
    small_plan, make_user, departments, justice_officer, province_admin
):
    task = _task(small_plan, "Hoàn thiện, trình UBND tỉnh phê duyệt Kiến trúc CQĐT")
    leader = make_user(Role.UNIT_LEADER, unit=departments["STTTT"])
    for actor in (justice_officer, leader):  # another unit's officer; a leader of the lead unit
        with pytest.raises(PermissionDenied):
            services.task_report_progress(actor=actor, task=task, text="x", percent=10)
    # a coordinating unit's officer cannot either
    office = make_user(Role.REFORM_OFFICER, unit=departments["VPUBND"])
    with pytest.raises(PermissionDenied):
        services.task_report_progress(actor=office, task=task, text="x", percent=10)
    # the province admin can
    services.task_report_progress(actor=province_admin, task=task, text="Đôn đốc", percent=10)
    # a district's officer reports on a task led by the group "UBND cấp huyện"
    district_officer = make_user(Role.REFORM_OFFICER, unit=departments["H01"])
    group_task = _task(small_plan, "UBND cấp xã, UBND cấp huyện hàng năm có trách nhiệm")
    services.task_report_progress(
        actor=district_officer, task=group_task, text="Đã niêm yết", percent=50
    )
    assert group_task.progress.get().unit.code == "H01"


def test_bad_progress_is_refused_and_writes_nothing(small_plan, justice_officer):
    task = _task(small_plan, "Nâng cao trình độ chuyên môn, kiến thức pháp luật")
    before = Event.objects.count()
    for text, percent in (("", 10), ("x", 101), ("x", -1), ("x", "abc")):
        with pytest.raises(InvalidInput):
            services.task_report_progress(
                actor=justice_officer, task=task, text=text, percent=percent
            )
    assert Event.objects.count() == before and not task.progress.exists()


def test_overdue_and_due_soon(small_plan, reader):
    today = dt.date(2021, 12, 20)
    overdue = selectors.task_list(reader, plan=small_plan, overdue=True, today=today)
    due_soon = selectors.task_list(reader, plan=small_plan, due_soon=True, today=today)
    # 30/9/2021 monthly report of the provincial office is overdue; year-end tasks due soon
    assert [t.number for t in overdue] == ["PLII-IV.1.1"]
    assert due_soon.count() == 19 - 1 - 2  # minus the overdue, the roadmap and the unparsed
    counts = selectors.task_status_counts(selectors.task_list(reader, plan=small_plan), today=today)
    assert counts["overdue"] == 1 and counts["total"] == 19 and counts["not_started"] == 19


def test_status_change_by_home_affairs_with_reason(
    small_plan, home_affairs_officer, justice_officer
):
    task = _task(small_plan, "Kiểm soát chặt chẽ việc tuân thủ quy trình")
    with pytest.raises(PermissionDenied):
        services.task_change_status(
            actor=justice_officer, task=task, status="cancelled", reason="x"
        )
    with pytest.raises(InvalidInput):
        services.task_change_status(
            actor=home_affairs_officer, task=task, status="cancelled", reason=" "
        )
    services.task_change_status(
        actor=home_affairs_officer, task=task, status="cancelled", reason="Trùng nhiệm vụ"
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    with pytest.raises(Conflict):
        services.task_change_status(
            actor=home_affairs_officer, task=task, status="done", reason="x"
        )
    last = events_for_subject(subject_type="reform_task", subject_id=task.pk).last()
    assert last.payload == {"from": "not_started", "to": "cancelled", "reason": "Trùng nhiệm vụ"}


def test_reminders_before_deadline_and_when_overdue_once(
    small_plan, justice_officer, django_capture_on_commit_callbacks
):
    # given: 20/12/2021, STP's year-end tasks are 11 days away
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.reminders_send(today=dt.date(2021, 12, 20), days=14)
    # the monthly report: periods 9, 10 and 11/2021 are each overdue
    assert sent["due_soon"] > 0 and sent["overdue"] == 3
    stp_mails = [m for m in mail.outbox if "cchc.stp@example.vn" in m.to]
    assert stp_mails and "sắp đến hạn" in stp_mails[0].subject
    # when run again the same day: nothing new
    again = services.reminders_send(today=dt.date(2021, 12, 20), days=14)
    assert again == {"due_soon": 0, "overdue": 0, "emails": 0}
    # in January 2022 the year-2021 periods are overdue: reminded once more each
    later = services.reminders_send(today=dt.date(2022, 1, 3), days=7)
    assert later["overdue"] >= sent["due_soon"]
    assert Event.objects.filter(action=events.TASK_REMINDED).count() == (
        sent["due_soon"] + sent["overdue"] + later["due_soon"] + later["overdue"]
    )


def test_reminder_task_runs_through_django_tasks(small_plan):
    from motcua.reform.tasks import send_reform_reminders

    result = send_reform_reminders.call(days=3)
    assert set(result) == {"due_soon", "overdue", "emails", "self_assessment"}
    assert set(result["self_assessment"]) == {"due_soon", "overdue", "emails"}


def test_the_successor_of_a_merged_lead_unit_reports(small_plan, make_user, departments, reader):
    import datetime as dt

    from motcua.organization.models import UnitKind
    from motcua.organization.services import units_merge

    task = _task(small_plan, "Hoàn thiện, trình UBND tỉnh phê duyệt Kiến trúc CQĐT")
    merged = units_merge(
        actor=None, units=[departments["STTTT"], departments["SKHCN"]],
        effective_on=dt.date(2025, 3, 1), new_code="SKHCNTT",
        new_name="Sở Khoa học và Công nghệ (hợp nhất)", new_kind=UnitKind.DEPARTMENT,
        check_permission=False,
    )  # fmt: skip
    officer = make_user(Role.REFORM_OFFICER, unit=merged)
    services.task_report_progress(
        actor=officer, task=task, text="Tiếp tục sau hợp nhất", percent=30
    )
    assert task.progress.get().unit == merged
    assert task in selectors.task_list(
        reader, unit=merged, role="lead"
    )  # the successor answers for it
