"""The national portal sync's operations page: the province administrator reconciles, sees the
sync ratio and the counts per unit and day, and resends a parked record; a unit leader sees
only the own unit. On a phone-sized screen too."""

from __future__ import annotations

import pytest

from motcua.interop.models import SyncRecord, SyncState
from motcua.interop.services import interop_sync
from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import receive, world  # noqa: F401
from tests.interop.conftest import portal  # noqa: F401
from tests.interop.test_outbox import full_path

PASSWORD = "Mk-kiem-thu-2026"


@pytest.fixture
def data(transactional_db, world, portal):  # noqa: F811
    dossier = full_path(world)
    receive(world, actor=world.other_desk)
    interop_sync(portal=portal)
    last = SyncRecord.objects.filter(dossier_code=dossier.code).order_by("-event_seq").first()
    SyncRecord.objects.filter(pk=last.pk).update(state=SyncState.PARKED, last_error="HTTP 503")
    return last


def login(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_admin_reconciles_and_resends_leader_sees_own_unit(
    page,
    data,
    world,  # noqa: F811
    province_admin,
    portal,  # noqa: F811
):
    login(page, province_admin.username)
    page.goto(page.base + "/lien-thong/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Liên thông")
    assert page.locator("#so-tam-dung").inner_text() == "1"
    assert page.locator("#so-da-gui").inner_text() == "4"
    page.get_by_role("button", name="Đối soát ngay").click()
    assert page.locator("#ty-le-dong-bo").inner_text() == "100,0 %"
    assert "chênh lệch" in page.locator("#ket-qua-doi-soat").inner_text()
    table = page.locator("#bang-dong-bo tbody").inner_text()
    assert world.commune.name in table and world.other.name in table
    assert axe_violations(page) == []

    page.locator("#bang-dong-bo").get_by_role("link", name="1").click()
    card = page.locator(f'#ban-ghi li[data-dossier="{data.dossier_code}"]')
    assert "HTTP 503" in card.inner_text()
    card.get_by_role("button").click()
    assert "vào hàng gửi lại" in page.get_by_role("alert").inner_text()
    assert page.locator("#ban-ghi li[data-state]").count() == 0
    assert axe_violations(page) == []

    interop_sync(portal=portal)
    page.goto(page.base + "/lien-thong/")
    page.get_by_role("button", name="Đối soát ngay").click()
    assert page.locator("#ket-qua-doi-soat").inner_text() == "Khớp hoàn toàn"

    login(page, world.leader.username)
    page.goto(page.base + "/lien-thong/")
    table = page.locator("#bang-dong-bo tbody").inner_text()
    assert world.commune.name in table and world.other.name not in table
    assert page.get_by_role("button", name="Đối soát ngay").count() == 0


def test_the_operations_page_fits_a_phone(browser, live_server, data, province_admin):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.base = live_server.url
    try:
        login(page, province_admin.username)
        for path in ("/lien-thong/", "/lien-thong/ban-ghi/"):
            page.goto(page.base + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, path
        assert page.locator("#ban-ghi li[data-state]").first.is_visible()
    finally:
        context.close()


def test_catalog_differences_then_apply(page, transactional_db, world, province_admin):  # noqa: F811
    from motcua.interop.catalog_source import get_procedure_database
    from tests.interop.test_catalog_sync import BIRTH

    source = get_procedure_database()
    source.publish([{**BIRTH, "thoi_han": "5"}, {**BIRTH, "ma": "2.000002", "ten": "Kết hôn"}])
    try:
        login(page, province_admin.username)
        page.goto(page.base + "/lien-thong/danh-muc/")
        assert (
            "time_limit: 3.0 → 5"
            in page.locator('#nhom-amended [data-code="1.000001"]').inner_text()
        )
        assert page.locator('#nhom-added [data-code="2.000002"]').is_visible()
        assert axe_violations(page) == []
        page.set_viewport_size({"width": 390, "height": 844})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.get_by_label("Số quyết định").fill("12/QĐ-UBND")
        page.get_by_label("Người ký").fill("Nguyễn Văn Tỉnh")
        page.get_by_role("button", name="Áp dụng").click()
        assert "12/QĐ-UBND" in page.get_by_role("alert").inner_text()
        assert page.locator("#da-khop").is_visible()
    finally:
        source.publish([])
