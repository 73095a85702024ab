"""Leadership reporting as data: indicators and their targets, the Decision 766 rule set, and
the periodic report regime (templates, reports with versions).

Values are never stored here: they are computed from the platform's own rows (dossiers,
catalog, ratings, payments) by the formulas of ``reporting.formulas``. Rows change only
through ``reporting.services`` (each change is a ledger event).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.organization.models import Level


class Direction(models.TextChoices):
    HIGHER = "higher", _("Càng cao càng tốt")  # met when value ≥ target
    LOWER = "lower", _("Càng thấp càng tốt")  # met when value < target


class Indicator(models.Model):
    """A KPI the province steers by: what it measures (a registered formula), how it reads."""

    code = models.SlugField(_("mã chỉ tiêu"), max_length=40, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    formula = models.CharField(
        _("công thức"),
        max_length=60,
        help_text=_("Mã một công thức do hệ thống cung cấp (reporting.formulas)."),
    )
    filters = models.JSONField(
        _("phạm vi"),
        default=dict,
        blank=True,
        help_text=_('Ví dụ {"fields": ["DD"], "applicant_kind": "person"}.'),
    )
    measure = models.CharField(_("đơn vị tính"), max_length=20, default="%")
    direction = models.CharField(
        _("chiều đánh giá"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    levels = models.JSONField(
        _("cấp áp dụng"), default=list, help_text=_('Ví dụ ["province", "district", "commune"].')
    )
    amber_margin = models.DecimalField(
        _("ngưỡng cảnh báo (điểm %)"),
        max_digits=5,
        decimal_places=2,
        default=5,
        help_text=_("Chưa đạt nhưng cách chỉ tiêu không quá ngần này: vàng; xa hơn: đỏ."),
    )
    public = models.BooleanField(_("công khai"), default=True)
    source = models.CharField(_("căn cứ"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang theo dõi"), default=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def applies_to(self, level: str) -> bool:
        return not self.levels or level in self.levels


class Target(models.Model):
    """The target of an indicator for a year and a level, from a legal source.

    Versioned: a change adds a row with a later ``effective_from``; the row in force on a
    date is the latest one not after it.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    value = models.DecimalField(_("chỉ tiêu (%)"), max_digits=7, decimal_places=2)
    source = models.CharField(_("căn cứ giao chỉ tiêu"), max_length=500)
    effective_from = models.DateField(_("áp dụng từ"))

    class Meta:
        verbose_name = _("chỉ tiêu năm")
        verbose_name_plural = _("chỉ tiêu năm")
        ordering = ["indicator", "year", "level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level", "effective_from", "year"],
                name="reporting_target_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} {self.level}: {self.value}"


