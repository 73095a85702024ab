"""Online submission: through the dossier services, once per idempotency key, files checked
by content; the desk's answer (accept / complete / refuse) and why reach the citizen."""

from __future__ import annotations

import pytest

from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.dossiers import events as ev
from motcua.dossiers import services as dossier_services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Channel, Dossier
from motcua.ledger.selectors import events_for_subject
from motcua.portal import selectors, services
from motcua.portal.models import Submission
from tests.portal.conftest import APPLICANT, PDF, jpeg_bytes, two_files, upload

pytestmark = pytest.mark.django_db


def submit(world, citizen, key="khoa-0000001", files=None, **extra):
    return services.submission_create(
        user=citizen.user,
        procedure_code=world.procedure.code,
        unit_code=world.commune.code,
        idempotency_key=key,
        applicant=extra.pop("applicant", APPLICANT),
        files=two_files(world) if files is None else files,
        **extra,
    )


def test_online_submission_creates_a_new_online_dossier_with_its_files(world, citizen):
    # when
    result = submit(world, citizen)
    # then
    dossier = result.dossier
    assert result.created
    assert dossier.status == Status.SUBMITTED
    assert dossier.national_status == 1
    assert dossier.channel == Channel.ONLINE
    assert dossier.code.startswith(world.commune.electronic_id)
    assert dossier.applicant_name == "Nguyễn Văn An"
    assert dossier.applicant_phone == "0912345678"
    items = {i.name: i for i in dossier.checklist.all()}
    assert items["Tờ khai đăng ký khai sinh"].file.read().startswith(b"%PDF-")
    assert items["Giấy chứng sinh"].file.name.endswith(".png")
    assert not items["Giấy tờ khác"].provided
    assert [
        e.action for e in events_for_subject(subject_type="dossier", subject_id=dossier.code)
    ] == [ev.SUBMITTED]


def test_the_same_idempotency_key_never_makes_two_dossiers(world, citizen):
    first = submit(world, citizen)
    # when: a double click sends the same form again
    second = submit(world, citizen)
    # then
    assert not second.created
    assert second.dossier.code == first.dossier.code
    assert Dossier.objects.count() == 1
    assert Submission.objects.count() == 1


def test_the_same_key_with_other_content_is_a_conflict(world, citizen):
    submit(world, citizen)
    with pytest.raises(Conflict) as error:
        submit(world, citizen, applicant={**APPLICANT, "address": "Thôn Tây"})
    assert error.value.code == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_another_key_is_another_dossier(world, citizen):
    first = submit(world, citizen, key="khoa-0000001")
    second = submit(world, citizen, key="khoa-0000002")
    assert first.dossier.code != second.dossier.code


def test_a_renamed_program_is_refused_and_nothing_is_written(world, citizen):
    first, second, _ = world.components
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200 + b"This program cannot be run"
    files = {first.pk: upload("to-khai.pdf", exe), second.pk: upload("anh.png", PDF)}
    with pytest.raises(InvalidInput) as error:
        submit(world, citizen, files=files)
    assert error.value.code == "file_type"
    assert "Tờ khai đăng ký khai sinh" in error.value.message
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n(truncated",  # PDF header, no body, no %%EOF
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # PNG signature, broken chunks
        b"\xff\xd8\xff\xe0" + b"garbage",  # JPEG marker, not an image
        b"",
    ],
)
def test_a_file_with_a_right_header_but_wrong_body_is_refused(world, citizen, data):
    first, second, _ = world.components
    files = {first.pk: upload("a.pdf", data), second.pk: upload("b.pdf", PDF)}
    with pytest.raises(InvalidInput) as error:
        submit(world, citizen, files=files)
    assert error.value.code in {"file_type", "file_empty"}
    assert not Dossier.objects.exists()


def test_a_jpeg_is_accepted_whatever_its_name(world, citizen):
    first, second, _ = world.components
    files = {first.pk: upload("scan.PDF", jpeg_bytes()), second.pk: upload("x", PDF)}
    dossier = submit(world, citizen, files=files).dossier
    item = dossier.checklist.get(component=first)
    assert item.file.name.endswith(".jpg")


def test_too_large_files_are_refused(world, citizen, settings):
    settings.MOTCUA_PORTAL_MAX_UPLOAD_BYTES = 100
    with pytest.raises(InvalidInput) as error:
        submit(world, citizen)
    assert error.value.code == "file_too_large"


