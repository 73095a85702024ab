"""The dossier lifecycle as data: statuses, their national codes, the action codes.

What each action is allowed from, leads to, and who performs it lives in one registry,
``motcua.dossiers.actions`` (``ALLOWED_ACTIONS`` is derived from it there).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký trực tuyến")  # online, not yet accepted (1)
    INTAKE_INCOMPLETE = (
        "intake_incomplete",
        _("Hướng dẫn hoàn thiện, chưa tiếp nhận"),
    )  # form 02 (3)
    INTAKE_REFUSED = "intake_refused", _("Từ chối tiếp nhận")  # form 03 (3)
    RECEIVED = "received", _("Đã tiếp nhận, chờ chuyển xử lý")  # receipt issued (2)
    WAITING_ASSIGNMENT = "waiting_assignment", _("Chờ phân công")  # step without officer (4)
    IN_PROGRESS = "in_progress", _("Đang xử lý")  # an officer holds the step (4)
    CONSULTING = "consulting", _("Chờ ý kiến liên thông")  # waiting for another unit (4)
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Chờ công dân bổ sung")  # paused (5)
    PAYMENT_REQUESTED = "payment_requested", _("Chờ thực hiện nghĩa vụ tài chính")  # paused (6)
    RESULT_READY = "result_ready", _("Đã có kết quả, chờ trả")  # approved or refused (9)
    RETURNED = "returned", _("Đã trả kết quả")  # handed to the applicant (10)
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")  # at the applicant's request (7)
    STOPPED = "stopped", _("Dừng xử lý")  # form 05 (8)
    CANCELLED = "cancelled", _("Đã hủy")  # cancelled by an authorized officer (8)


class Action(models.TextChoices):
    ACCEPT = "accept", _("Tiếp nhận hồ sơ trực tuyến")
    REQUEST_COMPLETION = "request_completion", _("Hướng dẫn hoàn thiện hồ sơ (mẫu 02)")
    REFUSE_INTAKE = "refuse_intake", _("Từ chối tiếp nhận (mẫu 03)")
    TRANSFER = "transfer", _("Chuyển xử lý")
    ASSIGN = "assign", _("Phân công")
    SELF_ASSIGN = "self_assign", _("Nhận xử lý")
    COMPLETE_STEP = "complete_step", _("Hoàn thành bước")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    CONSULT = "consult", _("Lấy ý kiến liên thông")
    RECORD_OPINION = "record_opinion", _("Ghi nhận ý kiến liên thông")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung (mẫu 02)")
    RECEIVE_SUPPLEMENT = "receive_supplement", _("Nhận hồ sơ bổ sung")
    REQUEST_PAYMENT = "request_payment", _("Yêu cầu nghĩa vụ tài chính")
    RECORD_PAYMENT = "record_payment", _("Ghi nhận đã nộp")
    ONLINE_PAYMENT = "online_payment", _("Thanh toán trực tuyến (cổng thanh toán)")
    APPROVE = "approve", _("Phê duyệt, ban hành kết quả")
    REFUSE = "refuse", _("Từ chối giải quyết")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    WITHDRAW = "withdraw", _("Rút hồ sơ theo đề nghị (mẫu 05)")
    STOP = "stop", _("Dừng xử lý (mẫu 05)")
    CANCEL = "cancel", _("Hủy hồ sơ")
    APOLOGIZE = "apologize", _("Xin lỗi, hẹn lại (mẫu 04)")
    LATE_ENTRY = "late_entry", _("Nhập bù thông tin (ghi lý do)")


S = Status

# Each internal status maps to one of the 10 national status codes (DOMAIN.md §3).
NATIONAL_STATUS: dict[str, int] = {
    S.SUBMITTED: 1,
    S.INTAKE_INCOMPLETE: 3,
    S.INTAKE_REFUSED: 3,
    S.RECEIVED: 2,
    S.WAITING_ASSIGNMENT: 4,
    S.IN_PROGRESS: 4,
    S.CONSULTING: 4,
    S.SUPPLEMENT_REQUESTED: 5,
    S.PAYMENT_REQUESTED: 6,
    S.RESULT_READY: 9,
    S.RETURNED: 10,
    S.WITHDRAWN: 7,
    S.STOPPED: 8,
    S.CANCELLED: 8,
}

NATIONAL_LABELS = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

# Families used by queues and statistics.
NOT_RECEIVED = (S.SUBMITTED, S.INTAKE_INCOMPLETE, S.INTAKE_REFUSED)
OPEN = (S.RECEIVED, S.WAITING_ASSIGNMENT, S.IN_PROGRESS, S.CONSULTING)
PAUSED = (S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED)
IN_PROGRESS_FAMILY = OPEN + PAUSED
FINISHED = (S.RESULT_READY, S.RETURNED)
CLOSED = (S.WITHDRAWN, S.STOPPED, S.CANCELLED)
# The due time counts down only while the dossier is being worked on: only these statuses can
# be overdue (a paused dossier waits for the applicant; its due time moves when it resumes).
CLOCK_RUNNING = OPEN
_CLOCK_RUNNING = frozenset(str(s) for s in CLOCK_RUNNING)  # as plain text: a quicker test


def effective_due(due_at: dt.datetime | None, reappointed_due_at: dt.datetime | None):
    """The date promised to the applicant: the re-appointed one (an apology) if any."""
    return reappointed_due_at or due_at


def is_overdue(status: str, due_at: dt.datetime | None, now: dt.datetime) -> bool:
    """The rule of ``models.overdue_q`` for one dossier's values: the clock is running and the
    (original) due time is before ``now`` — paused, finished, closed and not yet received
    dossiers are never overdue. ``Dossier.is_overdue`` and the work queue's rows ask here."""
    return status in _CLOCK_RUNNING and due_at is not None and due_at < now