class IndexRuleSet(models.Model):
    """A version of the Decision 766/QĐ-TTg scoring rules (groups, criteria, thresholds)."""

    code = models.SlugField(_("mã bộ quy tắc"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    source = models.CharField(_("căn cứ"), max_length=500)
    effective_from = models.DateField(_("áp dụng từ"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ quy tắc chỉ số 766")
        verbose_name_plural = _("bộ quy tắc chỉ số 766")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class IndexCriterion(models.Model):
    """One scored component: rate from a formula; full marks at ``threshold``, below it
    points = rate × max / threshold. No formula: the platform lacks the data."""

    rule_set = models.ForeignKey(IndexRuleSet, on_delete=models.CASCADE, related_name="criteria")
    group_code = models.CharField(_("mã nhóm"), max_length=10)
    group_name = models.CharField(_("nhóm chỉ số"), max_length=200)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tiêu chí"), max_length=300)
    formula = models.CharField(_("công thức"), max_length=60, blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=5, decimal_places=2)
    threshold = models.DecimalField(
        _("ngưỡng đạt tối đa"), max_digits=5, decimal_places=4, default=1
    )
    confirmed = models.BooleanField(_("đã đối chiếu văn bản"), default=False)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí chỉ số 766")
        verbose_name_plural = _("tiêu chí chỉ số 766")
        ordering = ["rule_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="reporting_criterion_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Frequency(models.TextChoices):
    QUARTER = "quarter", _("Hằng quý")
    HALF = "half", _("6 tháng")
    YEAR = "year", _("Hằng năm")


class ReportTemplate(models.Model):
    """A periodic report units must send: its sections, due date and who reports.

    ``sections``: a list of {"key", "title", "kind": "figures" | "text", "indicators": [...]}.
    Figures are filled from the data; text sections are written by the unit.
    """

    code = models.SlugField(_("mã mẫu báo cáo"), max_length=40, unique=True)
    name = models.CharField(_("tên báo cáo"), max_length=300)
    frequency = models.CharField(_("kỳ báo cáo"), max_length=8, choices=Frequency.choices)
    due_days = models.PositiveSmallIntegerField(
        _("hạn gửi (số ngày sau kỳ)"), default=5, help_text=_("0 = ngày cuối kỳ.")
    )
    unit_kinds = models.JSONField(
        _("loại đơn vị phải báo cáo"), default=list, help_text=_('Ví dụ ["department", "commune"].')
    )
    sections = models.JSONField(_("các phần"), default=list)
    recipient = models.CharField(_("nơi nhận"), max_length=300, blank=True)
    source = models.CharField(_("căn cứ"), max_length=500, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("mẫu báo cáo định kỳ")
        verbose_name_plural = _("mẫu báo cáo định kỳ")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")  # the unit fills in its narrative
    SUBMITTED = "submitted", _("Đã gửi")  # approved and sent by the unit's leader


class Report(models.Model):
    """One unit's report for one period; a correction is a new version, the old one kept."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    version = models.PositiveSmallIntegerField(_("lần"), default=1)
    current = models.BooleanField(_("bản hiện hành"), default=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    narrative = models.JSONField(_("nội dung đơn vị viết"), default=dict, blank=True)
    figures = models.JSONField(_("số liệu khi gửi"), default=dict, blank=True)
    number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    correction_reason = models.CharField(_("lý do điều chỉnh"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by_label = models.CharField(_("người ký gửi"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["-period_start", "unit", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "unit", "period_start", "version"],
                name="reporting_report_version",
            ),
            models.UniqueConstraint(
                fields=["template", "unit", "period_start"],
                condition=Q(current=True),
                name="reporting_report_one_current",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="reporting_report_submitted_at",
            ),
        ]
        indexes = [
            models.Index(fields=["template", "period_start"], name="reporting_report_period")
        ]

    def __str__(self) -> str:
        return f"{self.template.code} {self.unit_id} {self.period_start} v{self.version}"


class DailyCount(models.Model):
    """Maintained aggregate: dossiers received and ended per local day × competent unit ×
    procedure × channel × applicant kind. A cache of the dossier rows, rebuilt day by day by
    ``services.aggregates_catch_up`` (every day touched by a dossier event since the
    watermark is recounted from the rows, so repeated runs converge); read by the formulas."""

    day = models.DateField(_("ngày"))
    unit = models.ForeignKey("organization.Unit", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("hình thức nộp"), max_length=12)
    applicant_kind = models.CharField(_("loại người nộp"), max_length=12)
    received = models.PositiveIntegerField(default=0)
    received_fee = models.PositiveIntegerField(default=0)
    received_paid_online = models.PositiveIntegerField(default=0)
    received_digitized = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_good = models.PositiveIntegerField(default=0)
    finished_early = models.PositiveIntegerField(default=0)
    finished_late = models.PositiveIntegerField(default=0)
    finished_approved = models.PositiveIntegerField(default=0)
    finished_result_file = models.PositiveIntegerField(default=0)
    finished_no_late_entry = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo ngày")
        verbose_name_plural = _("số liệu tổng hợp theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit", "procedure", "channel", "applicant_kind"],
                name="reporting_daily_count_key",
            )
        ]
        indexes = [models.Index(fields=["day", "unit"], name="reporting_daily_day_unit")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.procedure_id} {self.channel}"


class MonthCount(models.Model):
    """Maintained roll-up of ``DailyCount``: the same columns summed per local month (``month``
    is its first day) × competent unit × procedure × channel × applicant kind. Only closed
    months (before the month of the catch-up's "now"); the catch-up re-sums a month from its
    daily rows whenever it recounts one of its days, so a month's row always equals the sum of
    its days. Readers take whole months from here and the days at a period's edges."""

    month = models.DateField(_("tháng"))
    unit = models.ForeignKey("organization.Unit", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("hình thức nộp"), max_length=12)
    applicant_kind = models.CharField(_("loại người nộp"), max_length=12)
    received = models.PositiveIntegerField(default=0)
    received_fee = models.PositiveIntegerField(default=0)
    received_paid_online = models.PositiveIntegerField(default=0)
    received_digitized = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_good = models.PositiveIntegerField(default=0)
    finished_early = models.PositiveIntegerField(default=0)
    finished_late = models.PositiveIntegerField(default=0)
    finished_approved = models.PositiveIntegerField(default=0)
    finished_result_file = models.PositiveIntegerField(default=0)
    finished_no_late_entry = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo tháng")
        verbose_name_plural = _("số liệu tổng hợp theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit", "procedure", "channel", "applicant_kind"],
                name="reporting_month_count_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.unit_id} {self.procedure_id} {self.channel}"


class OpenCount(models.Model):
    """Maintained aggregate: the dossiers still open at the end of ``day`` (the local
    midnight after it), and those of them past due and not paused then — per competent unit ×
    procedure × applicant kind. A past day's row only changes through back-dated data
    (imports, the demo): the catch-up recounts from the earliest day a new event touches."""

    day = models.DateField(_("ngày"))
    unit = models.ForeignKey("organization.Unit", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    applicant_kind = models.CharField(_("loại người nộp"), max_length=12)
    open = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("hồ sơ đang giải quyết cuối ngày")
        verbose_name_plural = _("hồ sơ đang giải quyết cuối ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit", "procedure", "applicant_kind"],
                name="reporting_open_count_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}: {self.open}/{self.overdue}"


class AggregateState(models.Model):
    """The last ledger event folded into ``DailyCount``, ``MonthCount`` and ``OpenCount``
    (one row); ``months_until``: the first day of the last month rolled up (every closed
    month up to it is in ``MonthCount``)."""

    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    open_until = models.DateField(_("đã chốt hồ sơ tồn đến ngày"), null=True, blank=True)
    months_until = models.DateField(_("đã cộng dồn theo tháng đến tháng"), null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái số liệu tổng hợp")
        verbose_name_plural = _("trạng thái số liệu tổng hợp")

    def __str__(self) -> str:
        return f"đến sự kiện {self.last_event_id}"
