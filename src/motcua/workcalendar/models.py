"""The work calendar: weekly working hours (province default, per-unit overrides, versioned by
effective date) and dated exceptions (public holidays, extra days off, make-up working days).

Only this app computes deadlines and working-time durations (see docs/deadlines.md); it reads
these rows through an in-memory compiled calendar (``motcua.workcalendar.engine``).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.organization.models import Unit


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Thứ Hai")
    TUESDAY = 1, _("Thứ Ba")
    WEDNESDAY = 2, _("Thứ Tư")
    THURSDAY = 3, _("Thứ Năm")
    FRIDAY = 4, _("Thứ Sáu")
    SATURDAY = 5, _("Thứ Bảy")
    SUNDAY = 6, _("Chủ nhật")


class WorkSchedule(models.Model):
    """Weekly working hours in force from ``effective_from``: the province's default when
    ``unit`` is empty, else a unit's override (which also applies to the units below it)."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="work_schedules",
        help_text=_("Để trống: giờ làm việc chung của tỉnh."),
    )
    name = models.CharField(_("tên"), max_length=255)
    effective_from = models.DateField(_("hiệu lực từ"), default=dt.date(2000, 1, 1))
    same_day_cutoff = models.TimeField(
        _("giờ chốt nhận hồ sơ giải quyết trong ngày"),
        default=dt.time(15, 0),
        help_text=_("Hồ sơ 'trong ngày' nhận sau giờ này được trả vào ngày làm việc tiếp theo."),
    )
    decision = models.CharField(_("văn bản quy định"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["unit_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "effective_from"], name="workschedule_unit_from_unique"
            ),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=Q(unit__isnull=True),
                name="workschedule_province_from_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (từ {self.effective_from:%d/%m/%Y})"


class WorkPeriod(models.Model):
    """One working period of a weekday, e.g. Monday 07:30–11:30."""

    schedule = models.ForeignKey(
        WorkSchedule,
        verbose_name=_("giờ làm việc"),
        on_delete=models.CASCADE,
        related_name="periods",
    )
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    start = models.TimeField(_("từ"))
    end = models.TimeField(_("đến"))

    class Meta:
        verbose_name = _("ca làm việc")
        verbose_name_plural = _("ca làm việc")
        ordering = ["schedule", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="period_start_lt_end"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="period_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class ExceptionKind(models.TextChoices):
    HOLIDAY = (
        "holiday",
        _("Nghỉ lễ, Tết"),
    )  # a public holiday (Labour Code art. 112) or its Tết days
    DAY_OFF = "day_off", _("Ngày nghỉ bù, hoán đổi")  # compensatory or swapped day off
    MAKEUP = "makeup", _("Ngày làm bù")  # a weekend day worked in exchange for a bridge day off


class ExceptionSource(models.TextChoices):
    LIBRARY = "library", _("Thư viện holidays (tự động)")  # seeded from holidays.Vietnam
    ANNOUNCEMENT = "announcement", _("Thông báo lịch nghỉ hằng năm")  # entered from a notice
    ADMIN = "admin", _("Quản trị viên nhập")  # entered or corrected by the province admin


class CalendarException(models.Model):
    """A dated exception to the weekly hours, valid for the whole province."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=ExceptionKind.choices)
    reason = models.CharField(_("lý do"), max_length=255)
    document = models.CharField(
        _("văn bản thông báo"),
        max_length=255,
        blank=True,
        help_text=_("Số, ngày văn bản công bố lịch nghỉ hoặc ngày làm bù."),
    )
    source = models.CharField(
        _("nguồn"), max_length=20, choices=ExceptionSource.choices, default=ExceptionSource.ADMIN
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.reason}"

    @property
    def working(self) -> bool:
        return self.kind == ExceptionKind.MAKEUP
