"""The procedure catalog (TTHC): published on three aspects — components, time, fees."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.organization.models import Level, Role, Unit, UnitKind


class Field(models.Model):
    code = models.CharField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TimeLimitKind(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")  # weekends and holidays skipped
    CALENDAR_DAYS = "calendar_days", _("ngày")  # weekends count; due day off → next working day
    HOURS = "hours", _("giờ làm việc")
    SAME_DAY = "same_day", _("trong ngày")  # received after 15:00 → next working day
    NONE = "none", _("không quy định thời hạn")


class OnlineType(models.TextChoices):
    FULL = "full", _("Toàn trình")  # submit, process, pay online; result online or by post
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class ProcedureStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hiệu lực")
    ABOLISHED = "abolished", _("Đã bãi bỏ")


class Procedure(models.Model):
    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    competent_unit_kind = models.CharField(
        _("loại cơ quan có thẩm quyền"), max_length=20, choices=UnitKind.choices
    )
    competent_authority = models.CharField(_("cơ quan thực hiện"), max_length=255, blank=True)
    time_limit_kind = models.CharField(
        _("loại thời hạn"),
        max_length=20,
        choices=TimeLimitKind.choices,
        default=TimeLimitKind.WORKING_DAYS,
    )
    time_limit = models.DecimalField(
        _("thời hạn giải quyết"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        help_text=_("Số ngày (cho phép nửa ngày) hoặc số giờ, theo loại thời hạn."),
    )
    time_limit_text = models.CharField(_("thời hạn (văn bản công bố)"), max_length=500, blank=True)
    result_name = models.CharField(_("kết quả thực hiện"), max_length=500, blank=True)
    online_type = models.CharField(
        _("dịch vụ công trực tuyến"), max_length=10, choices=OnlineType.choices
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    applicants = models.CharField(_("đối tượng thực hiện"), max_length=255, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ProcedureStatus.choices,
        default=ProcedureStatus.ACTIVE,
    )
    decentralised = models.BooleanField(_("phân cấp"), default=False)
    delegated = models.BooleanField(_("ủy quyền"), default=False)
    search_text = models.TextField(_("chuỗi tìm kiếm"), editable=False, default="")

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(time_limit__gte=0), name="procedure_time_limit_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def working_hours(self) -> Decimal | None:
        """The processing time in working hours (8 h a day), None without a due time."""
        if self.time_limit_kind in (TimeLimitKind.WORKING_DAYS, TimeLimitKind.CALENDAR_DAYS):
            return self.time_limit * 8
        if self.time_limit_kind == TimeLimitKind.HOURS:
            return self.time_limit
        if self.time_limit_kind == TimeLimitKind.SAME_DAY:
            return Decimal("8")
        return None

    def time_limit_display(self) -> str:
        if self.time_limit_kind == TimeLimitKind.NONE:
            return str(TimeLimitKind.NONE.label)
        if self.time_limit_kind == TimeLimitKind.SAME_DAY:
            return str(TimeLimitKind.SAME_DAY.label)
        amount = f"{self.time_limit.normalize():f}".replace(".", ",")
        return f"{amount} {self.get_time_limit_kind_display()}"


class ProcedureLevel(models.Model):
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.CharField(_("cấp thực hiện"), max_length=10, choices=Level.choices)

    class Meta:
        verbose_name = _("cấp thực hiện")
        verbose_name_plural = _("cấp thực hiện")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "level"], name="procedure_level_unique")
        ]

    def __str__(self) -> str:
        return self.get_level_display()


class DossierComponent(models.Model):
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)
    form_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=255, blank=True)
    form_template = models.FileField(
        _("tệp mẫu"), upload_to="catalog/forms/", blank=True, max_length=255
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="component_order_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FeeKind(models.TextChoices):
    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")


class FeeItem(models.Model):
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="fees"
    )
    order = models.PositiveIntegerField(_("thứ tự"))
    kind = models.CharField(_("loại"), max_length=10, choices=FeeKind.choices)
    name = models.CharField(_("tên khoản thu"), max_length=500)
    amount = models.DecimalField(_("mức thu (đồng)"), max_digits=14, decimal_places=0)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="fee_order_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class InternalProcess(models.Model):
    """An approved internal process of a procedure; a dossier keeps the version in force."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="processes"
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    effective_from = models.DateField(_("áp dụng từ"))
    decision = models.CharField(_("quyết định phê duyệt"), max_length=255, blank=True)
    # Set when a catalog import no longer lists this version while dossiers still use it:
    # it stays for them but is never chosen for a new dossier. A version is never deleted
    # while a dossier points to it.
    withdrawn_at = models.DateTimeField(_("ngừng áp dụng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["procedure", "-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "version"], name="process_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version}"

    def total_hours(self) -> Decimal:
        return sum((s.hours for s in self.steps.all()), Decimal("0"))


class ProcessStep(models.Model):
    process = models.ForeignKey(
        InternalProcess,
        verbose_name=_("quy trình nội bộ"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    order = models.PositiveIntegerField(_("bước"))
    name = models.CharField(_("nội dung công việc"), max_length=500)
    unit_kind = models.CharField(
        _("loại đơn vị thực hiện"), max_length=20, choices=UnitKind.choices, blank=True
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("vai trò thực hiện"), max_length=30, choices=Role.choices)
    hours = models.DecimalField(_("thời gian (giờ làm việc)"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["process", "order"]
        constraints = [
            models.UniqueConstraint(fields=["process", "order"], name="step_order_unique"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="step_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"Bước {self.order}: {self.name}"


class PublicationAction(models.TextChoices):
    ADDED = "added", _("Ban hành mới")
    AMENDED = "amended", _("Sửa đổi, bổ sung")
    ABOLISHED = "abolished", _("Bãi bỏ")


class PublicationDecision(models.Model):
    number = models.CharField(_("số quyết định"), max_length=100, unique=True)
    date = models.DateField(_("ngày ban hành"))
    signer = models.CharField(_("người ký"), max_length=255, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("quyết định công bố")
        verbose_name_plural = _("quyết định công bố")
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        return self.number


class PublicationEntry(models.Model):
    decision = models.ForeignKey(
        PublicationDecision,
        verbose_name=_("quyết định công bố"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="publications"
    )
    action = models.CharField(
        _("nội dung công bố"), max_length=10, choices=PublicationAction.choices
    )

    class Meta:
        verbose_name = _("thủ tục được công bố")
        verbose_name_plural = _("thủ tục được công bố")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "procedure"], name="publication_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} — {self.procedure.code} ({self.get_action_display()})"
