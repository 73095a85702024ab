"""Every row of the allowed-actions table: each action is accepted where the table allows it,
leads to the status the registry declares, and is refused with TransitionNotAllowed (409)
everywhere else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from motcua.core.errors import TransitionNotAllowed
from motcua.dossiers import services
from motcua.dossiers.actions import ACTIONS, ALLOWED_ACTIONS
from motcua.dossiers.lifecycle import NATIONAL_STATUS, Action, Status
from motcua.dossiers.models import Consultation, Dossier
from motcua.ledger.models import Event
from tests.dossiers.conftest import APPLICANT, VN, approve, at, receive

pytestmark = pytest.mark.django_db


def build(world, status: str) -> Dossier:
    """A dossier brought to ``status`` through the services."""
    s = Status
    if status == s.SUBMITTED:
        return services.dossier_submit_online(
            procedure=world.procedure, unit=world.commune, applicant=APPLICANT, at=at(0, 7)
        )
    if status in (s.INTAKE_INCOMPLETE, s.INTAKE_REFUSED):
        service = (
            services.dossier_request_completion_at_intake
            if status == s.INTAKE_INCOMPLETE
            else services.dossier_refuse_at_intake
        )
        return service(
            actor=world.desk,
            procedure=world.procedure,
            applicant=APPLICANT,
            reasons="Thiếu giấy tờ",
            at=at(0, 7),
        )
    d = receive(world, when=at(0, 7))
    if status == s.RECEIVED:
        return d
    if status in (s.WITHDRAWN, s.STOPPED, s.CANCELLED):
        close = {
            s.WITHDRAWN: (services.dossier_withdraw, world.desk),
            s.STOPPED: (services.dossier_stop, world.leader),
            s.CANCELLED: (services.dossier_cancel, world.leader),
        }[status]
        return close[0](actor=close[1], dossier=d, reason="Lý do", at=at(0, 7, 30))
    d = services.dossier_transfer(actor=world.desk, dossier=d, at=at(0, 7, 40))
    if status == s.WAITING_ASSIGNMENT:
        return d
    d = services.dossier_self_assign(actor=world.specialist, dossier=d, at=at(0, 7, 50))
    if status == s.IN_PROGRESS:
        return d
    if status == s.CONSULTING:
        services.dossier_consult(
            actor=world.specialist, dossier=d, unit=world.other, question="Ý kiến?", at=at(0, 8)
        )
        return Dossier.objects.get(pk=d.pk)
    if status == s.SUPPLEMENT_REQUESTED:
        return services.dossier_request_supplement(
            actor=world.specialist, dossier=d, items=["Bản sao"], at=at(0, 8)
        )
    if status == s.PAYMENT_REQUESTED:
        return services.dossier_request_payment(
            actor=world.specialist, dossier=d, amount=50000, at=at(0, 8)
        )
    d = approve(world, d, when=at(0, 8, 30))
    if status == s.RESULT_READY:
        return d
    assert status == s.RETURNED
    return services.dossier_return_result(
        actor=world.desk, dossier=d, method="desk", received_by="An", at=at(0, 9)
    )


def perform(world, dossier: Dossier, action: str):
    when = at(0, 10)
    a, sv = Action, services
    base = {"dossier": dossier, "at": when}
    if action == a.ACCEPT:
        return sv.dossier_accept(actor=world.desk, **base)
    if action == a.REFUSE_INTAKE:
        return sv.dossier_refuse_online(actor=world.desk, reasons="Không đủ điều kiện", **base)
    if action == a.REQUEST_COMPLETION:
        return sv.dossier_request_completion_online(actor=world.desk, reasons="Thiếu", **base)
    if action == a.TRANSFER:
        return sv.dossier_transfer(actor=world.desk, **base)
    if action == a.ASSIGN:
        return sv.dossier_assign(actor=world.leader, assignee=world.specialist, **base)
    if action == a.SELF_ASSIGN:
        return sv.dossier_self_assign(actor=world.specialist, **base)
    if action == a.COMPLETE_STEP:
        return sv.dossier_complete_step(actor=world.leader, **base)
    if action == a.SEND_BACK:
        return sv.dossier_send_back(actor=world.leader, to_step=1, reason="Làm lại", **base)
    if action == a.CONSULT:
        return sv.dossier_consult(actor=world.leader, unit=world.other, question="Ý kiến?", **base)
    if action == a.RECORD_OPINION:
        consultation = Consultation.objects.filter(dossier=dossier).first() or Consultation()
        return sv.dossier_record_opinion(
            actor=world.other_leader, consultation=consultation, opinion="Đồng ý", **base
        )
    if action == a.REQUEST_SUPPLEMENT:
        return sv.dossier_request_supplement(actor=world.leader, items=["Tờ khai"], **base)
    if action == a.RECEIVE_SUPPLEMENT:
        return sv.dossier_receive_supplement(actor=world.desk, **base)
    if action == a.REQUEST_PAYMENT:
        return sv.dossier_request_payment(actor=world.leader, amount=1000, **base)
    if action == a.RECORD_PAYMENT:
        return sv.dossier_record_payment(actor=world.desk, amount=1000, **base)
    if action == a.ONLINE_PAYMENT:
        return sv.dossier_record_online_payment(amount=8000, receipt="BL1", **base)
    if action == a.APPROVE:
        return approve(world, dossier, when=when)
    if action == a.REFUSE:
        return sv.dossier_refuse(actor=world.leader, reasons="Không đủ điều kiện", **base)
    if action == a.RETURN_RESULT:
        return sv.dossier_return_result(actor=world.desk, method="desk", received_by="An", **base)
    if action == a.WITHDRAW:
        return sv.dossier_withdraw(actor=world.desk, reason="Công dân xin rút", **base)
    if action == a.STOP:
        return sv.dossier_stop(actor=world.leader, reason="Dừng", **base)
    if action == a.CANCEL:
        return sv.dossier_cancel(actor=world.leader, reason="Nhập sai", **base)
    if action == a.APOLOGIZE:
        new_due = dt.datetime(2026, 3, 20, 17, tzinfo=VN)
        return sv.dossier_apologize(actor=world.leader, reason="Chậm", new_due_at=new_due, **base)
    if action == a.LATE_ENTRY:
        return sv.dossier_record_late_entry(
            actor=world.leader,
            occurred_at=at(0, 7, 15),
            description="Bàn giao hồ sơ giấy",
            reason="Mất kết nối mạng buổi sáng",
            **base,
        )
    raise AssertionError(action)


# The status each action leads to in the scenarios above, written out independently of the
# registry (an officer is assigned from IN_PROGRESS on; transfers and step completions here
# name no next officer).
_FIXED = {
    Action.ACCEPT: Status.RECEIVED,
    Action.REQUEST_COMPLETION: Status.INTAKE_INCOMPLETE,
    Action.REFUSE_INTAKE: Status.INTAKE_REFUSED,
    Action.TRANSFER: Status.WAITING_ASSIGNMENT,
    Action.ASSIGN: Status.IN_PROGRESS,
    Action.SELF_ASSIGN: Status.IN_PROGRESS,
    Action.COMPLETE_STEP: Status.WAITING_ASSIGNMENT,
    Action.SEND_BACK: Status.WAITING_ASSIGNMENT,
    Action.CONSULT: Status.CONSULTING,
    Action.RECORD_OPINION: Status.IN_PROGRESS,
    Action.REQUEST_SUPPLEMENT: Status.SUPPLEMENT_REQUESTED,
    Action.RECEIVE_SUPPLEMENT: Status.IN_PROGRESS,
    Action.REQUEST_PAYMENT: Status.PAYMENT_REQUESTED,
    Action.RECORD_PAYMENT: Status.IN_PROGRESS,
    Action.APPROVE: Status.RESULT_READY,
    Action.REFUSE: Status.RESULT_READY,
    Action.RETURN_RESULT: Status.RETURNED,
    Action.WITHDRAW: Status.WITHDRAWN,
    Action.STOP: Status.STOPPED,
    Action.CANCEL: Status.CANCELLED,
}


def expected_status(status: str, action: str) -> str:
    if action == Action.ONLINE_PAYMENT:
        return Status.IN_PROGRESS if status == Status.PAYMENT_REQUESTED else status
    return _FIXED.get(action, status)  # apology and late entry keep the status


class Rollback(Exception):
    pass


def test_every_status_has_a_row_and_a_national_code():
    assert set(ALLOWED_ACTIONS) == set(Status.values)
    assert {spec.code for spec in ACTIONS} == set(Action.values)
    assert set(NATIONAL_STATUS) == set(Status.values)
    assert set(NATIONAL_STATUS.values()) == set(range(1, 11))


@pytest.mark.parametrize("status", Status.values)
def test_allowed_actions_table_row(world, status):
    # given
    dossier = build(world, status)
    assert dossier.status == status
    allowed = set(ALLOWED_ACTIONS[status])
    for action in Action.values:
        fresh = Dossier.objects.get(pk=dossier.pk)
        events_before = Event.objects.filter(subject_id=fresh.code).count()
        try:
            with transaction.atomic():
                if action in allowed:
                    # when / then: allowed actions succeed and record one event
                    perform(world, fresh, action)
                    after = Event.objects.filter(subject_id=fresh.code).count()
                    assert after == events_before + 1, action
                    # and lead to the declared status, which the event records too
                    result = Dossier.objects.get(pk=dossier.pk).status
                    assert result == expected_status(status, action), action
                    assert result in ACTIONS[action].possible_results(status), action
                    event = Event.objects.filter(subject_id=fresh.code).order_by("seq").last()
                    assert event.action == ACTIONS[action].event, action
                    assert event.payload["status_to"] == result, action
                else:
                    # when / then: every other action is refused with a 409
                    with pytest.raises(TransitionNotAllowed) as error:
                        perform(world, fresh, action)
                    assert error.value.status == 409
                raise Rollback
        except Rollback:
            pass
