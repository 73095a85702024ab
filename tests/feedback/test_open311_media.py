"""Open311 media: a photo uploaded as the multipart field ``media`` (checked and re-encoded),
``media_url`` kept as a link and never fetched; GET serves our own ``media_url`` of the
checked photo once the answer is published — never for private or unpublished items."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from motcua.feedback.models import Feedback
from motcua.feedback.services import feedback_perform
from tests.feedback.test_open311 import BASE, POST, check_errors, check_request
from tests.feedback.test_open311 import field as field  # noqa: F401 (fixture)
from tests.feedback.test_open311 import key as key  # noqa: F401 (fixture)
from tests.samples import SCAN_PDF

from .conftest import png_bytes

CLIENT_URL = "https://anh.phoxanh.example/u/123.jpg"


def photo(name="den.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def publish(item, org):
    for action, data in (
        ("accept", {}),
        ("draft", {"answer": "Đã sửa đèn tín hiệu tại ngã tư."}),
        ("approve", {}),
        ("publish", {}),
    ):
        item = feedback_perform(feedback=item, action=action, actor=org["centre_leader"], data=data)
    return item


def post(client, key, **extra):  # noqa: F811
    return client.post(f"{BASE}/requests.json", {**POST, "api_key": key, **extra})


def test_a_photo_and_a_link_are_accepted_and_served_after_publication(client, key, field, org):  # noqa: F811
    response = post(client, key, media=photo(), media_url=CLIENT_URL)
    assert response.status_code == 200, response.content
    item = Feedback.objects.get(code=response.json()[0]["service_request_id"])
    (attachment,) = item.attachments.all()
    assert attachment.content_type == "image/png" and item.media_url == CLIENT_URL
    # open: no media_url yet
    row = client.get(f"{BASE}/requests/{item.code}.json").json()[0]
    assert row["media_url"] == ""
    item = publish(item, org)
    for listing in (
        client.get(f"{BASE}/requests.json").json(),
        client.get(f"{BASE}/requests/{item.code}.json").json(),
    ):
        (row,) = listing
        check_request(row, xml=False)
        assert row["media_url"] == f"http://testserver{BASE}/media/{item.code}/{attachment.pk}"
        assert CLIENT_URL not in str(row)  # the client's link is never served again
    image = client.get(row["media_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(image.streaming_content))) as read_back:
        assert read_back.format == "PNG" and read_back.size == (8, 8)
    xml = client.get(f"{BASE}/requests/{item.code}.xml").content
    node = ET.fromstring(xml).find("request/media_url")  # noqa: S314 (our own response)
    assert node is not None and node.text == row["media_url"]


@pytest.mark.parametrize(
    "extra",
    [
        {"media": SimpleUploadedFile("scan.pdf", SCAN_PDF, content_type="application/pdf")},
        {"media": SimpleUploadedFile("anh.png", b"<html>not a picture</html>")},
        {"media": [photo("a.png"), photo("b.png")]},
        {"media_url": "javascript:alert(1)"},
        {"media_url": "ftp://anh.example/1.jpg"},
    ],
    ids=["pdf", "fake-png", "two", "javascript-url", "ftp-url"],
)
def test_bad_media_is_refused_with_the_spec_error_list_and_nothing_written(
    client,
    key,  # noqa: F811
    field,  # noqa: F811
    extra,
):
    response = post(client, key, **extra)
    assert response.status_code == 400, response.content
    check_errors(response.json(), 400)
    assert not Feedback.objects.exists()


def test_private_and_unpublished_photos_are_never_served(client, key, field, org):  # noqa: F811
    open_one = Feedback.objects.get(
        code=post(client, key, media=photo()).json()[0]["service_request_id"]
    )
    private = Feedback.objects.get(
        code=post(client, key, media=photo(), **{"attribute[public]": "false"}).json()[0][
            "service_request_id"
        ]
    )
    private = publish(private, org)
    for item in (open_one, private):
        pk = item.attachments.get().pk
        assert client.get(f"{BASE}/media/{item.code}/{pk}").status_code == 404
    assert [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()] == [
        open_one.code
    ]
    assert client.get(f"{BASE}/requests.json").json()[0]["media_url"] == ""


def test_public_reads_and_photos_are_limited_per_client(client, key, field, org, settings):  # noqa: F811
    """Every Open311 look-up (lists, one request, updates, discovery) and every photo counts
    against one per-client limit a minute; past it: 429 in the spec's error list (photos: plain
    text), in Vietnamese, and nothing else is served to that client."""
    settings.MOTCUA_FEEDBACK_LIMITS = {"reads_per_minute": 5}
    response = post(client, key, media=photo())  # a submission is not a read
    item = publish(Feedback.objects.get(code=response.json()[0]["service_request_id"]), org)
    photo_url = client.get(f"{BASE}/requests/{item.code}.json").json()[0]["media_url"]  # read 1
    for url in (f"{BASE}/requests.json", f"{BASE}/services.json", photo_url, f"{BASE}/updates.xml"):
        assert client.get(url).status_code == 200, url
    refused = client.get(f"{BASE}/requests/{item.code}.json")
    assert refused.status_code == 429
    check_errors(refused.json(), 429)
    assert "quá nhiều lần" in refused.json()[0]["description"]
    photo_refused = client.get(photo_url)
    assert photo_refused.status_code == 429 and "quá nhiều lần" in photo_refused.content.decode()
    # another client is not affected; the submission keeps its own (per-key) limit
    other = client.get(f"{BASE}/requests.json", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200
    assert post(client, key).status_code == 200
