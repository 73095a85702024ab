"""The insights app's OWN tables (never the dossier history): the trained early-warning models
and the latest risk score of each open dossier. Written only by ``services`` with a ledger
event."""

from __future__ import annotations

from django.conf import settings
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


class Workspace(models.Model):
    """An external event log (CSV or XES) imported for analysis: the same maps and the same
    early-warning evaluation as the dossier history. Seen by whoever imported it."""

    name = models.CharField(_("tên"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filename = models.CharField(_("tệp"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64)
    cases = models.PositiveIntegerField(_("số ca"))
    events = models.PositiveIntegerField(_("số sự kiện"))
    created_at = models.DateTimeField(_("nhập lúc"))

    class Meta:
        verbose_name = _("không gian phân tích")
        verbose_name_plural = _("không gian phân tích")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class WorkspaceEvent(models.Model):
    """One row of an imported log, with its XES names kept (case attributes repeated)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rows")
    case = models.CharField(_("ca"), max_length=200)
    activity = models.CharField(_("hoạt động"), max_length=300)
    at = models.DateTimeField(_("thời điểm"))
    resource = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    group = models.CharField(_("nhóm, đơn vị"), max_length=200, blank=True)
    lifecycle = models.CharField(_("vòng đời"), max_length=30, default="complete")
    attributes = models.JSONField(_("thuộc tính ca"), default=dict)

    class Meta:
        verbose_name = _("sự kiện nhập")
        verbose_name_plural = _("sự kiện nhập")
        ordering = ["workspace", "id"]
        indexes = [models.Index(fields=["workspace", "case"], name="workspace_case")]

    def __str__(self) -> str:
        return f"{self.case}: {self.activity}"
