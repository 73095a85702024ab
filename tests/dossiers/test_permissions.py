"""Who may act where: roles and units; transfer between desks of the province."""

from __future__ import annotations

import pytest

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.organization.models import Role
from tests.dossiers.conftest import APPLICANT, approve, at, receive, to_specialist

pytestmark = pytest.mark.django_db


def test_a_commune_officer_cannot_act_on_another_communes_dossier(world):
    dossier = receive(world)
    for actor, call in [
        (world.other_desk, lambda a: services.dossier_transfer(actor=a, dossier=dossier)),
        (
            world.other_leader,
            lambda a: services.dossier_cancel(actor=a, dossier=dossier, reason="x"),
        ),
        (
            world.other_desk,
            lambda a: services.dossier_withdraw(actor=a, dossier=dossier, reason="x"),
        ),
    ]:
        with pytest.raises(PermissionDenied):
            call(actor)
    dossier = to_specialist(world, dossier)
    with pytest.raises(PermissionDenied):
        services.dossier_complete_step(actor=world.other_leader, dossier=dossier)
    with pytest.raises(PermissionDenied):
        approve(world.__class__(**{**world.__dict__, "leader": world.other_leader}), dossier)


def test_a_specialist_cannot_approve_and_a_desk_cannot_assign(world):
    dossier = to_specialist(world, receive(world))
    with pytest.raises(PermissionDenied):
        services.dossier_assign(actor=world.desk, dossier=dossier, assignee=world.specialist)
    with pytest.raises(PermissionDenied):
        services.dossier_refuse(actor=world.specialist, dossier=dossier, reasons="Không")


def test_only_eligible_officers_can_be_assigned(world):
    dossier = services.dossier_transfer(actor=world.desk, dossier=receive(world), at=at(0, 9))
    with pytest.raises(InvalidInput) as error:
        services.dossier_assign(actor=world.leader, dossier=dossier, assignee=world.other_desk)
    assert error.value.code == "assignee_not_eligible"
    with pytest.raises(InvalidInput):
        services.dossier_self_assign(actor=world.desk, dossier=dossier)


def test_any_desk_of_the_province_receives_and_transfers_to_the_competent_unit(world):
    # given: the provincial centre receives a commune procedure for commune Số Một
    dossier = receive(world, actor=world.centre_desk, competent_unit=world.commune)
    assert dossier.code.startswith(world.centre.electronic_id)
    assert dossier.holder_unit == world.centre
    # the commune cannot act before the hand-over; the centre can transfer
    with pytest.raises(PermissionDenied):
        services.dossier_transfer(actor=world.desk, dossier=dossier, at=at(0, 9))
    dossier = services.dossier_transfer(actor=world.centre_desk, dossier=dossier, at=at(0, 9))
    # then: the commune processes it
    assert dossier.holder_unit == world.commune
    dossier = services.dossier_self_assign(actor=world.specialist, dossier=dossier, at=at(0, 10))
    dossier = services.dossier_complete_step(
        actor=world.specialist, dossier=dossier, next_assignee=world.leader, at=at(0, 11)
    )
    dossier = approve(world, dossier)
    # and the result goes back to the centre's desk, which returns it
    assert dossier.holder_unit == world.centre
    dossier = services.dossier_return_result(
        actor=world.centre_desk, dossier=dossier, method="desk", received_by="An", at=at(2, 8)
    )
    assert dossier.status == Status.RETURNED


def test_transfer_to_a_wrong_kind_of_unit_is_refused(world):
    dossier = receive(world)
    with pytest.raises(InvalidInput) as error:
        services.dossier_transfer(actor=world.desk, dossier=dossier, to_unit=world.centre)
    assert error.value.code == "unit_not_competent"


def test_redirect_to_another_commune_moves_competence(world):
    dossier = receive(world)
    dossier = services.dossier_transfer(
        actor=world.desk, dossier=dossier, to_unit=world.other, at=at(0, 9)
    )
    assert dossier.competent_unit == world.other and dossier.holder_unit == world.other
    with pytest.raises(PermissionDenied):
        services.dossier_assign(actor=world.leader, dossier=dossier, assignee=world.specialist)


def test_send_back_and_consultation(world, make_user):
    other_specialist = make_user(Role.SPECIALIST, unit=world.other)
    dossier = to_specialist(world, receive(world))
    dossier = services.dossier_complete_step(
        actor=world.specialist, dossier=dossier, next_assignee=world.leader, at=at(0, 11)
    )
    dossier = services.dossier_send_back(
        actor=world.leader, dossier=dossier, to_step=2, reason="Thiếu ý kiến", at=at(0, 14)
    )
    assert dossier.current_step.order == 2 and dossier.status == Status.WAITING_ASSIGNMENT
    dossier = services.dossier_self_assign(actor=world.specialist, dossier=dossier, at=at(0, 15))
    consultation = services.dossier_consult(
        actor=world.specialist, dossier=dossier, unit=world.other, question="Xác minh", at=at(0, 15)
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.CONSULTING
    with pytest.raises(PermissionDenied):
        services.dossier_record_opinion(
            actor=world.specialist, dossier=dossier, consultation=consultation, opinion="Tự trả lời"
        )
    dossier = services.dossier_record_opinion(
        actor=other_specialist,
        dossier=dossier,
        consultation=consultation,
        opinion="Thông tin chính xác",
        at=at(1, 9),
    )
    assert dossier.status == Status.IN_PROGRESS


def test_province_admin_may_cancel_and_applicant_data_is_required(world, province_admin):
    dossier = receive(world)
    dossier = services.dossier_cancel(actor=province_admin, dossier=dossier, reason="Nhập trùng")
    assert dossier.status == Status.CANCELLED and dossier.national_status == 8
    with pytest.raises(InvalidInput):
        receive(world, applicant={**APPLICANT, "id_number": ""})


def test_a_consulted_unit_lists_the_dossier_once_and_other_units_do_not(world, make_user):
    from motcua.dossiers.selectors import DossierFilters, dossier_list

    other_specialist = make_user(Role.SPECIALIST, unit=world.other)
    dossier = to_specialist(world, receive(world))
    for question in ("Xác minh", "Xác minh lần hai"):  # two consultations: still one row
        services.dossier_consult(
            actor=world.specialist, dossier=dossier, unit=world.other, question=question
        )
        dossier.refresh_from_db()
    listed = dossier_list(user=other_specialist, filters=DossierFilters())
    assert [d.code for d in listed] == [dossier.code]
    assert listed.count() == 1
    stranger = make_user(Role.SPECIALIST, unit=world.centre)
    assert not dossier_list(user=stranger, filters=DossierFilters()).exists()
