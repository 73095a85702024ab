"""Stored integrity findings, kept current incrementally (``services.findings_refresh``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.audit.integrity import Kind


class IntegrityFinding(models.Model):
    """One finding of the khống detector (``integrity``), as of the last refresh."""

    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    code = models.CharField(_("mã hồ sơ"), max_length=64)
    seq = models.PositiveIntegerField(_("thứ tự sự kiện"))
    at = models.DateTimeField(_("thời điểm sự kiện (sổ cái)"))
    shown_from = models.DateTimeField(_("là phát hiện từ"))
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("cơ quan giải quyết"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    detail = models.TextField(_("chi tiết"))
    events = models.JSONField(_("sự kiện căn cứ"), default=list)
    #: the dossier's history came from an import (``provenance``): run, file, SHA-256, event
    imported = models.JSONField(_("nhập từ hệ thống cũ"), null=True, blank=True)

    class Meta:
        verbose_name = _("phát hiện cập nhật khống")
        verbose_name_plural = _("phát hiện cập nhật khống")
        constraints = [
            models.UniqueConstraint(fields=["kind", "code", "seq"], name="audit_finding_once")
        ]
        indexes = [
            models.Index(fields=["code"], name="audit_finding_code"),
            models.Index(fields=["-at"], name="audit_finding_at"),
            models.Index(fields=["unit", "-at"], name="audit_finding_unit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.code} #{self.seq}: {self.kind}"


class FindingsWatermark(models.Model):
    """How far the stored findings go: every dossier event up to ``last_event_id`` (a sealed
    event: sealing orders events after their transactions commit) has been read."""

    last_event_id = models.BigIntegerField(_("sự kiện cuối đã đọc"), default=0)
    refreshed_at = models.DateTimeField(_("cập nhật lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mốc cập nhật phát hiện")
        verbose_name_plural = _("mốc cập nhật phát hiện")

    def __str__(self) -> str:
        return f"≤ {self.last_event_id}"
