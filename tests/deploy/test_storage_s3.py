"""Dossier files in S3-compatible object storage (django-storages), against moto's S3 server.

The object is written through the dossier service, read back through the officer's checking
view, and is not readable by anyone who asks the bucket directly."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from tests.dossiers.conftest import receive
from tests.samples import pdf

pytestmark = pytest.mark.django_db

SCAN = pdf("ban sao giay chung sinh (luu tru doi tuong)")  # uploads are checked by content
KEYS = {"access_key": "motcua-test", "secret_key": "motcua-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # empty: a file found there came from this test
    name = f"motcua-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "motcua.core.checked_s3.CheckedS3Storage",  # as settings choose it
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                **KEYS,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "signature_version": "s3v4",
                "file_overwrite": False,
            },
        },
    }
    return client, name


def test_a_scanned_document_lives_in_the_bucket_private_and_reaches_its_officer(
    client, world, bucket, s3_endpoint, settings
):
    s3, name = bucket
    # given a dossier received with a scanned document
    component = world.procedure.components.get(order=2)
    checklist = [
        {"component": c.pk, "provided": c.required}
        for c in world.procedure.components.exclude(pk=component.pk)
    ] + [{"component": component.pk, "file": SimpleUploadedFile("chung-sinh.pdf", SCAN)}]
    dossier = receive(world, checklist=checklist)
    item = dossier.checklist.get(order=2)
    # then the scan is an object of the bucket, not a file on this machine's disk
    assert not (Path(settings.MEDIA_ROOT) / item.file.name).exists()
    stored = s3.get_object(Bucket=name, Key=item.file.name)
    assert stored["Body"].read() == SCAN
    # no grant to everyone or to any authenticated AWS user
    grants = s3.get_object_acl(Bucket=name, Key=item.file.name)["Grants"]
    assert [g for g in grants if "URI" in g["Grantee"]] == []
    # and a direct, unsigned request for it is refused
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{name}/{item.file.name}", timeout=10)  # noqa: S310
    assert refused.value.code == 403
    # when the dossier's officer asks the checking view, it is streamed back
    client.force_login(world.desk)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/tep/{item.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SCAN
    assert response["Cache-Control"] == "private, no-store"
    # while an officer of another commune is refused before anything is read
    client.force_login(world.other_desk)
    assert client.get(f"/can-bo/ho-so/{dossier.code}/tep/{item.pk}/").status_code == 403


def test_a_url_handed_out_by_the_storage_is_signed_and_short_lived(bucket):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("reform/evidence/2026/03/bien-ban.pdf", ContentFile(SCAN))
    url = default_storage.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    with urllib.request.urlopen(url, timeout=10) as signed:  # noqa: S310
        assert signed.read() == SCAN


def test_an_svg_never_reaches_the_bucket(world, bucket):
    from motcua.core.errors import InvalidInput

    s3, name = bucket
    component = world.procedure.components.get(order=2)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    checklist = [
        {"component": c.pk, "provided": c.required}
        for c in world.procedure.components.exclude(pk=component.pk)
    ] + [{"component": component.pk, "file": SimpleUploadedFile("chung-sinh.pdf", svg)}]
    with pytest.raises(InvalidInput):
        receive(world, checklist=checklist)
    assert s3.list_objects_v2(Bucket=name).get("KeyCount", 0) == 0
