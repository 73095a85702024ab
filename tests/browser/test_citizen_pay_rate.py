"""A logged-in citizen pays and rates from the dossier page, without typing the code or the
phone digits again (issue 16, item 5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.payments.models import Payment, PaymentStatus
from motcua.portal import services as portal_services
from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import APPLICANT, approve, to_leader, world  # noqa: F401
from tests.payments.conftest import (  # noqa: F401
    gateway_account,
    gateway_settings,
    waiting_for_payment,
)


def login_citizen(page):
    citizen = portal_services.citizen_register(
        full_name="Nguyễn Văn An", email="an@example.vn", password="Mk-cong-dan-2026"
    )
    citizen.verified_at = timezone.now()
    citizen.id_number = APPLICANT["id_number"]  # vouched for by the identity provider
    citizen.save(update_fields=["verified_at", "id_number"])
    client = Client()
    client.force_login(citizen.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base}]
    )


@pytest.fixture
def owed(
    transactional_db,
    world,  # noqa: F811
    gateway_account,  # noqa: F811
    gateway_settings,  # noqa: F811
):
    return waiting_for_payment(world)


def test_pay_from_the_dossier_page(page, owed):
    login_citizen(page)
    # the receipt offers it too (and its green alert's link is readable: axe, contrast)
    page.goto(page.base + f"/ca-nhan/ho-so/{owed.code}/bien-nhan/")
    assert page.locator("#con-phai-nop").inner_text() == "58.000 đồng"
    assert page.locator("#thanh-toan").is_visible()
    assert axe_violations(page) == []
    page.goto(page.base + f"/ca-nhan/ho-so/{owed.code}/")
    assert page.locator("#con-phai-nop").inner_text() == "58.000 đồng"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Thanh toán").click()
    page.wait_for_url("**/thanh-toan/sandbox/vpcpay.html?**")  # straight to the gateway
    assert page.locator("#so-tien").inner_text() == "58.000 đồng"
    page.get_by_role("button", name="Xác nhận thanh toán").click()
    page.wait_for_url("**/thanh-toan/ket-qua/vnpay/?**")
    assert Payment.objects.get().status == PaymentStatus.PAID
    assert Dossier.objects.get(pk=owed.pk).status == Status.IN_PROGRESS
    page.goto(page.base + f"/ca-nhan/ho-so/{owed.code}/")
    assert page.locator("#thanh-toan").count() == 0  # nothing left to pay


def test_rate_a_returned_dossier_from_the_dossier_page(page, owed, world):  # noqa: F811
    dossier = services.dossier_record_payment(
        actor=world.desk, dossier=owed, amount=58_000, receipt="BL-1"
    )
    dossier = approve(world, to_leader(world, dossier))
    services.dossier_return_result(
        actor=world.desk, dossier=dossier, method="desk", received_by="An"
    )
    login_citizen(page)
    page.goto(page.base + f"/ca-nhan/ho-so/{dossier.code}/")
    assert page.locator("#thanh-toan").count() == 0
    page.get_by_role("link", name="Đánh giá").click()
    page.wait_for_url(f"**/danh-gia/ho-so/{dossier.code}/")  # no code or digits to type
    assert page.locator('input[name="phone4"]').count() == 0
