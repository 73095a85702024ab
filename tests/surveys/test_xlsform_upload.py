"""The XLSForm upload page: the reform officer uploads a .xlsx (checked by content, size
limited) that becomes the next version of the questionnaire through
``survey_form_import``; a bad file is refused with every problem listed, nothing written."""

from __future__ import annotations

import datetime as dt
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from motcua.core.files import minimal_pdf
from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.surveys import events
from motcua.surveys.form_views import XLSFORM_MAX_BYTES
from motcua.surveys.models import SurveyForm, SurveyQuestion, SurveySection
from motcua.surveys.selectors import survey_form_in_force

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def officer(client, make_user, province):
    client.force_login(make_user(Role.REFORM_OFFICER, unit=province))
    return client


def _upload(client, form, data: bytes, name: str = "phieu.xlsx", start: str = "01/01/2027"):
    return client.post(
        reverse("surveys:form_import", args=[form.pk]),
        {"file": SimpleUploadedFile(name, data, content_type=XLSX), "effective_from": start},
    )


def _questions(form):
    return list(
        SurveyQuestion.objects.filter(section__form=form)
        .order_by("section__order", "order")
        .values_list("section__code", "code", "text", "kind", "required", "confirmed", "choices")
    )


def _nothing_written(before: tuple[int, int, int, int]) -> bool:
    return before == _counts()


def _counts() -> tuple[int, int, int, int]:
    return (
        SurveyForm.objects.count(),
        SurveySection.objects.count(),
        SurveyQuestion.objects.count(),
        Event.objects.filter(action=events.FORM_IMPORTED).count(),
    )


def test_the_export_uploaded_back_is_a_new_version_with_the_same_questions(officer):
    form = survey_form_in_force()
    page = officer.get(reverse("surveys:form_edit", args=[form.pk])).content.decode()
    assert reverse("surveys:form_import", args=[form.pk]) in page  # linked from the editor
    exported = officer.get(reverse("surveys:sipas_xlsform", args=["SIPAS"])).content
    response = _upload(officer, form, exported)
    new = SurveyForm.objects.get(code="SIPAS", version=form.version + 1)
    assert response.status_code == 302 and response.url == reverse(
        "surveys:form_edit", args=[new.pk]
    )
    assert _questions(new) == _questions(form) and len(_questions(new)) > 20
    assert new.effective_from == dt.date(2027, 1, 1) and not new.is_in_use()  # editable
    form.refresh_from_db()
    assert form.effective_to == dt.date(2026, 12, 31)
    event = Event.objects.get(action=events.FORM_IMPORTED, subject_id=str(new.pk))
    assert event.payload["from"] == "SIPAS v1" and len(event.payload["file_sha256"]) == 64
    shown = officer.get(response.url).content.decode()
    assert f"phiên bản {new.version}" in shown


def _bad_workbook() -> bytes:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required"])
    survey.append(["begin_group", "tiep_can", "Tiếp cận dịch vụ", ""])
    survey.append(["select_one hai_long", "tc1", "Nơi ngồi chờ", "yes"])
    survey.append(["geopoint", "vi_tri", "Vị trí", ""])  # row 4: unsupported type
    survey.append(["select_one khong_co", "tc2", "Hướng dẫn", ""])  # row 5: unknown list
    survey.append(["text", "tc1", "Trùng tên", ""])  # row 6: duplicate of row 3
    survey.append(["text", "2sai", "", ""])  # row 7: bad name, no label
    survey.append(["end_group", "", "", ""])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    choices.append(["hai_long", "1", "Không hài lòng"])
    choices.append(["hai_long", "", "Thiếu giá trị"])  # row 3
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Phiếu", "SIPAS", "2"])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_bad_xlsform_lists_every_problem_and_writes_nothing(officer):
    form = survey_form_in_force()
    before = _counts()
    response = _upload(officer, form, _bad_workbook())
    assert response.status_code == 400
    html = response.content.decode()
    for problem in (
        "Trang survey, dòng 4: loại câu hỏi «geopoint» không hỗ trợ",
        "Trang survey, dòng 5: danh sách lựa chọn «khong_co» không có ở trang choices",
        "Trang survey, dòng 6: tên «tc1» trùng với dòng 3",
        "Trang survey, dòng 7: tên (name) «2sai»",
        "Trang survey, dòng 7: thiếu nội dung (label)",
        "Trang choices, dòng 3: lựa chọn thiếu name hoặc label",
    ):
        assert problem in html, problem
    assert "Chưa ghi gì" in html and 'value="01/01/2027"' in html  # the date typed is kept
    assert _nothing_written(before)


def _macro_enabled(data: bytes) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                body = body.replace(
                    b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
                )
            dst.writestr(item, body)
        dst.writestr("xl/vbaProject.bin", b"\0" * 16)
    return out.getvalue()


def test_files_that_are_not_a_plain_xlsx_are_refused_by_content(officer, settings):
    form = survey_form_in_force()
    exported = officer.get(reverse("surveys:sipas_xlsform", args=["SIPAS"])).content
    before = _counts()
    pdf = _upload(officer, form, minimal_pdf("x"), name="phieu.xlsx")  # named .xlsx, is a PDF
    assert pdf.status_code == 400 and "không phải Excel (.xlsx) hợp lệ" in pdf.content.decode()
    big = _upload(officer, form, exported + b"\0" * XLSFORM_MAX_BYTES)
    assert big.status_code == 400 and "vượt quá dung lượng" in big.content.decode()
    cut = _upload(officer, form, exported[: len(exported) // 2])  # a broken zip
    assert cut.status_code == 400 and "không phải Excel (.xlsx) hợp lệ" in cut.content.decode()
    assert _upload(officer, form, _macro_enabled(exported)).status_code == 400  # an .xlsm
    early = _upload(officer, form, exported, start=form.effective_from.strftime("%d/%m/%Y"))
    assert early.status_code == 400 and "phải áp dụng sau ngày" in early.content.decode()
    assert _nothing_written(before)


def test_the_form_id_must_be_this_questionnaires_code(officer):
    form = survey_form_in_force()
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["begin_group", "chung", "Chung"])
    survey.append(["text", "y_kien", "Ý kiến"])
    survey.append(["end_group", "", ""])
    book.create_sheet("choices").append(["list_name", "name", "label"])
    book.create_sheet("settings").append(["form_title", "form_id"])
    book["settings"].append(["Khác", "KHAC"])
    out = BytesIO()
    book.save(out)
    before = _counts()
    response = _upload(officer, form, out.getvalue())
    assert response.status_code == 400
    assert "form_id «KHAC» khác mã phiếu SIPAS" in response.content.decode()
    assert _nothing_written(before)


def test_only_the_questionnaire_editors_upload(client, make_user, world):
    form = survey_form_in_force()
    client.force_login(world.desk)
    url = reverse("surveys:form_import", args=[form.pk])
    assert client.get(url).status_code == 403
    exported = _bad_workbook()
    before = _counts()
    assert client.post(url, {"file": SimpleUploadedFile("a.xlsx", exported)}).status_code == 403
    assert _nothing_written(before)
