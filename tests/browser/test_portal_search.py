"""A citizen finds a procedure without typing diacritics and reads its three public aspects."""

from motcua.catalog.models import Procedure
from tests.browser.conftest import axe_violations


def test_search_without_diacritics_and_open_procedure(page, demo_province_live):
    page.goto(page.base + "/")
    assert axe_violations(page) == []
    page.get_by_label("Tên hoặc mã thủ tục").fill("cap giay phep xay dung")
    page.get_by_role("button", name="Tìm thủ tục").click()
    page.wait_for_url("**/thu-tuc/?q=cap+giay+phep+xay+dung")
    result = page.get_by_role("link", name="Cấp giấy phép xây dựng").first
    name = result.inner_text()
    assert name.startswith("Cấp giấy phép xây dựng")
    assert axe_violations(page) == []
    result.click()

    procedure = Procedure.objects.get(name=name)
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.locator("#thoi-han").inner_text() == procedure.time_limit_display()
    components = page.locator("#thanh-phan tbody tr")
    assert components.count() == procedure.components.count()
    assert procedure.components.first().name in components.first.inner_text()
    fees = page.locator("#phi-le-phi").inner_text()
    fee = procedure.fees.first()
    assert (fee.name in fees) if fee else ("Không thu phí" in fees)
    assert page.locator("#quy-trinh li").count() == procedure.processes.get().steps.count()
    assert axe_violations(page) == []


def test_search_filters_update_results_with_htmx(page, demo_province_live):
    page.goto(page.base + "/thu-tuc/")
    total = page.locator("#ket-qua p.text-muted").inner_text()
    page.get_by_label("Lĩnh vực").select_option(label="Hộ tịch")
    page.wait_for_function(
        "t => document.querySelector('#ket-qua p.text-muted').innerText !== t", arg=total
    )
    rows = page.locator("#ket-qua tbody tr")
    assert rows.count() > 0
    for i in range(rows.count()):
        assert "Hộ tịch" in rows.nth(i).inner_text()
    assert "field=HT" in page.url
