"""Every write of the payments app: start a payment, apply the gateway's notification."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from motcua.core.errors import DomainError, InvalidInput
from motcua.dossiers import services as dossier_services
from motcua.dossiers.lifecycle import CLOSED, Status
from motcua.dossiers.models import Dossier
from motcua.ledger.services import event_record
from motcua.payments import events
from motcua.payments.errors import PaymentsError
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.providers import get_provider
from motcua.payments.providers.base import NotificationReply, SignatureError

logger = logging.getLogger(__name__)

# A refused or closed dossier cannot be paid for; a submitted one can (pay while waiting).
NOT_PAYABLE = (*CLOSED, Status.INTAKE_INCOMPLETE, Status.INTAKE_REFUSED)


def outstanding(dossier: Dossier) -> Decimal:
    return max(Decimal(0), dossier.fee_due - dossier.fee_paid)


def _record(payment: Payment, action: str, *, at: dt.datetime, actor=None, **payload) -> None:
    event_record(
        subject_type=events.SUBJECT,
        subject_id=payment.order_ref,
        action=action,
        actor=actor,
        unit=payment.dossier.receiving_unit,
        payload={
            "dossier": payment.dossier_code,
            "amount": payment.amount,
            "status": payment.status,
            "provider": payment.provider,
            **payload,
        },
        at=at,
    )


def _new_order_ref(now: dt.datetime) -> str:
    return f"MC{timezone.localtime(now):%y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


@transaction.atomic
def payment_start(
    *,
    dossier: Dossier,
    return_url: str,
    client_ip: str = "",
    provider: str | None = None,
    actor=None,
) -> tuple[Payment, str]:
    """Create a pending payment for what the dossier still owes; return it and the signed
    gateway URL to redirect the citizen to."""
    now = timezone.now()
    dossier = (
        Dossier.objects.select_for_update().select_related("receiving_unit").get(pk=dossier.pk)
    )
    if dossier.status in NOT_PAYABLE:
        raise InvalidInput(
            f"Hồ sơ {dossier.code} ở trạng thái «{Status(dossier.status).label}», "
            "không thanh toán được.",
            code=PaymentsError.DOSSIER_NOT_PAYABLE,
        )
    amount = outstanding(dossier)
    if amount <= 0:
        raise InvalidInput(
            f"Hồ sơ {dossier.code} không còn khoản phí, lệ phí nào phải nộp.",
            code=PaymentsError.NOTHING_TO_PAY,
        )
    gateway = get_provider(provider)
    payment = Payment.objects.create(
        order_ref=_new_order_ref(now),
        receipt_key=secrets.token_urlsafe(18),
        dossier=dossier,
        dossier_code=dossier.code,
        provider=gateway.code,
        amount=amount,
        description=f"Nop phi le phi ho so {dossier.code}",
        created_at=now,
    )
    _record(payment, events.CREATED, at=now, actor=actor)
    url = gateway.checkout_url(
        order_ref=payment.order_ref,
        amount=payment.amount,
        description=payment.description,
        return_url=return_url,
        client_ip=client_ip,
        created_at=now,
    )
    return payment, url


@dataclass(frozen=True)
class NotificationOutcome:
    reply: NotificationReply
    payment: Payment | None = None


def payment_notify(*, provider: str, params: Mapping[str, str]) -> NotificationOutcome:
    """Apply the gateway's signed server-to-server notification (the source of truth).

    A bad signature, an unknown order or a changed amount is refused and changes nothing;
    a repeated notification for a settled payment is answered "already confirmed".
    """
    gateway = get_provider(provider)
    try:
        result = gateway.verify(params)
    except SignatureError as error:
        logger.warning("payment notification refused (%s): %s", provider, error)
        return NotificationOutcome(gateway.reply("invalid_signature"))
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("dossier__receiving_unit")
            .filter(order_ref=result.order_ref, provider=gateway.code)
            .first()
        )
        if payment is None:
            logger.warning("payment notification for unknown order %s", result.order_ref)
            return NotificationOutcome(gateway.reply("order_not_found"))
        if result.amount != payment.amount:
            logger.warning(
                "payment notification %s: amount %s, expected %s",
                payment.order_ref,
                result.amount,
                payment.amount,
            )
            return NotificationOutcome(gateway.reply("invalid_amount"), payment)
        if payment.is_final():
            return NotificationOutcome(gateway.reply("already_confirmed"), payment)
        now = timezone.now()
        payment.notified_at = now
        payment.provider_txn = result.provider_txn[:40]
        payment.bank_code = result.bank_code[:20]
        payment.response_code = result.response_code[:4]
        if not result.success:
            payment.status = PaymentStatus.FAILED
            payment.save()
            _record(payment, events.FAILED, at=now, response_code=payment.response_code)
            return NotificationOutcome(gateway.reply("confirmed"), payment)
        payment.status = PaymentStatus.PAID
        payment.paid_at = now
        payment.receipt_number = f"BL{timezone.localtime(now):%y%m%d}-{payment.pk:06d}"
        payment.save()
        _record(
            payment,
            events.PAID,
            at=now,
            receipt=payment.receipt_number,
            provider_txn=payment.provider_txn,
            bank=payment.bank_code,
            gateway_paid_at=result.paid_at,
        )
        _update_dossier(payment, now)
        return NotificationOutcome(gateway.reply("confirmed"), payment)


def _update_dossier(payment: Payment, now: dt.datetime) -> None:
    """Record the paid amount on the dossier (``dossier_record_online_payment``). If the
    dossier services refuse (e.g. a status that takes no payment), the payment stays paid
    and is marked for reconciliation by the desk: money received is never rolled back.
    """
    dossier = Dossier.objects.get(pk=payment.dossier_id)
    note = ""
    try:
        with transaction.atomic():
            dossier_services.dossier_record_online_payment(
                dossier=dossier,
                amount=payment.amount,
                receipt=payment.receipt_number,
                reference=payment.order_ref,
                provider=payment.provider,
            )
    except DomainError as error:
        note = error.message
    payment.dossier_updated = not note
    payment.dossier_note = note[:500]
    payment.save(update_fields=["dossier_updated", "dossier_note"])
    if note:
        _record(payment, events.DOSSIER_PENDING, at=now, reason=note)
    else:
        _record(payment, events.DOSSIER_UPDATED, at=now)


@transaction.atomic
def payment_reconcile(*, payment: Payment) -> Payment:
    """Try again to record a paid payment on its dossier (e.g. once payment was requested)."""
    payment = Payment.objects.select_for_update().select_related("dossier").get(pk=payment.pk)
    if payment.status != PaymentStatus.PAID or payment.dossier_updated:
        return payment
    _update_dossier(payment, timezone.now())
    return payment


def payments_reconcile_all() -> int:
    """Reconcile every paid payment not yet on its dossier; returns how many now are."""
    done = 0
    for payment in Payment.objects.filter(status=PaymentStatus.PAID, dossier_updated=False):
        done += payment_reconcile(payment=payment).dossier_updated
    return done


__all__ = [
    "NOT_PAYABLE",
    "NotificationOutcome",
    "outstanding",
    "payment_notify",
    "payment_reconcile",
    "payment_start",
    "payments_reconcile_all",
]
