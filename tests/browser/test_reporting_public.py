"""The public statistics page: charts drawn, the table shows the API's numbers."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import world  # noqa: F401
from tests.reporting.conftest import month  # noqa: F401


@pytest.fixture
def published(transactional_db, month):  # noqa: F811
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
    # per field, this quarter
    page.get_by_label("Nhóm theo").select_option(label="Lĩnh vực")
    page.get_by_label("Kỳ", exact=True).select_option(label="Quý này")
    page.get_by_role("button", name="Xem số liệu").click()
    page.wait_for_url("**group=field**")
    assert "Hộ tịch" in page.locator("#bang-thong-ke tbody").inner_text()
    assert page.get_by_role("heading", level=2).first.inner_text().startswith("Quý 1/2026")
    assert axe_violations(page) == []
