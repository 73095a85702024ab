"""Rows the platform needs below every domain: the look-up failure counters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleCounter(models.Model):
    """Failed tries under one key (a hash of a client address, of a code, or of both) since
    ``window_start``; the window restarts at the first failure after it has passed. Keys of
    ``core.throttle.over_limit`` (scope ``n:``) count every try instead, and the locks of
    ``one_at_a_time`` (``lock:``) count nothing."""

    key = models.CharField(max_length=80, unique=True)
    window_start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm lượt thử sai")
        verbose_name_plural = _("bộ đếm lượt thử sai")
        indexes = [models.Index(fields=["window_start"], name="throttle_window_start")]

    def __str__(self) -> str:
        return f"{self.key} {self.failures}"


class WorkerHeartbeat(models.Model):
    """The task worker says it is alive (``motcua worker``), for the operations page."""

    worker_id = models.CharField(_("mã tiến trình"), max_length=64, unique=True)
    host = models.CharField(_("máy"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("PID"), default=0)
    started_at = models.DateTimeField(_("khởi động lúc"))
    beat_at = models.DateTimeField(_("tín hiệu gần nhất"), db_index=True)
    tasks_run = models.PositiveIntegerField(_("số việc đã chạy"), default=0)
    retries = models.PositiveIntegerField(_("số lần chờ cơ sở dữ liệu"), default=0)
    last_error = models.CharField(_("lỗi tạm thời gần nhất"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tiến trình chạy nền")
        verbose_name_plural = _("tiến trình chạy nền")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
