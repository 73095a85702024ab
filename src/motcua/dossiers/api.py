"""The dossier API (officers and integrations; Bearer token or session).

Mounted at /api/dossiers; ``stats_router`` is mounted at /api/stats.
Every write calls one service; a client may send the ``version`` it read so that a stale
action is refused with 409 instead of applied on top of someone else's change.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate

from motcua.catalog.models import Procedure
from motcua.core.api_pagination import Pagination
from motcua.core.errors import InvalidInput, NotFound
from motcua.core.files import file_response
from motcua.core.masking import mask_middle
from motcua.dossiers import selectors, services
from motcua.dossiers.forms import FORMS, render_form_pdf
from motcua.dossiers.lifecycle import Action, Status
from motcua.dossiers.models import Consultation, Dossier
from motcua.organization.auth import officer_auth
from motcua.organization.models import Unit

router = Router(tags=["Hồ sơ"], auth=officer_auth)
stats_router = Router(tags=["Thống kê"])


# ---------------------------------------------------------------- schemas


class ApplicantIn(Schema):
    kind: Literal["person", "organization"] = "person"
    name: str = Field(..., min_length=1, max_length=255)
    id_number: str = Field(..., min_length=1, max_length=20)
    phone: str = ""
    email: str = ""
    address: str = ""


class ChecklistIn(Schema):
    component: int | None = Field(None, description="id thành phần hồ sơ của thủ tục")
    name: str = ""
    provided: bool = True
    copy_kind: Literal["original", "certified", "copy", "electronic"] = "original"
    quantity: int = Field(1, ge=1)
    missing_note: str = ""


class IntakeIn(Schema):
    procedure: str = Field(..., description="mã thủ tục")
    outcome: Literal["receive", "request_completion", "refuse"] = "receive"
    unit: str | None = Field(None, description="mã đơn vị tiếp nhận (mặc định: của cán bộ)")
    competent_unit: str | None = None
    channel: Literal["in_person", "postal"] = "in_person"
    postal_tracking: str = ""
    return_method: Literal["desk", "post", "online"] = "desk"
    applicant: ApplicantIn
    checklist: list[ChecklistIn] | None = Field(
        None, description="bỏ trống: nộp đủ mọi thành phần theo danh mục"
    )
    fee_due: Decimal | None = None
    note: str = ""
    reasons: str = Field("", description="lý do từ chối / nội dung cần hoàn thiện")


class StepOut(Schema):
    order: int
    name: str
    role: str


class ResultOut(Schema):
    decision: str
    number: str
    date: dt.date | None
    signer: str
    file: str | None


class DossierOut(Schema):
    code: str
    procedure: str
    procedure_name: str
    status: str
    status_label: str
    national_status: int
    national_status_label: str
    channel: str
    postal_tracking: str
    receiving_unit: str
    competent_unit: str
    holder_unit: str
    current_step: StepOut | None
    assignee: str | None
    applicant_kind: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    fee_due: Decimal
    fee_paid: Decimal
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    reappointed_due_at: dt.datetime | None
    step_due_at: dt.datetime | None
    paused_hours: float
    supplement_count: int
    result: ResultOut | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    classification: str
    rule_set: str
    version: int
    allowed_actions: list[str]

    @staticmethod
    def from_dossier(d: Dossier) -> dict:
        return {
            "code": d.code,
            "procedure": d.procedure.code,
            "procedure_name": d.procedure.name,
            "status": d.status,
            "status_label": str(Status(d.status).label),
            "national_status": d.national_status,
            "national_status_label": d.national_status_label,
            "channel": d.channel,
            "postal_tracking": d.postal_tracking,
            "receiving_unit": d.receiving_unit.code,
            "competent_unit": d.competent_unit.code,
            "holder_unit": d.holder_unit.code,
            "current_step": (
                {
                    "order": d.current_step.order,
                    "name": d.current_step.name,
                    "role": d.current_step.role,
                }
                if d.current_step_id
                else None
            ),
            "assignee": d.assignee.get_username() if d.assignee_id else None,
            "applicant_kind": d.applicant_kind,
            "applicant_name": d.applicant_name,
            "applicant_id_number": d.applicant_id_number,
            "applicant_phone": d.applicant_phone,
            "applicant_email": d.applicant_email,
            "applicant_address": d.applicant_address,
            "fee_due": d.fee_due,
            "fee_paid": d.fee_paid,
            "submitted_at": d.submitted_at,
            "received_at": d.received_at,
            "due_at": d.due_at,
            "reappointed_due_at": d.reappointed_due_at,
            "step_due_at": d.step_due_at,
            "paused_hours": round(d.paused_hours, 4),
            "supplement_count": d.supplement_count,
            "result": (
                {
                    "decision": d.decision,
                    "number": d.result_number,
                    "date": d.result_date,
                    "signer": d.result_signer,
                    "file": f"/api/dossiers/{d.code}/result" if d.result_file else None,
                }
                if d.decision
                else None
            ),
            "finished_at": d.finished_at,
            "returned_at": d.returned_at,
            "classification": d.classification,
            "rule_set": d.rule_set.code,
            "version": d.version,
            "allowed_actions": list(selectors.dossier_actions_for(dossier=d)),
        }


class DossierListOut(Schema):
    code: str
    procedure: str
    status: str
    national_status: int
    applicant_name: str
    applicant_id_number: str
    channel: str
    competent_unit: str
    holder_unit: str
    assignee: str | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    overdue: bool

    @staticmethod
    def resolve_procedure(obj):
        return obj.procedure.code

    @staticmethod
    def resolve_applicant_id_number(obj):
        return mask_middle(obj.applicant_id_number)

    @staticmethod
    def resolve_competent_unit(obj):
        return obj.competent_unit.code

    @staticmethod
    def resolve_holder_unit(obj):
        return obj.holder_unit.code

    @staticmethod
    def resolve_assignee(obj):
        return obj.assignee.get_username() if obj.assignee_id else None

    @staticmethod
    def resolve_overdue(obj):
        from django.utils import timezone

        return obj.is_overdue(timezone.now())


class EventOut(Schema):
    seq: int
    action: str
    label: str
    actor: str
    unit: str | None
    at: dt.datetime
    payload: dict
    hash: str


class ListQuery(Schema):
    unit: str | None = None
    status: str | None = Field(None, description="trạng thái nội bộ hoặc mã quốc gia 1–10")
    overdue: bool | None = None
    procedure: str | None = None
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    q: str = ""
    scope: Literal["mine", "unit"] = "unit"
    queue: Literal["", "todo", "due_soon", "overdue", "waiting", "done"] = ""


class Versioned(Schema):
    version: int | None = Field(None, description="phiên bản hồ sơ đã đọc (chống ghi đè)")


class ReasonIn(Versioned):
    reason: str = Field(..., min_length=1)


class ReasonsIn(Versioned):
    reasons: str = Field(..., min_length=1)


class TransferIn(Versioned):
    to_unit: str | None = None
    assignee: str | None = None
    note: str = ""


class AssignIn(Versioned):
    assignee: str


class CompleteStepIn(Versioned):
    next_assignee: str | None = None
    note: str = ""


class SendBackIn(Versioned):
    to_step: int
    reason: str = Field(..., min_length=1)


class ConsultIn(Versioned):
    unit: str
    question: str = Field(..., min_length=1)
    hours: float | None = Field(None, gt=0)


class OpinionIn(Versioned):
    consultation: int
    opinion: str = Field(..., min_length=1)


class SupplementIn(Versioned):
    items: list[str] = Field(..., min_length=1)
    reason: str = ""


class NoteIn(Versioned):
    note: str = ""


class PaymentRequestIn(Versioned):
    amount: Decimal = Field(..., gt=0)
    note: str = ""


class PaymentIn(Versioned):
    amount: Decimal = Field(..., gt=0)
    receipt: str = ""


class ReturnIn(Versioned):
    method: Literal["desk", "post", "online"]
    received_by: str = Field(..., min_length=1)
    note: str = ""


class LateEntryIn(Versioned):
    occurred_at: dt.datetime
    description: str = Field(..., min_length=1)
    reason: str


class ApologizeIn(Versioned):
    reason: str = Field(..., min_length=1)
    new_due_at: dt.datetime


# ---------------------------------------------------------------- helpers


def _unit(code: str | None) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(f"Không tìm thấy đơn vị {code}.", code="unit_not_found")
    return unit


def _user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"Không tìm thấy cán bộ {username}.", code="user_not_found")
    return user


def _dossier(request, code: str, version: int | None = None) -> Dossier:
    dossier = selectors.dossier_get(code=code, user=request.user)
    if version is not None:
        dossier.version = version
    return dossier


def _out(dossier: Dossier) -> dict:
    fresh = selectors.dossier_get(code=dossier.code)
    return DossierOut.from_dossier(fresh)


# ---------------------------------------------------------------- endpoints


@router.post("", response={201: DossierOut}, summary="Tiếp nhận hồ sơ (mẫu 01 / 02 / 03)")
def intake(request, body: IntakeIn):
    procedure = Procedure.objects.filter(code=body.procedure).first()
    if procedure is None:
        raise NotFound(f"Không tìm thấy thủ tục {body.procedure}.", code="procedure_not_found")
    common = {
        "actor": request.user,
        "procedure": procedure,
        "applicant": body.applicant.dict(),
        "checklist": [c.dict() for c in body.checklist] if body.checklist is not None else None,
        "unit": _unit(body.unit),
        "channel": body.channel,
        "postal_tracking": body.postal_tracking,
    }
    if body.outcome == "receive":
        dossier = services.dossier_receive(
            **common,
            competent_unit=_unit(body.competent_unit),
            return_method=body.return_method,
            fee_due=body.fee_due,
            note=body.note,
        )
    elif body.outcome == "request_completion":
        dossier = services.dossier_request_completion_at_intake(**common, reasons=body.reasons)
    else:
        dossier = services.dossier_refuse_at_intake(**common, reasons=body.reasons)
    return HttpStatus(201, _out(dossier))


@router.get("", response=list[DossierListOut], summary="Danh sách hồ sơ")
@paginate(Pagination)
def dossier_list(request, query: Query[ListQuery]):
    filters = selectors.DossierFilters(
        unit=query.unit,
        status=query.status,
        overdue=query.overdue,
        procedure=query.procedure,
        date_from=query.from_,
        date_to=query.to,
        q=query.q,
        scope=query.scope,
        queue=query.queue,
    )
    return selectors.dossier_list(user=request.user, filters=filters)


@router.get("/{code}", response=DossierOut, summary="Chi tiết hồ sơ")
def dossier_detail(request, code: str):
    return DossierOut.from_dossier(_dossier(request, code))


@router.get("/{code}/events", response=list[EventOut], summary="Lịch sử xử lý")
def dossier_events(request, code: str):
    from motcua.ledger.actions import label

    dossier = _dossier(request, code)
    return [
        {
            "seq": e.seq,
            "action": e.action,
            "label": label(e.action),
            "actor": e.actor_label,
            "unit": e.payload.get("holder_unit"),
            "at": e.at,
            "payload": e.payload,
            "hash": e.hash,
        }
        for e in selectors.dossier_events(dossier=dossier)
    ]


@router.get("/{code}/forms/{form}.pdf", summary="In mẫu 01–07 (PDF)")
def dossier_form(request, code: str, form: str):
    if form not in FORMS:
        raise NotFound(f"Không có mẫu {form}.", code="form_unknown")
    dossier = _dossier(request, code)
    response = HttpResponse(render_form_pdf(dossier, form), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-mau-{form}.pdf"'
    return response


@router.get("/{code}/result", summary="Tải văn bản kết quả")
def dossier_result_file(request, code: str):
    """The result document, for whoever may read the dossier (never a public URL)."""
    return file_response(_dossier(request, code).result_file)


class ChecklistItemOut(Schema):
    id: int
    order: int
    name: str
    provided: bool
    copy_kind: str
    quantity: int
    missing_note: str
    file: str | None = Field(None, description="Tệp số hóa (tải bằng cùng mã truy cập)")


@router.get(
    "/{code}/checklist", response=list[ChecklistItemOut], summary="Thành phần hồ sơ đã nhận"
)
def dossier_checklist(request, code: str):
    dossier = _dossier(request, code)
    return [
        {
            **{f: getattr(i, f) for f in ("id", "order", "name", "provided", "copy_kind")},
            "quantity": i.quantity,
            "missing_note": i.missing_note,
            "file": f"/api/dossiers/{dossier.code}/checklist/{i.pk}/file" if i.file else None,
        }
        for i in dossier.checklist.order_by("order")
    ]


@router.get("/{code}/checklist/{item}/file", summary="Tải tệp số hóa của một thành phần")
def dossier_checklist_file(request, code: str, item: int):
    dossier = _dossier(request, code)
    return file_response(selectors.dossier_checklist_file(dossier=dossier, item=item))


# ---- one endpoint per action, each with its typed body


def _act(path: str, action: str):
    return router.post(
        f"/{{code}}/actions/{path}",
        response=DossierOut,
        summary=str(Action(action).label),
        operation_id=f"dossier_action_{path}",
    )


@_act("accept", Action.ACCEPT)
def act_accept(request, code: str, body: Versioned):
    d = _dossier(request, code, body.version)
    return _out(services.dossier_accept(actor=request.user, dossier=d))


@_act("refuse_intake", Action.REFUSE_INTAKE)
def act_refuse_intake(request, code: str, body: ReasonsIn):
    d = _dossier(request, code, body.version)
    return _out(services.dossier_refuse_online(actor=request.user, dossier=d, reasons=body.reasons))


@_act("request_completion", Action.REQUEST_COMPLETION)
def act_request_completion(request, code: str, body: ReasonsIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_request_completion_online(
            actor=request.user, dossier=d, reasons=body.reasons
        )
    )


@_act("transfer", Action.TRANSFER)
def act_transfer(request, code: str, body: TransferIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_transfer(
            actor=request.user,
            dossier=d,
            to_unit=_unit(body.to_unit),
            assignee=_user(body.assignee),
            note=body.note,
        )
    )


@_act("assign", Action.ASSIGN)
def act_assign(request, code: str, body: AssignIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_assign(actor=request.user, dossier=d, assignee=_user(body.assignee))
    )


@_act("self_assign", Action.SELF_ASSIGN)
def act_self_assign(request, code: str, body: Versioned):
    d = _dossier(request, code, body.version)
    return _out(services.dossier_self_assign(actor=request.user, dossier=d))


@_act("complete_step", Action.COMPLETE_STEP)
def act_complete_step(request, code: str, body: CompleteStepIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_complete_step(
            actor=request.user,
            dossier=d,
            next_assignee=_user(body.next_assignee),
            note=body.note,
        )
    )


@_act("send_back", Action.SEND_BACK)
def act_send_back(request, code: str, body: SendBackIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_send_back(
            actor=request.user, dossier=d, to_step=body.to_step, reason=body.reason
        )
    )


@_act("consult", Action.CONSULT)
def act_consult(request, code: str, body: ConsultIn):
    d = _dossier(request, code, body.version)
    services.dossier_consult(
        actor=request.user,
        dossier=d,
        unit=_unit(body.unit),
        question=body.question,
        hours=body.hours,
    )
    return _out(d)


@_act("record_opinion", Action.RECORD_OPINION)
def act_record_opinion(request, code: str, body: OpinionIn):
    d = _dossier(request, code, body.version)
    consultation = Consultation.objects.filter(pk=body.consultation, dossier=d).first()
    if consultation is None:
        raise NotFound("Không tìm thấy yêu cầu xin ý kiến.", code="consultation_not_found")
    return _out(
        services.dossier_record_opinion(
            actor=request.user, dossier=d, consultation=consultation, opinion=body.opinion
        )
    )


@_act("request_supplement", Action.REQUEST_SUPPLEMENT)
def act_request_supplement(request, code: str, body: SupplementIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_request_supplement(
            actor=request.user, dossier=d, items=body.items, reason=body.reason
        )
    )


@_act("receive_supplement", Action.RECEIVE_SUPPLEMENT)
def act_receive_supplement(request, code: str, body: NoteIn):
    d = _dossier(request, code, body.version)
    return _out(services.dossier_receive_supplement(actor=request.user, dossier=d, note=body.note))


@_act("request_payment", Action.REQUEST_PAYMENT)
def act_request_payment(request, code: str, body: PaymentRequestIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_request_payment(
            actor=request.user, dossier=d, amount=body.amount, note=body.note
        )
    )


@_act("record_payment", Action.RECORD_PAYMENT)
def act_record_payment(request, code: str, body: PaymentIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_record_payment(
            actor=request.user, dossier=d, amount=body.amount, receipt=body.receipt
        )
    )


@_act("approve", Action.APPROVE)
def act_approve(
    request,
    code: str,
    number: Form[str],
    date: Form[dt.date],
    signer: Form[str],
    file: File[UploadedFile],
    version: Form[int | None] = None,
):
    d = _dossier(request, code, version)
    return _out(
        services.dossier_approve(
            actor=request.user, dossier=d, number=number, date=date, signer=signer, file=file
        )
    )


@_act("refuse", Action.REFUSE)
def act_refuse(request, code: str, body: ReasonsIn):
    d = _dossier(request, code, body.version)
    return _out(services.dossier_refuse(actor=request.user, dossier=d, reasons=body.reasons))


@_act("return_result", Action.RETURN_RESULT)
def act_return_result(request, code: str, body: ReturnIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_return_result(
            actor=request.user,
            dossier=d,
            method=body.method,
            received_by=body.received_by,
            note=body.note,
        )
    )


@_act("withdraw", Action.WITHDRAW)
def act_withdraw(request, code: str, body: ReasonIn):
    d = _dossier(request, code, body.version)
    return _out(services.dossier_withdraw(actor=request.user, dossier=d, reason=body.reason))


@_act("stop", Action.STOP)
def act_stop(request, code: str, body: ReasonIn):
    d = _dossier(request, code, body.version)
    return _out(services.dossier_stop(actor=request.user, dossier=d, reason=body.reason))


@_act("cancel", Action.CANCEL)
def act_cancel(request, code: str, body: ReasonIn):
    d = _dossier(request, code, body.version)
    return _out(services.dossier_cancel(actor=request.user, dossier=d, reason=body.reason))


@_act("apologize", Action.APOLOGIZE)
def act_apologize(request, code: str, body: ApologizeIn):
    if body.new_due_at.tzinfo is None:
        raise InvalidInput("Thời điểm hẹn mới phải có múi giờ.", code="naive_datetime")
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_apologize(
            actor=request.user, dossier=d, reason=body.reason, new_due_at=body.new_due_at
        )
    )


@_act("late_entry", Action.LATE_ENTRY)
def act_late_entry(request, code: str, body: LateEntryIn):
    d = _dossier(request, code, body.version)
    return _out(
        services.dossier_record_late_entry(
            actor=request.user,
            dossier=d,
            occurred_at=body.occurred_at,
            description=body.description,
            reason=body.reason,
        )
    )


# ---------------------------------------------------------------- statistics


class StatsQuery(Schema):
    unit: str | None = None
    level: Literal["province", "district", "commune"] | None = None
    field: str | None = None
    procedure: str | None = None
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    group_by: Literal["unit", "receiving_unit", "procedure", "field", "channel", "month"] | None = (
        None
    )


class StatsRow(Schema):
    group: str
    label: str
    received: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    in_progress: int
    in_progress_within: int
    in_progress_overdue: int
    paused: int
    withdrawn: int
    stopped: int
    refused: int
    refused_at_intake: int
    online: int
    online_share: float
    on_time_share: float


@stats_router.get("/dossiers", response=list[StatsRow], summary="Thống kê hồ sơ")
def dossier_stats(request, query: Query[StatsQuery]):
    """Aggregates only (no personal data): public, the same numbers as pages and exports."""
    filters = selectors.StatsFilters(
        unit=query.unit,
        level=query.level,
        field=query.field,
        procedure=query.procedure,
        date_from=query.from_,
        date_to=query.to,
    )
    return selectors.dossier_stats(filters=filters, group_by=query.group_by)
