"""Tracking by code + last 4 phone digits: no enumeration, rate-limited, no personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.errors import InvalidInput, NotFound
from motcua.dossiers import events as ev
from motcua.dossiers import services as dossier_services
from motcua.portal import selectors, services
from motcua.portal.services import TooManyRequests
from tests.portal.conftest import APPLICANT, two_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(world, citizen):
    return services.submission_create(
        user=citizen.user,
        procedure_code=world.procedure.code,
        unit_code=world.commune.code,
        idempotency_key="khoa-tra-cuu-1",
        applicant=APPLICANT,
        files=two_files(world),
    ).dossier


def test_code_and_last_four_digits_find_the_dossier(dossier):
    found = services.track_dossier(code=dossier.code.lower(), phone4="5678", client="1.2.3.4")
    assert found == dossier


def test_unknown_code_and_wrong_digits_give_the_same_answer(dossier):
    with pytest.raises(NotFound) as unknown:
        services.track_dossier(code="000.00.00.X00-260101-0001", phone4="5678", client="a")
    with pytest.raises(NotFound) as wrong:
        services.track_dossier(code=dossier.code, phone4="1111", client="a")
    assert unknown.value.as_dict() == wrong.value.as_dict()
    assert unknown.value.status == wrong.value.status == 404


def test_malformed_input_is_refused_before_any_lookup(dossier):
    with pytest.raises(InvalidInput):
        services.track_dossier(code=dossier.code, phone4="56a8", client="a")


def test_one_client_is_limited(dossier, settings):
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": 3, "per_code": 100}
    for digits in ("0001", "0002", "0003"):
        with pytest.raises(NotFound):
            services.track_dossier(code=dossier.code, phone4=digits, client="9.9.9.9")
    # when: the right digits come too late
    with pytest.raises(TooManyRequests) as error:
        services.track_dossier(code=dossier.code, phone4="5678", client="9.9.9.9")
    # then
    assert error.value.status == 429
    assert services.track_dossier(code=dossier.code, phone4="5678", client="8.8.8.8") == dossier


def test_one_code_cannot_be_probed_from_many_clients(dossier, settings):
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": 100, "per_code": 2}
    for n in range(2):
        with pytest.raises(NotFound):
            services.track_dossier(code=dossier.code, phone4=f"000{n}", client=f"10.0.0.{n}")
    # when the code is under attack, a client that already failed on it gets no more tries
    with pytest.raises(TooManyRequests):
        services.track_dossier(code=dossier.code, phone4="5678", client="10.0.0.1")
    # but the owner, from a client that never failed, is not locked out by others' failures
    assert services.track_dossier(code=dossier.code, phone4="5678", client="10.0.0.9") == dossier


def test_right_answers_do_not_count(dossier, settings):
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": 2, "per_code": 2}
    for _ in range(10):
        assert services.track_dossier(code=dossier.code, phone4="5678", client="c") == dossier


def test_the_limit_ends_with_its_window(dossier, settings):
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": 1, "per_code": 100, "window_minutes": 15}
    now = timezone.now()
    with pytest.raises(NotFound):
        services.track_dossier(code=dossier.code, phone4="0000", client="c", now=now)
    with pytest.raises(TooManyRequests):
        services.track_dossier(code=dossier.code, phone4="5678", client="c", now=now)
    later = now + dt.timedelta(minutes=16)
    assert services.track_dossier(code=dossier.code, phone4="5678", client="c", now=later)


def test_the_public_timeline_has_no_personal_data(world, dossier):
    # given: accepted, then an apology with a new date
    dossier = dossier_services.dossier_accept(actor=world.desk, dossier=dossier)
    # when
    view = selectors.dossier_view(dossier, with_reasons=False)
    # then
    text = repr(view)
    for secret in ("Nguyễn Văn An", "038090001234", "0912345678", "an@example.vn", "Thôn Đông"):
        assert secret not in text
    assert "Lan" not in text  # the officer's name is not shown either, only the unit
    assert view.national_status_label == "Được tiếp nhận"
    assert view.due_at == dossier.due_at
    assert [e.action for e in view.timeline] == [ev.SUBMITTED, ev.ACCEPTED]
    assert view.timeline[1].unit == world.commune.name


def test_the_public_timeline_shows_the_apology_and_the_new_date(world, dossier, make_user):
    from motcua.organization.models import Role

    specialist = make_user(Role.SPECIALIST, unit=world.commune)
    leader = make_user(Role.UNIT_LEADER, unit=world.commune)
    dossier = dossier_services.dossier_accept(actor=world.desk, dossier=dossier)
    dossier = dossier_services.dossier_transfer(actor=world.desk, dossier=dossier)
    dossier = dossier_services.dossier_self_assign(actor=specialist, dossier=dossier)
    new_due = dossier.due_at + dt.timedelta(days=5)
    dossier_services.dossier_apologize(
        actor=leader, dossier=dossier, reason="Chờ xác minh.", new_due_at=new_due
    )
    # when
    found = services.track_dossier(code=dossier.code, phone4="5678", client="x")
    view = selectors.dossier_view(found, with_reasons=False)
    # then
    apology = view.timeline[-1]
    assert apology.action == ev.APOLOGIZED
    assert apology.label == "Xin lỗi vì chậm trễ và hẹn lại ngày trả kết quả"
    assert apology.new_due_at == new_due
    assert view.reappointed_due_at == new_due
    assert apology.reasons == ""  # the reason text stays with the applicant's own view
