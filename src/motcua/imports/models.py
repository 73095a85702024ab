"""An import run of a previous system's history, and the dossiers it brought in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One source file, identified by its SHA-256: importing it again continues or does nothing."""

    sha256 = models.CharField(_("SHA-256 của tệp nguồn"), max_length=64, unique=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    rows = models.PositiveIntegerField(_("số dòng sự kiện"))
    dossiers = models.PositiveIntegerField(_("số hồ sơ"))
    dossiers_done = models.PositiveIntegerField(_("hồ sơ đã nhập"), default=0)
    events_done = models.PositiveIntegerField(_("sự kiện đã nhập"), default=0)
    batches_done = models.PositiveIntegerField(_("lô đã nhập"), default=0)
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("hoàn tất"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập lịch sử")
        verbose_name_plural = _("lần nhập lịch sử")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.sha256[:12]})"


class ImportedDossier(models.Model):
    """A dossier whose history came from an import run (written in the batch's transaction).

    ``previous_on_time``: the previous system's own on-time flag (None: not given);
    ``classification``: ours, recomputed by the work calendar from the imported times.
    """

    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="imported")
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    batch = models.PositiveIntegerField(_("lô"))
    events = models.PositiveIntegerField(_("số sự kiện"))
    previous_on_time = models.BooleanField(_("đúng hạn theo hệ thống cũ"), null=True)
    classification = models.CharField(_("phân loại (tính lại)"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("hồ sơ đã nhập")
        verbose_name_plural = _("hồ sơ đã nhập")

    def __str__(self) -> str:
        return self.code

    @property
    def differs(self) -> bool:
        """The previous system's flag and our recomputed classification disagree."""
        if self.previous_on_time is None or not self.classification:
            return False
        return self.previous_on_time != (self.classification != "late")
