"""Bad bytes and bad values get a clear 400 in Vietnamese with a stable code, never a 500;
error pages, CSRF refusals and password rules speak Vietnamese; names are normalised."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from pydantic import BaseModel, ValidationError

from motcua.core.text import clean_text, fold
from motcua.core.validation import Amount, Day, Email, Hours, Money, Text, vietnamese_message

pytestmark = pytest.mark.django_db

NUL = "Dữ liệu không hợp lệ: yêu cầu chứa ký tự NUL"


@pytest.fixture
def quiet_client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url",
    [
        "/api/procedures?q=a%00b",
        "/api/procedures/1.000%00001",
        "/api/portal/track?code=HS%00&phone4=1234",
        "/api/calendar/days?from=2026-01-01%00&to=2026-02-01",
        "/api/ledger/roots?from=%00",
        "/api/surveys/units?period=%00",
    ],
)
def test_nul_in_the_api_path_or_query_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and NUL in response.json()["message"]
    assert response.json()["details"] == {"reason": "nul_byte"}


@pytest.mark.parametrize(
    "url", ["/thu-tuc/?q=%00", "/tra-cuu/?code=%00", "/static/%00.css", "/so-cai/%00/"]
)
def test_nul_in_a_page_path_or_query_is_a_vietnamese_400_page(client, url):
    response = client.get(url)
    assert response.status_code == 400 and NUL in response.content.decode()


def test_nul_in_a_form_field_and_in_json_is_refused(client):
    form = client.post("/tai-khoan/dang-nhap/", {"identifier": "an\x00", "password": "x"})
    assert form.status_code == 400 and NUL in form.content.decode()
    body = client.post(
        "/api/portal/tokens",
        '{"login": "an\\u0000@example.vn", "password": "x"}',
        content_type="application/json",
    )
    assert body.status_code == 400 and body.json()["details"] == {"reason": "nul_byte"}


def test_malformed_json_and_invalid_fields_are_answered_in_vietnamese(client):
    broken = client.post("/api/portal/tokens", "{login:", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json() == {
        "code": "malformed_json",
        "message": "Nội dung gửi lên không phải JSON hợp lệ (UTF-8).",
    }
    long = client.post(
        "/api/portal/tokens",
        {"login": "a" * 300, "password": "x"},
        content_type="application/json",
    )
    assert long.status_code == 400 and long.json()["code"] == "invalid_input"
    assert "login dài quá 254 ký tự" in long.json()["message"]
    missing = client.post("/api/portal/tokens", {}, content_type="application/json")
    assert "login bắt buộc phải có" in missing.json()["message"]


def test_bounded_types_match_the_model_limits():
    class In(BaseModel):
        name: Text(255) = ""
        fee: Amount = 0
        points: Money(8, 3) = Decimal(0)
        hours: Hours = 0
        day: Day = dt.date(2026, 1, 1)
        email: Email = ""

    cases = {
        "name": ("x" * 256, "string_too_long"),
        "fee": (10**20, "less_than_equal"),
        "points": ("12.3456", "decimal_max_places"),
        "hours": (1e30, "less_than_equal"),
        "day": ("9999-12-31", "date_range"),
        "email": ("khong-phai-email", "email"),
    }
    for field, (value, kind) in cases.items():
        with pytest.raises(ValidationError) as error:
            In(**{field: value})
        [detail] = error.value.errors()
        assert detail["type"] == kind, field
        assert not vietnamese_message(detail).startswith("không hợp lệ") or kind == "email"
    with pytest.raises(ValidationError):
        In(hours="nan")
    with pytest.raises(ValidationError):
        In(name="a\x00b")
    assert In(name="  Nguy\u200bê\u0303n Văn An ").name == "Nguyễn Văn An"
    assert In(email="AN@Example.VN").email == "an@example.vn"


def test_names_are_normalised_on_input_and_folded_on_search():
    typed = "Nguye\u0302\u0303n\u200b Thi\u0323 \ufeffHoa"  # NFD marks, zero-width characters
    assert clean_text(typed) == "Nguyễn Thị Hoa"
    assert fold(typed) == fold("Nguyễn Thị Hoa") == "nguyen thi hoa"


def test_the_api_answers_a_server_error_as_json(quiet_client, monkeypatch):
    from motcua.catalog import selectors

    def broken(**kwargs):
        raise RuntimeError("lỗi bất ngờ")

    monkeypatch.setattr(selectors, "procedure_search", broken)
    response = quiet_client.get("/api/procedures")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "Hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút.",
    }
    page = quiet_client.get("/thu-tuc/")
    assert page.status_code == 500 and "Lỗi hệ thống" in page.content.decode()
    assert "Traceback" not in page.content.decode() and "RuntimeError" not in page.content.decode()


def test_error_pages_and_csrf_refusals_are_in_vietnamese(client):
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.content.decode()
    api_missing = client.get("/api/khong-co")
    assert api_missing.status_code == 404 and api_missing.json()["code"] == "not_found"
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/dang-nhap/", {"username": "a", "password": "b"})
    assert refused.status_code == 403
    assert "Phiên làm việc của biểu mẫu đã hết hạn" in refused.content.decode()
    assert "CSRF verification failed" not in refused.content.decode()


def test_password_rules_answer_in_vietnamese(client):
    response = client.post(
        "/dang-ky/",
        {"full_name": "Lê Văn B", "email": "b@example.vn", "password": "ab1", "password2": "ab1"},
    )
    page = response.content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in page and "too short" not in page


def test_a_taken_email_at_intake_is_validated(client):
    from motcua.core.errors import InvalidInput
    from motcua.portal.services import normalize_email

    with pytest.raises(InvalidInput) as error:
        normalize_email("an@@example")
    assert error.value.code == "email_invalid"


@pytest.mark.parametrize(
    "url",
    [
        "/api/calendar/days?from=9999-01-01&to=9999-12-31",
        "/api/calendar/due?start=9999-12-31T23:00:00&days=36500",
        "/api/calendar/elapsed?start=0001-01-01T00:00:00&end=9999-12-31T00:00:00",
    ],
)
def test_dates_out_of_range_are_refused_not_overflowed(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.json()["code"] == "date_out_of_range"
    assert "01/01/1900 – 31/12/2100" in response.json()["message"]
