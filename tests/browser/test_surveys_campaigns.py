"""Sở Nội vụ on a phone (390 px): creates a survey campaign (the sample sizes explained),
draws it, then opens the weakest criteria per unit and proposes a remediation task."""

# ruff: noqa: F811  (fixtures imported from tests.reform.conftest)
from __future__ import annotations

import datetime as dt

import pytest

from motcua.reform.models import Plan, Task
from motcua.surveys import services as surveys
from motcua.surveys.models import Campaign
from motcua.surveys.selectors import survey_form_in_force
from tests.browser.conftest import axe_violations
from tests.reform.conftest import departments, home_affairs_officer  # noqa: F401
from tests.reform.test_sipas import sheet

PASSWORD = "Mk-kiem-thu-2026"


@pytest.fixture
def weak(transactional_db, departments, home_affairs_officer):
    form = survey_form_in_force()
    surveys.survey_response_record(form=form, unit=departments["STP"], answers=sheet("5"))
    surveys.survey_response_record(form=form, unit=departments["STP"], answers=sheet("2"))
    return Plan.objects.create(
        number="KH-KS", issued_on=dt.date(2026, 1, 5), title="Khắc phục", year=2026,
        horizon_year=2026,
    )  # fmt: skip


def test_reform_officer_runs_a_campaign_and_proposes_a_task(page, weak, departments):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/dang-nhap/?next=/danh-gia/khao-sat/dot/")
    page.get_by_label("Tên đăng nhập").fill("cchc_snv")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/danh-gia/khao-sat/dot/")
    assert axe_violations(page) == []
    page.get_by_label("Tên đợt").fill("Quý IV")
    page.get_by_label("Trả kết quả từ ngày (dd/mm/yyyy)").fill("01/10/2026")
    page.get_by_label("đến ngày").fill("31/12/2026")
    page.get_by_label("Sai số chấp nhận").select_option("10")
    page.get_by_label("Số gieo ngẫu nhiên").fill("11")
    page.get_by_label(departments["STP"].name).check()
    page.get_by_role("button", name="Tạo đợt khảo sát").click()
    page.wait_for_url("**/danh-gia/khao-sat/dot/*/")
    assert "n = n₀ / (1 + (n₀ − 1) / N)" in page.locator("#giai-thich-co-mau").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Rút mẫu và tạo lời mời").click()
    assert page.locator("#trang-thai").inner_text() == "Đã chọn mẫu"
    assert Campaign.objects.get().seed == 11
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(page.base + "/cai-cach/sipas/tieu-chi/")
    row = page.locator("#tieu-chi tbody tr").first
    assert departments["STP"].name in row.inner_text() and "50,0%" in row.inner_text()
    assert axe_violations(page) == []
    row.get_by_role("button", name="Đề xuất").click()
    assert "Đã đề xuất nhiệm vụ khắc phục" in page.content()
    assert Task.objects.get().lead_unit == departments["STP"]
