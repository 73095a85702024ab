"""Feedback items, their files, transfers and handling rounds; Open311 keys; counted tries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("Chờ phân loại")  # received, waiting to be classified at its current unit
    INFO_REQUESTED = "info_requested", _("Chờ bổ sung thông tin")  # clock paused
    HANDLING = "handling", _("Đang xử lý")  # within competence, a round is running
    DRAFTED = "drafted", _("Chờ lãnh đạo duyệt")  # a draft answer waits for the leader
    ANSWERED = "answered", _("Đã duyệt, chờ công khai")  # approved, to publish within 2 WD
    PUBLISHED = "published", _("Đã trả lời")  # answer published (public) or sent (private)
    REJECTED = "rejected", _("Từ chối tiếp nhận")  # closed with reasons
    TRANSFERRED_OUT = "transferred_out", _("Đã chuyển cơ quan ngoài tỉnh")  # closed here
    MERGED = "merged", _("Đã gộp vào phản ánh trùng")  # the sender follows the original


CLOSED = (Status.PUBLISHED, Status.REJECTED, Status.TRANSFERRED_OUT, Status.MERGED)
OPEN = tuple(s for s in Status if s not in CLOSED)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Cổng dịch vụ công")
    DESK = "desk", _("Trực tiếp tại bộ phận một cửa")
    HOTLINE = "hotline", _("Đường dây nóng")
    EMAIL = "email", _("Thư điện tử")
    OPEN311 = "open311", _("Ứng dụng đối tác (Open311)")


class Feedback(models.Model):
    code = models.CharField(_("mã phản ánh"), max_length=24, unique=True)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=Channel.choices)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_sent",
    )
    sender_name = models.CharField(_("họ và tên người gửi"), max_length=200)
    sender_phone = models.CharField(_("số điện thoại"), max_length=20)
    sender_address = models.CharField(_("địa chỉ"), max_length=500)
    sender_email = models.EmailField(_("thư điện tử"), blank=True)
    show_name = models.BooleanField(_("cho phép công khai tên"), default=False)
    is_public = models.BooleanField(_("công khai phản ánh"), default=True)
    title = models.CharField(_("tiêu đề"), max_length=255)
    content = models.TextField(_("nội dung"))
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    field = models.ForeignKey(
        "catalog.Field",
        verbose_name=_("lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    subject_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị bị phản ánh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_address = models.CharField(_("địa điểm"), max_length=500, blank=True)
    lat = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Open311 media_url: a link the partner's app hosts, kept for the officers, never fetched
    media_url = models.URLField(_("liên kết ảnh của ứng dụng đối tác"), max_length=500, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices)
    receiving_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị đang xử lý"),
        on_delete=models.PROTECT,
        related_name="feedback_items",
    )
    received_at = models.DateTimeField(_("tiếp nhận lúc"))
    stage_started_at = models.DateTimeField(_("bắt đầu bước lúc"))
    stage_paused_hours = models.FloatField(default=0)  # working hours paused in this stage
    paused_hours = models.FloatField(default=0)  # working hours paused since receipt
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("lượt xử lý"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("gộp vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    closed_reason = models.TextField(_("lý do"), blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_folded = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["current_unit", "status"], name="fb_unit_status"),
            models.Index(fields=["status", "received_at"], name="fb_status_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | (Q(lat__gte=-90) & Q(lat__lte=90)),
                name="fb_lat_range",
            ),
            models.CheckConstraint(
                condition=Q(lon__isnull=True) | (Q(lon__gte=-180) & Q(lon__lte=180)),
                name="fb_lon_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="fb_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def is_overdue(self, now) -> bool:
        return self.due_at is not None and not self.is_paused and now > self.due_at


class Attachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to="feedback/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """One hand-over to another unit of the province, or out of the province (body name)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(
        "organization.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body_name = models.CharField(_("cơ quan nhận (ngoài tỉnh)"), max_length=255, blank=True)
    reason = models.TextField(_("lý do chuyển"))
    conduct = models.BooleanField(_("về hành vi của cán bộ"), default=False)
    at = models.DateTimeField()
    limit_at = models.DateTimeField()  # the 5-working-day limit in force when it was made
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lượt chuyển phản ánh")
        verbose_name_plural = _("lượt chuyển phản ánh")
        constraints = [
            models.CheckConstraint(
                condition=Q(to_unit__isnull=False) | ~Q(body_name=""),
                name="fb_transfer_has_destination",
            )
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.from_unit_id} → {self.to_unit_id or self.body_name}"

    @property
    def on_time(self) -> bool:
        return self.at <= self.limit_at


class Round(models.Model):
    """One handling round and its answer: the first after acceptance, one more per reopening."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("lượt"))
    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("bắt đầu"))
    due_at = models.DateTimeField(_("hạn trả lời"))
    reopen_reason = models.TextField(_("lý do xử lý lại"), blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    assessment = models.JSONField(_("đánh giá quy định"), default=dict, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("duyệt trả lời lúc"), null=True, blank=True)
    handling_hours = models.FloatField(null=True, blank=True)  # working hours, pauses excluded
    publish_due_at = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("mức hài lòng"), null=True, blank=True)
    rating_comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("lượt xử lý")
        verbose_name_plural = _("lượt xử lý")
        ordering = ["feedback", "number"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "number"], name="fb_round_unique"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="fb_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} #{self.number}"

    @property
    def answered_on_time(self) -> bool | None:
        return None if self.answered_at is None else self.answered_at <= self.due_at

    @property
    def published_on_time(self) -> bool | None:
        if self.published_at is None or self.publish_due_at is None:
            return None
        return self.published_at <= self.publish_due_at


class Open311Key(models.Model):
    """A key issued to a partner organization; only its SHA-256 is stored."""

    organization = models.CharField(_("tổ chức"), max_length=255)
    prefix = models.CharField(_("tiền tố"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    receiving_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    per_hour = models.PositiveIntegerField(_("số yêu cầu gửi tối đa mỗi giờ"), default=60)
    created_at = models.DateTimeField(_("cấp lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API Open311")
        verbose_name_plural = _("khóa API Open311")

    def __str__(self) -> str:
        return f"{self.organization} ({self.prefix}…)"
