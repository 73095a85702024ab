"""The desk's intake page with the shared data platforms, in Chromium: the officer looks the
citizen up in the national population database (first without the consent ticked: refused),
the applicant fields are pre-filled, the birth certificate is taken from the citizen's
digitized documents, and the dossier page lists it. At desktop width with JavaScript (and
axe), and at 390 px without JavaScript: the page needs none."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.test import Client

from motcua.catalog.services import procedure_refresh_search
from motcua.interop.models import ReusedDocument
from motcua.interop.shared_data import FakeDocumentStore, FakePopulationDatabase
from motcua.organization.models import Role, UnitKind
from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import make_procedure
from tests.samples import SCAN_PDF

pytestmark = pytest.mark.django_db(transaction=True)

ID = "038090001234"


@pytest.fixture
def desk(make_unit, make_user, monkeypatch):
    commune = make_unit("UBND xã Hòa Bình", kind=UnitKind.COMMUNE)
    procedure = make_procedure()
    procedure_refresh_search(procedure=procedure)
    population = FakePopulationDatabase(
        people={ID: {"ho_ten": "Nguyễn Thị Hoa", "noi_thuong_tru": "Thôn Đông, xã Hòa Bình"}}
    )
    store = FakeDocumentStore()
    store.add(
        ID,
        {
            "ma": "KS-2020-1",
            "ten": "Giấy chứng sinh",
            "loai": "chung_sinh",
            "ngay_cap": "2020-02-01",
        },
        SCAN_PDF,
    )
    monkeypatch.setattr("motcua.interop.reuse.get_population_database", lambda: population)
    monkeypatch.setattr("motcua.interop.reuse.get_document_store", lambda: store)
    officer = make_user(Role.DESK_OFFICER, unit=commune, first_name="Lan", last_name="Trần")
    return SimpleNamespace(procedure=procedure, officer=officer)


@pytest.mark.parametrize(
    "width, javascript", [(1280, True), (390, False)], ids=["desktop", "phone-no-js"]
)
def test_intake_with_lookup_and_reuse(browser, live_server, desk, width, javascript):
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": width, "height": 844},
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    client = Client()
    client.force_login(desk.officer)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/can-bo/tiep-nhan/?procedure={desk.procedure.code}")
        box = page.locator("#tra-cuu-dan-cu")
        box.get_by_label("Số định danh cá nhân").fill(ID)
        box.get_by_role("button", name="Tra cứu và điền sẵn").click()
        assert "Cần sự đồng ý của công dân" in box.locator(".alert-danger").inner_text()
        assert page.get_by_label("Họ tên / tên tổ chức").input_value() == ""

        box.get_by_label("Công dân đồng ý cho tra cứu thông tin của mình").check()
        box.get_by_role("button", name="Tra cứu và điền sẵn").click()
        assert "Đã điền sẵn" in page.locator("#tra-cuu-dan-cu").inner_text()
        assert page.get_by_label("Họ tên / tên tổ chức").input_value() == "Nguyễn Thị Hoa"
        assert page.get_by_label("Số định danh / mã số thuế").input_value() == ID
        assert page.get_by_label("Địa chỉ").input_value() == "Thôn Đông, xã Hòa Bình"
        reuse = page.get_by_label(re.compile("Dùng lại bản số hóa: Giấy chứng sinh"))
        assert "01/02/2020" in page.locator("#checklist").inner_text()
        reuse.check()
        if javascript:
            found = axe_violations(page)
            assert found == [], [(v["id"], [n["html"] for n in v["nodes"]]) for v in found]
        else:  # the checklist row is a card as wide as the phone, nothing scrolls sideways
            assert reuse.is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_label("Điện thoại").fill("0987654321")
        page.get_by_role("button", name="Tiếp nhận và in giấy hẹn (mẫu 01)").click()
        code = page.locator("#dossier-code").inner_text()
        mark = ReusedDocument.objects.get(dossier_code=code)
        assert mark.document_id == "KS-2020-1"
        assert mark.component_id == desk.procedure.components.get(order=2).pk
    finally:
        context.close()
