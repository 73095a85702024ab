"""Sở Tư pháp prepares its criteria of the yearly self-assessment (score, explanation,
evidence), Sở Nội vụ returns one, accepts after correction and consolidates the province's
report, downloaded and re-read."""

# ruff: noqa: F811  (fixtures imported from tests.reform.conftest)
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from PIL import Image

from motcua.organization.models import Role
from motcua.reform import services
from motcua.reform.models import Index
from tests.browser.conftest import axe_violations
from tests.reform.conftest import departments, frameworks, home_affairs_officer  # noqa: F401

PASSWORD = "Mk-kiem-thu-2026"


@pytest.fixture
def self_world(transactional_db, departments, frameworks, home_affairs_officer, make_user):
    make_user(Role.REFORM_OFFICER, unit=departments["STP"], username="cchc.stp")
    assessment = services.self_assessment_open(
        actor=home_affairs_officer, index=Index.objects.get(code="par-index"), year=2021,
        deadline=dt.date(2022, 1, 15), units={"2.1": departments["STP"], "2.2": departments["STP"]},
    )  # fmt: skip
    for item in assessment.items.exclude(node__code__in=["2.1", "2.2"]):
        services.self_item_save(actor=home_affairs_officer, item=item,
                                score=item.node.max_points, explanation="Đạt.")  # fmt: skip
        services.self_evidence_add(actor=home_affairs_officer, item=item, link="/cai-cach/",
                                   name="Kế hoạch CCHC")  # fmt: skip
        services.self_item_submit(actor=home_affairs_officer, item=item)
        services.self_item_review(actor=home_affairs_officer, item=item, accept=True)
    return assessment


def _login(page, username, path):
    page.context.clear_cookies()
    page.goto(page.base + f"/dang-nhap/?next={path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{path}")


def _png(tmp_path):
    path = tmp_path / "bien-ban-kiem-tra.png"
    Image.new("RGB", (16, 16), "white").save(path, format="PNG")
    return path


def _open_item(page, name):
    page.locator("#tieu-chi-tu-danh-gia").get_by_role("link", name=name).click()
    page.locator("#trang-thai").wait_for()


