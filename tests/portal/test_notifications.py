"""Notifications: email through a real SMTP server and SMS through the gateway interface,
sent by a task after commit, retried when the transport fails."""

from __future__ import annotations

import pytest

from motcua.dossiers import services as dossier_services
from motcua.portal import services
from motcua.portal.models import Notification, NotificationStatus
from motcua.portal.tasks import MAX_ATTEMPTS, notification_send
from tests.portal.conftest import APPLICANT, two_files
from tests.samples import RESULT_PDF

pytestmark = pytest.mark.django_db


class FlakySms:
    """An SMS gateway that refuses the first message, then accepts (records what it got)."""

    sent: list = []
    failures = 1

    def send(self, *, to, text):
        if FlakySms.failures > 0:
            FlakySms.failures -= 1
            raise ConnectionError("gateway busy")
        FlakySms.sent.append((to, text))
        return "id-1"


@pytest.fixture
def flaky_sms(settings):
    FlakySms.sent, FlakySms.failures = [], 1
    settings.MOTCUA_SMS_BACKEND = "tests.portal.test_notifications.FlakySms"
    return FlakySms


def submit(world, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.submission_create(
            user=citizen.user,
            procedure_code=world.procedure.code,
            unit_code=world.commune.code,
            idempotency_key="khoa-thong-bao",
            applicant=APPLICANT,
            files=two_files(world),
        ).dossier


def test_nothing_is_sent_before_the_transaction_commits(world, citizen, smtp):
    with pytest.raises(RuntimeError), __import__("django").db.transaction.atomic():
        services.submission_create(
            user=citizen.user,
            procedure_code=world.procedure.code,
            unit_code=world.commune.code,
            idempotency_key="khoa-rollback",
            applicant=APPLICANT,
            files=two_files(world),
        )
        raise RuntimeError("rolled back")
    assert smtp.to("an@example.vn") == []
    assert not Notification.objects.filter(action="dossier.submitted").exists()


def test_receipt_request_to_complete_and_acceptance_are_emailed(
    world, citizen, smtp, django_capture_on_commit_callbacks
):
    # when: submitted online
    dossier = submit(world, citizen, django_capture_on_commit_callbacks)
    # then: the submission receipt arrives by real SMTP
    [receipt] = smtp.wait_for("an@example.vn", 1)
    assert receipt.subject == f"Đã nhận hồ sơ nộp trực tuyến {dossier.code}"
    assert "Kính gửi Nguyễn Văn An" in receipt.body
    assert f"/tra-cuu/?code={dossier.code}" in receipt.body
    # when: the desk accepts it
    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.dossier_accept(actor=world.desk, dossier=dossier)
    accepted = smtp.wait_for("an@example.vn", 2)[1]
    assert accepted.subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "Ngày hẹn trả kết quả" in accepted.body
    sent = Notification.objects.filter(dossier_code=dossier.code, channel="email")
    assert {n.status for n in sent} == {NotificationStatus.SENT}


def test_supplement_apology_and_result_reach_the_applicant(
    world, citizen, smtp, django_capture_on_commit_callbacks, make_user
):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from motcua.organization.models import Role

    dossier = submit(world, citizen, django_capture_on_commit_callbacks)
    specialist = make_user(Role.SPECIALIST, unit=world.commune)
    leader = make_user(Role.UNIT_LEADER, unit=world.commune)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_accept(actor=world.desk, dossier=dossier)
        dossier = dossier_services.dossier_transfer(actor=world.desk, dossier=dossier)
        dossier = dossier_services.dossier_self_assign(actor=specialist, dossier=dossier)
        dossier = dossier_services.dossier_request_supplement(
            actor=specialist, dossier=dossier, items=["Bản sao giấy đăng ký kết hôn"]
        )
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_receive_supplement(actor=world.desk, dossier=dossier)
        dossier = dossier_services.dossier_apologize(
            actor=leader,
            dossier=dossier,
            reason="Chờ xác minh thông tin.",
            new_due_at=dossier.due_at + dt.timedelta(days=3),
        )
        dossier = dossier_services.dossier_approve(
            actor=leader,
            dossier=dossier,
            number="15/GKS",
            date=timezone.localdate(),
            signer="Phạm Hùng",
            file=ContentFile(RESULT_PDF, name="ket-qua.pdf"),
        )
    subjects = [m.subject for m in smtp.wait_for("an@example.vn", 5)]
    assert subjects == [
        f"Đã nhận hồ sơ nộp trực tuyến {dossier.code}",
        f"Hồ sơ {dossier.code} đã được tiếp nhận",
        f"Yêu cầu bổ sung hồ sơ {dossier.code}",
        f"Thư xin lỗi — hồ sơ {dossier.code} chậm trả kết quả",
        f"Hồ sơ {dossier.code} đã có kết quả",
    ]
    messages = smtp.to("an@example.vn")
    assert "Bản sao giấy đăng ký kết hôn." in messages[2].body
    assert "Chờ xác minh thông tin." in messages[3].body
    assert "Ngày hẹn mới" in messages[3].body


def test_a_failed_sms_is_retried_and_then_sent(
    world, citizen, smtp, flaky_sms, django_capture_on_commit_callbacks
):
    dossier = submit(world, citizen, django_capture_on_commit_callbacks)
    sms = Notification.objects.get(dossier_code=dossier.code, channel="sms")
    assert sms.status == NotificationStatus.SENT
    assert sms.attempts == 2
    assert sms.recipient == "0912345678"
    assert flaky_sms.sent[0][0] == "0912345678"
    assert dossier.code in flaky_sms.sent[0][1]


def test_an_unreachable_mail_server_is_retried_then_given_up(
    world, citizen, settings, django_capture_on_commit_callbacks
):
    from tests.portal.smtp_server import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 1
    dossier = submit(world, citizen, django_capture_on_commit_callbacks)
    email = Notification.objects.get(dossier_code=dossier.code, channel="email")
    assert email.status == NotificationStatus.FAILED
    assert email.attempts == MAX_ATTEMPTS
    assert "ConnectionRefusedError" in email.last_error
    # and a worker that picks it up again does not send twice
    assert notification_send.call(email.pk) == NotificationStatus.FAILED


def test_the_one_time_code_is_emailed_and_not_kept_after_sending(
    smtp, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        citizen = services.citizen_register(
            full_name="Phạm Thị Dung", email="dung@example.vn", password="Mk-cong-dan-2026"
        )
    [message] = smtp.wait_for("dung@example.vn")
    code = message.body.split("là ")[1][:6]
    assert code.isdigit()
    services.citizen_verify_code(citizen=citizen, code=code)
    citizen.refresh_from_db()
    assert citizen.is_verified
    stored = Notification.objects.get(action="account.code")
    assert code not in stored.body


def test_a_phone_only_account_gets_its_code_by_sms_with_the_number_masked_in_logs(
    db, caplog, django_capture_on_commit_callbacks
):
    import logging

    caplog.set_level(logging.INFO, logger="motcua.sms")
    with django_capture_on_commit_callbacks(execute=True):
        services.citizen_register(
            full_name="Vũ Văn Giang", phone="+84 912 000 111", password="Mk-cong-dan-2026"
        )
    sms = Notification.objects.get(action="account.code")
    assert sms.channel == "sms" and sms.recipient == "0912000111"
    assert sms.status == NotificationStatus.SENT
    [record] = [r for r in caplog.records if r.name == "motcua.sms"]
    assert "***0111" in record.getMessage()
    assert "0912000111" not in record.getMessage()
