"""The insights app's OWN tables (never the dossier history): the trained early-warning models
and the latest risk score of each open dossier. Written only by ``services`` with a ledger
event."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskModel(models.Model):
    """A fitted early-warning model as plain numbers (``early_warning.Model.to_json``)."""

    trained_at = models.DateTimeField(_("huấn luyện lúc"))
    params = models.JSONField(_("tham số mô hình"))
    snapshots = models.PositiveIntegerField(_("số mẫu học"))
    late = models.PositiveIntegerField(_("số mẫu trễ hạn"))
    history_from = models.DateTimeField(_("lịch sử từ"))
    history_to = models.DateTimeField(_("lịch sử đến"))
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("mô hình cảnh báo sớm")
        verbose_name_plural = _("mô hình cảnh báo sớm")
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"Mô hình #{self.pk}"


class RiskScore(models.Model):
    """The latest probability that an open dossier finishes late, with its main reasons."""

    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    model = models.ForeignKey(RiskModel, on_delete=models.CASCADE, related_name="scores")
    probability = models.FloatField(_("xác suất trễ hạn"))
    share_used = models.FloatField(_("tỷ lệ thời hạn đã dùng"))
    hours_left = models.FloatField(_("giờ làm việc còn lại"))
    reasons = models.JSONField(_("lý do chính"), default=list)
    unit_id = models.IntegerField(_("đơn vị giữ hồ sơ"), null=True, blank=True)
    scored_at = models.DateTimeField(_("chấm điểm lúc"))

    class Meta:
        verbose_name = _("điểm nguy cơ trễ hạn")
        verbose_name_plural = _("điểm nguy cơ trễ hạn")
        ordering = ["-probability", "dossier_code"]
        indexes = [models.Index(fields=["-probability"], name="risk_score_probability")]

    def __str__(self) -> str:
        return f"{self.dossier_code}: {self.probability:.2f}"
