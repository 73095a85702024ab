"""Citizen accounts, online submissions, tracking attempts and applicant notifications.

The dossier itself belongs to ``dossiers``; the portal keeps only what links a citizen's
account (and the idempotency key of the submit button) to the dossier it created.
Rows are written by ``portal.services`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Citizen(models.Model):
    """The citizen profile of a Django user (officers have none)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen"
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    id_number = models.CharField(_("số định danh cá nhân"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    verified_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~models.Q(phone=""), name="citizen_phone_unique"
            )
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class OneTimeCode(models.Model):
    """A 6-digit code sent by email or SMS to prove the contact belongs to the citizen."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    sent_to = models.CharField(_("gửi tới"), max_length=254)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mã xác minh")
        verbose_name_plural = _("mã xác minh")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.citizen_id} {self.created_at:%Y-%m-%d %H:%M}"


class ExternalIdentity(models.Model):
    """A login through an identity provider (national identity via OpenID Connect)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.CharField(_("nhà cung cấp định danh"), max_length=40)
    subject = models.CharField(_("mã định danh (sub)"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("định danh liên kết")
        verbose_name_plural = _("định danh liên kết")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class Submission(models.Model):
    """One press of «Nộp hồ sơ»: the idempotency key makes a double click one dossier."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_submissions"
    )
    idempotency_key = models.CharField(_("khóa chống nộp trùng"), max_length=64)
    fingerprint = models.CharField(_("dấu vân tay nội dung"), max_length=64)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="portal_submission",
    )
    created_at = models.DateTimeField(_("nộp lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ nộp trực tuyến")
        verbose_name_plural = _("hồ sơ nộp trực tuyến")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="submission_idempotency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.idempotency_key}"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")  # queued, not tried yet
    RETRYING = "retrying", _("Gửi lại")  # a try failed; another is queued
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Không gửi được")  # every try failed


class Notification(models.Model):
    """A message to an applicant; sent by a background task, retried, never blocking."""

    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("sự kiện"), max_length=64)
    channel = models.CharField(_("kênh"), max_length=8, choices=NotificationChannel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    sensitive = models.BooleanField(
        _("chứa mã bí mật"), default=False, help_text=_("Nội dung được xóa sau khi gửi.")
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dossier_code} {self.action} {self.channel}"
