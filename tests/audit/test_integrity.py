"""Integrity findings ("khống" patterns) for inspectors: page, API and Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import transaction
from django.test import Client
from ninja.testing import TestClient
from openpyxl import load_workbook

from motcua.audit import selectors
from motcua.audit.api import integrity_router
from motcua.audit.errors import AuditError
from motcua.audit.integrity import Kind, parse_time
from motcua.audit.integrity_views import findings_for
from motcua.audit.services import findings_refresh
from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.ledger.actions import register
from motcua.ledger.services import event_record, ledger_seal
from motcua.organization.models import Role
from motcua.organization.services import api_token_create
from tests.dossiers.conftest import at, receive, to_specialist, world  # noqa: F401

LATE_ENTRY = register("test.late_entry", "Nhập bù (kiểm thử)")
UPLOAD = register("test.result_uploaded", "Tải lên tệp kết quả (kiểm thử)")


def findings_list(**filters):
    """The stored findings, brought up to the ledger's events first (sealed, then read)."""
    ledger_seal()
    findings_refresh()
    return selectors.findings_list(**filters)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _approve(world, dossier, when, file="ket-qua/kq.pdf"):  # noqa: F811
    dossier = services.dossier_complete_step(
        actor=world.specialist, dossier=dossier, next_assignee=world.leader, at=when
    )
    return services.dossier_approve(
        actor=world.leader,
        dossier=dossier,
        number="15/GKS",
        date=when.date(),
        signer="Phạm Hùng",
        file=file,
        at=when + dt.timedelta(minutes=30),
    )


@pytest.fixture
def inspector(make_user, province):
    return make_user(Role.INSPECTOR, unit=province, username="thanhtra")


@pytest.fixture
def histories(world, settings):  # noqa: F811
    """One dossier per pattern, plus a clean one."""
    made = {}
    # a step completed 20 seconds after the specialist took it
    quick = to_specialist(world, receive(world, at(0, 8)), at(0, 9))
    made["quick"] = services.dossier_complete_step(
        actor=world.specialist,
        dossier=quick,
        next_assignee=world.leader,
        at=at(0, 9) + dt.timedelta(seconds=20),
    )
    # resolved, never returned; a new result file recorded two days after the resolution
    late_file = to_specialist(world, receive(world, at(0, 8, 10)), at(0, 9, 10))
    late_file = _approve(world, late_file, at(1, 9), file="ket-qua/truoc.pdf")
    with transaction.atomic():
        event_record(
            subject_type="dossier",
            subject_id=late_file.code,
            action=UPLOAD,
            actor=world.leader,
            payload={"file": "ket-qua/sau.pdf"},
            at=at(3, 11),
        )
    Dossier.objects.filter(pk=late_file.pk).update(result_file="ket-qua/sau.pdf")
    made["late_file"] = late_file
    # the result file swapped in the row with no event at all (outside the platform)
    swapped = to_specialist(world, receive(world, at(0, 8, 15)), at(0, 9, 15))
    swapped = _approve(world, swapped, at(1, 9, 5), file="ket-qua/goc.pdf")
    made["swapped"] = services.dossier_return_result(
        actor=world.desk, dossier=swapped, method="desk", received_by="Lê Thị B", at=at(1, 15)
    )
    Dossier.objects.filter(pk=swapped.pk).update(result_file="ket-qua/thay.pdf")
    # two apologies and a catch-up entry, recorded as an import of old data would
    twice = receive(world, at(0, 8, 20))
    with transaction.atomic():
        for _ in range(2):
            event_record(
                subject_type="dossier",
                subject_id=twice.code,
                action="dossier.apologized",
                actor=world.leader,
                payload={"reasons": "Chờ ý kiến liên thông"},
                at=at(1, 15),
            )
        event_record(
            subject_type="dossier",
            subject_id=twice.code,
            action=LATE_ENTRY,
            actor=world.desk,
            payload={"occurred_at": at(0, 9).isoformat(), "reason": "Mất điện"},
            at=at(1, 16),
        )
    made["twice"] = twice
    # five resolutions by one unit, each within the hour before its due time
    burst = []
    for i in range(5):
        dossier = to_specialist(world, receive(world, at(0, 10, i)), at(0, 10, 30))
        due = dossier.due_at
        burst.append(_approve(world, dossier, due - dt.timedelta(minutes=55 - i)))
    made["burst"] = burst
    # clean: worked at a human pace, returned
    clean = to_specialist(world, receive(world, at(0, 8, 40)), at(0, 9, 40))
    clean = _approve(world, clean, at(1, 10), file="ket-qua/moi-luu.pdf")
    made["clean"] = services.dossier_return_result(
        actor=world.desk, dossier=clean, method="desk", received_by="Nguyễn Văn An", at=at(1, 15)
    )
    # its file written to disk now, months after March: a file's time on disk proves nothing
    stored = settings.MEDIA_ROOT / "ket-qua" / "moi-luu.pdf"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"%PDF-1.4")
    ledger_seal()
    findings_refresh()
    return made


