"""Rows the platform needs below every domain: the look-up failure counters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleCounter(models.Model):
    """Failed tries under one key (a hash of a client address, of a code, or of both) since
    ``window_start``; the window restarts at the first failure after it has passed."""

    key = models.CharField(max_length=80, unique=True)
    window_start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm lượt thử sai")
        verbose_name_plural = _("bộ đếm lượt thử sai")
        indexes = [models.Index(fields=["window_start"], name="throttle_window_start")]

    def __str__(self) -> str:
        return f"{self.key} {self.failures}"
