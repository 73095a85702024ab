"""One append-only history for every subject (dossier, feedback, reform task, unit …).

Current state lives on the subject's own row for fast queries; it is always derivable from
these rows. Rows are written only by ``ledger.services.event_record`` and never changed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    subject_type = models.CharField(_("loại đối tượng"), max_length=40)
    subject_id = models.CharField(_("mã đối tượng"), max_length=64)
    seq = models.PositiveIntegerField(_("thứ tự"))
    action = models.CharField(_("hành động"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm (máy chủ)"))
    payload = models.JSONField(_("nội dung"), default=dict, blank=True)
    prev_hash = models.CharField(_("băm trước"), max_length=64, blank=True)
    hash = models.CharField(_("băm"), max_length=64)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "seq"], name="ledger_event_subject_seq"
            )
        ]
        indexes = [models.Index(fields=["at"], name="ledger_event_at")]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id}#{self.seq} {self.action}"
