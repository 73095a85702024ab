"""The operations page (/van-hanh/) in the browser: the worker's health and the long jobs,
each linking to its page with the progress bar; on a phone the page does not overflow."""

from __future__ import annotations

import pytest

from motcua.catalog.services import catalog_export_start
from motcua.core.models import JobStatus


@pytest.fixture
def jobs(transactional_db, catalog_admin, run_jobs):
    done = catalog_export_start(actor=catalog_admin)
    run_jobs()
    waiting = catalog_export_start(actor=catalog_admin)
    return done, waiting


def _login(page, client, user) -> None:
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base}]
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_operations_page_lists_jobs_and_opens_one(
    browser, live_server, client, jobs, province_admin, width
):
    done, waiting = jobs
    done.refresh_from_db()
    assert done.status == JobStatus.DONE
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": width, "height": 844}
    )
    page = context.new_page()
    page.base = live_server.url
    _login(page, client, province_admin)
    page.goto(page.base + "/van-hanh/")
    table = page.locator("#jobs table")
    assert table.is_visible()
    rows = page.locator("#jobs tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-status") == "queued"
    assert "Đang chờ" in rows.nth(0).inner_text()
    assert "Hoàn thành" in rows.nth(1).inner_text()
    assert rows.nth(1).locator("progress").get_attribute("value") == "100"
    # the page itself never scrolls sideways (the table scrolls in its own box)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # clicking the finished job opens its page with the bar at 100 % and the download
    rows.nth(1).get_by_role("link", name="Xuất danh mục TTHC ra Excel").click()
    page.wait_for_url(f"**/viec-nen/{done.pk}/")
    assert page.locator("#viec-nen progress").get_attribute("value") == "100"
    assert page.get_by_role("link", name="Tải về tệp kết quả (danh-muc-tthc.xlsx)").is_visible()
    context.close()
