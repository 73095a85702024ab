"""The dossier API end to end with Bearer tokens."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.organization.services import api_token_create
from tests.dossiers.conftest import APPLICANT
from tests.samples import RESULT_PDF

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, raw = api_token_create(actor=user, user=user, name="kiểm thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, data, auth):
    return client.post(url, data=data, content_type="application/json", **auth)


def test_the_api_needs_a_token(client):
    response = client.get("/api/dossiers")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_intake_to_return_through_the_api(client, world):
    desk, spec, lead = bearer(world.desk), bearer(world.specialist), bearer(world.leader)
    # given: a dossier received at the desk
    response = post(
        client,
        "/api/dossiers",
        {"procedure": world.procedure.code, "applicant": APPLICANT},
        desk,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    code = body["code"]
    assert body["national_status"] == 2 and body["due_at"]
    assert "transfer" in body["allowed_actions"]
    base = f"/api/dossiers/{code}/actions"
    # when: it goes through every step
    r = post(client, f"{base}/transfer", {"version": body["version"]}, desk)
    assert r.status_code == 200, r.content
    r = post(client, f"{base}/self_assign", {}, spec)
    assert r.json()["assignee"] == world.specialist.username
    r = post(
        client,
        f"{base}/complete_step",
        {"next_assignee": world.leader.username, "note": "Đủ điều kiện"},
        spec,
    )
    assert r.json()["current_step"]["order"] == 3
    r = client.post(
        f"{base}/approve",
        data={
            "number": "12/GKS",
            "date": "2026-03-03",
            "signer": "Phạm Hùng",
            "file": SimpleUploadedFile("kq.pdf", RESULT_PDF, content_type="application/pdf"),
        },
        **lead,
    )
    assert r.status_code == 200, r.content
    assert r.json()["national_status"] == 9
    assert r.json()["result"]["number"] == "12/GKS"
    r = post(client, f"{base}/return_result", {"method": "desk", "received_by": "An"}, desk)
    # then
    assert r.json()["national_status"] == 10
    events = client.get(f"/api/dossiers/{code}/events", **desk).json()
    assert [e["action"].split(".")[1] for e in events] == [
        "received",
        "transferred",
        "self_assigned",
        "step_completed",
        "approved",
        "returned",
    ]
    pdf = client.get(f"/api/dossiers/{code}/forms/06.pdf", **desk)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_an_action_not_in_the_table_is_a_409(client, world):
    desk = bearer(world.desk)
    code = post(
        client, "/api/dossiers", {"procedure": world.procedure.code, "applicant": APPLICANT}, desk
    ).json()["code"]
    r = post(
        client,
        f"/api/dossiers/{code}/actions/return_result",
        {"method": "desk", "received_by": "A"},
        desk,
    )
    assert r.status_code == 409
    assert r.json()["code"] == "transition_not_allowed"
    assert "Trả kết quả" in r.json()["message"]


def test_a_stale_version_is_a_409(client, world):
    desk = bearer(world.desk)
    body = post(
        client, "/api/dossiers", {"procedure": world.procedure.code, "applicant": APPLICANT}, desk
    ).json()
    code = body["code"]
    assert (
        post(
            client, f"/api/dossiers/{code}/actions/transfer", {"version": body["version"]}, desk
        ).status_code
        == 200
    )
    r = post(
        client,
        f"/api/dossiers/{code}/actions/withdraw",
        {"version": body["version"], "reason": "Rút"},
        desk,
    )
    assert r.status_code == 409
    assert r.json()["code"] == "dossier_changed"
    assert "vừa được người khác cập nhật" in r.json()["message"]


def test_another_commune_cannot_read_or_act(client, world):
    desk = bearer(world.desk)
    code = post(
        client, "/api/dossiers", {"procedure": world.procedure.code, "applicant": APPLICANT}, desk
    ).json()["code"]
    other = bearer(world.other_desk)
    assert client.get(f"/api/dossiers/{code}", **other).status_code == 403
    r = post(client, f"/api/dossiers/{code}/actions/withdraw", {"reason": "x"}, other)
    assert r.status_code == 403


def test_list_filters_and_masks(client, world):
    desk = bearer(world.desk)
    for _ in range(3):
        post(
            client,
            "/api/dossiers",
            {"procedure": world.procedure.code, "applicant": APPLICANT},
            desk,
        )
    r = client.get(
        "/api/dossiers", {"status": "2", "procedure": world.procedure.code, "page_size": 2}, **desk
    )
    body = r.json()
    assert body["count"] == 3 and body["pages"] == 2 and len(body["items"]) == 2
    assert body["items"][0]["applicant_id_number"] == "038******234"
    assert client.get("/api/dossiers", {"overdue": "true"}, **desk).json()["count"] == 0
    other = bearer(world.other_desk)
    assert client.get("/api/dossiers", **other).json()["count"] == 0


def test_incomplete_intake_is_refused_with_the_form_02_hint(client, world):
    desk = bearer(world.desk)
    first = world.procedure.components.get(order=1).pk
    r = post(
        client,
        "/api/dossiers",
        {
            "procedure": world.procedure.code,
            "applicant": APPLICANT,
            "checklist": [{"component": first}],
        },
        desk,
    )
    assert r.status_code == 400 and r.json()["code"] == "dossier_incomplete"
    r = post(
        client,
        "/api/dossiers",
        {
            "procedure": world.procedure.code,
            "applicant": APPLICANT,
            "checklist": [{"component": first}],
            "outcome": "request_completion",
            "reasons": "Thiếu giấy chứng sinh",
        },
        desk,
    )
    assert r.status_code == 201 and r.json()["national_status"] == 3
    pdf = client.get(f"/api/dossiers/{r.json()['code']}/forms/02.pdf", **desk)
    assert pdf.status_code == 200


def test_stats_endpoint_counts(client, world):
    desk = bearer(world.desk)
    post(client, "/api/dossiers", {"procedure": world.procedure.code, "applicant": APPLICANT}, desk)
    rows = client.get("/api/stats/dossiers", {"group_by": "unit"}).json()
    assert rows[0]["group"] == world.commune.code
    assert rows[0]["received"] == 1
    assert rows[0]["in_progress_within"] == 1
    assert rows[0]["online_share"] == 0.0
