"""A reform officer opens the PAR INDEX tree for 2020, sees the points lost per area, opens a
task of her unit and records progress; the provincial leader's board shows it."""

# ruff: noqa: F811  (fixtures imported from tests.reform.conftest)
from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from motcua.core.formats import vn_number
from motcua.organization.models import Role
from motcua.reform import services
from motcua.reform.demo import simulated_par_scores
from tests.browser.conftest import axe_violations
from tests.reform.conftest import (  # noqa: F401
    departments,
    frameworks,
    home_affairs_officer,
    small_plan_bytes,
)

PASSWORD = "Mk-kiem-thu-2026"


@pytest.fixture
def reform_world(
    transactional_db, departments, frameworks, home_affairs_officer, make_user, province
):
    par = frameworks["par-index"]
    services.result_record(
        actor=home_affairs_officer, index_code="par-index", year=2020, total="85.31", rank=16,
        scores=simulated_par_scores(par, Decimal("85.31")),
    )  # fmt: skip
    services.plan_import(actor=home_affairs_officer, data=small_plan_bytes(), commit=True)
    officer = make_user(Role.REFORM_OFFICER, unit=departments["STP"], username="cchc.stp",
                        first_name="Nguyễn Thị Tư Pháp")  # fmt: skip
    leader = make_user(Role.UNIT_LEADER, unit=province, username="lanhdao.tinh")
    return officer, leader, par


def _login(page, username):
    page.goto(page.base + "/dang-nhap/?next=/cai-cach/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/cai-cach/")


def test_officer_records_progress_and_leader_sees_it(page, browser, live_server, reform_world):
    # the officer opens the PAR INDEX tree for 2020
    _login(page, "cchc.stp")
    page.get_by_role("link", name="PAR INDEX").click()
    assert page.get_by_role("heading", level=1).inner_text() == "PAR INDEX năm 2020"
    assert "85,310" in page.locator("#tong-hop").inner_text()
    assert "16/63" in page.locator("#tong-hop").inner_text()
    areas = page.locator("#diem-mat-linh-vuc tbody tr")
    assert areas.count() == 8
    first = areas.first.locator("td")
    assert first.nth(0).inner_text().startswith("1. Công tác chỉ đạo, điều hành")
    area_1 = simulated_par_scores(reform_world[2], Decimal("85.31"))["1"]
    assert first.nth(3).inner_text() == vn_number(Decimal("13.5") - area_1, 2)
    page.locator("#bieu-do-linh-vuc canvas").first.wait_for()  # the ECharts bar chart drew
    v = axe_violations(page)
    assert v == [], [(n["target"], n["failureSummary"][:200]) for x in v for n in x["nodes"]][:8]
    # the criterion 2.4 lost points; its tasks, then the task Sở Tư pháp leads
    row = page.locator(
        "#cay-tieu-chi tbody tr", has_text="Tác động của cải cách đến chất lượng VBQPPL"
    )
    row.get_by_role("link").click()
    page.get_by_role("link", name="Nâng cao trình độ chuyên môn, kiến thức pháp luật").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Nhiệm vụ PLII-II.1.4")
    # records progress
    page.get_by_label("Kết quả thực hiện").fill("Đã mở 2 lớp bồi dưỡng kỹ năng xây dựng VBQPPL")
    page.get_by_label("Tiến độ (%)").fill("50")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã ghi nhận báo cáo tiến độ.").wait_for()
    assert page.locator("#trang-thai").inner_text() == "Đang thực hiện"
    history = page.locator("#lich-su-bao-cao").inner_text()
    assert "50%" in history and "Nguyễn Thị Tư Pháp" in history
    v = axe_violations(page)
    assert v == [], [(n["target"], n["failureSummary"][:200]) for x in v for n in x["nodes"]][:8]

    # the provincial leader's board shows it
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    leader_page = context.new_page()
    leader_page.base = live_server.url
    _login(leader_page, "lanhdao.tinh")
    leader_page.get_by_role("link", name="Bảng theo dõi nhiệm vụ").click()
    leader_page.get_by_label("Trạng thái").select_option(label="Đang thực hiện")
    table = leader_page.locator("#bang-nhiem-vu tbody tr")
    expect(table).to_have_count(1)  # htmx swapped in the filtered list
    assert "PLII-II.1.4" in table.first.inner_text()
    assert "50%" in table.first.inner_text()
    assert leader_page.locator("[data-count=in_progress]").inner_text() == "1"
    assert axe_violations(leader_page) == []
    context.close()
