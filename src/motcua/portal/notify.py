"""Applicant notifications: what to say for each dossier event, and to whom.

The dossier app calls ``applicant_notifier`` from its ``dossier_notify`` task (registered in
``PortalConfig.ready``), i.e. in the background after the change committed. Each message
becomes one ``Notification`` row per channel and one ``notification_send`` task, which
retries on failure; nothing here ever runs inside an officer's or citizen's request.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.core.formats import vn_datetime
from motcua.dossiers import events as ev
from motcua.ledger.selectors import events_for_subject
from motcua.portal.models import Notification, NotificationChannel, NotificationStatus

logger = logging.getLogger(__name__)

# action → (email subject, sentence). {code}, {procedure}, {due}, {reasons}, {new_due}.
MESSAGES: dict[str, tuple[str, str]] = {
    ev.SUBMITTED: (
        "Đã nhận hồ sơ nộp trực tuyến {code}",
        "Hồ sơ {code} ({procedure}) đã được nộp trực tuyến và đang chờ Bộ phận Một cửa kiểm "
        "tra, tiếp nhận.",
    ),
    ev.ACCEPTED: (
        "Hồ sơ {code} đã được tiếp nhận",
        "Hồ sơ {code} ({procedure}) đã được tiếp nhận. Ngày hẹn trả kết quả: {due}.",
    ),
    ev.RECEIVED: (
        "Hồ sơ {code} đã được tiếp nhận",
        "Hồ sơ {code} ({procedure}) đã được tiếp nhận. Ngày hẹn trả kết quả: {due}.",
    ),
    ev.COMPLETION_REQUESTED: (
        "Hồ sơ {code} cần hoàn thiện",
        "Hồ sơ {code} chưa được tiếp nhận vì cần hoàn thiện: {reasons}",
    ),
    ev.INTAKE_REFUSED: (
        "Hồ sơ {code} không được tiếp nhận",
        "Hồ sơ {code} không được tiếp nhận. Lý do: {reasons}",
    ),
    ev.SUPPLEMENT_REQUESTED: (
        "Yêu cầu bổ sung hồ sơ {code}",
        "Hồ sơ {code} cần bổ sung: {reasons} Thời hạn giải quyết tạm dừng đến khi nhận đủ.",
    ),
    ev.PAYMENT_REQUESTED: (
        "Hồ sơ {code}: thực hiện nghĩa vụ tài chính",
        "Hồ sơ {code} chờ bạn thực hiện nghĩa vụ tài chính (phí, lệ phí, thuế).",
    ),
    ev.APPROVED: (
        "Hồ sơ {code} đã có kết quả",
        "Hồ sơ {code} ({procedure}) đã có kết quả giải quyết. Mời bạn nhận kết quả.",
    ),
    ev.REFUSED: (
        "Hồ sơ {code} đã có kết quả",
        "Hồ sơ {code} đã có văn bản trả lời (từ chối giải quyết). Lý do: {reasons}",
    ),
    ev.RETURNED: (
        "Hồ sơ {code} đã trả kết quả",
        "Hồ sơ {code} đã trả kết quả. Cảm ơn bạn; mời bạn đánh giá mức độ hài lòng.",
    ),
    ev.APOLOGIZED: (
        "Thư xin lỗi — hồ sơ {code} chậm trả kết quả",
        "Chúng tôi xin lỗi vì hồ sơ {code} chưa giải quyết kịp hạn. Lý do: {reasons} "
        "Ngày hẹn mới: {new_due}.",
    ),
    ev.STOPPED: (
        "Hồ sơ {code} dừng xử lý",
        "Hồ sơ {code} đã dừng xử lý. Lý do: {reasons}",
    ),
    ev.WITHDRAWN: (
        "Hồ sơ {code} đã được rút",
        "Hồ sơ {code} đã được rút theo đề nghị của bạn.",
    ),
}


def payload_reasons(payload: dict) -> str:
    """The items asked for and the written reasons of an event, as one sentence."""
    items = "; ".join(str(i) for i in payload.get("items") or [] if i)
    reasons = (payload.get("reasons") or "").strip()
    text = "; ".join(part for part in (items, reasons) if part)
    return text if not text or text.endswith(".") else text + "."


def site_url() -> str:
    return getattr(settings, "MOTCUA_SITE_URL", "").rstrip("/")


def code_message(code: str) -> str:
    return (
        f"Mã xác minh tài khoản Cổng dịch vụ công của bạn là {code}. Mã có hiệu lực 15 phút. "
        "Không cung cấp mã này cho bất kỳ ai."
    )


def queue(
    *,
    channel: str,
    recipient: str,
    action: str,
    subject: str,
    body: str,
    dossier_code: str = "",
    sensitive: bool = False,
) -> Notification:
    """Store a message and send it from a task once the current transaction commits."""
    notification = Notification.objects.create(
        dossier_code=dossier_code,
        action=action,
        channel=channel,
        recipient=recipient,
        subject=subject[:255],
        body=body,
        sensitive=sensitive,
    )
    pk = notification.pk

    def enqueue():
        from motcua.portal.tasks import notification_send

        notification_send.enqueue(pk)

    transaction.on_commit(enqueue)
    return notification


def _last_payload(dossier, action: str) -> dict:
    event = (
        events_for_subject(subject_type="dossier", subject_id=dossier.code)
        .filter(action=action)
        .order_by("-seq")
        .first()
    )
    return (event.payload or {}) if event else {}


def _where_to_act(dossier, action: str) -> str:
    """A straight link to paying or rating: the account page when the citizen has one."""
    has_account = hasattr(dossier, "portal_submission")
    mine = f"{site_url()}/ca-nhan/ho-so/{dossier.code}/"
    if action == ev.PAYMENT_REQUESTED:
        url = mine if has_account else f"{site_url()}/thanh-toan/?ma={dossier.code}"
        return f"Thanh toán trực tuyến: {url}\n\n"
    if action == ev.RETURNED:
        url = mine if has_account else f"{site_url()}/danh-gia/?ma={dossier.code}"
        return f"Đánh giá mức độ hài lòng: {url}\n\n"
    return ""


def render(dossier, action: str) -> tuple[str, str, str] | None:
    """(subject, email body, SMS text) for ``action`` on ``dossier``, or None if silent."""
    if action not in MESSAGES:
        return None
    payload = _last_payload(dossier, action)
    new_due = payload.get("new_due")
    if new_due:
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(new_due)
        new_due = vn_datetime(parsed) if parsed else new_due
    values = {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "due": vn_datetime(dossier.effective_due_at) or "theo thông báo của cơ quan",
        "reasons": payload_reasons(payload) or dossier.note.strip(),
        "new_due": new_due or "",
    }
    subject_template, sentence_template = MESSAGES[action]
    subject = subject_template.format(**values)
    sentence = sentence_template.format(**values)
    track = f"{site_url()}/tra-cuu/?code={dossier.code}"
    body = (
        f"Kính gửi {dossier.applicant_name},\n\n{sentence}\n\n"
        + _where_to_act(dossier, action)
        + f"Tra cứu tiến độ: {track} (mã hồ sơ và 4 số cuối điện thoại).\n\n"
        f"{settings.MOTCUA['PROVINCE_NAME']} — Hệ thống thông tin một cửa điện tử.\n"
        "Thư này được gửi tự động, vui lòng không trả lời."
    )
    sms = f"[Mot Cua] {sentence}"
    return subject, body, sms


def applicant_notifier(dossier, action: str) -> int:
    """Queue an email and an SMS to the applicant about ``action``; returns how many."""
    message = render(dossier, action)
    if message is None:
        return 0
    subject, body, sms = message
    count = 0
    if dossier.applicant_email:
        queue(
            channel=NotificationChannel.EMAIL,
            recipient=dossier.applicant_email,
            action=action,
            subject=subject,
            body=body,
            dossier_code=dossier.code,
        )
        count += 1
    if dossier.applicant_phone:
        queue(
            channel=NotificationChannel.SMS,
            recipient=dossier.applicant_phone,
            action=action,
            subject=subject,
            body=sms,
            dossier_code=dossier.code,
        )
        count += 1
    return count


#: a message still waiting this long was not sent in time (the task worker may be down)
STUCK_AFTER = dt.timedelta(minutes=10)


def delivery_problems(code: str) -> list[str]:
    """The applicant's messages about dossier ``code`` that did not go out (for officers)."""
    now = timezone.now()
    rows = Notification.objects.filter(dossier_code=code).exclude(status=NotificationStatus.SENT)
    out = []
    for n in rows.order_by("created_at"):
        stuck = n.status == NotificationStatus.PENDING and now - n.created_at > STUCK_AFTER
        if n.status == NotificationStatus.PENDING and not stuck:
            continue
        channel = NotificationChannel(n.channel).label
        what = f"{channel} tới {n.recipient} ({n.subject or n.action}, {vn_datetime(n.created_at)})"
        if n.status == NotificationStatus.FAILED:
            out.append(f"Không gửi được {what} sau {n.attempts} lần: {n.last_error}".rstrip(": "))
        elif n.status == NotificationStatus.RETRYING:
            out.append(f"Chưa gửi được {what}, đang thử lại (lần {n.attempts}): {n.last_error}")
        else:
            out.append(f"{what} chưa được gửi: tiến trình chạy nền có thể đang dừng.")
    return out


