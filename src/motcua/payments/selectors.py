"""Reads of the payments app shared by pages, API and tests."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.core.errors import NotFound
from motcua.core.masking import mask_name  # noqa: F401 - re-exported for the pages
from motcua.dossiers.lookup import dossier_for_applicant  # noqa: F401 - re-exported
from motcua.dossiers.models import Dossier
from motcua.payments.errors import PaymentsError
from motcua.payments.models import Payment


def payments_of_dossier(*, dossier: Dossier) -> QuerySet[Payment]:
    return Payment.objects.filter(dossier=dossier).order_by("-created_at", "-id")


def payment_by_receipt_key(*, key: str) -> Payment:
    payment = (
        Payment.objects.select_related(
            "dossier__procedure", "dossier__receiving_unit", "dossier__competent_unit"
        )
        .filter(receipt_key=key)
        .first()
    )
    if payment is None:
        raise NotFound("Không tìm thấy giao dịch.", code=PaymentsError.PAYMENT_NOT_FOUND)
    return payment


def payment_by_order(*, order_ref: str, provider: str) -> Payment | None:
    return (
        Payment.objects.select_related("dossier__procedure")
        .filter(order_ref=order_ref, provider=provider)
        .first()
    )
