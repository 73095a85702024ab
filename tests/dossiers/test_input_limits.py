"""Bad input at the edge of the dossier app: a 400 (or a Vietnamese page error) with a stable
code, never a crash and never a write. Each case crashed or was accepted before the limits."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import InvalidInput
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.ledger.models import Event
from tests.dossiers.conftest import APPLICANT, at, receive, to_specialist
from tests.dossiers.test_api import bearer, post

pytestmark = pytest.mark.django_db


def intake_body(world, **extra):
    return {"procedure": world.procedure.code, "applicant": dict(APPLICANT), **extra}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "A" * 256),  # applicant_name max_length=255
        ("address", "x" * 501),  # applicant_address max_length=500
        ("phone", "0" * 21),  # applicant_phone max_length=20
        ("name", "Nguyễn\x00Văn An"),  # PostgreSQL refuses NUL bytes
        ("email", "không phải thư"),
    ],
)
def test_intake_refuses_applicant_fields_beyond_the_model(client, world, field, value):
    body = intake_body(world)
    body["applicant"][field] = value
    response = post(client, "/api/dossiers", body, bearer(world.desk))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_input"
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [
        {"postal_tracking": "P" * 41, "channel": "postal"},  # max_length=40
        {"fee_due": "1e30"},  # max_digits=14
        {"fee_due": 1e30},
        {"note": "ghi\x00chú"},
        {"checklist": [{"name": "Tờ khai", "quantity": 40000}]},  # PositiveSmallIntegerField
    ],
)
def test_intake_refuses_overflows_and_nul(client, world, extra):
    response = post(client, "/api/dossiers", intake_body(world, **extra), bearer(world.desk))
    assert response.status_code == 400, response.content
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("request_payment", {"amount": "1e30"}),
        ("request_payment", {"amount": "NaN"}),
        ("consult", {"unit": "X", "question": "Ý kiến?", "hours": 1e30}),
        ("apologize", {"reason": "Chậm", "new_due_at": "9999-12-31T17:00:00+07:00"}),
        ("apologize", {"reason": "Chậm", "new_due_at": "2026-03-20T17:00:00"}),  # naive
        ("late_entry", {"occurred_at": "0001-01-01T00:00:00Z", "description": "x", "reason": "y"}),
        ("send_back", {"to_step": 10**30, "reason": "Làm lại"}),
        ("stop", {"reason": "Dừng\x00"}),
        ("request_supplement", {"items": ["Bản sao\x00"]}),
        ("request_supplement", {"items": ["x" * 501]}),
    ],
)
def test_actions_refuse_overflows_out_of_range_dates_and_nul(client, world, action, body):
    dossier = to_specialist(world, receive(world, when=at(0, 8)), when=at(0, 9))
    events_before = Event.objects.filter(subject_id=dossier.code).count()
    response = post(
        client, f"/api/dossiers/{dossier.code}/actions/{action}", body, bearer(world.leader)
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_input"
    assert Event.objects.filter(subject_id=dossier.code).count() == events_before


def test_an_apology_may_not_push_the_appointment_beyond_a_year(world):
    dossier = to_specialist(world, receive(world, when=at(0, 8)), when=at(0, 9))
    too_far = dossier.due_at + dt.timedelta(days=366)
    with pytest.raises(InvalidInput) as error:
        services.dossier_apologize(
            actor=world.leader, dossier=dossier, reason="Chậm", new_due_at=too_far, at=at(0, 10)
        )
    assert error.value.code == "new_due_too_far"
    within = dossier.due_at + dt.timedelta(days=30)
    services.dossier_apologize(
        actor=world.leader, dossier=dossier, reason="Chậm", new_due_at=within, at=at(0, 10)
    )
    assert Dossier.objects.get(pk=dossier.pk).reappointed_due_at == within


def test_a_superuser_intake_without_a_unit_is_a_clear_400(client, world, django_user_model):
    root = django_user_model.objects.create_superuser("quantri", password="Mk-kiem-thu-2026")
    response = post(client, "/api/dossiers", intake_body(world), bearer(root))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "unit_required"
    assert "đơn vị tiếp nhận" in response.json()["message"]
    # with a unit it works
    body = intake_body(world, unit=world.commune.code)
    assert post(client, "/api/dossiers", body, bearer(root)).status_code == 201


def test_officer_intake_with_an_idempotency_key_is_made_once(client, world):
    auth = bearer(world.desk)
    key = {"HTTP_IDEMPOTENCY_KEY": "tiep-nhan-0001"}
    # when: the same intake is sent twice (the first answer was lost)
    first = post(client, "/api/dossiers", intake_body(world), {**auth, **key})
    again = post(client, "/api/dossiers", intake_body(world), {**auth, **key})
    # then: one dossier, the retry answers 200 with it
    assert first.status_code == 201 and again.status_code == 200, again.content
    assert again.json()["code"] == first.json()["code"]
    assert Dossier.objects.count() == 1
    # the same key with other content is a conflict; another key is another dossier
    other = intake_body(world)
    other["applicant"]["name"] = "Trần Thị Bình"
    conflict = post(client, "/api/dossiers", other, {**auth, **key})
    assert conflict.status_code == 409 and conflict.json()["code"] == "idempotency_key_reused"
    fresh = post(client, "/api/dossiers", other, {**auth, "HTTP_IDEMPOTENCY_KEY": "tiep-nhan-2"})
    assert fresh.status_code == 201
    bad = post(client, "/api/dossiers", other, {**auth, "HTTP_IDEMPOTENCY_KEY": "ngắn"})
    assert bad.status_code == 400 and bad.json()["code"] == "idempotency_key_invalid"
    assert Dossier.objects.count() == 2


def test_the_openapi_declares_the_key_the_errors_and_keeps_operation_ids(client):
    schema = client.get("/api/openapi.json").json()
    intake = schema["paths"]["/api/dossiers"]["post"]
    headers = [p["name"] for p in intake["parameters"] if p["in"] == "header"]
    assert "Idempotency-Key" in headers
    assert {"200", "201", "400", "403", "404", "409"} <= set(intake["responses"])
    stop = schema["paths"]["/api/dossiers/{code}/actions/stop"]["post"]
    assert stop["operationId"] == "dossier_action_stop"
    assert {"200", "400", "403", "404", "409"} <= set(stop["responses"])
    approve = schema["paths"]["/api/dossiers/{code}/actions/approve"]["post"]
    assert "multipart/form-data" in approve["requestBody"]["content"]


def _intake_page_data(world, qty: str) -> dict:
    data = {
        "procedure": world.procedure.code,
        "applicant_name": "Lê Thị Bình",
        "applicant_id_number": "001199012345",
        "channel": "in_person",
        "return_method": "desk",
        "outcome": "receive",
    }
    for c in world.procedure.components.all():
        data[f"c{c.pk}_provided"] = "on"
        data[f"c{c.pk}_copy"] = "original"
        data[f"c{c.pk}_qty"] = qty
    return data


@pytest.mark.parametrize("qty", ["abc", "-1", "0", "99999999999999999999"])
def test_intake_page_with_a_bad_quantity_shows_a_vietnamese_error(client, world, qty):
    client.force_login(world.desk)
    response = client.post("/can-bo/tiep-nhan/", _intake_page_data(world, qty))
    assert response.status_code == 400
    assert "Số lượng bản" in response.content.decode()
    assert not Dossier.objects.exists()


def test_intake_page_refuses_a_too_long_name_and_nul(client, world):
    client.force_login(world.desk)
    data = _intake_page_data(world, "1")
    for name in ("A" * 256, "Lê\x00Bình"):
        response = client.post("/can-bo/tiep-nhan/", {**data, "applicant_name": name})
        assert response.status_code == 400
        assert "Dữ liệu không hợp lệ" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_page_action_with_a_nul_byte_is_refused_with_a_message(client, world):
    dossier = receive(world, when=at(0, 8))
    client.force_login(world.leader)
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/stop/", {"reason": "Dừng\x00"}, follow=True
    )
    assert "Dữ liệu không hợp lệ" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == dossier.status


def test_a_page_amount_in_vietnamese_format_is_read(client, world):
    dossier = to_specialist(world, receive(world, when=at(0, 8)), when=at(0, 9))
    client.force_login(world.specialist)
    client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/request_payment/",
        {"amount": "1.234.000", "note": "Phí thẩm định", "version": dossier.version},
    )
    assert Dossier.objects.get(pk=dossier.pk).fee_due == dossier.fee_due + 1_234_000


def test_reads_refuse_nul_bytes_and_dates_out_of_range(client, world):
    auth = bearer(world.desk)
    # a NUL byte in the path is refused before any view (core.middleware, issue 11 item 6)
    response = client.get("/api/dossiers/AB%00CD", **auth)
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert client.get("/api/dossiers", {"q": "An\x00"}, **auth).status_code == 400
    assert client.get("/api/dossiers", {"to": "9999-12-31"}, **auth).status_code == 400
    assert client.get("/api/stats/dossiers", {"to": "9999-12-31"}).status_code == 400
    assert client.get("/api/stats/dossiers", {"from": "2026-01-01"}).status_code == 200


def test_intake_page_sent_twice_makes_one_dossier(client, world):
    client.force_login(world.desk)
    page = client.get(f"/can-bo/tiep-nhan/?procedure={world.procedure.code}").content.decode()
    key = page.split('name="intake_key" value="')[1].split('"')[0]
    data = {**_intake_page_data(world, "1"), "intake_key": key}
    # when: the officer's browser sends the form twice (a double click, a reload)
    first = client.post("/can-bo/tiep-nhan/", data)
    second = client.post("/can-bo/tiep-nhan/", data)
    # then: one dossier, both answers lead to it
    dossier = Dossier.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/can-bo/ho-so/{dossier.code}/"
