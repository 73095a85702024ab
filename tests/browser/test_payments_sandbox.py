"""A citizen pays a dossier's fees in the sandbox gateway and sees the receipt.

The sandbox page calls the site's IPN endpoint server to server over HTTP (the live server
answers concurrently), then redirects the browser to the signed return URL.
"""

from __future__ import annotations

import pytest

from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.payments.models import Payment, PaymentStatus
from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import world  # noqa: F401
from tests.payments.conftest import (  # noqa: F401
    gateway_account,
    gateway_settings,
    waiting_for_payment,
)


@pytest.fixture
def owed(
    transactional_db,
    world,  # noqa: F811
    gateway_account,  # noqa: F811
    gateway_settings,  # noqa: F811
):
    return waiting_for_payment(world)


def test_pay_in_sandbox_and_see_the_receipt(page, owed):
    page.goto(page.base + "/thanh-toan/")
    assert axe_violations(page) == []
    page.get_by_label("Mã hồ sơ").fill(owed.code)
    page.get_by_label("4 số cuối điện thoại của người nộp").fill("5678")
    page.get_by_role("button", name="Tra cứu khoản phải nộp").click()
    assert page.locator("#con-phai-nop").inner_text() == "58.000 đồng"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Thanh toán 58.000 đồng").click()
    # the sandbox gateway
    page.wait_for_url("**/thanh-toan/sandbox/vpcpay.html?**")
    assert page.get_by_role("heading", level=1).inner_text() == "Cổng thanh toán thử nghiệm"
    assert page.locator("#so-tien").inner_text() == "58.000 đồng"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Xác nhận thanh toán").click()
    # back on the site: the IPN has already settled the payment
    page.wait_for_url("**/thanh-toan/ket-qua/vnpay/?**")
    assert "Thanh toán thành công 58.000 đồng" in page.locator("#ket-qua").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Xem biên lai").click()
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID and payment.dossier_updated
    assert page.locator("#so-bien-lai").inner_text() == payment.receipt_number
    assert page.locator("#so-tien").inner_text() == "58.000 đồng"
    assert axe_violations(page) == []
    dossier = Dossier.objects.get(pk=owed.pk)
    assert dossier.fee_paid == 58_000 and dossier.status == Status.IN_PROGRESS