def test_department_prepares_home_affairs_returns_and_consolidates(page, self_world, tmp_path):
    pk = self_world.pk
    # Sở Tư pháp: its two criteria
    _login(page, "cchc.stp", "/cai-cach/tu-danh-gia/")
    page.get_by_role("link", name="Năm 2021").click()
    page.get_by_role("link", name="Chỉ tiêu chí đơn vị tôi chuẩn bị").click()
    assert page.locator("#tieu-chi-tu-danh-gia tbody tr").count() == 2
    assert "Sở Tư pháp" in page.locator("#chua-gui").inner_text()
    _open_item(page, "Xây dựng và ban hành văn bản quy phạm pháp luật tại tỉnh")
    page.get_by_label("Điểm tự đánh giá").fill("2,5")  # above the maximum (2)
    page.get_by_label("Giải trình").fill("Ban hành 12 văn bản đúng quy trình.")
    page.get_by_role("button", name="Ghi điểm").click()
    page.get_by_text("phải từ 0 đến 2").wait_for()
    page.get_by_label("Điểm tự đánh giá").fill("1,75")
    page.get_by_label("Giải trình").fill("Ban hành 12 văn bản đúng quy trình.")
    page.get_by_role("button", name="Ghi điểm").click()
    page.get_by_text("Đã ghi điểm và giải trình.").wait_for()
    page.get_by_label("Tải tài liệu kiểm chứng").set_input_files(_png(tmp_path))
    page.get_by_role("button", name="Thêm tài liệu").click()
    page.get_by_text("Đã thêm tài liệu kiểm chứng.").wait_for()
    assert "bien-ban-kiem-tra" in page.locator("#tai-lieu").inner_text()
    v = axe_violations(page)
    assert v == [], [(n["target"], n["failureSummary"][:200]) for x in v for n in x["nodes"]][:8]
    page.get_by_role("button", name="Gửi Sở Nội vụ").click()
    page.get_by_text("Đã gửi Sở Nội vụ.", exact=True).wait_for()
    assert page.locator("#trang-thai").inner_text() == "Đã gửi Sở Nội vụ"
    page.goto(page.base + f"/cai-cach/tu-danh-gia/{pk}/?cua_toi=1")
    _open_item(page, "Kiểm tra, rà soát văn bản quy phạm pháp luật")
    page.get_by_label("Điểm tự đánh giá").fill("2")
    page.get_by_label("Giải trình").fill("Rà soát 100% văn bản.")
    page.get_by_role("button", name="Ghi điểm").click()
    page.get_by_text("Đã ghi điểm và giải trình.").wait_for()
    page.get_by_label("hoặc liên kết dữ liệu nền tảng").fill("/can-bo/thong-ke/")
    page.get_by_label("Tên tài liệu").fill("Thống kê văn bản rà soát")
    page.get_by_role("button", name="Thêm tài liệu").click()
    page.get_by_text("Đã thêm tài liệu kiểm chứng.").wait_for()
    page.get_by_role("button", name="Gửi Sở Nội vụ").click()
    page.get_by_text("Đã gửi Sở Nội vụ.", exact=True).wait_for()

    # Sở Nội vụ returns 2.1 with a reason and accepts 2.2
    _login(page, "cchc_snv", f"/cai-cach/tu-danh-gia/{pk}/")
    _open_item(page, "Xây dựng và ban hành văn bản quy phạm pháp luật tại tỉnh")
    page.get_by_label("Lý do trả lại").fill("Thiếu quyết định ban hành kế hoạch kiểm tra.")
    page.get_by_role("button", name="Trả lại đơn vị").click()
    page.get_by_text("Đã trả lại đơn vị.").wait_for()
    assert page.locator("#trang-thai").inner_text() == "Bị trả lại"
    page.goto(page.base + f"/cai-cach/tu-danh-gia/{pk}/")
    _open_item(page, "Kiểm tra, rà soát văn bản quy phạm pháp luật")
    page.get_by_role("button", name="Chấp nhận").click()
    page.get_by_text("Đã chấp nhận.").wait_for()
    page.goto(page.base + f"/cai-cach/tu-danh-gia/{pk}/")
    assert "2.1 (bị trả lại)" in page.locator("#chua-gui").inner_text()
    page.get_by_role("button", name="Tổng hợp kết quả tự đánh giá của tỉnh").click()
    page.get_by_text("Còn 1 tiêu chí chưa được chấp nhận: 2.1.").wait_for()

    # Sở Tư pháp corrects and resubmits; Sở Nội vụ accepts and consolidates
    _login(page, "cchc.stp", f"/cai-cach/tu-danh-gia/{pk}/")
    _open_item(page, "Xây dựng và ban hành văn bản quy phạm pháp luật tại tỉnh")
    assert "Thiếu quyết định" in page.locator("#y-kien").inner_text()
    page.get_by_label("Điểm tự đánh giá").fill("1,5")
    page.get_by_label("Giải trình").fill("Bổ sung quyết định; trừ 0,5 điểm do chậm.")
    page.get_by_role("button", name="Ghi điểm").click()
    page.get_by_text("Đã ghi điểm và giải trình.").wait_for()
    page.get_by_role("button", name="Gửi Sở Nội vụ").click()
    page.get_by_text("Đã gửi Sở Nội vụ.", exact=True).wait_for()
    _login(page, "cchc_snv", f"/cai-cach/tu-danh-gia/{pk}/")
    _open_item(page, "Xây dựng và ban hành văn bản quy phạm pháp luật tại tỉnh")
    page.get_by_role("button", name="Chấp nhận").click()
    page.get_by_text("Đã chấp nhận.").wait_for()
    page.goto(page.base + f"/cai-cach/tu-danh-gia/{pk}/")
    assert page.locator("#chua-gui").inner_text() == "Tất cả đơn vị đã gửi."
    page.get_by_role("button", name="Tổng hợp kết quả tự đánh giá của tỉnh").click()
    page.get_by_text("Đã tổng hợp kết quả tự đánh giá.").wait_for()
    assert page.locator("#trang-thai-dot").inner_text() == "Đã tổng hợp"
    with page.expect_download() as download:
        page.get_by_role("link", name="Biểu tổng hợp (Excel)").click()
    ws = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["2.1"][3] == 1.5 and rows["2.2"][3] == 2.0 and rows["2.1"][6] == "Sở Tư pháp"
    assert "bien-ban-kiem-tra" in rows["2.1"][4]
