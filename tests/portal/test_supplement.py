"""A citizen sends a requested supplement online: the clock resumes, the files join the
dossier, nothing changes on bad input, and nobody else can do it for them."""

import pytest
from django.utils import timezone

from motcua.core.errors import InvalidInput, NotFound
from motcua.dossiers import services as dossier_services
from motcua.dossiers.lifecycle import Status
from motcua.ledger.selectors import events_for_subject
from motcua.organization.models import Role
from motcua.portal import services
from tests.portal.conftest import PDF, png_bytes, upload
from tests.portal.test_submissions import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world, citizen, make_user):
    """The citizen's online dossier, accepted and waiting for a supplement."""
    specialist = make_user(Role.SPECIALIST, unit=world.commune)
    dossier = submit(world, citizen).dossier
    dossier = dossier_services.dossier_accept(actor=world.desk, dossier=dossier)
    dossier = dossier_services.dossier_transfer(actor=world.desk, dossier=dossier)
    dossier = dossier_services.dossier_self_assign(actor=specialist, dossier=dossier)
    return dossier_services.dossier_request_supplement(
        actor=specialist,
        dossier=dossier,
        items=["Bản sao giấy chứng sinh rõ nét", "Tờ khai có chữ ký"],
    )


def test_citizen_sends_the_supplement_online_and_the_clock_resumes(client, citizen, waiting):
    # given the page lists what was asked for
    client.force_login(citizen.user)
    page = client.get(f"/ca-nhan/ho-so/{waiting.code}/").content.decode()
    assert "Nộp bổ sung trực tuyến" in page
    form = client.get(f"/ca-nhan/ho-so/{waiting.code}/bo-sung/").content.decode()
    assert "Bản sao giấy chứng sinh rõ nét" in form and "Tờ khai có chữ ký" in form
    items_before = waiting.checklist.count()
    # when the citizen uploads two files
    response = client.post(
        f"/ca-nhan/ho-so/{waiting.code}/bo-sung/",
        {
            "files": [
                upload("giay-chung-sinh.png", png_bytes(), "image/png"),
                upload("tk.pdf", PDF),
            ],
            "note": "Đã ký tờ khai",
        },
    )
    # then the dossier is back in processing, with the files, and the event says so
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROGRESS
    assert waiting.paused_since is None
    assert waiting.checklist.count() == items_before + 2
    assert all(i.file for i in waiting.checklist.filter(name__startswith="Bổ sung:"))
    last = list(events_for_subject(subject_type="dossier", subject_id=waiting.code))[-1]
    assert last.action == "dossier.supplement_received"
    assert last.actor_id is None and last.payload["channel"] == "online"
    assert last.payload["note"] == "Đã ký tờ khai"


def test_a_renamed_program_is_refused_and_nothing_changes(client, citizen, waiting):
    client.force_login(citizen.user)
    response = client.post(
        f"/ca-nhan/ho-so/{waiting.code}/bo-sung/",
        {"files": [upload("anh.png", b"MZ\x90\x00\x03 program", "image/png")]},
    )
    assert response.status_code == 400
    assert "tệp 1" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.SUPPLEMENT_REQUESTED
    assert not waiting.checklist.filter(name__startswith="Bổ sung:").exists()


def test_another_citizen_cannot_send_it(waiting, world):
    other = services.citizen_register(
        full_name="Trần Thị Bình", email="binh@example.vn", phone="0987654321",
        password="Mk-cong-dan-2026",
    )  # fmt: skip
    other.verified_at = timezone.now()
    other.save(update_fields=["verified_at"])
    with pytest.raises(NotFound) as error:
        services.citizen_supplement_submit(
            user=other.user, code=waiting.code, uploads=[upload("a.pdf", PDF)]
        )
    assert error.value.code == "dossier_not_found"
    waiting.refresh_from_db()
    assert waiting.status == Status.SUPPLEMENT_REQUESTED


def test_no_supplement_when_none_was_asked(citizen, world):
    dossier = submit(world, citizen).dossier
    with pytest.raises(InvalidInput) as error:
        services.citizen_supplement_submit(
            user=citizen.user, code=dossier.code, uploads=[upload("a.pdf", PDF)]
        )
    assert error.value.code == "not_waiting_for_supplement"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_supplement_through_the_api(client, citizen, waiting):
    client.force_login(citizen.user)
    response = client.post(
        f"/api/portal/dossiers/{waiting.code}/supplement",
        {"files": [upload("tk.pdf", PDF)], "note": "Gửi qua ứng dụng"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["code"] == waiting.code
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROGRESS
    again = client.post(
        f"/api/portal/dossiers/{waiting.code}/supplement", {"files": [upload("tk.pdf", PDF)]}
    )
    assert again.status_code == 400 and again.json()["code"] == "not_waiting_for_supplement"
