"""The outbox: one row per dossier event that the National Public Service Portal must know."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi, được xác nhận")
    FAILED = "failed", _("Lỗi, sẽ gửi lại")
    PARKED = "parked", _("Tạm dừng gửi (lỗi nhiều lần)")


class SyncRecord(models.Model):
    """A dossier status or due-time change to publish; written with its ledger event."""

    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64)
    event_seq = models.PositiveIntegerField(_("số thứ tự sự kiện"))
    event_hash = models.CharField(_("mã băm sự kiện"), max_length=64, unique=True)
    action = models.CharField(_("hành động"), max_length=64)
    national_status = models.PositiveSmallIntegerField(_("trạng thái quốc gia"))
    due_at = models.CharField(_("hạn giải quyết"), max_length=40, blank=True)
    event_at = models.DateTimeField(_("thời điểm sự kiện"))
    unit_id = models.IntegerField(_("đơn vị"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái gửi"), max_length=10, choices=SyncState.choices, default=SyncState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần sau"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    sent_at = models.DateTimeField(_("gửi thành công lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("bản ghi đồng bộ")
        verbose_name_plural = _("bản ghi đồng bộ")
        ordering = ["dossier_code", "event_seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier_code", "event_seq"], name="interop_one_record_per_event"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="interop_due_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_code}#{self.event_seq} → {self.national_status}"


class ReconciliationRun(models.Model):
    """One reconciliation with the portal (the job, the command or the page's button)."""

    at = models.DateTimeField(_("đối soát lúc"))
    complete = models.BooleanField(_("khớp hoàn toàn"))
    sync_ratio = models.FloatField(_("tỷ lệ đồng bộ"))
    dossiers_received = models.PositiveIntegerField(_("hồ sơ đã tiếp nhận"))
    dossiers_known = models.PositiveIntegerField(_("hồ sơ Cổng quốc gia đã có"))
    differences = models.PositiveIntegerField(_("số chênh lệch"))
    report = models.JSONField(_("kết quả"), default=dict)

    class Meta:
        verbose_name = _("lần đối soát")
        verbose_name_plural = _("lần đối soát")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} — {self.sync_ratio:.1%}"


class InboundDossier(models.Model):
    """A dossier submitted on the national portal, taken into our intake once (the national
    code is unique: the same inbound dossier twice creates one dossier). A refused one keeps
    its reason and is tried again when it comes again."""

    national_code = models.CharField(
        _("mã hồ sơ trên Cổng DVC quốc gia"), max_length=64, unique=True
    )
    dossier_code = models.CharField(
        _("mã hồ sơ"), max_length=64, unique=True, null=True, blank=True
    )
    portal_seq = models.PositiveBigIntegerField(_("số thứ tự trên Cổng"), null=True, blank=True)
    fingerprint = models.CharField(_("dấu vân nội dung"), max_length=64)
    source = models.CharField(_("nguồn"), max_length=10)  # "pull" or "push"
    error = models.TextField(_("lý do không nhận"), blank=True)
    received_at = models.DateTimeField(_("nhận lúc"))

    class Meta:
        verbose_name = _("hồ sơ nhận từ Cổng DVC quốc gia")
        verbose_name_plural = _("hồ sơ nhận từ Cổng DVC quốc gia")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.national_code} → {self.dossier_code or '(không nhận)'}"


class CatalogSync(models.Model):
    """One national catalog export applied as a publication decision; the newest tells which
    components and fees came from the national side (the others are the province's own)."""

    at = models.DateTimeField(_("áp dụng lúc"))
    digest = models.CharField(_("mã băm bản xuất"), max_length=64)
    decision_number = models.CharField(_("số quyết định công bố"), max_length=100)
    export = models.JSONField(_("bản xuất của CSDL quốc gia"))
    summary = models.JSONField(_("thay đổi"), default=dict)

    class Meta:
        verbose_name = _("lần đồng bộ danh mục TTHC")
        verbose_name_plural = _("lần đồng bộ danh mục TTHC")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.at:%d/%m/%Y})"


class ReusedDocument(models.Model):
    """A dossier component taken from the citizen's digitized documents instead of an
    upload (its file is the stored document, so the digitization indicators count it)."""

    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64)
    component_id = models.IntegerField(_("thành phần hồ sơ"))
    document_id = models.CharField(_("mã giấy tờ trong kho dữ liệu"), max_length=100)
    document_name = models.CharField(_("tên giấy tờ"), max_length=500)
    sha256 = models.CharField(_("mã băm tệp"), max_length=64)
    reused_at = models.DateTimeField(_("tái sử dụng lúc"))

    class Meta:
        verbose_name = _("giấy tờ tái sử dụng")
        verbose_name_plural = _("giấy tờ tái sử dụng")
        ordering = ["dossier_code", "component_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier_code", "component_id"], name="interop_one_reuse_per_component"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_code}: {self.document_name}"
