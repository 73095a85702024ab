"""A citizen rates a returned dossier; the unit's result appears on the public results."""

from __future__ import annotations

import pytest

from motcua.surveys.models import Rating
from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import world  # noqa: F401
from tests.surveys.conftest import returned  # noqa: F401


@pytest.fixture
def done(transactional_db, world):  # noqa: F811
    return returned(world)


def test_rate_a_returned_dossier(page, done, world):  # noqa: F811
    page.goto(page.base + "/danh-gia/")
    assert axe_violations(page) == []
    page.get_by_label("Mã hồ sơ").fill(done.code)
    page.get_by_label("4 số cuối điện thoại của người nộp").fill("5678")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(f"**/danh-gia/ho-so/{done.code}/")
    assert axe_violations(page) == []
    page.get_by_label("Rất hài lòng").check()
    indicators = page.locator("fieldset.border")
    assert indicators.count() == 9
    for index in range(9):
        indicators.nth(index).locator("input[value='2']").check()
    page.locator("input[name='chi-so-thai_do'][value='1']").check()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Nhanh, gọn")
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Rất hài lòng, 17/18 điểm" in page.locator("#ket-qua").inner_text()
    assert axe_violations(page) == []
    rating = Rating.objects.get()
    assert (rating.points, rating.comment) == (17, "Nhanh, gọn")
    page.get_by_role("link", name="Xem kết quả đánh giá của các cơ quan").click()
    page.get_by_label("Ngày trong kỳ").fill("2026-03-02")
    page.get_by_role("button", name="Xem").click()
    row = page.locator("#bang-danh-gia tbody tr").first
    assert world.commune.name in row.inner_text() and "Xuất sắc" in row.inner_text()
    assert axe_violations(page) == []
