"""The reform officer uploads an XLSForm: a bad file lists its problems by sheet and row
(desktop), the exported file becomes the next version, shown on the editor (390 px)."""

from __future__ import annotations

from motcua.organization.models import Role
from motcua.surveys.models import SurveyForm, SurveyQuestion
from motcua.surveys.selectors import survey_form_in_force
from motcua.surveys.xlsform import xlsform_export
from tests.browser.conftest import axe_violations

PASSWORD = "Mk-kiem-thu-2026"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_reform_officer_uploads_an_xlsform_as_a_new_version(
    page, transactional_db, make_user, province
):
    make_user(Role.REFORM_OFFICER, unit=province, username="cchc_xlsform")
    form = survey_form_in_force()
    good = xlsform_export(form)
    bad = good[: len(good) // 2]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base + f"/dang-nhap/?next=/danh-gia/khao-sat/phieu/{form.pk}/")
    page.get_by_label("Tên đăng nhập").fill("cchc_xlsform")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**/danh-gia/khao-sat/phieu/{form.pk}/")
    page.get_by_role("link", name="Nhập XLSForm thành phiên bản mới").click()
    page.wait_for_url("**/nhap-xlsform/")
    assert axe_violations(page) == []
    label = "Tệp XLSForm (.xlsx, tối đa 2 MB)"
    page.get_by_label(label).set_input_files(
        files=[{"name": "hong.xlsx", "mimeType": XLSX, "buffer": bad}]
    )
    page.get_by_label("Áp dụng từ (dd/mm/yyyy)").fill("01/01/2027")
    page.get_by_role("button", name="Tải lên và tạo phiên bản").click()
    assert "không phải Excel (.xlsx) hợp lệ" in page.locator("#loi").inner_text()
    assert SurveyForm.objects.filter(code="SIPAS").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label(label).set_input_files(
        files=[{"name": "SIPAS-v1.xlsx", "mimeType": XLSX, "buffer": good}]
    )
    assert page.get_by_label("Áp dụng từ (dd/mm/yyyy)").input_value() == "01/01/2027"  # kept
    page.get_by_role("button", name="Tải lên và tạo phiên bản").click()
    new = SurveyForm.objects.get(code="SIPAS", version=form.version + 1)
    page.wait_for_url(f"**/danh-gia/khao-sat/phieu/{new.pk}/")
    assert f"phiên bản {new.version}" in page.locator("h1").inner_text()
    assert page.locator("#dong-bang").count() == 0  # a draft: editable
    questions = SurveyQuestion.objects.filter(section__form=new).count()
    assert questions > 20 and page.locator("form[id^=cau-]").count() == questions
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
