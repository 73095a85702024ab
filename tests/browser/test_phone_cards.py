"""At 390 px (a phone), lists are cards with name, status, due date and next step first.

Search results, «Hồ sơ của tôi» and the officer work queue show cards and hide their table
below Bootstrap's small breakpoint; the intake checklist (form rows) becomes one card per
component. At desktop width the tables are back.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from motcua.catalog.services import procedure_refresh_search
from motcua.organization.models import Role, UnitKind
from motcua.portal import services as portal_services
from tests.dossiers.conftest import APPLICANT, make_procedure

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def login_as(page, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base}]
    )


@pytest.fixture
def office(make_unit, make_user):
    from motcua.dossiers import services

    commune = make_unit("UBND xã Hòa Bình", kind=UnitKind.COMMUNE)
    procedure = make_procedure()
    procedure_refresh_search(procedure=procedure)
    desk = make_user(Role.DESK_OFFICER, unit=commune, first_name="Lan", last_name="Trần")
    dossier = services.dossier_receive(actor=desk, procedure=procedure, applicant=APPLICANT)
    return procedure, desk, dossier


def visible_cards(page, selector: str) -> int:
    cards = page.locator(f"{selector} > li.card")
    return sum(1 for i in range(cards.count()) if cards.nth(i).is_visible())


def test_search_results_are_cards_on_a_phone(phone, office):
    procedure, _, _ = office
    phone.goto(phone.base + "/thu-tuc/?q=khai+sinh")
    assert visible_cards(phone, "#ket-qua-the") == 1
    card = phone.locator("#ket-qua-the li.card").first
    assert procedure.name in card.inner_text() and "Thời hạn" in card.inner_text()
    assert not phone.locator("table.table-hover").is_visible()
    # no horizontal scrolling on the phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.set_viewport_size({"width": 1200, "height": 900})
    assert phone.locator("table.table-hover").is_visible()
    assert visible_cards(phone, "#ket-qua-the") == 0


def test_the_officer_queue_is_cards_on_a_phone(phone, office):
    procedure, desk, dossier = office
    login_as(phone, desk)
    phone.goto(phone.base + "/can-bo/")
    assert visible_cards(phone, "#queue-cards") == 1
    text = phone.locator("#queue-cards li.card").first.inner_text()
    lines = [line for line in text.splitlines() if line.strip()]
    # name, status, due date, next step first; the code and applicant after
    assert lines[0].startswith(procedure.name[:20])
    assert lines[1] == "Đã tiếp nhận, chờ chuyển xử lý"
    assert lines[2].startswith("Hạn trả: ") and "/" in lines[2]
    assert lines[3].startswith("Tiếp theo: Bước 1")
    assert dossier.code in lines[4]
    assert not phone.locator("table caption:text('Danh sách hồ sơ')").locator("..").is_visible()


def test_my_dossiers_are_cards_on_a_phone(phone, office):
    _, _, dossier = office
    citizen = portal_services.citizen_register(
        full_name="Nguyễn Văn An", email="an@example.vn", password="Mk-cong-dan-2026"
    )
    citizen.verified_at = timezone.now()
    citizen.id_number = APPLICANT["id_number"]  # vouched for by the identity provider
    citizen.save(update_fields=["verified_at", "id_number"])
    login_as(phone, citizen.user)
    phone.goto(phone.base + "/ca-nhan/")
    assert visible_cards(phone, "#ho-so-cua-toi-the") == 1
    text = phone.locator("#ho-so-cua-toi-the li.card").first.inner_text()
    assert "Hẹn trả:" in text and "Việc tiếp theo: Chờ cơ quan giải quyết" in text
    assert dossier.code in text
    assert not phone.locator("#ho-so-cua-toi").is_visible()


def test_the_intake_checklist_is_one_card_per_component_on_a_phone(phone, office):
    procedure, desk, _ = office
    login_as(phone, desk)
    phone.goto(phone.base + f"/can-bo/tiep-nhan/?procedure={procedure.code}")
    table = phone.locator("#checklist")
    assert not table.locator("thead").is_visible()
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    first = rows.first.bounding_box()
    # each component is a card as wide as the screen, its fields stacked with their labels
    assert first["width"] > 300
    assert "Loại bản" in rows.first.inner_text() and "Số lượng" in rows.first.inner_text()
    assert rows.first.locator("label.d-sm-none").is_visible()
    copy_box = rows.first.locator("select").bounding_box()
    qty_box = rows.first.locator('input[type="number"]').bounding_box()
    assert qty_box["y"] > copy_box["y"] + copy_box["height"] - 1  # stacked, not side by side
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
