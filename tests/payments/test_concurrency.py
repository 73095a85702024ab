"""The gateway retries: two copies of one notification at the same moment settle the payment
once (PostgreSQL row lock); the second is answered "already confirmed"."""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection

from motcua.dossiers.models import Dossier
from motcua.ledger.models import Event
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.sandbox import gateway_result
from motcua.payments.services import payment_notify, payment_start
from tests.payments.conftest import SECRET, waiting_for_payment

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_notifications_pay_once(world, gateway_settings, gateway_account):
    dossier = waiting_for_payment(world)
    _, url = payment_start(
        dossier=dossier, return_url="http://testserver/thanh-toan/ket-qua/vnpay/"
    )
    params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    result = gateway_result(params, paid=True, secret=SECRET)
    barrier = threading.Barrier(2)
    codes: list[str] = []

    def notify():
        try:
            barrier.wait()
            codes.append(payment_notify(provider="vnpay", params=result).reply.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=notify) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == ["00", "02"]
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID
    assert Dossier.objects.get(pk=dossier.pk).fee_paid == 58_000
    assert Event.objects.filter(subject_type="payment", action="payment.paid").count() == 1
