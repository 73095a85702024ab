"""Rows the platform needs below every domain: the look-up failure counters, the worker's
heartbeat, long jobs and their steps."""

import uuid

from django.conf import settings
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


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")  # waiting for the task worker
    RUNNING = "running", _("Đang chạy")  # the worker is doing it
    DONE = "done", _("Hoàn thành")  # finished; the result (if any) can be downloaded
    FAILED = "failed", _("Không thành công")  # stopped with an error, nothing to download


class Job(models.Model):
    """A long piece of work asked for by someone (an export, an import), run by the task
    worker; its progress is polled by the page, its result file is private to those the
    job's kind allows (``core.jobs``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại việc"), max_length=64)
    label = models.CharField(_("tên việc"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_label = models.CharField(_("người yêu cầu (tên)"), max_length=200, blank=True)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    input_file = models.FileField(_("tệp đầu vào"), upload_to="jobs/inputs/", blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("đã làm"), default=0)
    total = models.PositiveIntegerField(_("tổng"), default=0)
    step = models.CharField(_("bước hiện tại"), max_length=300, blank=True)
    result_file = models.FileField(_("tệp kết quả"), upload_to="jobs/results/", blank=True)
    result_name = models.CharField(_("tên tệp kết quả"), max_length=200, blank=True)
    summary = models.TextField(_("kết quả"), blank=True)
    details = models.JSONField(_("chi tiết"), default=list, blank=True)
    error_code = models.CharField(_("mã lỗi"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="job_requested")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                name="job_done_le_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(100 * self.done / self.total))

    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class JobEvent(models.Model):
    """Append-only: each step a job went through (queued, each named step, done or failed)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("lúc"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=JobStatus.choices)
    message = models.CharField(_("nội dung"), max_length=300, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bước của việc chạy nền")
        verbose_name_plural = _("bước của việc chạy nền")
        ordering = ["job", "seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="job_event_seq")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.message}"
