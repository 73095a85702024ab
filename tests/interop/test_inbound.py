"""Dossiers submitted on the national portal: pulled or pushed, taken once into the same intake
as the province portal's submissions, national code kept and sent back with each status."""

from __future__ import annotations

import base64

import pytest
from django.test import override_settings

from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Channel, Dossier
from motcua.interop.inbound import interop_inbound_pull
from motcua.interop.models import InboundDossier, SyncRecord
from motcua.interop.services import interop_sync
from motcua.ledger.models import Event
from tests.dossiers.conftest import RESULT_PDF

pytestmark = pytest.mark.django_db

TOKEN = "bi-mat-cong-quoc-gia-2026"


def submission(world, code="G22-260102-0001", **extra) -> dict:
    body = {
        "ma_ho_so_dvcqg": code,
        "ma_thu_tuc": world.procedure.code,
        "ma_don_vi": world.commune.electronic_id,
        "nguoi_nop": {
            "ho_ten": "Nguyễn Thị Bình",
            "so_dinh_danh": "001190000123",
            "dien_thoai": "0912 345 678",
            "email": "binh@example.vn",
        },
        "thanh_phan": [
            {"thu_tu": 1, "noi_dung": base64.b64encode(RESULT_PDF).decode()},
            {"thu_tu": 2},
        ],
    }
    body.update(extra)
    return body


def test_pull_takes_each_dossier_once_into_the_online_intake(world, portal):
    portal.add_submission(submission(world))
    portal.add_submission(submission(world, code="G22-260102-0002", ma_thu_tuc="9.999999"))
    first = interop_inbound_pull(portal=portal)
    assert first.taken == 1 and len(first.refused) == 1 and "9.999999" in first.refused[0]

    link = InboundDossier.objects.get(national_code="G22-260102-0001")
    dossier = Dossier.objects.get(code=link.dossier_code)
    assert dossier.channel == Channel.ONLINE and dossier.status == Status.SUBMITTED
    assert dossier.applicant_name == "Nguyễn Thị Bình"
    items = {i.order: i for i in dossier.checklist.all()}
    assert items[1].provided and items[1].file and items[2].provided and not items[2].file
    refused = InboundDossier.objects.get(national_code="G22-260102-0002")
    assert refused.dossier_code is None and "9.999999" in refused.error
    actions = set(Event.objects.filter(subject_type="interop").values_list("action", flat=True))
    assert {"interop.inbound_taken", "interop.inbound_refused"} <= actions

    # the same dossier listed again (the portal re-sends, or our cursor was lost)
    portal.add_submission(submission(world))
    again = interop_inbound_pull(portal=portal)
    assert again.taken == 0 and again.again == 1
    assert Dossier.objects.count() == 1


def test_status_goes_back_with_the_national_code(world, portal):
    portal.add_submission(submission(world))
    interop_inbound_pull(portal=portal)
    dossier = Dossier.objects.get()
    services.dossier_accept(actor=world.desk, dossier=dossier)
    assert SyncRecord.objects.filter(dossier_code=dossier.code).count() == 2  # 1, then 2
    interop_sync(portal=portal)
    held = portal.list_dossiers()[dossier.code]
    assert held["ma_ho_so_dvcqg"] == "G22-260102-0001" and held["trang_thai"] == 2
    assert held["kenh"] == 2


def test_bad_input_changes_nothing_and_missing_files_are_refused(world, portal):
    portal.add_submission(submission(world, thanh_phan=[{"thu_tu": 1}]))  # no birth certificate
    portal.add_submission(submission(world, code="G22-260102-0003", ma_don_vi="000.99.99.X"))
    portal.add_submission(
        submission(world, code="G22-260102-0004", thanh_phan=[{"thu_tu": 1, "noi_dung": "<html>"}])
    )
    result = interop_inbound_pull(portal=portal)
    assert result.taken == 0 and len(result.refused) == 3
    assert "Giấy chứng sinh" in result.refused[0]
    assert Dossier.objects.count() == 0 and SyncRecord.objects.count() == 0


@override_settings(INTEROP_INBOUND_TOKEN=TOKEN)
def test_push_endpoint_token_idempotency_and_conflict(world, client):
    url = "/api/interop/inbound"
    body = submission(world)
    wrong = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer x")
    assert wrong.status_code == 401, wrong.content.decode()
    assert wrong.json()["code"] == "interop_inbound_token"
    none = client.post(url, body, content_type="application/json")
    assert none.status_code == 401 and Dossier.objects.count() == 0

    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    created = client.post(url, body, content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["created"] is True
    same = client.post(url, body, content_type="application/json", **auth)
    assert same.status_code == 200 and same.json()["dossier_code"] == created.json()["dossier_code"]
    assert Dossier.objects.count() == 1

    changed = {**body, "nguoi_nop": {**body["nguoi_nop"], "ho_ten": "Người khác"}}
    conflict = client.post(url, changed, content_type="application/json", **auth)
    assert conflict.status_code == 409 and conflict.json()["code"] == "interop_inbound_conflict"
    bad = client.post(url, {"ma_thu_tuc": "x"}, content_type="application/json", **auth)
    assert bad.status_code == 400 and bad.json()["code"] == "interop_inbound_invalid"
    assert Dossier.objects.count() == 1


@override_settings(INTEROP_INBOUND_TOKEN="")
def test_push_refused_when_no_token_is_configured(world, client):
    r = client.post(
        "/api/interop/inbound",
        submission(world),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer ",
    )
    assert r.status_code == 401 and Dossier.objects.count() == 0


@override_settings(INTEROP_INBOUND_TOKEN=TOKEN)
def test_push_is_rate_limited(world, client, monkeypatch):
    from motcua.interop import api

    monkeypatch.setattr(api, "INBOUND_PUSHES_PER_MINUTE", 2)
    codes = [
        client.post("/api/interop/inbound", {}, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [401, 401, 429]


def test_a_pushed_position_does_not_move_the_pull_cursor(world, portal):
    """``stt`` is the pull's position: a push that carries one (say the portal's newest) must
    not make the next pull skip the dossiers submitted before it."""
    from motcua.interop.inbound import inbound_take

    for n in (1, 2, 3):
        portal.add_submission(submission(world, code=f"G22-260102-000{n}"))
    newest = portal.list_submissions(after=2)[0]
    assert inbound_take(submission=newest, source="push").created
    pulled = interop_inbound_pull(portal=portal)
    assert pulled.taken == 2 and pulled.again == 1 and not pulled.refused
    assert Dossier.objects.count() == 3
