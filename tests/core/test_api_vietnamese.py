"""API errors a program meets first: a forgotten token, a missing field (in Vietnamese)."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.core.validation import vietnamese_message as vietnamese
from motcua.organization.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/api/dossiers", "/api/dossiers/X/actions/transfer", "/api/reform/plans"]
)
def test_a_call_without_a_token_gets_401_not_a_csrf_403(url):
    client = Client(enforce_csrf_checks=True)  # as a program calls: no CSRF cookie
    response = client.post(url, data={}, content_type="application/json")
    if response.status_code == 405:  # a read-only path: ask with GET
        response = client.get(url)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "unauthenticated"


def test_a_session_post_without_csrf_is_still_refused(make_user, province):
    from motcua.organization.models import Role

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.DESK_OFFICER, unit=province))
    response = client.post("/api/dossiers", data={}, content_type="application/json")
    assert response.status_code == 403


def test_validation_errors_are_vietnamese(make_user, province):
    from motcua.organization.models import Role

    user = make_user(Role.DESK_OFFICER, unit=province)
    _, raw = api_token_create(actor=user, user=user, name="kiểm thử")
    response = Client().post(
        "/api/dossiers",
        data={"applicant": {"name": ""}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    text = response.content.decode()
    assert "Field required" not in text and "String should" not in text
    fields = {f["field"]: f["error"] for f in body["details"]["fields"]}
    assert fields["procedure"] == "bắt buộc phải có"


def test_every_common_error_kind_has_a_message():
    assert vietnamese({"type": "string_too_long", "ctx": {"max_length": 200}}) == (
        "dài quá 200 ký tự"
    )
    assert vietnamese({"type": "value_error", "msg": "Value error, Ngày không hợp lệ."}) == (
        "Ngày không hợp lệ."
    )
    assert vietnamese({"type": "something_new", "msg": "Input should be"}) == ("không hợp lệ")


def test_a_browser_set_to_english_still_gets_vietnamese(client, make_user, province):
    """Many officers' browsers ask for English first: texts, Django's own messages and number
    formats stay Vietnamese (a year is 2026, a count 1.234 — never "2,026")."""
    from django.utils import translation

    from motcua.organization.models import Role

    client.force_login(make_user(Role.REFORM_OFFICER, unit=province))
    page = client.get("/cai-cach/sipas/", {"nam": "2026"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="vi"' in html and "năm 2026" in html and "2,026" not in html
    assert translation.get_language() in (None, "vi")
