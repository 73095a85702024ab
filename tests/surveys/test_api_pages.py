"""The rating API and pages: code + 4 phone digits, once per dossier, same rules."""

from __future__ import annotations

import pytest

from motcua.surveys.models import Rating
from tests.surveys.conftest import answers, receive, returned

pytestmark = pytest.mark.django_db


def url(code):
    return f"/api/surveys/dossiers/{code}/rating"


def test_api_rates_once_and_answers_409_after(client, world):
    dossier = returned(world)
    body = {"phone4": "5678", "overall": "very_satisfied", "answers": answers(cong_khai=1)}
    first = client.post(url(dossier.code), body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["points"] == 17 and first.json()["overall_label"] == "Rất hài lòng"
    second = client.post(url(dossier.code), body, content_type="application/json")
    assert second.status_code == 409 and second.json()["code"] == "rating_exists"
    assert Rating.objects.count() == 1


def test_api_gives_one_answer_for_wrong_digits_and_unknown_code(client, world):
    dossier = returned(world)
    body = {"phone4": "0000", "overall": "satisfied", "answers": answers()}
    wrong = client.post(url(dossier.code), body, content_type="application/json")
    unknown = client.post(
        url("000.00.00.X00-260302-0001"),
        {**body, "phone4": "5678"},
        content_type="application/json",
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert not Rating.objects.exists()


def test_api_refuses_a_dossier_in_progress_and_bad_points(client, world):
    in_progress = receive(world)
    body = {"phone4": "5678", "overall": "satisfied", "answers": answers()}
    response = client.post(url(in_progress.code), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "rating_not_returned"
    dossier = returned(world, 7)
    bad = {**body, "answers": answers(thai_do=5)}
    response = client.post(url(dossier.code), bad, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "rating_points"


def test_api_publishes_the_questionnaire_and_unit_results(client, world):
    q = client.get("/api/surveys/questionnaire").json()
    assert q["max_points"] == 18 and len(q["indicators"]) == 9
    assert q["bands"][-1] == {"label": "Xuất sắc", "lower": 15.0, "upper": None}
    dossier = returned(world)
    body = {"phone4": "5678", "overall": "satisfied", "answers": answers()}
    client.post(url(dossier.code), body, content_type="application/json")
    result = client.get("/api/surveys/units", {"period": "month", "date": "2026-03-10"}).json()
    assert result["period"]["label"] == "Tháng 3/2026"
    assert [(r["group"], r["ratings"], r["band"]) for r in result["rows"]] == [
        (world.commune.code, 1, "Xuất sắc")
    ]


def test_pages_lead_from_lookup_to_questionnaire_to_thanks(client, world):
    dossier = returned(world)
    start = client.post("/danh-gia/", {"code": dossier.code, "phone4": "5678"})
    assert start.status_code == 302 and start["Location"] == f"/danh-gia/ho-so/{dossier.code}/"
    page = client.get(start["Location"]).content.decode()
    assert "Rất hài lòng" in page and "Công khai thủ tục hành chính" in page
    form = {f"chi-so-{k}": v for k, v in answers(thai_do=1).items()}
    done = client.post(start["Location"], {**form, "overall": "satisfied"})
    assert done.status_code == 302
    thanks = client.get(done["Location"]).content.decode()
    assert "Hài lòng, 17/18 điểm" in thanks
    again = client.get(start["Location"]).content.decode()
    assert "đã được đánh giá" in again


def test_the_questionnaire_page_needs_the_phone_digits_first(client, world):
    dossier = returned(world)
    response = client.get(f"/danh-gia/ho-so/{dossier.code}/")
    assert response.status_code == 302 and response["Location"].startswith("/danh-gia/?ma=")
    wrong = client.post("/danh-gia/", {"code": dossier.code, "phone4": "1234"})
    assert wrong.status_code == 404
    assert "Không tìm thấy hồ sơ" in wrong.content.decode()


def test_an_incomplete_form_shows_an_error_and_saves_nothing(client, world):
    dossier = returned(world)
    client.post("/danh-gia/", {"code": dossier.code, "phone4": "5678"})
    response = client.post(f"/danh-gia/ho-so/{dossier.code}/", {"overall": "satisfied"})
    assert response.status_code == 400
    assert "Chưa trả lời" in response.content.decode()
    assert not Rating.objects.exists()


def test_results_page_shows_the_unit_table(client, world):
    dossier = returned(world)
    client.post(
        url(dossier.code),
        {"phone4": "5678", "overall": "satisfied", "answers": answers()},
        content_type="application/json",
    )
    page = client.get("/danh-gia/ket-qua/", {"period": "year", "date": "2026-03-02"})
    text = page.content.decode()
    assert page.status_code == 200
    assert world.commune.name in text and "Xuất sắc" in text and "Năm 2026" in text