def _by_kind(found):
    result = {}
    for f in found:
        result.setdefault(f.kind, set()).add(f.code)
    return result


def test_each_pattern_is_found_and_the_clean_dossier_is_not(histories):
    # when
    found = findings_list(now=at(30))
    kinds = _by_kind(found)
    # then
    assert histories["quick"].code in kinds[Kind.STEP_IN_SECONDS]
    assert kinds[Kind.RESULT_FILE_LATE] == {histories["late_file"].code, histories["swapped"].code}
    assert histories["late_file"].code in kinds[Kind.NOT_RETURNED]
    assert kinds[Kind.REPEATED_REAPPOINTMENT] == {histories["twice"].code}
    assert kinds[Kind.CATCH_UP] == {histories["twice"].code}
    assert {d.code for d in histories["burst"]} <= kinds[Kind.DEADLINE_BURST]
    assert all(histories["clean"].code not in codes for codes in kinds.values())
    quick = next(f for f in found if f.kind == Kind.STEP_IN_SECONDS)
    assert "20 giây" in quick.detail and quick.unit_name == "UBND xã Số Một"
    # each finding cites the events it rests on, with the times the ledger recorded
    assert [(e["seq"], e["action"]) for e in quick.events] == [
        (quick.seq - 1, "dossier.self_assigned"),
        (quick.seq, "dossier.step_completed"),
    ]
    late = next(
        f
        for f in found
        if f.kind == Kind.RESULT_FILE_LATE and f.code == histories["late_file"].code
    )
    assert "2 ngày 1 giờ sau khi giải quyết" in late.detail
    assert [e["action"] for e in late.events] == ["dossier.approved", UPLOAD]
    assert parse_time(late.events[1]["at"]) == at(3, 11)
    swapped = next(
        f for f in found if f.kind == Kind.RESULT_FILE_LATE and f.code == histories["swapped"].code
    )
    assert "ngoài hệ thống" in swapped.detail and "ket-qua/thay.pdf" in swapped.detail
    twice = [f for f in found if f.kind == Kind.REPEATED_REAPPOINTMENT]
    assert [len(f.events) for f in twice] == [2]


def test_not_returned_waits_for_the_threshold(histories):
    kinds = _by_kind(findings_list(now=at(5)))
    assert Kind.NOT_RETURNED not in kinds


def test_result_recorded_without_a_document_is_found(world):  # noqa: F811
    dossier = receive(world, at(0, 8))
    with transaction.atomic():
        event_record(
            subject_type="dossier",
            subject_id=dossier.code,
            action="dossier.approved",
            actor=world.leader,
            payload={"result": {"number": "", "file": ""}},
            at=at(0, 9),
        )
    found = findings_list(kind=Kind.RESULT_WITHOUT_DOCUMENT)
    assert [(f.code, f.seq) for f in found] == [(dossier.code, 2)]
    assert "số văn bản và tệp" in found[0].detail
    [cited] = found[0].events
    assert (cited["seq"], cited["action"], parse_time(cited["at"])) == (
        2,
        "dossier.approved",
        at(0, 9),
    )


