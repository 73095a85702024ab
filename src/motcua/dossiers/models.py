"""Dossiers (hồ sơ) received at the one-stop desks and everything they carry.

Current state lives here for fast queues; the history is in ``ledger.Event`` and the state is
always derivable from it. Rows are changed only by ``dossiers.services``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.lifecycle import (
    CLOCK_RUNNING,
    IN_PROGRESS_FAMILY,
    NATIONAL_LABELS,
    NATIONAL_STATUS,
    PAUSED,
    Status,
    effective_due,
    is_overdue,
)


def overdue_q(now: dt.datetime, *, status: str = "status", due: str = "due_at") -> Q:
    """The one definition of "overdue at ``now``", for every list, queue, page and statistic.

    Overdue = the clock is running (received, waiting for assignment, in progress, consulting)
    and the due time is before ``now``. A dossier waiting for the applicant (supplement or
    payment: clock paused) is not overdue — its due time moves by the working time paused when
    it resumes; finished, closed and not yet received dossiers are never overdue.
    ``status`` and ``due`` name the fields to test (the statistics pass the status and due time
    as they stood at the end of the period). ``Dossier.is_overdue`` is the same rule in Python.
    """
    return Q(**{f"{status}__in": CLOCK_RUNNING, f"{due}__lt": now})


class DossierQuerySet(models.QuerySet):
    def overdue(self, now: dt.datetime) -> DossierQuerySet:
        return self.filter(overdue_q(now))

    def not_overdue(self, now: dt.datetime) -> DossierQuerySet:
        return self.exclude(overdue_q(now))


class RuleSet(models.Model):
    """A versioned set of one-stop rules (forms, code format); a dossier keeps its own."""

    code = models.CharField(_("mã bộ quy tắc"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    legal_basis = models.CharField(_("căn cứ"), max_length=500)
    effective_from = models.DateField(_("áp dụng từ"))
    effective_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    code_format = models.CharField(
        _("cấu trúc mã hồ sơ"), max_length=100, default="{electronic_id}-{yymmdd}-{seq:04d}"
    )
    forms = models.JSONField(_("tên các mẫu"), default=dict, help_text=_('{"01": "Giấy …"}'))

    class Meta:
        verbose_name = _("bộ quy tắc một cửa")
        verbose_name_plural = _("bộ quy tắc một cửa")
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def form_title(self, form: str) -> str:
        return self.forms.get(form, "")


class DailyCounter(models.Model):
    """The last dossier sequence number given by a unit on a day (locked when incremented)."""

    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="dossier_counter_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last}"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")  # 1
    ONLINE = "online", _("Trực tuyến")  # 2
    POSTAL = "postal", _("Bưu chính công ích")  # 3, with a postal tracking number


class ReturnMethod(models.TextChoices):
    DESK = "desk", _("Tại Bộ phận Một cửa")
    POST = "post", _("Qua bưu chính")
    ONLINE = "online", _("Trực tuyến (kết quả điện tử)")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANIZATION = "organization", _("Tổ chức")


class Decision(models.TextChoices):
    NONE = "", _("Chưa có")
    APPROVED = "approved", _("Giải quyết")  # result document issued
    REFUSED = "refused", _("Từ chối giải quyết")  # written reasons


class Classification(models.TextChoices):
    NONE = "", _("Chưa kết thúc")
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    process = models.ForeignKey(
        "catalog.InternalProcess",
        verbose_name=_("quy trình nội bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("bộ quy tắc"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    competent_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    holder_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị đang giữ hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_step = models.ForeignKey(
        "catalog.ProcessStep",
        verbose_name=_("bước hiện tại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ đang xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_started_at = models.DateTimeField(_("bắt đầu bước"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("hạn bước"), null=True, blank=True)

    channel = models.CharField(_("hình thức nộp"), max_length=12, choices=Channel.choices)
    postal_tracking = models.CharField(_("số hiệu bưu gửi"), max_length=40, blank=True)
    return_method = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=10,
        choices=ReturnMethod.choices,
        default=ReturnMethod.DESK,
    )

    applicant_kind = models.CharField(
        _("loại người nộp"),
        max_length=12,
        choices=ApplicantKind.choices,
        default=ApplicantKind.PERSON,
    )
    applicant_name = models.CharField(_("tên người nộp"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh / mã số thuế"), max_length=20)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    fee_due = models.DecimalField(
        _("phí, lệ phí phải nộp"), max_digits=14, decimal_places=0, default=Decimal(0)
    )
    fee_paid = models.DecimalField(_("đã nộp"), max_digits=14, decimal_places=0, default=Decimal(0))

    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices)
    submitted_at = models.DateTimeField(_("nộp lúc"))
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("hạn trả kết quả"), null=True, blank=True, help_text=_("Đã cộng thời gian tạm dừng.")
    )
    paused_since = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    paused_hours = models.FloatField(_("giờ làm việc đã tạm dừng"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    apologized_at = models.DateTimeField(_("xin lỗi lúc"), null=True, blank=True)
    reappointed_due_at = models.DateTimeField(_("hẹn lại"), null=True, blank=True)

    decision = models.CharField(
        _("kết quả giải quyết"), max_length=10, choices=Decision.choices, blank=True
    )
    result_number = models.CharField(_("số văn bản kết quả"), max_length=100, blank=True)
    result_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    result_signer = models.CharField(_("người ký"), max_length=255, blank=True)
    result_file = models.FileField(
        _("tệp kết quả"), upload_to="dossiers/results/%Y/%m/", blank=True, max_length=255
    )
    finished_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    classification = models.CharField(
        _("đánh giá"), max_length=8, choices=Classification.choices, blank=True
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["competent_unit", "status"], name="dossier_unit_status"),
            models.Index(fields=["holder_unit", "status"], name="dossier_holder_status"),
            models.Index(fields=["assignee", "status"], name="dossier_assignee_status"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["received_at"], name="dossier_received"),
            # statistics and reporting count the dossiers ended in a period
            models.Index(fields=["finished_at"], name="dossier_finished"),
            # the lists' order and the statistics' period (submitted between two dates)
            models.Index(fields=["submitted_at", "id"], name="dossier_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_paid__gte=0) & Q(fee_due__gte=0), name="dossier_fees_positive"
            ),
            models.CheckConstraint(
                condition=~Q(channel="postal") | ~Q(postal_tracking=""),
                name="dossier_postal_has_tracking",
            ),
            models.CheckConstraint(
                condition=~Q(decision="approved") | ~Q(result_number=""),
                name="dossier_approved_has_result",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> int:
        return NATIONAL_STATUS[self.status]

    @property
    def national_status_label(self) -> str:
        return NATIONAL_LABELS[self.national_status]

    @property
    def effective_due_at(self) -> dt.datetime | None:
        """The date promised to the applicant (re-appointed date if any)."""
        return effective_due(self.due_at, self.reappointed_due_at)

    def is_paused(self) -> bool:
        return self.status in PAUSED

    def is_in_progress(self) -> bool:
        return self.status in IN_PROGRESS_FAMILY

    def is_overdue(self, now: dt.datetime) -> bool:
        """The rule of ``overdue_q`` for one loaded row (paused dossiers are not overdue)."""
        return is_overdue(self.status, self.due_at, now)

    def applicant_phone_ends_with(self, last4: str) -> bool:
        """Whether ``last4`` are the last 4 digits of the applicant's phone (constant time).

        The one check behind every public look-up by code + phone digits (tracking, fees,
        ratings, ledger proofs); each caller gives the same answer for an unknown code."""
        phone = re.sub(r"\D", "", self.applicant_phone or "")
        given = re.sub(r"\D", "", last4 or "")
        if len(phone) < 4 or len(given) != 4:
            return False
        return hmac.compare_digest(phone[-4:], given)


class ComponentCopy(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    CERTIFIED = "certified", _("Bản sao chứng thực")
    COPY = "copy", _("Bản sao")
    ELECTRONIC = "electronic", _("Bản điện tử")


class ChecklistItem(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="checklist")
    component = models.ForeignKey(
        "catalog.DossierComponent", null=True, blank=True, on_delete=models.SET_NULL
    )
    order = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    provided = models.BooleanField(_("đã nộp"), default=False)
    copy_kind = models.CharField(
        _("loại bản"), max_length=12, choices=ComponentCopy.choices, default=ComponentCopy.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    file = models.FileField(
        _("tệp số hóa"), upload_to="dossiers/files/%Y/%m/", blank=True, max_length=255
    )
    missing_note = models.CharField(_("yêu cầu hoàn thiện"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thành phần đã nộp")
        verbose_name_plural = _("thành phần đã nộp")
        ordering = ["dossier", "order"]

    def __str__(self) -> str:
        return self.name

    @property
    def digitized(self) -> bool:
        return bool(self.file)


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Chờ bổ sung")
    PAYMENT = "payment", _("Chờ nghĩa vụ tài chính")


class Pause(models.Model):
    """A period in which the clock stood still; its working hours move the due time."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("loại"), max_length=12, choices=PauseKind.choices)
    started_at = models.DateTimeField(_("từ"))
    ended_at = models.DateTimeField(_("đến"), null=True, blank=True)
    hours = models.FloatField(_("giờ làm việc"), default=0)
    reason = models.TextField(_("nội dung yêu cầu"), blank=True)

    class Meta:
        verbose_name = _("tạm dừng")
        verbose_name_plural = _("tạm dừng")
        ordering = ["dossier", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(ended_at__isnull=True),
                name="dossier_one_open_pause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.started_at}"


class Consultation(models.Model):
    """An opinion asked from another unit (liên thông)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consultations")
    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("nội dung xin ý kiến"))
    requested_at = models.DateTimeField(_("gửi lúc"))
    due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    opinion = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("ý kiến liên thông")
        verbose_name_plural = _("ý kiến liên thông")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.unit_id}"


class IntakeRequest(models.Model):
    """One officer intake sent with an ``Idempotency-Key``: a retry returns the same dossier.

    Written by ``dossiers.services.dossier_intake_once`` in the dossier's own transaction.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossier_intakes"
    )
    idempotency_key = models.CharField(_("khóa chống tiếp nhận trùng"), max_length=64)
    fingerprint = models.CharField(_("dấu vân tay nội dung"), max_length=64)
    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần tiếp nhận có khóa chống trùng")
        verbose_name_plural = _("các lần tiếp nhận có khóa chống trùng")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="dossier_intake_idempotency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.idempotency_key}"
