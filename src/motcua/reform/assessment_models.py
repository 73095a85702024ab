"""The province's yearly self-assessment on an index framework (tự đánh giá, chấm điểm).

Each year Sở Nội vụ opens a self-assessment of the PAR INDEX: one item per criterion the
province scores itself (survey criteria are scored by the Ministry's survey, not here), with
the unit responsible for preparing it, its self-assessed score (at most the criterion's
maximum), the explanation and the evidence (uploaded files or links to the platform's own
data). The unit submits; Sở Nội vụ returns (with a reason) or accepts; then consolidates the
province's report. Imported from ``models`` so Django registers them in the reform app.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SelfAssessmentStatus(models.TextChoices):
    OPEN = "open", _("Đang tự đánh giá")
    CONSOLIDATED = "consolidated", _("Đã tổng hợp")


class SelfItemStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    SUBMITTED = "submitted", _("Đã gửi Sở Nội vụ")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Sở Nội vụ đã chấp nhận")


class SelfAssessment(models.Model):
    index = models.ForeignKey(
        "reform.Index", verbose_name=_("chỉ số"), on_delete=models.PROTECT, related_name="+"
    )
    framework = models.ForeignKey(
        "reform.Framework", verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT,
        related_name="self_assessments",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    deadline = models.DateField(_("hạn gửi tự đánh giá"))
    status = models.CharField(
        _("trạng thái"), max_length=15, choices=SelfAssessmentStatus.choices,
        default=SelfAssessmentStatus.OPEN,
    )  # fmt: skip
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người mở"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    opened_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)
    consolidated_at = models.DateTimeField(_("tổng hợp lúc"), null=True, blank=True)
    total = models.DecimalField(
        _("tổng điểm tự đánh giá"), max_digits=8, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("đợt tự đánh giá")
        verbose_name_plural = _("đợt tự đánh giá")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["index", "year"], name="reform_self_year")]

    def __str__(self) -> str:
        return f"Tự đánh giá {self.index.short_name} năm {self.year}"


class SelfItem(models.Model):
    assessment = models.ForeignKey(
        SelfAssessment, verbose_name=_("đợt tự đánh giá"), on_delete=models.CASCADE,
        related_name="items",
    )  # fmt: skip
    node = models.ForeignKey(
        "reform.Node", verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("đơn vị chuẩn bị"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    score = models.DecimalField(
        _("điểm tự đánh giá"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    explanation = models.TextField(_("giải trình"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SelfItemStatus.choices,
        default=SelfItemStatus.DRAFT,
    )  # fmt: skip
    # pre-filled from the platform's own data: the measure, its value and the query behind it
    measure = models.CharField(_("số liệu nền tảng"), max_length=40, blank=True)
    measured_value = models.DecimalField(
        _("giá trị đo được"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    measure_query = models.TextField(_("truy vấn tạo số liệu"), blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    review_note = models.TextField(_("ý kiến Sở Nội vụ"), blank=True)

    class Meta:
        verbose_name = _("tiêu chí tự đánh giá")
        verbose_name_plural = _("tiêu chí tự đánh giá")
        ordering = ["assessment", "node__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node"], name="reform_self_item_node")
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.node.code}"

    @property
    def points_lost(self) -> Decimal | None:
        return None if self.score is None else self.node.max_points - self.score


class SelfEvidence(models.Model):
    """An uploaded document (checked like every upload) or a link to the platform's data."""

    item = models.ForeignKey(
        SelfItem, verbose_name=_("tiêu chí"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("tệp"), upload_to="reform/evidence/self/%Y/", blank=True)
    name = models.CharField(_("tên tài liệu"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    link = models.CharField(_("liên kết dữ liệu nền tảng"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thêm"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["added_at"]

    def __str__(self) -> str:
        return self.name
