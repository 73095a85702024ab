"""Stored files (results, scans) are served only to those who may see the dossier."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import ReturnMethod
from motcua.portal.services import citizen_register
from tests.dossiers.conftest import APPLICANT, approve, at, receive, to_leader, to_specialist
from tests.samples import RESULT_PDF, SCAN_PDF

pytestmark = pytest.mark.django_db

SCAN = SCAN_PDF


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved(world):
    component = world.procedure.components.get(order=2)
    checklist = [
        {"component": c.pk, "provided": c.required}
        for c in world.procedure.components.exclude(pk=component.pk)
    ] + [{"component": component.pk, "file": SimpleUploadedFile("chung-sinh.pdf", SCAN)}]
    dossier = receive(world, checklist=checklist)
    dossier = to_leader(world, to_specialist(world, dossier))
    return approve(world, dossier)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_officers_of_the_dossier_get_its_result_and_scans(client, world, approved):
    client.force_login(world.desk)
    page = client.get(f"/can-bo/ho-so/{approved.code}/").content.decode()
    item = approved.checklist.get(order=2)
    assert f"/can-bo/ho-so/{approved.code}/tep/ket-qua/" in page
    assert f"/can-bo/ho-so/{approved.code}/tep/{item.pk}/" in page
    result = client.get(f"/can-bo/ho-so/{approved.code}/tep/ket-qua/")
    assert result.status_code == 200 and body(result) == RESULT_PDF
    assert result["Cache-Control"] == "private, no-store"
    assert result["Content-Disposition"].startswith("inline")
    scan = client.get(f"/can-bo/ho-so/{approved.code}/tep/{item.pk}/")
    assert scan.status_code == 200 and body(scan) == SCAN


def test_nobody_else_gets_them_and_nothing_under_media_is_public(client, world, approved):
    item = approved.checklist.get(order=2)
    urls = [f"/can-bo/ho-so/{approved.code}/tep/ket-qua/", f"/can-bo/ho-so/{approved.code}/tep/{item.pk}/"]  # fmt: skip
    for url in urls:  # anonymous: asked to log in
        assert client.get(url).status_code == 302
    assert client.get(f"/media/{approved.result_file.name}").status_code == 404
    assert client.get(f"/media/{item.file.name}").status_code == 404
    client.force_login(world.other_desk)  # an officer of another commune
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403
        assert "Bạn không có quyền xem hồ sơ này." in response.content.decode()


def test_an_unknown_dossier_is_a_404_page_with_the_reason_not_a_server_error(client, world):
    client.force_login(world.desk)
    response = client.get("/can-bo/ho-so/KHONG-CO/")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ KHONG-CO." in response.content.decode()
    response = client.get("/can-bo/ho-so/KHONG-CO/tep/ket-qua/")
    assert response.status_code == 404


def test_the_api_serves_the_result_to_a_token_of_an_officer_who_may_see_it(client, world, approved):
    from tests.dossiers.test_api import bearer

    read = client.get(f"/api/dossiers/{approved.code}", **bearer(world.desk)).json()
    assert read["result"]["file"] == f"/api/dossiers/{approved.code}/result"
    response = client.get(read["result"]["file"], **bearer(world.leader))
    assert response.status_code == 200 and body(response) == RESULT_PDF
    refused = client.get(read["result"]["file"], **bearer(world.other_desk))
    assert refused.status_code == 403 and refused.json()["message"]
    # the scans: listed with their download path, served to the same officers only
    items = client.get(f"/api/dossiers/{approved.code}/checklist", **bearer(world.desk)).json()
    scanned = [i for i in items if i["file"]]
    assert [i["order"] for i in scanned] == [2]
    scan = client.get(scanned[0]["file"], **bearer(world.specialist))
    assert scan.status_code == 200 and body(scan) == SCAN
    assert client.get(scanned[0]["file"], **bearer(world.other_desk)).status_code == 403
    missing = client.get(f"/api/dossiers/{approved.code}/checklist/1/file", **bearer(world.desk))
    assert missing.status_code == 404 and missing.json()["code"] == "file_not_found"


def test_the_applicant_downloads_the_result_once_it_is_returned(client, world, approved):
    citizen = citizen_register(
        full_name="Nguyễn Văn An", email="an@example.vn", phone="0912345678", password="Mk-2026!x"
    )
    citizen.verified_at, citizen.id_number = timezone.now(), APPLICANT["id_number"]
    citizen.save(update_fields=["verified_at", "id_number"])
    client.force_login(citizen.user)
    url = f"/ca-nhan/ho-so/{approved.code}/ket-qua/"
    early = client.get(url)
    assert early.status_code == 404 and "Hồ sơ chưa được trả kết quả." in early.content.decode()
    api_url = f"/api/portal/dossiers/{approved.code}/result"
    assert client.get(api_url).json()["code"] == "result_not_returned"
    assert url not in client.get(f"/ca-nhan/ho-so/{approved.code}/").content.decode()
    services.dossier_return_result(
        actor=world.desk,
        dossier=approved,
        method=ReturnMethod.ONLINE,
        received_by="Nguyễn Văn An",
        at=at(1, 16),
    )
    assert url in client.get(f"/ca-nhan/ho-so/{approved.code}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and body(response) == RESULT_PDF
    assert body(client.get(api_url)) == RESULT_PDF  # the same for a citizen app
    other = citizen_register(
        full_name="Trần Thị Bình", email="binh@example.vn", phone="0987654321", password="Mk-2026!y"
    )
    client.force_login(other.user)
    assert client.get(url).status_code == 404
    assert client.get(api_url).status_code == 404
