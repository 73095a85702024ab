"""A long job on the page: the catalog administrator clicks export, watches the bar move to
done while the worker runs it, downloads the workbook; on a phone the bar fits the screen."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from motcua.catalog.models import ProcedureLevel, ProcessStep
from motcua.core import jobs
from motcua.core.models import Job, JobStatus
from tests.dossiers.conftest import make_procedure

#: records what the bar shows, every 50 ms, until the job is finished
WATCH = """() => {
  window.seen = [];
  const bar = document.querySelector('#viec-nen progress');
  window.watcher = setInterval(() => window.seen.push(Number(bar.value)), 50);
}"""


@pytest.fixture
def catalog(transactional_db):
    for n in range(3):
        procedure = make_procedure(code=f"1.00{n}")
        ProcedureLevel.objects.create(procedure=procedure, level="commune")
    ProcessStep.objects.update(unit_kind="commune")


def _login(page, client, user) -> None:
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base}]
    )


def _slow_steps(monkeypatch) -> None:
    """Each step of the export takes a little time, so that the page can see it pass."""
    import time

    step = jobs.Progress.step

    def slow(self, message, **kwargs):
        step(self, message, **kwargs)
        if self.job is not None:
            time.sleep(0.4)

    monkeypatch.setattr(jobs.Progress, "step", slow)


def test_export_shows_progress_and_downloads_the_workbook(
    page, client, catalog, catalog_admin, run_jobs, monkeypatch
):
    # given the catalog administrator on the admin's export page
    catalog_admin.is_staff = True
    catalog_admin.save()
    _login(page, client, catalog_admin)
    page.goto(page.base + "/admin/catalog/procedure/xuat-excel/")
    # when they click export
    page.get_by_role("button", name="Bắt đầu xuất Excel").click()
    page.wait_for_url("**/xuat-excel/?viec=*")
    bar = page.locator("#viec-nen progress")
    assert bar.get_attribute("value") == "0"
    assert "Đang chờ" in page.locator("#viec-nen").inner_text()
    page.evaluate(WATCH)
    # and the worker runs the job while the page polls
    _slow_steps(monkeypatch)
    run_jobs()
    # then the bar reached 100 % through steps in between, and the link is offered
    download = page.get_by_role("link", name="Tải về tệp kết quả (danh-muc-tthc.xlsx)")
    download.wait_for(state="visible")
    assert bar.get_attribute("value") == "100"
    assert "Hoàn thành" in page.locator("[data-job-state]").inner_text()
    assert (
        "Đã xuất danh mục thủ tục hành chính ra Excel."
        in page.locator("[data-job-summary]").inner_text()
    )
    seen = page.evaluate("() => { clearInterval(window.watcher); return window.seen; }")
    assert any(0 < value < 100 for value in seen), seen
    assert seen == sorted(seen)  # never backwards
    # and the downloaded file is the catalog, re-read
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == "danh-muc-tthc.xlsx"
    workbook = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()), read_only=True)
    codes = [row[0] for row in workbook["ThuTuc"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["1.000", "1.001", "1.002"]
    assert Job.objects.get().status == JobStatus.DONE


def test_the_job_page_fits_a_phone(browser, live_server, client, catalog, catalog_admin, run_jobs):
    from motcua.catalog.services import catalog_export_start

    job = catalog_export_start(actor=catalog_admin)
    run_jobs()
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.base = live_server.url
    _login(page, client, catalog_admin)
    page.goto(f"{page.base}/viec-nen/{job.pk}/")
    box = page.locator("#viec-nen progress").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    link = page.get_by_role("link", name="Tải về tệp kết quả (danh-muc-tthc.xlsx)")
    assert link.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    context.close()
