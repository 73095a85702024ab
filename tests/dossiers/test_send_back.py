"""Send back: to the previous step by default, out again by the desk, and honest buttons."""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.organization.services import api_token_create
from tests.dossiers.conftest import at, receive, to_leader, to_specialist

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, raw = api_token_create(actor=user, user=user, name="kiểm thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def actions(client, code, user) -> list[str]:
    response = client.get(f"/api/dossiers/{code}", **bearer(user))
    assert response.status_code == 200, response.content
    return response.json()["allowed_actions"]


def test_after_a_send_back_to_the_desk_the_desk_transfer_moves_it_on(world, client):
    dossier = to_specialist(world, receive(world))
    dossier = services.dossier_send_back(
        actor=world.specialist, dossier=dossier, to_step=1, reason="Thiếu chữ ký", at=at(0, 10)
    )
    assert dossier.current_step.order == 1 and dossier.holder_unit == world.commune
    dossier = services.dossier_transfer(actor=world.desk, dossier=dossier, at=at(0, 11))
    # the desk's hand-over takes it to the next processing step, not back to the desk step
    assert dossier.current_step.order == 2
    assert dossier.status == Status.WAITING_ASSIGNMENT
    assert "self_assign" in actions(client, dossier.code, world.specialist)
    dossier = services.dossier_self_assign(
        actor=world.specialist, dossier=dossier, at=at(0, 11, 30)
    )
    assert dossier.assignee == world.specialist


def test_allowed_actions_are_the_callers(world, client):
    dossier = receive(world)
    desk = actions(client, dossier.code, world.desk)
    assert "transfer" in desk
    assert "online_payment" not in desk  # the payment gateway's, never a person's
    assert "approve" not in desk and "stop" not in desk  # a leader's
    # another commune's leader sees the dossier only if allowed; never its buttons
    specialist = actions(client, dossier.code, world.specialist)
    assert "transfer" not in specialist and "withdraw" not in specialist
    dossier = to_specialist(world, dossier)
    specialist = actions(client, dossier.code, world.specialist)
    assert "complete_step" in specialist and "send_back" in specialist
    assert "approve" not in specialist  # the leader decides
    dossier = to_leader(world, dossier)
    leader = actions(client, dossier.code, world.leader)
    assert "approve" in leader and "online_payment" not in leader
    assert "self_assign" not in leader  # the dossier is already assigned to the leader


def test_no_self_assignment_offered_without_the_steps_role(world, client):
    dossier = to_specialist(world, receive(world))
    dossier = services.dossier_send_back(
        actor=world.specialist, dossier=dossier, to_step=1, reason="Thiếu chữ ký", at=at(0, 10)
    )
    # step 1 is the desk's: the specialist may not take it, so it is not offered
    assert "self_assign" not in actions(client, dossier.code, world.specialist)
    assert "self_assign" in actions(client, dossier.code, world.desk)


def test_the_page_defaults_to_the_previous_step_and_says_where_it_goes(world, client):
    dossier = to_leader(world, to_specialist(world, receive(world)))
    client.force_login(world.leader)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'value="2" data-where' in html
    option = html.split('<option value="2"', 1)[1].split(">", 1)[0]
    assert "selected" in option  # the previous step, not the desk
    option1 = html.split('<option value="1"', 1)[1].split(">", 1)[0]
    assert "selected" not in option1
    where = html.split("data-send-back-where>", 1)[1].split("</p>", 1)[0]
    assert world.commune.name in where and "Chuyên viên" in where and "Minh" in where
