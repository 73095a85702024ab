"""The leaders' page: the province office opens the scorecard, drills into a red indicator
and sees the late dossiers and their units; a commune submits its quarterly report; the
province sees who is missing. On a phone-sized screen too."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import world  # noqa: F401
from tests.reporting.conftest import quarter  # noqa: F401

PASSWORD = "Mk-kiem-thu-2026"


@pytest.fixture
def data(transactional_db, quarter, province_admin):  # noqa: F811
    return quarter


def login(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_province_drills_down_and_sees_who_did_not_report(page, data, world, province_admin):  # noqa: F811
    # the province office opens the scorecard of Q1/2026
    login(page, province_admin.username)
    page.goto(page.base + "/thong-ke/lanh-dao/?ky=quarter&ngay=2026-02-01")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Chỉ tiêu")
    assert axe_violations(page) == []
    ranking = page.locator("#bang-xep-hang tbody tr").first.inner_text()
    assert world.commune.name in ranking and world.leader.get_full_name() in ranking
    # the red land indicator of the first commune, drilled into
    page.locator("#bang-xep-hang").get_by_role("link", name=world.commune.name).click()
    row = page.locator('#bang-chi-tieu tr[data-code="dat-dai-tre-han"]')
    assert row.get_attribute("data-light") == "red"
    assert "Chưa đạt" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_url("**/chi-tieu/dat-dai-tre-han/ho-so/**")
    table = page.locator("#ho-so-chi-tieu tbody").inner_text()
    assert data["L1"].code in table and "Quá hạn" in table
    assert world.commune.name in table
    assert data["L2"].code not in table  # an organization: outside the households' figure

    # a commune's leader submits the quarterly report due last
    login(page, world.leader.username)
    page.goto(page.base + "/thong-ke/bao-cao/")
    card = page.locator(".card", has_text="cải cách hành chính quý — Quý 3/2026").first
    card.get_by_role("button").click()
    page.wait_for_url("**/thong-ke/bao-cao/*/")
    for title in (
        "Kết quả thực hiện nhiệm vụ cải cách hành chính trong kỳ",
        "Tồn tại, hạn chế và nguyên nhân",
        "Nhiệm vụ, giải pháp trọng tâm kỳ tới",
        "Đề xuất, kiến nghị",
    ):
        page.get_by_role("textbox", name=title).fill(f"Nội dung: {title.lower()}.")
    page.get_by_role("button", name="Phê duyệt và gửi").click()
    assert page.locator("#trang-thai").inner_text() == "Đã gửi"

    # the province sees who is missing, named
    login(page, province_admin.username)
    page.goto(page.base + "/thong-ke/bao-cao/tinh-hinh/?mau=cchc-quy&ngay=2026-07-01")
    assert page.locator("#so-chua-gui").inner_text() == "1"
    missing = page.locator('#bang-tinh-hinh tr[data-status="missing"]').inner_text()
    assert world.other.name in missing and world.other_leader.get_full_name() in missing
    assert axe_violations(page) == []


def test_the_leaders_page_fits_a_phone(browser, live_server, data, province_admin):  # noqa: F811
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.base = live_server.url
    try:
        login(page, province_admin.username)
        page.goto(page.base + "/thong-ke/lanh-dao/?ky=quarter&ngay=2026-02-01")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        assert page.locator("#diem-766").is_visible()
    finally:
        context.close()
