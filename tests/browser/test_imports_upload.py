"""The province administrator uploads a previous system's history on /nhap-lich-su/: a
wrong file lists its problems with their lines and writes nothing; a good one is imported in
the background while the progress bar moves to done, with a summary; on a 390 px phone the
form, the errors and the bar fit the screen."""

from __future__ import annotations

import pytest

from motcua.core.models import Job, JobStatus
from motcua.dossiers.models import Dossier
from motcua.imports.models import ImportRun
from tests.browser.conftest import axe_violations
from tests.imports import conftest as imports_conftest
from tests.imports.conftest import N, read_csv, write_csv

# the history made once per session by tests/imports, and its small world of units and staff
source = imports_conftest.source
world = imports_conftest.world

WATCH = """() => {
  window.seen = [];
  const bar = document.querySelector('#viec-nen progress');
  window.watcher = setInterval(() => window.seen.push(Number(bar.value)), 50);
}"""


def _login(page, client, user) -> None:
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base}]
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_upload_lists_problems_then_imports_with_a_progress_bar(
    page, client, source, world, province_admin, run_jobs, media, tmp_path, monkeypatch
):
    _login(page, client, province_admin)
    page.goto(page.base + "/nhap-lich-su/")
    assert "Chưa có lần nhập nào." in page.locator("#lan-nhap").inner_text()
    # a file with an unknown procedure: every problem with its line, nothing written
    rows = read_csv(source["history"])
    rows[0]["procedure"] = "KHONG.CO"
    wrong = write_csv(tmp_path / "sai.csv", rows)
    page.get_by_label("Tệp lịch sử hồ sơ (CSV hoặc JSON Lines)").set_input_files(str(wrong))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    errors = page.locator("#loi-tai-len")
    errors.wait_for()
    assert "Tệp có 1 lỗi, chưa nhập gì." in errors.inner_text()
    assert "Dòng 2: hồ sơ" in errors.inner_text() and "«KHONG.CO»" in errors.inner_text()
    assert Job.objects.count() == 0 and ImportRun.objects.count() == 0
    assert axe_violations(page) == []
    # the right file: queued, the page follows the job
    page.get_by_label("Tệp lịch sử hồ sơ (CSV hoặc JSON Lines)").set_input_files(
        str(source["history"])
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    page.wait_for_url("**/nhap-lich-su/?viec=*")
    bar = page.locator("#viec-nen progress")
    assert bar.get_attribute("value") == "0"
    page.evaluate(WATCH)
    # each batch takes a little time, so that the page can see the bar move
    import time

    from motcua.imports import services

    write = services._batch_record

    def slow(**kwargs):
        write(**kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(services, "_batch_record", slow)
    monkeypatch.setattr(services, "DEFAULT_BATCH", 6)
    run_jobs()
    summary = page.locator("[data-job-summary]")
    page.wait_for_function(
        "() => document.querySelector('[data-job-summary]').textContent.includes('Đã nhập')"
    )
    assert f"Đã nhập {N} hồ sơ" in summary.inner_text()
    assert bar.get_attribute("value") == "100"
    seen = page.evaluate("() => { clearInterval(window.watcher); return window.seen; }")
    assert any(0 < value < 100 for value in seen), seen
    assert seen == sorted(seen)
    assert Job.objects.get().status == JobStatus.DONE and Dossier.objects.count() == N
    # the run is listed with its full bar
    page.goto(page.base + "/nhap-lich-su/")
    assert f"{N}/{N} hồ sơ" in page.locator("#lan-nhap").inner_text()


def test_the_upload_page_fits_a_phone(
    browser, live_server, client, source, world, province_admin, media, tmp_path
):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    _login(page, client, province_admin)
    page.goto(page.base + "/nhap-lich-su/")
    rows = read_csv(source["history"])
    rows[0]["procedure"] = "KHONG.CO"
    page.get_by_label("Tệp lịch sử hồ sơ (CSV hoặc JSON Lines)").set_input_files(
        str(write_csv(tmp_path / "sai.csv", rows))
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    page.locator("#loi-tai-len").wait_for()
    for selector in ("#loi-tai-len", "#tai-len", "#tai-len button"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.get_by_label("Tệp lịch sử hồ sơ (CSV hoặc JSON Lines)").set_input_files(
        str(source["history"])
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    page.wait_for_url("**/nhap-lich-su/?viec=*")
    box = page.locator("#viec-nen progress").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    context.close()
