"""Units in a time-versioned hierarchy, their successions, staff roles and API tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("UBND tỉnh")  # the provincial people's committee and its office
    DEPARTMENT = "department", _("Sở, ban, ngành")  # department or sector of the province
    DISTRICT = "district", _("UBND cấp huyện")  # abolished on 1/7/2025
    COMMUNE = "commune", _("UBND cấp xã")  # commune, ward or town
    SERVICE_CENTRE = "centre", _("Trung tâm Phục vụ hành chính công")  # one-stop centre
    OTHER = "other", _("Khác")  # central agencies located in the province, etc.


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


KIND_LEVEL = {
    UnitKind.PROVINCE: Level.PROVINCE,
    UnitKind.DEPARTMENT: Level.PROVINCE,
    UnitKind.SERVICE_CENTRE: Level.PROVINCE,
    UnitKind.OTHER: Level.PROVINCE,
    UnitKind.DISTRICT: Level.DISTRICT,
    UnitKind.COMMUNE: Level.COMMUNE,
}


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    electronic_id = models.CharField(
        _("mã định danh điện tử"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "Ví dụ 000.00.31.H29; dùng trong mã hồ sơ. Đơn vị không có mã không tiếp nhận."
        ),
    )
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    name_folded = models.CharField(
        _("tên không dấu"), max_length=255, editable=False, db_index=True, default=""
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_period",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return KIND_LEVEL[self.kind]

    def is_active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class UnitSuccession(models.Model):
    """Unit ``predecessor`` was ended and its work went to ``successor`` on ``effective_on``."""

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cũ"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị kế thừa"), on_delete=models.PROTECT, related_name="+"
    )
    effective_on = models.DateField(_("ngày hiệu lực"))
    decision = models.CharField(_("văn bản"), max_length=255, blank=True)
    # when the open work moved to the successor: at the merger when it takes effect that
    # day or before, else by the daily job once ``effective_on`` arrives (exactly once)
    applied_at = models.DateTimeField(_("chuyển công việc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor"], name="unit_single_successor"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="unit_not_own_successor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Role(models.TextChoices):
    DESK_OFFICER = "desk_officer", _("Cán bộ một cửa")  # receives and returns dossiers
    SPECIALIST = "specialist", _("Chuyên viên xử lý")  # appraises dossiers
    UNIT_LEADER = "unit_leader", _("Lãnh đạo đơn vị")  # assigns, signs, approves
    CATALOG_ADMIN = "catalog_admin", _("Quản trị danh mục TTHC")  # owns the procedure catalog
    REFORM_OFFICER = "reform_officer", _("Cán bộ cải cách hành chính")  # reports reform tasks
    INSPECTOR = "inspector", _("Thanh tra, kiểm tra")  # reads everything, writes nothing
    PROVINCE_ADMIN = "province_admin", _("Quản trị hệ thống tỉnh")  # manages units, staff


class StaffRole(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="staff_roles"
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(valid_to__isnull=True),
                name="staffrole_unique_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored. Carries exactly its user's rights."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=12)
    token_hash = models.CharField(_("mã băm"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
