"""A citizen signs in and revokes the token of a lost phone from «Hồ sơ của tôi»."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import timezone

from motcua.organization.models import ApiToken
from motcua.portal import services
from tests.browser.conftest import axe_violations

PASSWORD = "Mk-cong-dan-2026"


@pytest.fixture
def citizen(transactional_db):
    citizen = services.citizen_register(
        full_name="Nguyễn Văn An", email="an@example.vn", phone="0912345678", password=PASSWORD
    )
    citizen.verified_at = timezone.now()
    citizen.save(update_fields=["verified_at"])
    return citizen


def test_a_citizen_revokes_a_lost_phones_token(page, citizen):
    services.citizen_token_create(
        identifier="an@example.vn",
        password=PASSWORD,
        name="Điện thoại bị mất",
        request=RequestFactory().post("/"),
    )
    page.goto(page.base + "/tai-khoan/dang-nhap/")
    page.locator("input[name=identifier]").fill("an@example.vn")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/ca-nhan/")
    apps = page.locator("#ung-dung + p + ul")
    assert "Điện thoại bị mất" in apps.inner_text()
    assert axe_violations(page) == []
    apps.get_by_role("button", name="Thu hồi").click()
    page.wait_for_url("**/ca-nhan/")
    assert "Đã thu hồi quyền truy cập của «Điện thoại bị mất»." in page.content()
    assert page.locator("#ung-dung").count() == 0
    assert ApiToken.objects.get().revoked_at is not None
