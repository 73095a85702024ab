"""A citizen answers the SIPAS sheet online on a tablet-sized screen (800×1280): a missing
item is named and what was typed stays; the corrected sheet is recorded."""

from __future__ import annotations

import pytest

from motcua.surveys.models import SurveyAnswer, SurveyResponse
from tests.browser.conftest import axe_violations
from tests.surveys.test_sipas import FACTOR_ITEMS


@pytest.fixture
def unit(transactional_db, make_unit):
    return make_unit("UBND xã Hài Lòng")


def test_answer_the_sipas_sheet_online(page, unit):
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(page.base + "/danh-gia/khao-sat/SIPAS/")
    assert axe_violations(page) == []
    page.get_by_label("Cơ quan, đơn vị đã giải quyết công việc").select_option(unit.code)
    items = [code for codes in FACTOR_ITEMS.values() for code in codes]
    for code in items[:-1]:  # forget the last required item
        page.locator(f"#{code}-4").check()
    page.locator("textarea[name='y_kien']").fill("Cán bộ nhiệt tình")
    page.get_by_role("button", name="Gửi phiếu").click()
    error = page.locator("#loi")
    assert "Vui lòng trả lời các câu bắt buộc" in error.inner_text()
    assert page.locator(f"#cau-{items[-1]}.border-danger").count() == 1
    assert page.locator(f"#{items[0]}-4").is_checked()  # kept
    assert page.locator("textarea[name='y_kien']").input_value() == "Cán bộ nhiệt tình"
    assert not SurveyResponse.objects.exists()
    page.locator(f"#{items[-1]}-5").check()
    page.get_by_role("button", name="Gửi phiếu").click()
    assert "Cảm ơn" in page.locator("h1").inner_text()
    response = SurveyResponse.objects.get()
    assert response.unit == unit
    assert SurveyAnswer.objects.filter(response=response).count() == len(items) + 1
