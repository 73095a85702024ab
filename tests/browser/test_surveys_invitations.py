"""Answering through a campaign's invitation: at the desk's tablet (kiosk, 800×1280, no
login) with the code of the slip, and online from the e-mail/SMS link on a phone (390 px).
Each invitation answers once."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.organization.models import Role
from motcua.surveys import services, tokens
from motcua.surveys.models import Channel, SurveyResponse
from motcua.surveys.selectors import survey_form_in_force
from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import _fast_passwords, world  # noqa: F401
from tests.surveys.conftest import returned
from tests.surveys.test_sipas import FACTOR_ITEMS

ITEMS = [code for codes in FACTOR_ITEMS.values() for code in codes]


@pytest.fixture
def codes(transactional_db, world, make_user, province):  # noqa: F811
    reform = make_user(Role.REFORM_OFFICER, unit=province)
    returned(world)
    returned(world, day=1)
    campaign = services.campaign_create(
        actor=reform,
        form=survey_form_in_force(),
        name="Quý I/2026",
        date_from=dt.date(2026, 3, 1),
        date_to=dt.date(2026, 3, 31),
        units=[world.commune],
        margin="10",
        seed=1,
    )
    services.campaign_draw(actor=reform, campaign=campaign)
    return [tokens.token_of(i.nonce) for i in campaign.invitations.order_by("pk")]


def test_kiosk_flow_on_a_tablet(page, codes, world):  # noqa: F811
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(page.base + "/danh-gia/khao-sat/quay/")
    assert page.locator("#qr-dien-thoai svg").count() == 1
    assert axe_violations(page) == []
    page.get_by_label("Mã mời").fill(tokens.grouped(codes[0]).lower())
    page.get_by_role("button", name="Bắt đầu").click()
    assert world.commune.name in page.locator("main").inner_text()
    assert axe_violations(page) == []
    for code in ITEMS[:-1]:  # forget the last required item
        page.locator(f"#{code}-5").check()
    page.get_by_role("button", name="Gửi phiếu").click()
    assert "Vui lòng trả lời các câu bắt buộc" in page.locator("#loi").inner_text()
    assert page.locator(f"#{ITEMS[0]}-5").is_checked()
    page.locator(f"#{ITEMS[-1]}-4").check()
    page.get_by_role("button", name="Gửi phiếu").click()
    assert "Cảm ơn" in page.locator("#cam-on").inner_text()
    assert SurveyResponse.objects.get().channel == Channel.KIOSK
    # the next person cannot reuse the code
    page.get_by_role("link", name="Về màn hình đầu").click()
    page.get_by_label("Mã mời").fill(codes[0])
    page.get_by_role("button", name="Bắt đầu").click()
    assert "đã được dùng" in page.locator("#loi").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800


def test_online_invitation_flow_on_a_phone(page, codes):
    page.set_viewport_size({"width": 390, "height": 844})
    link = page.base + f"/danh-gia/khao-sat/moi/{codes[1]}/"
    page.goto(link)
    assert axe_violations(page) == []
    for code in ITEMS:
        page.locator(f"#{code}-4").check()
    page.locator("textarea[name='y_kien']").fill("<b>Nhanh</b>")
    page.get_by_role("button", name="Gửi phiếu").click()
    assert "Cảm ơn" in page.locator("#cam-on").inner_text()
    response = SurveyResponse.objects.get()
    assert response.channel == Channel.INVITED
    page.goto(link)
    assert "đã được dùng" in page.locator("#loi").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
