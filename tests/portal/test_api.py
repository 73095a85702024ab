"""The citizen API: POST /api/portal/submissions and POST /api/portal/track, same rules as the
pages (idempotency, content-checked files, no enumeration, no personal data)."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier
from motcua.organization.services import api_token_create
from tests.portal.conftest import PDF, png_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/api/portal/submissions"


def form(world, **extra):
    first, second, _ = world.components
    return {
        "procedure": world.procedure.code,
        "unit": world.commune.code,
        "applicant_id_number": "038090001234",
        f"file_{first.pk}": upload("to-khai.pdf", PDF),
        f"file_{second.pk}": upload("chung-sinh.png", png_bytes(), "image/png"),
        **extra,
    }


def post(client, world, key="api-khoa-0001", **extra):
    return client.post(URL, form(world, **extra), headers={"Idempotency-Key": key})


def test_submit_then_repeat_gives_one_dossier(client, world, citizen):
    client.force_login(citizen.user)
    first = post(client, world)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["created"] is True
    assert body["dossier"]["national_status"] == 1
    assert body["dossier"]["national_status_label"] == "Mới đăng ký"
    # when: the app retries after a timeout
    again = post(client, world)
    # then
    assert again.status_code == 200
    assert again.json()["dossier"]["code"] == body["dossier"]["code"]
    assert Dossier.objects.count() == 1


def test_a_reused_key_with_other_content_is_409(client, world, citizen):
    client.force_login(citizen.user)
    post(client, world)
    response = post(client, world, applicant_address="Nơi khác")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"


def test_a_renamed_exe_is_refused_with_a_vietnamese_message(client, world, citizen):
    client.force_login(citizen.user)
    first = world.components[0]
    exe = upload("to-khai.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = post(client, world, **{f"file_{first.pk}": exe})
    assert response.status_code == 400
    assert response.json()["code"] == "file_type"
    assert "không phải PDF, JPEG hoặc PNG" in response.json()["message"]
    assert not Dossier.objects.exists()


def test_a_missing_key_is_400(client, world, citizen):
    client.force_login(citizen.user)
    response = client.post(URL, form(world))
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"


def test_anonymous_callers_cannot_submit(client, world):
    assert post(client, world).status_code == 401


def test_a_citizen_app_can_use_a_bearer_token(client, world, citizen):
    _, raw = api_token_create(actor=citizen.user, user=citizen.user, name="Ứng dụng di động")
    response = client.post(
        URL,
        form(world),
        headers={"Idempotency-Key": "app-khoa-01", "Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    listing = client.get("/api/portal/dossiers", headers={"Authorization": f"Bearer {raw}"})
    assert listing.json()["count"] == 1
    assert listing.json()["items"][0]["procedure_code"] == world.procedure.code


def test_track_answers_without_personal_data(client, world, citizen):
    client.force_login(citizen.user)
    code = post(client, world).json()["dossier"]["code"]
    client.logout()
    response = client.post(
        "/api/portal/track", {"code": code, "phone4": "5678"}, content_type="application/json"
    )
    assert response.status_code == 200
    text = response.content.decode()
    for secret in ("Nguyễn Văn An", "038090001234", "0912345678", "an@example.vn"):
        assert secret not in text
    assert response.json()["timeline"][0]["label"] == "Đã nộp hồ sơ trực tuyến"


def test_track_gives_one_answer_for_unknown_code_and_wrong_digits(client, world, citizen):
    client.force_login(citizen.user)
    code = post(client, world).json()["dossier"]["code"]
    unknown = track(client, "KHONG-CO-260101-0001", "5678")
    wrong = track(client, code, "0000")
    assert unknown.status_code == wrong.status_code == 404
    assert unknown.content == wrong.content


def track(client, code: str, phone4: str):
    body = {"code": code, "phone4": phone4}
    return client.post("/api/portal/track", body, content_type="application/json")


def test_track_is_rate_limited(client, world, settings):
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": 2, "per_code": 100}
    statuses = [track(client, f"X-{n}", "1234").status_code for n in range(3)]
    assert statuses == [404, 404, 429]
    assert track(client, "X-9", "1234").json()["code"] == "rate_limited"


def test_an_old_get_link_with_digits_goes_to_the_form_without_them(client, world):
    response = client.get("/api/portal/track", {"code": "X-1", "phone4": "1234"})
    assert response.status_code == 303 and response["Location"] == "/tra-cuu/?code=X-1"
