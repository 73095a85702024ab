"""Online payments of a dossier's fees and charges, and their receipts (biên lai).

A payment is created pending when the citizen is sent to the gateway; only the gateway's
signed server-to-server notification (IPN) makes it paid or failed. Rows change only
through ``payments.services``; every change is an event of subject ``payment``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")  # sent to the gateway, no notification yet
    PAID = "paid", _("Đã thanh toán")  # the gateway confirmed; receipt issued
    FAILED = "failed", _("Không thành công")  # the gateway reported a failure or cancellation


class Payment(models.Model):
    order_ref = models.CharField(_("mã giao dịch"), max_length=40, unique=True)
    receipt_key = models.CharField(max_length=40, unique=True, editable=False)
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="+"
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, db_index=True)
    provider = models.CharField(_("cổng thanh toán"), max_length=20)
    amount = models.DecimalField(_("số tiền"), max_digits=14, decimal_places=0)
    description = models.CharField(_("nội dung"), max_length=255)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    notified_at = models.DateTimeField(_("nhận thông báo lúc"), null=True, blank=True)
    provider_txn = models.CharField(_("mã giao dịch tại cổng"), max_length=40, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    response_code = models.CharField(_("mã phản hồi"), max_length=4, blank=True)
    receipt_number = models.CharField(
        _("số biên lai"), max_length=30, null=True, blank=True, unique=True
    )
    dossier_updated = models.BooleanField(_("đã cập nhật vào hồ sơ"), default=False)
    dossier_note = models.CharField(_("ghi chú đối soát"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid")
                | (Q(receipt_number__isnull=False) & Q(paid_at__isnull=False)),
                name="payment_paid_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_ref} ({self.get_status_display()})"

    def is_final(self) -> bool:
        return self.status != PaymentStatus.PENDING