def test_filter_errors_carry_the_audit_codes(histories):
    with pytest.raises(InvalidInput) as kind:
        selectors.findings_list(kind="khong-co")
    with pytest.raises(InvalidInput) as dates:
        selectors.findings_list(date_from=at(2).date(), date_to=at(1).date())
    assert (kind.value.code, dates.value.code) == (
        AuditError.FINDING_KIND_INVALID,
        AuditError.DATE_RANGE_INVALID,
    )


def test_filters_by_kind_unit_and_dates(histories, world):  # noqa: F811
    assert {f.kind for f in findings_list(kind=Kind.CATCH_UP, now=at(30))} == {Kind.CATCH_UP}
    assert findings_list(unit=world.other, now=at(30)) == []
    assert findings_list(unit=world.commune, now=at(30))
    day0 = at(0).date()
    on_day0 = findings_list(date_from=day0, date_to=day0, now=at(30))
    assert {f.kind for f in on_day0} == {Kind.STEP_IN_SECONDS}


def test_only_inspectors_see_findings_of_their_units(histories, world, inspector, make_user):  # noqa: F811
    with pytest.raises(PermissionDenied):
        findings_for(world.specialist)
    assert findings_for(inspector, kind=Kind.STEP_IN_SECONDS)
    # an inspector of the other commune
    other_inspector = make_user(Role.INSPECTOR, unit=world.other)
    with pytest.raises(PermissionDenied):
        findings_for(other_inspector, unit_code=world.commune.code)
    assert findings_for(other_inspector) == []


def test_api_lists_findings_with_links(histories, inspector):
    # given
    _, raw = api_token_create(actor=None, user=inspector, name="thanh tra")
    client = TestClient(integrity_router)
    # when
    response = client.get(
        "/findings?kind=step_in_seconds", headers={"Authorization": f"Bearer {raw}"}
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["code"] == histories["quick"].code
    assert item["dossier_url"] == f"/can-bo/ho-so/{item['code']}/"
    assert item["timeline_url"].startswith("/so-cai/ho-so/?code=")
    assert client.get("/findings").status_code == 401


def test_page_and_excel_for_inspectors(histories, inspector, world):  # noqa: F811
    client = Client()
    assert client.get("/so-cai/kiem-tra/").status_code == 302  # to the login page
    client.force_login(world.specialist)
    assert client.get("/so-cai/kiem-tra/").status_code == 403
    client.force_login(inspector)
    page = client.get("/so-cai/kiem-tra/", {"kind": "deadline_burst"}).content.decode()
    assert "Giải quyết dồn dập sát hạn" in page
    assert histories["burst"][0].code in page
    response = client.get("/so-cai/kiem-tra/phat-hien.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Loại", "Mã hồ sơ")
    expected = len(findings_for(inspector))
    assert len(rows) - 1 == expected > 0
    codes = {r[1] for r in rows[1:]}
    assert histories["quick"].code in codes and histories["clean"].code not in codes
    assert isinstance(rows[1][3], dt.datetime)
    assert rows[0][7] == "Sự kiện căn cứ"
    quick = next(r for r in rows[1:] if r[1] == histories["quick"].code)
    assert "Cán bộ nhận xử lý" in quick[7] and "Hoàn thành bước xử lý" in quick[7]


def test_findings_are_served_at_api_integrity(histories, inspector):
    _, raw = api_token_create(actor=None, user=inspector, name="thanh tra")
    client = Client()
    response = client.get(
        "/api/integrity/findings",
        {"kind": "step_in_seconds"},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200
    assert [i["code"] for i in response.json()["items"]] == [histories["quick"].code]
    anonymous = client.get("/api/integrity/findings")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
