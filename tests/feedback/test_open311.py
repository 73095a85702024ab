"""Open311 GeoReport v2: every response checked against the spec's required fields and types
(JSON and XML), keys hashed and revocable, private items and senders never served; and the
third-party ``georeport`` client against a live server."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from motcua.catalog.models import Field
from motcua.core.errors import PermissionDenied
from motcua.feedback.models import Feedback, Open311Key
from motcua.feedback.services import (
    feedback_perform,
    open311_key_issue,
    open311_key_revoke,
)

BASE = "/open311/v2"
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


# ------------------------------------------------------------------ spec checks


def _xml_list(content: bytes, root: str, item: str) -> list[dict]:
    tree = ET.fromstring(content)  # noqa: S314 (our own response)
    assert tree.tag == root
    return [_xml_dict(node) for node in tree.findall(item)]


def _xml_dict(node) -> dict:
    out = {}
    for child in node:
        out[child.tag] = _xml_dict(child) if len(child) else (child.text or "")
    return out


def check_service(s: dict, xml: bool):
    for key in (
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ):
        assert key in s, key
    assert s["metadata"] in ((True, False) if not xml else ("true", "false"))
    assert s["type"] in ("realtime", "batch", "blackbox")


def check_request(r: dict, xml: bool):
    for key in (
        "service_request_id",
        "status",
        "service_code",
        "requested_datetime",
        "updated_datetime",
        "description",
        "agency_responsible",
        "address",
        "lat",
        "long",
        "status_notes",
        "service_name",
        "expected_datetime",
        "media_url",
    ):
        assert key in r, key
    assert r["status"] in ("open", "closed")
    assert OFFSET.match(r["requested_datetime"]) and OFFSET.match(r["updated_datetime"])
    if not xml:
        assert r["lat"] is None or isinstance(r["lat"], float)
        assert isinstance(r["service_request_id"], str)


def check_errors(errors: list[dict], status: int):
    assert errors and all(int(e["code"]) == status and e["description"] for e in errors)


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def field(db):
    return Field.objects.create(code="GT", name="Giao thông")


@pytest.fixture
def key(org):
    key, plain = open311_key_issue(
        actor=org["admin"],
        organization="Ứng dụng Phố Xanh",
        receiving_unit=org["centre"],
        per_hour=3,
    )
    return plain


@pytest.fixture
def items(submit, org, field):
    now = timezone.now() - dt.timedelta(days=1)
    public = submit(now=now, field=field, lat="16.8", lon="107.1", place_address="Ngã tư A")
    private = submit(now=now, title="Riêng", content="Nội dung riêng tư", is_public=False)
    rejected = submit(now=now, title="Rác")
    feedback_perform(
        feedback=rejected,
        action="reject",
        actor=org["desk"],
        data={"reason": "Không phải phản ánh"},
    )
    return {"public": public, "private": private, "rejected": rejected}


# ------------------------------------------------------------------ tests


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_and_definitions_conform(client, field, fmt):
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200 and "charset=utf-8" in response["Content-Type"]
    rows = response.json() if fmt == "json" else _xml_list(response.content, "services", "service")
    assert {r["service_code"] for r in rows} >= {"GT", "KHAC"}
    for r in rows:
        check_service(r, fmt == "xml")
    definition = client.get(f"{BASE}/services/GT.{fmt}")
    if fmt == "json":
        body = definition.json()
        attributes = body["attributes"]
    else:
        tree = ET.fromstring(definition.content)  # noqa: S314 (our own response)
        assert tree.tag == "service_definition"
        body = {"service_code": tree.findtext("service_code")}
        attributes = [_xml_dict(a) for a in tree.find("attributes")]
    assert body["service_code"] == "GT"
    for a in attributes:
        for k in (
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
        ):
            assert k in a, k
        assert a["datatype"] in DATATYPES
        if a["datatype"] == "singlevaluelist":
            assert a["values"]
    missing = client.get(f"{BASE}/services/KHONGCO.{fmt}")
    assert missing.status_code == 404
    check_errors(
        missing.json() if fmt == "json" else _xml_list(missing.content, "errors", "error"), 404
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_list_only_public_items_and_no_sender(client, items, fmt):
    response = client.get(f"{BASE}/requests.{fmt}")
    rows = (
        response.json()
        if fmt == "json"
        else _xml_list(response.content, "service_requests", "request")
    )
    assert [r["service_request_id"] for r in rows] == [items["public"].code]
    for r in rows:
        check_request(r, fmt == "xml")
    text = response.content.decode()
    assert "Trần Thị Bình" not in text and "0912345678" not in text and "12 Lê Lợi" not in text
    one = client.get(f"{BASE}/requests/{items['public'].code}.{fmt}")
    assert one.status_code == 200
    for hidden in ("private", "rejected"):
        missing = client.get(f"{BASE}/requests/{items[hidden].code}.{fmt}")
        assert missing.status_code == 404


def test_requests_filters_and_paging(client, items, submit, field):
    submit(now=timezone.now() - dt.timedelta(days=120), title="Cũ")
    assert len(client.get(f"{BASE}/requests.json").json()) == 1  # older than 90 days left out
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    assert len(client.get(f"{BASE}/requests.json", {"status": "open"}).json()) == 1
    assert len(client.get(f"{BASE}/requests.json", {"service_code": "GT"}).json()) == 1
    assert client.get(f"{BASE}/requests.json", {"service_code": "KHAC"}).json() == []
    old = timezone.now() - dt.timedelta(days=150)
    window = {"start_date": old.isoformat(), "end_date": (old + dt.timedelta(days=60)).isoformat()}
    assert [r["description"] for r in client.get(f"{BASE}/requests.json", window).json()] == [
        "Sau mưa, đoạn đường ngập sâu 40 cm, đề nghị khơi thông cống."
    ]
    assert client.get(f"{BASE}/requests.json", {"page_size": 1, "page": 2}).json() == []
    for bad in (
        {"start_date": "hôm qua"},
        {"status": "pending"},
        {"page_size": "0"},
        {"start_date": "2020-01-01T00:00:00Z", "end_date": "2021-01-01T00:00:00Z"},
    ):
        response = client.get(f"{BASE}/requests.json", bad)
        assert response.status_code == 400, bad
        check_errors(response.json(), 400)
    ids = client.get(
        f"{BASE}/requests.json",
        {"service_request_id": f"{items['public'].code},{items['private'].code}"},
    )
    assert [r["service_request_id"] for r in ids.json()] == [items["public"].code]


def test_jurisdiction_id_must_name_the_province(client, settings, field):
    settings.MOTCUA_OPEN311_JURISDICTION = "tinh-demo.gov.vn"
    assert (
        client.get(f"{BASE}/services.json", {"jurisdiction_id": "tinh-demo.gov.vn"}).status_code
        == 200
    )
    response = client.get(f"{BASE}/services.json", {"jurisdiction_id": "khac.gov.vn"})
    assert response.status_code == 404
    check_errors(response.json(), 404)


POST = {
    "service_code": "GT",
    "description": "Đèn tín hiệu hỏng tại ngã tư",
    "lat": "16.81",
    "long": "107.10",
    "first_name": "Phạm",
    "last_name": "Dung",
    "phone": "0901234567",
    "attribute[sender_address]": "3 Hùng Vương",
    "attribute[show_name]": "false",
}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_request_with_a_key(client, field, key, org, fmt):
    response = client.post(f"{BASE}/requests.{fmt}", {**POST, "api_key": key})
    assert response.status_code == 200, response.content
    rows = (
        response.json()
        if fmt == "json"
        else _xml_list(response.content, "service_requests", "request")
    )
    item = Feedback.objects.get(code=rows[0]["service_request_id"])
    assert item.channel == "open311" and item.receiving_unit == org["centre"]
    assert item.sender_name == "Phạm Dung" and not item.show_name and item.field == field


def test_post_refusals_are_the_spec_error_list(client, field, key, org):
    assert Open311Key.objects.get().key_hash != key and key not in str(
        Open311Key.objects.values_list()
    )
    no_key = client.post(f"{BASE}/requests.json", POST)
    assert no_key.status_code == 403
    check_errors(no_key.json(), 403)
    no_place = {k: v for k, v in POST.items() if k not in ("lat", "long")}
    response = client.post(f"{BASE}/requests.json", {**no_place, "api_key": key})
    assert response.status_code == 400
    no_address = {k: v for k, v in POST.items() if k != "attribute[sender_address]"}
    response = client.post(f"{BASE}/requests.json", {**no_address, "api_key": key})
    assert response.status_code == 400 and "Nghị định 20" in response.json()[0]["description"]
    unknown = client.post(f"{BASE}/requests.json", {**POST, "service_code": "X", "api_key": key})
    assert unknown.status_code == 404
    assert not Feedback.objects.exists()


def test_keys_are_rate_limited_and_revocable(client, field, key, org):
    for _ in range(3):
        assert client.post(f"{BASE}/requests.json", {**POST, "api_key": key}).status_code == 200
    limited = client.post(f"{BASE}/requests.json", {**POST, "api_key": key})
    assert limited.status_code == 429
    check_errors(limited.json(), 429)
    open311_key_revoke(actor=org["admin"], key=Open311Key.objects.get())
    assert client.post(f"{BASE}/requests.json", {**POST, "api_key": key}).status_code == 403
    with pytest.raises(PermissionDenied):
        open311_key_issue(actor=org["desk"], organization="X", receiving_unit=org["centre"])


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_updates_feed_and_discovery(client, items, org, fmt):
    feedback_perform(feedback=items["public"], action="accept", actor=org["desk"], data={})
    response = client.get(f"{BASE}/updates.{fmt}")
    rows = (
        response.json()
        if fmt == "json"
        else _xml_list(response.content, "service_request_updates", "request_update")
    )
    assert {r["service_request_id"] for r in rows} == {items["public"].code}
    assert [r["status_notes"] for r in rows][-1] == "Thụ lý xử lý phản ánh"
    assert all(OFFSET.match(r["updated_datetime"]) for r in rows)
    discovery = client.get(f"{BASE}/discovery.{fmt}")
    assert discovery.status_code == 200
    if fmt == "json":
        endpoint = discovery.json()["endpoints"][0]
        assert endpoint["specification"].endswith("GeoReport_v2")
        assert endpoint["formats"] == ["text/xml", "application/json"]


# ------------------------------------------------------------------ a real client


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_our_server(live_server, items, field, fmt, settings):
    from georeport import GeoReport

    settings.MOTCUA_OPEN311_JURISDICTION = "tinh-demo.gov.vn"
    client = GeoReport(
        f"{live_server.url}{BASE}", jurisdiction="tinh-demo.gov.vn", output_format=fmt
    )
    services = client.get_service_list()
    if isinstance(services, dict):  # xmltodict: a single <service> is not a list
        services = [services]
    assert "GT" in {s["service_code"] for s in services}
    definition = client.get_service_definition("GT")
    assert definition["service_code"] == "GT"
    requests = client.get_service_requests(status="open")
    if isinstance(requests, dict):
        requests = [requests]
    assert [r["service_request_id"] for r in requests] == [items["public"].code]
    one = client.get_service_request(items["public"].code)
    one = one[0] if isinstance(one, list) else one
    assert one["status"] == "open" and OFFSET.match(one["requested_datetime"])


def test_plain_http_post_against_the_live_server(live_server, field, key):
    import requests

    response = requests.post(
        f"{live_server.url}{BASE}/requests.json", data={**POST, "api_key": key}, timeout=10
    )
    assert response.status_code == 200
    code = response.json()[0]["service_request_id"]
    assert Feedback.objects.filter(code=code).exists()


def test_admin_issues_a_key_shown_once_and_revokes_it(client, org, field):
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.create_superuser("fb.admin", "a@example.vn", "Mk-2026-admin")
    client.force_login(boss)
    response = client.post(
        "/admin/feedback/open311key/add/",
        {"organization": "Bản đồ số", "receiving_unit": org["centre"].pk, "per_hour": 10},
        follow=True,
    )
    plain = re.search(r"o311_[\w-]+", response.content.decode()).group(0)
    key = Open311Key.objects.get()
    assert key.key_hash != plain and key.prefix == plain[:12]
    response = client.post(
        "/admin/feedback/open311key/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    key.refresh_from_db()
    assert key.revoked_at is not None
