"""Every dossier action, described once.

Each entry states the statuses the action is allowed from and the status it leads to, who may
perform it (roles, and the units at which the role counts), its typed input, the service that
performs it, the event that service records and the printed form it produces. From this
registry come:

- the allowed-actions table (``ALLOWED_ACTIONS``) and the 409 check every service makes
  (``services._base.lock``);
- the status a service moves the dossier to (``services._base.advance``): no service sets a
  status by hand;
- the permission check every service makes and the buttons a page offers (``authorize`` and
  ``may_try`` in ``dossiers.action_rights``, from each entry's roles and unit rule);
- the API endpoints ``POST /api/dossiers/{code}/actions/{path}`` (``dossiers.api``) and the
  page dispatcher ``POST /can-bo/ho-so/{code}/{action}/`` (``dossiers.views``).

The generic part (no domain) is ``motcua.core.actions``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from motcua.core.actions import STAY, ActionRegistry, ActionSpec, Outcome
from motcua.core.errors import NotFound
from motcua.dossiers import events
from motcua.dossiers import schemas as s
from motcua.dossiers.errors import DossierError
from motcua.dossiers.lifecycle import Action, Status
from motcua.organization.models import Role, Unit

A, S = Action, Status
ACTIONS = ActionRegistry("hồ sơ", Status.values, lambda status: str(Status(status).label))


def _services():
    from motcua.dossiers import services  # the services consult this registry: import late

    return services


# ---------------------------------------------------------------- look-ups of the inputs


def unit_by_code(code: str | None) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(f"Không tìm thấy đơn vị {code}.", code=DossierError.UNIT_NOT_FOUND)
    return unit


def user_by_name(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"Không tìm thấy cán bộ {username}.", code=DossierError.USER_NOT_FOUND)
    return user


def _consultation(dossier, pk: int):
    from motcua.dossiers.models import Consultation

    consultation = Consultation.objects.filter(pk=pk, dossier=dossier).first()
    if consultation is None:
        raise NotFound(
            "Không tìm thấy yêu cầu xin ý kiến.", code=DossierError.CONSULTATION_NOT_FOUND
        )
    return consultation


# ---------------------------------------------------------------- unit rules and outcomes


def _holder(d) -> list:
    return [d.holder_unit]


def _receiving(d) -> list:
    return [d.receiving_unit]


def _desk_or_holder(d) -> list:
    return [d.receiving_unit, d.holder_unit]


def _deciding(d) -> list:
    return [d.competent_unit, d.holder_unit]


def _any_of_three(d) -> list:
    return [d.holder_unit, d.competent_unit, d.receiving_unit]


def consulted_units(d) -> list:
    return [c.unit for c in d.consultations.filter(answered_at__isnull=True).select_related("unit")]


def _to_work(d) -> str:
    return S.IN_PROGRESS if d.assignee_id else S.WAITING_ASSIGNMENT


TO_WORK = Outcome(
    _to_work,
    (S.IN_PROGRESS, S.WAITING_ASSIGNMENT),
    "đang xử lý nếu đã có cán bộ xử lý, nếu chưa thì chờ phân công",
)


def _after_opinion(d) -> str:
    return STAY if d.consultations.filter(answered_at__isnull=True).exists() else _to_work(d)


def _after_online_payment(d) -> str:
    return _to_work(d) if d.status == S.PAYMENT_REQUESTED else STAY


_CLOSE_FROM = (
    S.RECEIVED,
    S.WAITING_ASSIGNMENT,
    S.IN_PROGRESS,
    S.CONSULTING,
    S.SUPPLEMENT_REQUESTED,
    S.PAYMENT_REQUESTED,
)
_WORKING = (S.WAITING_ASSIGNMENT, S.IN_PROGRESS)
_LEADER = frozenset({Role.UNIT_LEADER})


def _action(code: str, **kwargs: Any) -> ActionSpec:
    return ACTIONS.register(ActionSpec(code=code, label=str(Action(code).label), **kwargs))


# ---------------------------------------------------------------- the registry
# Order = order of the buttons on the dossier page.

_action(
    A.ACCEPT,
    allowed_from=(S.SUBMITTED,),
    leads_to=S.RECEIVED,
    roles=frozenset({Role.DESK_OFFICER}),
    units=_receiving,
    unit_rule="cán bộ một cửa của nơi nộp",
    input=s.Versioned,
    perform=lambda actor, d, body, files: _services().dossier_accept(actor=actor, dossier=d),
    event=events.ACCEPTED,
    form="01",
)
_action(
    A.REQUEST_COMPLETION,
    allowed_from=(S.SUBMITTED,),
    leads_to=S.INTAKE_INCOMPLETE,
    roles=frozenset({Role.DESK_OFFICER}),
    units=_receiving,
    unit_rule="cán bộ một cửa của nơi nộp",
    input=s.ReasonsIn,
    perform=lambda actor, d, body, files: _services().dossier_request_completion_online(
        actor=actor, dossier=d, reasons=body.reasons
    ),
    event=events.COMPLETION_REQUESTED,
    form="02",
)
_action(
    A.REFUSE_INTAKE,
    allowed_from=(S.SUBMITTED,),
    leads_to=S.INTAKE_REFUSED,
    roles=frozenset({Role.DESK_OFFICER}),
    units=_receiving,
    unit_rule="cán bộ một cửa của nơi nộp",
    input=s.ReasonsIn,
    perform=lambda actor, d, body, files: _services().dossier_refuse_online(
        actor=actor, dossier=d, reasons=body.reasons
    ),
    event=events.INTAKE_REFUSED,
    form="03",
)
_action(
    A.TRANSFER,
    allowed_from=(S.RECEIVED, *_WORKING),
    leads_to=TO_WORK,
    roles=frozenset({Role.DESK_OFFICER, Role.UNIT_LEADER}),
    units=_holder,
    holder_acts=True,
    unit_rule="cán bộ đang giữ hồ sơ, hoặc một cửa / lãnh đạo của đơn vị đang giữ",
    input=s.TransferIn,
    perform=lambda actor, d, body, files: _services().dossier_transfer(
        actor=actor,
        dossier=d,
        to_unit=unit_by_code(body.to_unit),
        assignee=user_by_name(body.assignee),
        note=body.note,
    ),
    event=events.TRANSFERRED,
)
_action(
    A.ASSIGN,
    allowed_from=_WORKING,
    leads_to=S.IN_PROGRESS,
    roles=_LEADER,
    units=_holder,
    unit_rule="lãnh đạo đơn vị đang giữ hồ sơ",
    input=s.AssignIn,
    perform=lambda actor, d, body, files: _services().dossier_assign(
        actor=actor, dossier=d, assignee=user_by_name(body.assignee)
    ),
    event=events.ASSIGNED,
)
_action(
    A.SELF_ASSIGN,
    allowed_from=(S.WAITING_ASSIGNMENT,),
    leads_to=S.IN_PROGRESS,
    roles=frozenset({Role.SPECIALIST, Role.UNIT_LEADER, Role.DESK_OFFICER}),
    units=_holder,
    unit_rule="cán bộ có vai trò của bước hiện tại (hoặc lãnh đạo) tại đơn vị đang giữ",
    input=s.Versioned,
    perform=lambda actor, d, body, files: _services().dossier_self_assign(actor=actor, dossier=d),
    event=events.SELF_ASSIGNED,
)
_action(
    A.COMPLETE_STEP,
    allowed_from=(S.IN_PROGRESS,),
    leads_to=TO_WORK,
    roles=_LEADER,
    units=_holder,
    holder_acts=True,
    unit_rule="cán bộ đang xử lý, hoặc lãnh đạo đơn vị đang giữ",
    input=s.CompleteStepIn,
    perform=lambda actor, d, body, files: _services().dossier_complete_step(
        actor=actor, dossier=d, next_assignee=user_by_name(body.next_assignee), note=body.note
    ),
    event=events.STEP_COMPLETED,
)
_action(
    A.SEND_BACK,
    allowed_from=(S.IN_PROGRESS,),
    leads_to=S.WAITING_ASSIGNMENT,
    roles=_LEADER,
    units=_holder,
    holder_acts=True,
    unit_rule="cán bộ đang xử lý, hoặc lãnh đạo đơn vị đang giữ",
    input=s.SendBackIn,
    perform=lambda actor, d, body, files: _services().dossier_send_back(
        actor=actor, dossier=d, to_step=body.to_step, reason=body.reason
    ),
    event=events.SENT_BACK,
)
_action(
    A.CONSULT,
    allowed_from=(S.IN_PROGRESS, S.CONSULTING),
    leads_to=S.CONSULTING,
    roles=_LEADER,
    units=_holder,
    holder_acts=True,
    unit_rule="cán bộ đang xử lý, hoặc lãnh đạo đơn vị đang giữ",
    input=s.ConsultIn,
    perform=lambda actor, d, body, files: _services().dossier_consult(
        actor=actor,
        dossier=d,
        unit=unit_by_code(body.unit),
        question=body.question,
        hours=body.hours,
    ),
    event=events.CONSULTED,
)
_action(
    A.RECORD_OPINION,
    allowed_from=(S.CONSULTING,),
    leads_to=Outcome(
        _after_opinion,
        (STAY, S.IN_PROGRESS, S.WAITING_ASSIGNMENT),
        "vẫn chờ ý kiến nếu còn đơn vị chưa trả lời, nếu hết thì trở lại xử lý",
    ),
    roles=frozenset({Role.SPECIALIST, Role.UNIT_LEADER}),
    units=consulted_units,
    unit_rule="chuyên viên / lãnh đạo của đơn vị được xin ý kiến",
    input=s.OpinionIn,
    perform=lambda actor, d, body, files: _services().dossier_record_opinion(
        actor=actor,
        dossier=d,
        consultation=_consultation(d, body.consultation),
        opinion=body.opinion,
    ),
    event=events.OPINION_RECORDED,
)
_action(
    A.REQUEST_SUPPLEMENT,
    allowed_from=_WORKING,
    leads_to=S.SUPPLEMENT_REQUESTED,
    roles=_LEADER,
    units=_holder,
    holder_acts=True,
    unit_rule="cán bộ đang xử lý, hoặc lãnh đạo đơn vị đang giữ",
    input=s.SupplementRequestIn,
    perform=lambda actor, d, body, files: _services().dossier_request_supplement(
        actor=actor, dossier=d, items=body.items, reason=body.reason
    ),
    event=events.SUPPLEMENT_REQUESTED,
    form="02",
)
_action(
    A.RECEIVE_SUPPLEMENT,
    allowed_from=(S.SUPPLEMENT_REQUESTED,),
    leads_to=TO_WORK,
    roles=frozenset({Role.DESK_OFFICER, Role.UNIT_LEADER}),
    units=_desk_or_holder,
    holder_acts=True,
    unit_rule="cán bộ đang xử lý, một cửa nơi nộp, hoặc lãnh đạo đơn vị đang giữ",
    input=s.NoteIn,
    perform=lambda actor, d, body, files: _services().dossier_receive_supplement(
        actor=actor, dossier=d, note=body.note
    ),
    event=events.SUPPLEMENT_RECEIVED,
)
_action(
    A.REQUEST_PAYMENT,
    allowed_from=_WORKING,
    leads_to=S.PAYMENT_REQUESTED,
    roles=_LEADER,
    units=_holder,
    holder_acts=True,
    unit_rule="cán bộ đang xử lý, hoặc lãnh đạo đơn vị đang giữ",
    input=s.PaymentRequestIn,
    perform=lambda actor, d, body, files: _services().dossier_request_payment(
        actor=actor, dossier=d, amount=body.amount, note=body.note
    ),
    event=events.PAYMENT_REQUESTED,
)
_action(
    A.RECORD_PAYMENT,
    allowed_from=(S.PAYMENT_REQUESTED,),
    leads_to=TO_WORK,
    roles=frozenset({Role.DESK_OFFICER, Role.UNIT_LEADER}),
    units=_desk_or_holder,
    holder_acts=True,
    unit_rule="cán bộ đang xử lý, một cửa nơi nộp, hoặc lãnh đạo đơn vị đang giữ",
    input=s.PaymentIn,
    perform=lambda actor, d, body, files: _services().dossier_record_payment(
        actor=actor, dossier=d, amount=body.amount, receipt=body.receipt
    ),
    event=events.PAYMENT_RECORDED,
)
_action(
    A.ONLINE_PAYMENT,
    allowed_from=(S.SUBMITTED, *_CLOSE_FROM, S.RESULT_READY),
    leads_to=Outcome(
        _after_online_payment,
        (STAY, S.IN_PROGRESS, S.WAITING_ASSIGNMENT),
        "trở lại xử lý nếu hồ sơ đang chờ nghĩa vụ tài chính, nếu không giữ nguyên",
    ),
    unit_rule="cổng thanh toán (dịch vụ payments), không có cán bộ",
    event=events.PAYMENT_RECORDED,
    api=False,
)
_action(
    A.APPROVE,
    allowed_from=(S.IN_PROGRESS,),
    leads_to=S.RESULT_READY,
    roles=_LEADER,
    units=_deciding,
    unit_rule="lãnh đạo cơ quan giải quyết hoặc đơn vị đang giữ",
    input=s.ApproveIn,
    files=("file",),
    perform=lambda actor, d, body, files: _services().dossier_approve(
        actor=actor,
        dossier=d,
        number=body.number,
        date=body.date,
        signer=body.signer,
        file=files.get("file"),
    ),
    event=events.APPROVED,
)
_action(
    A.REFUSE,
    allowed_from=(S.IN_PROGRESS,),
    leads_to=S.RESULT_READY,
    roles=_LEADER,
    units=_deciding,
    unit_rule="lãnh đạo cơ quan giải quyết hoặc đơn vị đang giữ",
    input=s.ReasonsIn,
    perform=lambda actor, d, body, files: _services().dossier_refuse(
        actor=actor, dossier=d, reasons=body.reasons
    ),
    event=events.REFUSED,
)
_action(
    A.RETURN_RESULT,
    allowed_from=(S.RESULT_READY,),
    leads_to=S.RETURNED,
    roles=frozenset({Role.DESK_OFFICER}),
    units=lambda d: [d.receiving_unit, d.competent_unit],
    unit_rule="cán bộ một cửa nơi nộp hoặc cơ quan giải quyết",
    input=s.ReturnIn,
    perform=lambda actor, d, body, files: _services().dossier_return_result(
        actor=actor, dossier=d, method=body.method, received_by=body.received_by, note=body.note
    ),
    event=events.RETURNED,
)
_action(
    A.WITHDRAW,
    allowed_from=(S.SUBMITTED, *_CLOSE_FROM),
    leads_to=S.WITHDRAWN,
    roles=frozenset({Role.DESK_OFFICER, Role.UNIT_LEADER}),
    units=_any_of_three,
    unit_rule="một cửa / lãnh đạo của đơn vị đang giữ, cơ quan giải quyết hoặc nơi nộp",
    input=s.ReasonIn,
    perform=lambda actor, d, body, files: _services().dossier_withdraw(
        actor=actor, dossier=d, reason=body.reason
    ),
    event=events.WITHDRAWN,
    form="05",
)
_action(
    A.STOP,
    allowed_from=_CLOSE_FROM,
    leads_to=S.STOPPED,
    roles=_LEADER,
    units=_any_of_three,
    unit_rule="lãnh đạo của đơn vị đang giữ, cơ quan giải quyết hoặc nơi nộp",
    input=s.ReasonIn,
    perform=lambda actor, d, body, files: _services().dossier_stop(
        actor=actor, dossier=d, reason=body.reason
    ),
    event=events.STOPPED,
    form="05",
)
_action(
    A.CANCEL,
    allowed_from=_CLOSE_FROM,
    leads_to=S.CANCELLED,
    roles=frozenset({Role.UNIT_LEADER, Role.PROVINCE_ADMIN}),
    units=_any_of_three,
    unit_rule="lãnh đạo (hoặc quản trị cấp tỉnh) của đơn vị đang giữ, giải quyết hoặc nơi nộp",
    input=s.ReasonIn,
    perform=lambda actor, d, body, files: _services().dossier_cancel(
        actor=actor, dossier=d, reason=body.reason
    ),
    event=events.CANCELLED,
)
_action(
    A.APOLOGIZE,
    allowed_from=_CLOSE_FROM[:4],
    leads_to=STAY,
    roles=_LEADER,
    units=lambda d: [d.holder_unit, d.competent_unit],
    unit_rule="lãnh đạo đơn vị đang giữ hoặc cơ quan giải quyết",
    input=s.ApologizeIn,
    perform=lambda actor, d, body, files: _services().dossier_apologize(
        actor=actor, dossier=d, reason=body.reason, new_due_at=body.new_due_at
    ),
    event=events.APOLOGIZED,
    form="04",
)
_action(
    A.LATE_ENTRY,
    allowed_from=(*_CLOSE_FROM, S.RESULT_READY),
    leads_to=STAY,
    roles=frozenset({Role.DESK_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER}),
    units=_any_of_three,
    unit_rule="cán bộ của đơn vị đang giữ, cơ quan giải quyết hoặc nơi nộp",
    input=s.LateEntryIn,
    perform=lambda actor, d, body, files: _services().dossier_record_late_entry(
        actor=actor,
        dossier=d,
        occurred_at=body.occurred_at,
        description=body.description,
        reason=body.reason,
    ),
    event=events.LATE_ENTRY,
)

# ---------------------------------------------------------------- how a dossier begins
# No status before: these are not in the allowed-actions table, but the status each creates
# comes from here too (the intake services read it), with its event and printed form.

CREATIONS = ActionRegistry("hồ sơ", Status.values, lambda status: str(Status(status).label))
_DESK = frozenset({Role.DESK_OFFICER})
for _code, _label, _status, _event, _form, _roles in (
    ("receive", "Tiếp nhận hồ sơ tại bộ phận một cửa", S.RECEIVED, events.RECEIVED, "01", _DESK),
    (
        "request_completion_at_intake",
        "Hướng dẫn hoàn thiện hồ sơ tại bộ phận một cửa",
        S.INTAKE_INCOMPLETE,
        events.COMPLETION_REQUESTED,
        "02",
        _DESK,
    ),
    (
        "refuse_at_intake",
        "Từ chối tiếp nhận tại bộ phận một cửa",
        S.INTAKE_REFUSED,
        events.INTAKE_REFUSED,
        "03",
        _DESK,
    ),
    ("submit_online", "Nộp hồ sơ trực tuyến", S.SUBMITTED, events.SUBMITTED, None, frozenset()),
):
    CREATIONS.register(
        ActionSpec(
            code=_code,
            label=_label,
            allowed_from=(),
            leads_to=_status,
            roles=_roles,
            unit_rule="cán bộ một cửa của đơn vị tiếp nhận" if _roles else "công dân (cổng)",
            input=s.IntakeIn if _roles else None,
            event=_event,
            form=_form,
            api=False,
        )
    )


def created_status(code: str) -> str:
    """The status a dossier starts in when created by ``code`` (receive, submit_online…)."""
    return CREATIONS[code].leads_to  # type: ignore[return-value]


#: status → the actions allowed from it (derived from the registry)
ALLOWED_ACTIONS: dict[str, tuple[str, ...]] = ACTIONS.table()


def allowed_actions(status: str) -> tuple[str, ...]:
    return ACTIONS.allowed(status)


def check_allowed(status: str, action: str) -> None:
    ACTIONS.check(status, action)
