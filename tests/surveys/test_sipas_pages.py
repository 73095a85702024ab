"""SIPAS survey pages and API: the public sheet, the desk sheet, the index and its Excel."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from motcua.organization.models import Role
from motcua.surveys import services as sipas
from motcua.surveys.models import Channel, SurveyResponse
from motcua.surveys.selectors import survey_form_in_force
from motcua.surveys.sipas_views import ANSWERS_PER_HOUR, MIN_PUBLIC_SAMPLE
from tests.surveys.test_sipas import sheet

ANSWER = reverse("surveys:sipas_answer", args=["SIPAS"])
DESK = reverse("surveys:sipas_desk", args=["SIPAS"])
INDEX = reverse("surveys:sipas_index", args=["SIPAS"])


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unit(make_unit):
    return make_unit("UBND xã Hài Lòng")


def test_public_sheet_is_recorded_online(client, unit):
    page = client.get(ANSWER)
    assert page.status_code == 200 and "Rất không hài lòng" in page.content.decode()
    response = client.post(ANSWER, {"unit": unit.code, **sheet("4"), "md_nhieu": ["1", "2"]})
    assert response.status_code == 200 and "Cảm ơn" in response.content.decode()
    saved = SurveyResponse.objects.get()
    assert saved.unit == unit and saved.channel == Channel.ONLINE


def test_missing_items_are_named_and_what_was_typed_is_kept(client, unit):
    answers = sheet("5", y_kien="<script>alert(1)</script>")
    del answers["kq2"]
    response = client.post(ANSWER, {"unit": unit.code, **answers})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng trả lời các câu bắt buộc" in html and "thông tin đầy đủ" in html
    assert 'id="tc1-5" value="5" checked' in html  # kept
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    assert "<script>alert(1)" not in html
    assert not SurveyResponse.objects.exists()


def test_one_client_is_limited(client, unit):
    for _ in range(ANSWERS_PER_HOUR):
        assert client.post(ANSWER, {"unit": unit.code, **sheet()}).status_code == 200
    refused = client.post(ANSWER, {"unit": unit.code, **sheet()})
    assert refused.status_code == 429 and "quá nhiều phiếu" in refused.content.decode()
    assert SurveyResponse.objects.count() == ANSWERS_PER_HOUR


def test_desk_officer_keys_in_a_paper_sheet_for_own_unit_only(client, unit, make_unit, make_user):
    other = make_unit()
    client.force_login(make_user(Role.DESK_OFFICER, unit=unit))
    page = client.get(DESK).content.decode()
    assert unit.name in page and other.name not in page
    assert client.post(DESK, {"unit": other.code, **sheet()}).status_code == 400
    assert client.post(DESK, {"unit": unit.code, **sheet()}).status_code == 200
    assert SurveyResponse.objects.get().channel == Channel.DESK


def test_api_answer_and_index(client, unit, make_user, province):
    created = client.post(
        "/api/surveys/sipas/SIPAS/responses",
        {"unit": unit.code, "answers": sheet("5")},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    bad = client.post(
        "/api/surveys/sipas/SIPAS/responses",
        {"unit": unit.code, "answers": {"tc1": "7"}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "survey_answer_invalid"
    assert client.get("/api/surveys/sipas/SIPAS/index").status_code == 401
    client.force_login(make_user(Role.REFORM_OFFICER, unit=province))
    body = client.get("/api/surveys/sipas/SIPAS/index").json()
    [row] = body["units"]
    assert row["unit_code"] == unit.code and row["index"] == 1.0 and len(row["factors"]) == 5
    assert row["factors"][0]["ci_high"] == 1.0 and 0 < row["factors"][0]["ci_low"] < 1
    assert "chưa đối chiếu" in body["formula"]


def test_index_page_and_excel_agree(client, unit, make_user, province):
    form = survey_form_in_force()
    sipas.survey_response_record(form=form, unit=unit, answers=sheet("5"))
    sipas.survey_response_record(form=form, unit=unit, answers=sheet("2"))
    client.force_login(make_user(Role.REFORM_OFFICER, unit=province))
    html = client.get(INDEX).content.decode()
    assert unit.name in html and "50,00%" in html
    assert "Cỡ mẫu cần thiết" in html and "Cochran" in html and "± 5 điểm phần trăm" in html
    export = client.get(INDEX, {"xuat": "xlsx"})
    sheet_ = load_workbook(BytesIO(export.content)).active
    rows = list(sheet_.iter_rows(values_only=True))
    assert rows[1][:3] == ("Mã đơn vị", "Đơn vị", "Số phiếu") and rows[1][8] == "Chỉ số chung"
    assert rows[1][9:] == ("Được mời", "Đã trả lời (mời)", "Tỷ lệ trả lời")
    assert rows[2][:3] == (unit.code, unit.name, 2) and rows[2][8] == 0.5
    assert rows[2][9:] == (0, 0, None)  # no campaign: nobody invited
    assert list(rows[2][3:8]) == [0.5] * 5


def test_index_page_is_for_officers(client, unit, make_user):
    client.force_login(make_user(Role.DESK_OFFICER, unit=unit))
    assert client.get(INDEX).status_code == 403


def test_public_index_shows_a_unit_only_from_the_minimum_sample(client, unit, make_unit):
    few = make_unit("Xã Ít Phiếu")
    form = survey_form_in_force()
    for _ in range(MIN_PUBLIC_SAMPLE):
        sipas.survey_response_record(form=form, unit=unit, answers=sheet("4"))
    for _ in range(3):
        sipas.survey_response_record(form=form, unit=few, answers=sheet("5"))
    html = client.get(reverse("surveys:sipas_public", args=["SIPAS"])).content.decode()
    assert unit.name in html and "100,00%" in html
    assert few.name not in html and "1 đơn vị chưa đủ số phiếu" in html
    assert "Xuất Excel" not in html
