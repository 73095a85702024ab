"""Reform monitoring: index frameworks as data, yearly results, remediation plans and tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng điểm các nội dung")  # PAR INDEX, PAPI: total = sum of areas
    MEAN = "mean", _("Trung bình các yếu tố")  # SIPAS: total = mean of the factors (%)


class NodeLevel(models.TextChoices):
    AREA = "area", _("Lĩnh vực / trục nội dung")  # top level of the tree
    CRITERION = "criterion", _("Tiêu chí / chỉ số nội dung")  # second level
    SUB = "sub", _("Tiêu chí thành phần / chỉ số thành phần")  # third level


class Assessment(models.TextChoices):
    NONE = "", _("Không xác định")  # the methodology does not say
    SELF = "self", _("Tự đánh giá, thẩm định")  # self-assessment appraised by the ministry
    SURVEY = "survey", _("Điều tra xã hội học")  # sociological survey of people, officials
    APPRAISAL = "appraisal", _("Thẩm định của Trung ương")  # scored by the central council
    MIXED = "mixed", _("Kết hợp")  # a mix of the above


class Index(models.Model):
    code = models.SlugField(_("mã chỉ số"), max_length=30, unique=True)
    name = models.CharField(_("tên chỉ số"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=60)
    publisher = models.CharField(_("cơ quan công bố"), max_length=255, blank=True)
    unit_label = models.CharField(_("đơn vị điểm"), max_length=20, default="điểm")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.short_name


class Framework(models.Model):
    """One methodology version (year) of an index: its tree of nodes and maximum points."""

    index = models.ForeignKey(
        Index, verbose_name=_("chỉ số"), on_delete=models.CASCADE, related_name="frameworks"
    )
    year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    methodology = models.TextField(_("phương pháp (văn bản, nguồn)"))
    aggregation = models.CharField(
        _("cách tổng hợp"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    max_total = models.DecimalField(_("điểm tối đa"), max_digits=8, decimal_places=3)
    source_file = models.CharField(_("tệp dữ liệu"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["index__order", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["index", "year"], name="reform_framework_year")
        ]

    def __str__(self) -> str:
        return f"{self.index.short_name} ({self.year})"


class Node(models.Model):
    framework = models.ForeignKey(
        Framework, verbose_name=_("bộ tiêu chí"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nút cha"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    level = models.CharField(_("cấp"), max_length=10, choices=NodeLevel.choices)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=500)
    name_folded = models.CharField(_("tên không dấu"), max_length=500, editable=False, default="")
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=8, decimal_places=3)
    assessment = models.CharField(
        _("cách đánh giá"), max_length=10, choices=Assessment.choices, blank=True, default=""
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="reform_node_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="reform_node_max_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def depth(self) -> int:
        return {NodeLevel.AREA: 0, NodeLevel.CRITERION: 1, NodeLevel.SUB: 2}[self.level]


class Result(models.Model):
    """The province's published result of one index for one year."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="results"
    )
    index = models.ForeignKey(
        Index, verbose_name=_("chỉ số"), on_delete=models.CASCADE, related_name="results"
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    total = models.DecimalField(_("tổng điểm"), max_digits=8, decimal_places=3)
    rank = models.PositiveSmallIntegerField(_("xếp hạng"), null=True, blank=True)
    rank_of = models.PositiveSmallIntegerField(_("trên tổng số tỉnh"), default=63)
    national_average = models.DecimalField(
        _("trung bình cả nước"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    source = models.TextField(_("nguồn số liệu"), blank=True)
    simulated = models.BooleanField(
        _("điểm tiêu chí mô phỏng"), default=False,
        help_text=_("Điểm từng tiêu chí là số liệu mô phỏng (dữ liệu mẫu), không phải công bố."),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now=True)

    class Meta:
        verbose_name = _("kết quả chỉ số")
        verbose_name_plural = _("kết quả chỉ số")
        ordering = ["index__order", "-year"]
        constraints = [models.UniqueConstraint(fields=["index", "year"], name="reform_result_year")]

    def __str__(self) -> str:
        return f"{self.index.short_name} {self.year}: {self.total}"


class NodeScore(models.Model):
    result = models.ForeignKey(
        Result, verbose_name=_("kết quả"), on_delete=models.CASCADE, related_name="scores"
    )
    node = models.ForeignKey(
        Node, verbose_name=_("tiêu chí"), on_delete=models.CASCADE, related_name="scores"
    )
    score = models.DecimalField(_("điểm đạt"), max_digits=8, decimal_places=3)
    national_average = models.DecimalField(
        _("trung bình cả nước"), max_digits=8, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["result", "node"], name="reform_score_node"),
            models.CheckConstraint(condition=Q(score__gte=0), name="reform_score_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.node.code}: {self.score}"

    @property
    def points_lost(self) -> Decimal:
        return max(Decimal("0"), self.node.max_points - self.score)


class Plan(models.Model):
    number = models.CharField(_("số kế hoạch"), max_length=60, unique=True)
    issued_on = models.DateField(_("ngày ban hành"))
    title = models.TextField(_("trích yếu"))
    issuer = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("cơ quan ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer_name = models.CharField(_("tên cơ quan ban hành"), max_length=255, blank=True)
    signer = models.CharField(_("người ký"), max_length=255, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255, blank=True)
    year = models.PositiveSmallIntegerField(_("năm kế hoạch"))
    horizon_year = models.PositiveSmallIntegerField(
        _("theo dõi đến năm"), help_text=_("nhiệm vụ định kỳ được lập kỳ đến hết năm này")
    )
    source_file = models.CharField(_("tệp nhập"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch khắc phục")
        verbose_name_plural = _("kế hoạch khắc phục")
        ordering = ["-issued_on", "number"]

    def __str__(self) -> str:
        return f"{self.number} ngày {self.issued_on:%d/%m/%Y}"


class DeadlineKind(models.TextChoices):
    DATE = "date", _("Ngày cụ thể")  # "31/12/2021"
    MONTH = "month", _("Tháng")  # "Tháng 6/2021"
    QUARTER = "quarter", _("Quý")  # "Quý IV/2021"
    HALF = "half", _("6 tháng")  # "6 tháng đầu năm 2021"
    YEAR = "year", _("Năm")  # "Trong năm 2021", "Năm 2021"
    YEARLY = "yearly", _("Hằng năm")  # one occurrence per year
    QUARTERLY = "quarterly", _("Hằng quý")  # one occurrence per quarter
    MONTHLY = "monthly", _("Hằng tháng")  # one occurrence per month
    REGULAR = "regular", _("Thường xuyên")  # continuous, no due date
    ROADMAP = "roadmap", _("Theo lộ trình của đề án")  # due dates set by another project
    UNPARSED = "unparsed", _("Chưa xác định")  # wording not understood; kept as written

    @classmethod
    def recurring(cls) -> set[str]:
        return {cls.YEARLY, cls.QUARTERLY, cls.MONTHLY}


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")  # no progress reported yet
    IN_PROGRESS = "in_progress", _("Đang thực hiện")  # progress reported, not finished
    DONE = "done", _("Hoàn thành")  # finished (recurring: every period up to the horizon)
    CANCELLED = "cancelled", _("Dừng thực hiện")  # stopped by the plan owner, with a reason


class Task(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="tasks"
    )
    index = models.ForeignKey(
        Index, verbose_name=_("chỉ số"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    appendix = models.CharField(_("phụ lục"), max_length=60, blank=True)
    section = models.CharField(_("mục (lĩnh vực)"), max_length=255, blank=True)
    criterion_text = models.TextField(_("tiêu chí bị trừ điểm (nguyên văn)"), blank=True)
    nodes = models.ManyToManyField(
        Node, verbose_name=_("tiêu chí liên quan"), blank=True, related_name="tasks"
    )
    number = models.CharField(_("số thứ tự"), max_length=20)
    text = models.TextField(_("nhiệm vụ, giải pháp"))
    lead_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị chủ trì chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reform_tasks_led",
    )
    lead_text = models.CharField(_("đơn vị chủ trì (nguyên văn)"), max_length=500, blank=True)
    coordinate_text = models.TextField(_("đơn vị phối hợp (nguyên văn)"), blank=True)
    deadline_text = models.CharField(_("thời hạn (nguyên văn)"), max_length=500, blank=True)
    deadline_kind = models.CharField(
        _("loại thời hạn"), max_length=12, choices=DeadlineKind.choices
    )
    period_start = models.DateField(_("từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress_percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    next_due_on = models.DateField(_("hạn gần nhất"), null=True, blank=True, db_index=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="reform_task_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.number} — {self.number}: {self.text[:60]}"

    @property
    def is_recurring(self) -> bool:
        return self.deadline_kind in DeadlineKind.recurring()

    def is_open(self) -> bool:
        return self.status not in (TaskStatus.DONE, TaskStatus.CANCELLED)

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open() and self.next_due_on is not None and self.next_due_on < today

    def is_due_soon(self, today: dt.date, days: int) -> bool:
        return (
            self.is_open()
            and self.next_due_on is not None
            and today <= self.next_due_on <= today + dt.timedelta(days=days)
        )


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")  # answers for the task
    COORDINATE = "coordinate", _("Phối hợp")  # supports the lead


class UnitGroup(models.TextChoices):
    NONE = "", _("—")  # a single unit
    DEPARTMENTS = "departments", _("Các sở, ban, ngành cấp tỉnh")  # every department
    DISTRICTS = "districts", _("UBND cấp huyện")  # every district active on the plan date
    COMMUNES = "communes", _("UBND cấp xã")  # every commune active on the plan date
    ONE_STOP = "one_stop", _("Bộ phận Một cửa các cấp")  # every one-stop centre


GROUP_KINDS: dict[str, list[str]] = {
    UnitGroup.DEPARTMENTS: ["department"],
    UnitGroup.DISTRICTS: ["district"],
    UnitGroup.COMMUNES: ["commune"],
    UnitGroup.ONE_STOP: ["centre"],
}


class TaskAssignment(models.Model):
    """A lead or coordinating party: one unit, a group of units, or an unmatched name."""

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reform_assignments",
    )
    group = models.CharField(
        _("nhóm đơn vị"), max_length=12, choices=UnitGroup.choices, blank=True, default=""
    )
    name_text = models.CharField(_("tên như trong văn bản"), max_length=500)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("đơn vị thực hiện")
        verbose_name_plural = _("đơn vị thực hiện")
        ordering = ["task", "role", "order"]

    def __str__(self) -> str:
        return (
            f"{self.get_role_display()}: {self.unit or self.get_group_display() or self.name_text}"
        )


class Occurrence(models.Model):
    """One period of a task: a one-off task has one, a yearly task one per year."""

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="occurrences"
    )
    label = models.CharField(_("kỳ"), max_length=40)
    period_start = models.DateField(_("từ ngày"))
    due_on = models.DateField(_("hạn"))
    done_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    reminded_due_soon_at = models.DateTimeField(
        _("đã nhắc sắp đến hạn lúc"), null=True, blank=True, editable=False
    )
    reminded_overdue_at = models.DateTimeField(
        _("đã nhắc quá hạn lúc"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("kỳ thực hiện")
        verbose_name_plural = _("kỳ thực hiện")
        ordering = ["task", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["task", "due_on"], name="reform_occurrence_due")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} — {self.label}"


class Progress(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="progress"
    )
    occurrence = models.ForeignKey(
        Occurrence,
        verbose_name=_("kỳ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress",
    )
    text = models.TextField(_("nội dung kết quả"))
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người báo cáo"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_label = models.CharField(_("tên người báo cáo"), max_length=200)
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị báo cáo"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["task", "at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="reform_progress_percent")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class Evidence(models.Model):
    progress = models.ForeignKey(
        Progress, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("tệp minh chứng"), upload_to="reform/evidence/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.name


from motcua.reform.assessment_models import (  # noqa: E402, F401  (registered in this app)
    SelfAssessment,
    SelfAssessmentStatus,
    SelfEvidence,
    SelfItem,
    SelfItemStatus,
)
