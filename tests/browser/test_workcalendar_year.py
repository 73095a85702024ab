"""The public year view of the work calendar, in Chromium."""

from __future__ import annotations

import pytest

from motcua.workcalendar import engine
from tests.browser.conftest import axe_violations


@pytest.fixture
def seeded_calendar(transactional_db):
    """The seeded calendar (tests/conftest.py restores it after every flush), cache cleared."""
    engine.clear_cache()
    yield
    engine.clear_cache()


def test_year_view_shows_holidays_and_make_up_days_accessibly(page, seeded_calendar):
    page.goto(page.base + "/lich/2026/")
    assert page.locator("h1").inner_text() == "Lịch làm việc năm 2026"
    assert page.locator("#so-ngay-lam-viec").inner_text() == "249"

    tet = page.locator('[data-date="2026-02-17"]')
    assert tet.get_attribute("data-kind") == "holiday"
    assert "Tết Nguyên Đán" in tet.inner_text()  # read out by screen readers
    makeup = page.locator('[data-date="2026-08-22"]')
    assert makeup.get_attribute("data-kind") == "makeup"
    assert "làm việc" in makeup.inner_text()

    rows = page.locator("table tbody tr[data-kind='makeup']")
    assert rows.count() == 2  # Saturdays 10/1 and 22/8/2026
    assert "10/01/2026" in rows.nth(0).inner_text()
    assert "22/08/2026" in rows.nth(1).inner_text()
    assert "Làm bù" in rows.nth(1).inner_text()
    assert page.get_by_role("cell", name="Ngày Văn hóa Việt Nam", exact=True).count() == 1

    assert axe_violations(page) == []

    page.get_by_role("link", name="Năm 2027 →").click()
    page.wait_for_url("**/lich/2027/")
    assert page.locator("h1").inner_text() == "Lịch làm việc năm 2027"