def test_every_required_component_needs_a_file(world, citizen):
    first = world.components[0]
    with pytest.raises(InvalidInput) as error:
        submit(world, citizen, files={first.pk: upload("a.pdf", PDF)})
    assert error.value.code == "files_missing"
    assert "Giấy chứng sinh" in error.value.message


def test_an_unverified_citizen_cannot_submit(world, citizen):
    citizen.verified_at = None
    citizen.save()
    with pytest.raises(PermissionDenied) as error:
        submit(world, citizen)
    assert error.value.code == "citizen_not_verified"


def test_an_officer_without_citizen_profile_cannot_submit(world):
    with pytest.raises(PermissionDenied):
        services.submission_create(
            user=world.desk,
            procedure_code=world.procedure.code,
            unit_code=world.commune.code,
            idempotency_key="khoa-0000009",
            files={},
        )


def test_a_procedure_without_online_service_is_refused(world, citizen):
    world.procedure.online_type = "none"
    world.procedure.save()
    with pytest.raises(InvalidInput) as error:
        submit(world, citizen)
    assert error.value.code == "procedure_not_online"


def test_a_unit_that_does_not_receive_the_procedure_is_refused(world, citizen, make_unit):
    centre = make_unit("Trung tâm", kind="centre")
    with pytest.raises(InvalidInput) as error:
        services.submission_create(
            user=citizen.user,
            procedure_code=world.procedure.code,
            unit_code=centre.code,
            idempotency_key="khoa-0000003",
            applicant=APPLICANT,
            files=two_files(world),
        )
    assert error.value.code == "unit_invalid"


def test_a_missing_idempotency_key_is_refused(world, citizen):
    with pytest.raises(InvalidInput) as error:
        submit(world, citizen, key="")
    assert error.value.code == "idempotency_key_invalid"


def test_the_citizen_sees_acceptance_and_the_due_date(world, citizen):
    dossier = submit(world, citizen).dossier
    # when
    dossier_services.dossier_accept(actor=world.desk, dossier=dossier)
    # then
    view = selectors.dossier_view(selectors.citizen_dossier(citizen.user, dossier.code))
    assert view.national_status == 2
    assert view.due_at is not None
    assert [e.action for e in view.timeline] == [ev.SUBMITTED, ev.ACCEPTED]


@pytest.mark.parametrize(
    ("service", "status", "national"),
    [
        (dossier_services.dossier_request_completion_online, Status.INTAKE_INCOMPLETE, 3),
        (dossier_services.dossier_refuse_online, Status.INTAKE_REFUSED, 3),
    ],
)
def test_the_citizen_sees_what_the_desk_decided_and_why(world, citizen, service, status, national):
    dossier = submit(world, citizen).dossier
    # when
    service(actor=world.desk, dossier=dossier, reasons="Giấy chứng sinh bị mờ, chụp lại.")
    # then
    view = selectors.dossier_view(selectors.citizen_dossier(citizen.user, dossier.code))
    assert view.status == Status(status).label
    assert view.national_status == national
    assert view.reasons == "Giấy chứng sinh bị mờ, chụp lại."
    assert view.timeline[-1].reasons == "Giấy chứng sinh bị mờ, chụp lại."


def test_a_citizen_sees_only_own_dossiers(world, citizen):
    dossier = submit(world, citizen).dossier
    other = services.citizen_register(
        full_name="Lê Thị Cúc", email="cuc@example.vn", password="Mk-cong-dan-2026"
    )
    assert selectors.citizen_dossier(other.user, dossier.code) is None
    assert list(selectors.citizen_dossiers(citizen.user)) == [dossier]


def test_desk_dossiers_show_up_for_a_citizen_vouched_by_the_identity_provider(world, citizen):
    # given: a dossier received at the desk under the citizen's ID number
    desk_dossier = dossier_services.dossier_receive(
        actor=world.desk,
        procedure=world.procedure,
        applicant={"name": "Nguyễn Văn An", "id_number": "038090001234", "phone": "0912345678"},
    )
    assert selectors.citizen_dossier(citizen.user, desk_dossier.code) is None
    # when: the national identity login vouched for that number
    citizen.id_number = "038090001234"
    citizen.save()
    citizen.user.refresh_from_db()
    # then
    assert selectors.citizen_dossier(citizen.user, desk_dossier.code) is not None