def survey_inviter(invitation, url: str, code: str) -> int:
    """Invite a sampled applicant to the satisfaction survey (``surveys.invite.INVITERS``).

    The link is single-use and secret: the message is ``sensitive`` (its body is wiped once
    sent), and the survey never learns who answered."""
    dossier = invitation.dossier
    subject = "Mời Ông/Bà tham gia khảo sát sự hài lòng"
    sentence = (
        f"{invitation.unit.name} mời Ông/Bà cho ý kiến về việc giải quyết thủ tục hành chính. "
        "Phiếu không ghi tên; mỗi liên kết chỉ dùng một lần, có hiệu lực đến "
        f"{vn_datetime(invitation.expires_at)}."
    )
    count = 0
    if dossier.applicant_email:
        body = (
            f"Kính gửi {dossier.applicant_name},\n\n{sentence}\n\nTrả lời phiếu: {url}\n"
            f"(hoặc nhập mã {code} tại máy tính bảng ở Bộ phận Một cửa).\n\n"
            f"{settings.MOTCUA['PROVINCE_NAME']} — Hệ thống thông tin một cửa điện tử.\n"
            "Thư này được gửi tự động, vui lòng không trả lời."
        )
        queue(
            channel=NotificationChannel.EMAIL,
            recipient=dossier.applicant_email,
            action="survey.invitation",
            subject=subject,
            body=body,
            dossier_code=dossier.code,
            sensitive=True,
        )
        count += 1
    if dossier.applicant_phone:
        queue(
            channel=NotificationChannel.SMS,
            recipient=dossier.applicant_phone,
            action="survey.invitation",
            subject=subject,
            body=f"[Mot Cua] {sentence} {url}",
            dossier_code=dossier.code,
            sensitive=True,
        )
        count += 1
    return count


def register() -> None:
    """Hook the portal into ``dossiers.tasks.NOTIFIERS`` (and the survey invitations) once."""
    from motcua.dossiers.tasks import DELIVERY_PROBLEMS, NOTIFIERS
    from motcua.surveys.invite import INVITERS

    if survey_inviter not in INVITERS:
        INVITERS.append(survey_inviter)

    if delivery_problems not in DELIVERY_PROBLEMS:
        DELIVERY_PROBLEMS.append(delivery_problems)

    if applicant_notifier not in NOTIFIERS:
        NOTIFIERS.append(applicant_notifier)
