"""Sở Nội vụ opens the SIPAS self-assessment, sees each factor against the Ministry's result and
the province's own survey, refreshes the self-estimate after more answer sheets came in."""

# ruff: noqa: F811  (fixtures imported from tests.reform.conftest)
from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.reform import services
from motcua.surveys import services as surveys
from motcua.surveys.selectors import survey_form_in_force
from tests.browser.conftest import axe_violations
from tests.reform.conftest import departments, frameworks, home_affairs_officer  # noqa: F401
from tests.reform.test_sipas import OFFICIAL, sheet

PASSWORD = "Mk-kiem-thu-2026"


@pytest.fixture
def sipas_world(transactional_db, departments, frameworks, home_affairs_officer):
    year = timezone.localdate().year
    form = survey_form_in_force()
    surveys.survey_response_record(form=form, unit=departments["STP"], answers=sheet("5"))
    surveys.survey_response_record(form=form, unit=departments["STP"], answers=sheet("2"))
    services.result_record(actor=home_affairs_officer, index_code="sipas", year=year,
                           scores=OFFICIAL)  # fmt: skip
    return {"year": year, "form": form, "unit": departments["STP"]}


def test_home_affairs_opens_sipas_and_refreshes_from_the_survey(page, sipas_world):
    year = sipas_world["year"]
    page.goto(page.base + "/dang-nhap/?next=/cai-cach/tu-danh-gia/")
    page.get_by_label("Tên đăng nhập").fill("cchc_snv")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/cai-cach/tu-danh-gia/")
    page.get_by_label("Chỉ số").select_option(label="SIPAS")
    page.get_by_label("Năm đánh giá").fill(str(year))
    page.get_by_label("Hạn gửi").fill(f"{year + 1}-01-15")
    page.get_by_role("button", name="Mở đợt tự đánh giá").click()
    page.get_by_text(f"Đã mở tự đánh giá năm {year}.").wait_for()
    page.get_by_role("link", name="SIPAS theo yếu tố").click()
    table = page.locator("#sipas-yeu-to")
    access = table.locator('tr[data-factor="1"]')
    assert "60,00" in access.inner_text() and "50,00" in access.inner_text()  # Bộ; tỉnh
    assert page.locator("#chi-so-tu-khao-sat").inner_text() == "50,00 %"
    assert axe_violations(page) == []
    # two more satisfied sheets; Sở Nội vụ refreshes the self-estimate
    for _ in range(2):
        surveys.survey_response_record(
            form=sipas_world["form"], unit=sipas_world["unit"], answers=sheet("5")
        )
    page.get_by_role("button", name="Cập nhật điểm tự đánh giá từ khảo sát của tỉnh").click()
    page.get_by_text("Đã cập nhật từ khảo sát SIPAS của tỉnh.").wait_for()
    assert "75,00" in table.locator('tr[data-factor="1"]').inner_text()
    assert "15,00" in table.locator('tr[data-factor="1"]').inner_text()  # over-rated by 15
    # on a phone the factor table scrolls inside its box: the page itself never scrolls sideways
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/cai-cach/sipas/", "/cai-cach/sipas/tieu-chi/"):
        page.goto(page.base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
