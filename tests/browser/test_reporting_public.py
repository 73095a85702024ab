"""The public statistics page: charts drawn, the table shows the API's numbers, the feedback
handling rate sits next to the on-time rate, and the page fits a 390 px phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import world  # noqa: F401
from tests.reporting.conftest import answered_feedback, month  # noqa: F401

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def published(transactional_db, world, month):  # noqa: F811
    answered_feedback(world, 2, 4)  # on time
    answered_feedback(world, 2, 24)  # late
    return month


def _cells(page, selector: str) -> dict[str, str]:
    return page.eval_on_selector(
        selector,
        "tr => Object.fromEntries([...tr.querySelectorAll('td[data-key]')]"
        ".map(td => [td.dataset.key, td.innerText.trim()]))",
    )


def test_statistics_table_matches_the_api(page, published, world):  # noqa: F811
    page.goto(page.base + "/thong-ke/?period=month&date=2026-03-10")
    assert page.get_by_role("heading", level=2).first.inner_text().startswith("Tháng 3/2026")
    page.locator("#bieu-do-nhom svg").first.wait_for()
    page.locator("#bieu-do-tong svg").first.wait_for()
    assert axe_violations(page) == []
    api = page.request.get(page.base + "/api/stats/public?period=month&date=2026-03-10").json()
    total = _cells(page, "#bang-thong-ke tfoot tr")
    assert total["received"] == str(api["total"]["received"]) == "5"
    assert total["resolved_early"] == str(api["total"]["resolved_early"])
    assert total["resolved_late"] == str(api["total"]["resolved_late"])
    assert total["on_time_share"] == "66,7%"
    # the donut's legend gives each share of the resolved dossiers, in Vietnamese decimals
    parts = [api["total"][k] for k in ("resolved_early", "resolved_on_time", "resolved_late")]
    legend = page.locator("#bieu-do-tong").inner_text()
    for name, part in zip(("Trước hạn", "Đúng hạn", "Quá hạn"), parts, strict=True):
        share = f"{100 * part / sum(parts):.1f}".rstrip("0").rstrip(".").replace(".", ",")
        assert f"{name}: {share} %" in legend
    row = _cells(page, f"#bang-thong-ke tbody tr[data-group='{world.commune.code}']")
    assert row["received"] == str(api["rows"][0]["received"])
    assert row["satisfied_share"] == "50,0%"
    # the feedback handling rate of the unit, next to its dossier on-time rate
    assert (row["on_time_share"], row["feedback_on_time_share"]) == ("66,7%", "50,0%")
    assert row["feedback_answered"] == "2"
    assert page.locator("#tong-phan-anh").inner_text() == "50,0%"
    # per field, this quarter
    page.get_by_label("Nhóm theo").select_option(label="Lĩnh vực")
    page.get_by_label("Kỳ", exact=True).select_option(label="Quý này")
    page.get_by_role("button", name="Xem số liệu").click()
    page.wait_for_url("**group=field**")
    assert "Hộ tịch" in page.locator("#bang-thong-ke tbody").inner_text()
    assert page.get_by_role("heading", level=2).first.inner_text().startswith("Quý 1/2026")
    assert axe_violations(page) == []


def test_statistics_page_fits_a_phone(page, published, world):  # noqa: F811
    page.set_viewport_size(PHONE)
    page.goto(page.base + "/thong-ke/?period=month&date=2026-03-10")
    page.locator("#bieu-do-tong svg").first.wait_for()
    # nothing but the table's own scroller is wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("#tong-tiep-nhan").is_visible()
    assert page.locator("#tong-phan-anh").inner_text() == "50,0%"
    scroller = page.locator("#bang-thong-ke").locator("xpath=..")
    assert "table-responsive" in (scroller.get_attribute("class") or "")
    cell = page.locator(
        f"#bang-thong-ke tbody tr[data-group='{world.commune.code}'] "
        "td[data-key='feedback_on_time_share']"
    )
    cell.scroll_into_view_if_needed()
    assert cell.is_visible() and cell.inner_text() == "50,0%"
    # April: nothing answered → "—", never 0 %
    page.goto(page.base + "/thong-ke/?period=month&date=2026-04-10")
    assert page.locator("#tong-phan-anh").inner_text() == "—"
    assert axe_violations(page) == []
