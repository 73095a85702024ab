"""The dossier API (officers and integrations; Bearer token or session).

Mounted at /api/dossiers; ``stats_router`` is mounted at /api/stats.
Every write calls one service; a client may send the ``version`` it read so that a stale
action is refused with 409 instead of applied on top of someone else's change.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import Field, File, Form, Header, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticValidationError

from motcua.catalog.models import Procedure
from motcua.core.actions import STAY, ActionSpec, Outcome
from motcua.core.api_pagination import Pagination
from motcua.core.errors import InvalidInput, NotFound
from motcua.core.files import file_response
from motcua.core.masking import mask_middle
from motcua.dossiers import selectors, services
from motcua.dossiers.actions import ACTIONS, unit_by_code
from motcua.dossiers.errors import ERROR_RESPONSES, DossierError
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.printed import FORMS, render_form_pdf
from motcua.dossiers.schemas import Day, Input, IntakeIn, text
from motcua.organization.auth import officer_auth

router = Router(tags=["Hồ sơ"], auth=officer_auth)
stats_router = Router(tags=["Thống kê"])


# ---------------------------------------------------------------- schemas


class DossierStepOut(Schema):
    order: int
    name: str
    role: str


class DossierResultOut(Schema):
    decision: str
    number: str
    date: dt.date | None
    signer: str
    file: str | None


class DossierDetailOut(Schema):
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
    current_step: DossierStepOut | None
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
    result: DossierResultOut | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    classification: str
    rule_set: str
    version: int
    allowed_actions: list[str]

    @staticmethod
    def from_dossier(d: Dossier, user=None) -> dict:
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
            "allowed_actions": list(selectors.dossier_actions_for(dossier=d, user=user)),
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


class ListQuery(Input):
    unit: str | None = None
    status: str | None = Field(None, description="trạng thái nội bộ hoặc mã quốc gia 1–10")
    overdue: bool | None = None
    procedure: str | None = None
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None
    q: text(200) = ""
    scope: Literal["mine", "unit"] = "unit"
    queue: Literal["", "todo", "due_soon", "overdue", "waiting", "done"] = ""
    sort: Literal["", "risk"] = Field(
        "", description="risk: nguy cơ trễ hạn cao nhất trước (hồ sơ chưa chấm điểm ở cuối)"
    )


# ---------------------------------------------------------------- helpers


def _dossier(request, code: str, version: int | None = None) -> Dossier:
    dossier = selectors.dossier_get(code=code, user=request.user)
    if version is not None:
        dossier.version = version
    return dossier


def _out(dossier: Dossier, user) -> dict:
    fresh = selectors.dossier_get(code=dossier.code)
    return DossierDetailOut.from_dossier(fresh, user)


# ---------------------------------------------------------------- endpoints

_FILE_OK = {200: {"description": "Tệp (PDF hoặc ảnh)", "content": {"application/pdf": {}}}}


@router.post(
    "",
    response={201: DossierDetailOut, 200: DossierDetailOut, **ERROR_RESPONSES},
    summary="Tiếp nhận hồ sơ (mẫu 01 / 02 / 03)",
    description=(
        "Tiêu đề `Idempotency-Key` (8–64 ký tự, tùy chọn nhưng nên gửi): gửi lại cùng khóa "
        "sau khi mất phản hồi trả 200 với hồ sơ đã tạo, không tạo hồ sơ thứ hai; cùng khóa "
        "với nội dung khác trả 409 `idempotency_key_reused`."
    ),
)
def intake(
    request,
    body: IntakeIn,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", description="khóa chống tiếp nhận trùng (8–64 ký tự)"
    ),
):
    return _intake(request, body, idempotency_key, scans={})


_SCANS_DESCRIPTION = (
    "Như `POST /api/dossiers`, gửi dạng `multipart/form-data` để kèm bản quét từng thành phần "
    "(như trang tiếp nhận): trường `data` là nội dung JSON của yêu cầu tiếp nhận; mỗi tệp "
    "mang tên `scan_<id thành phần>` (id lấy từ `GET /api/procedures/{code}`, mục "
    "`components[].id`). Thành phần có tệp phải có mặt trong `checklist`, hoặc bỏ trống "
    "`checklist` (nộp đủ mọi thành phần)."
)


@router.post(
    "/with-scans",
    response={201: DossierDetailOut, 200: DossierDetailOut, **ERROR_RESPONSES},
    summary="Tiếp nhận hồ sơ kèm bản quét từng thành phần",
    description=_SCANS_DESCRIPTION,
)
def intake_with_scans(
    request,
    data: Form[str],
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", description="khóa chống tiếp nhận trùng (8–64 ký tự)"
    ),
):
    body = parse_json(IntakeIn, data)
    scans = {}
    for name, upload in request.FILES.items():
        component = name.removeprefix("scan_")
        if not name.startswith("scan_") or not component.isdigit():
            raise InvalidInput(
                f"Tệp «{name}» không đúng tên: cần scan_<id thành phần>.",
                code=DossierError.COMPONENT_UNKNOWN,
            )
        scans[int(component)] = upload
    return _intake(request, body, idempotency_key, scans=scans)


def parse_json(schema, data: str):
    """A JSON form field validated like a JSON body (the same 400 with the fields named)."""
    try:
        return schema.model_validate_json(data)
    except PydanticValidationError as error:
        raise NinjaValidationError(
            [{**e, "loc": ("data", *e["loc"])} for e in error.errors(include_url=False)]
        ) from error


def _intake(request, body: IntakeIn, idempotency_key: str | None, *, scans: dict):
    procedure = Procedure.objects.filter(code=body.procedure).first()
    if procedure is None:
        raise NotFound(
            f"Không tìm thấy thủ tục {body.procedure}.", code=DossierError.PROCEDURE_NOT_FOUND
        )
    checklist = [c.dict() for c in body.checklist] if body.checklist is not None else None
    if scans:
        if checklist is None:  # every component handed over, as the catalog declares
            checklist = [{"component": c.pk} for c in procedure.components.all()]
        listed = {row.get("component") for row in checklist}
        unknown = sorted(set(scans) - listed)
        if unknown:
            raise InvalidInput(
                f"Bản quét của thành phần {unknown[0]} không có trong danh mục giấy tờ.",
                code=DossierError.COMPONENT_UNKNOWN,
            )
        for row in checklist:
            row["file"] = scans.get(row.get("component"))
    common = {
        "actor": request.user,
        "procedure": procedure,
        "applicant": body.applicant.dict(),
        "checklist": checklist,
        "unit": unit_by_code(body.unit),
        "channel": body.channel,
        "postal_tracking": body.postal_tracking,
    }

    def perform():
        if body.outcome == "receive":
            return services.dossier_receive(
                **common,
                competent_unit=unit_by_code(body.competent_unit),
                return_method=body.return_method,
                fee_due=body.fee_due,
                note=body.note,
            )
        if body.outcome == "request_completion":
            return services.dossier_request_completion_at_intake(**common, reasons=body.reasons)
        return services.dossier_refuse_at_intake(**common, reasons=body.reasons)

    fingerprint = body.model_dump_json() + "".join(
        f"|{k}:{f.name}:{f.size}" for k, f in sorted(scans.items())
    )
    dossier, created = services.dossier_intake_once(
        actor=request.user,
        idempotency_key=idempotency_key or "",
        fingerprint=fingerprint,
        perform=perform,
    )
    return HttpStatus(201 if created else 200, _out(dossier, request.user))


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
        sort=query.sort,
    )
    return selectors.dossier_list(user=request.user, filters=filters)


@router.get(
    "/{code}", response={200: DossierDetailOut, **ERROR_RESPONSES}, summary="Chi tiết hồ sơ"
)
def dossier_detail(request, code: str):
    return DossierDetailOut.from_dossier(_dossier(request, code), request.user)


@router.get(
    "/{code}/events", response={200: list[EventOut], **ERROR_RESPONSES}, summary="Lịch sử xử lý"
)
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


@router.get(
    "/{code}/forms/{form}.pdf",
    response=ERROR_RESPONSES,
    openapi_extra={"responses": _FILE_OK},
    summary="In mẫu 01–07 (PDF)",
)
def dossier_form(request, code: str, form: str):
    if form not in FORMS:
        raise NotFound(f"Không có mẫu {form}.", code=DossierError.FORM_UNKNOWN)
    dossier = _dossier(request, code)
    response = HttpResponse(render_form_pdf(dossier, form), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-mau-{form}.pdf"'
    return response


@router.get(
    "/{code}/result",
    response=ERROR_RESPONSES,
    openapi_extra={"responses": _FILE_OK},
    summary="Tải văn bản kết quả",
)
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
    "/{code}/checklist",
    response={200: list[ChecklistItemOut], **ERROR_RESPONSES},
    summary="Thành phần hồ sơ đã nhận",
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


@router.get(
    "/{code}/checklist/{item}/file",
    response=ERROR_RESPONSES,
    openapi_extra={"responses": _FILE_OK},
    summary="Tải tệp số hóa của một thành phần",
)
def dossier_checklist_file(request, code: str, item: int):
    dossier = _dossier(request, code)
    return file_response(selectors.dossier_checklist_file(dossier=dossier, item=item))


# ---- the action endpoints, generated from the registry (dossiers/actions.py)


def _action_endpoint(spec: ActionSpec):
    """``POST /{code}/actions/{path}`` for one action: its typed body, one service call."""
    body_type = spec.input

    if spec.files:  # multipart: the fields as a form, the files as uploads

        def view(request, code: str, body: Form[body_type], file: File[UploadedFile]):
            d = _dossier(request, code, body.version)
            spec.perform(request.user, d, body, {"file": file})
            return _out(d, request.user)

    else:

        def view(request, code: str, body: body_type):
            d = _dossier(request, code, body.version)
            spec.perform(request.user, d, body, {})
            return _out(d, request.user)

    view.__name__ = f"act_{spec.code}"
    view.__doc__ = (
        f"Được phép từ: {', '.join(spec.allowed_from)}. "
        f"Dẫn tới: {_leads_to(spec)}. "
        f"Người thực hiện: {spec.unit_rule}. Sự kiện: `{spec.event}`."
        + (f" Mẫu in: {spec.form}." if spec.form else "")
    )
    return router.post(
        f"/{{code}}/actions/{spec.url_segment}",
        response={200: DossierDetailOut, **ERROR_RESPONSES},
        summary=spec.label,
        operation_id=f"dossier_action_{spec.url_segment}",
    )(view)


def _leads_to(spec: ActionSpec) -> str:
    if isinstance(spec.leads_to, Outcome):
        return spec.leads_to.rule
    return "giữ nguyên trạng thái" if spec.leads_to == STAY else spec.leads_to


for _spec in ACTIONS:
    if _spec.api and _spec.perform is not None:
        _action_endpoint(_spec)

# ---------------------------------------------------------------- statistics


class StatsQuery(Input):
    unit: str | None = None
    level: Literal["province", "district", "commune"] | None = None
    field: str | None = None
    procedure: str | None = None
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None
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
