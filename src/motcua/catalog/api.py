from decimal import Decimal

from django.urls import reverse
from ninja import Field as SchemaField
from ninja import Router, Schema
from ninja.pagination import paginate

from motcua.catalog import selectors
from motcua.catalog.models import OnlineType
from motcua.core.api_pagination import Pagination
from motcua.core.validation import Text
from motcua.organization.models import Level

router = Router(tags=["Thủ tục hành chính"])


class ProcedureListOut(Schema):
    code: str
    name: str
    field: str = SchemaField(alias="field.name")
    time_limit: str = SchemaField(alias="time_limit_display")
    online_type: str


class ComponentOut(Schema):
    order: int
    name: str
    originals: int
    copies: int
    required: bool
    form_name: str
    form_url: str | None = None

    @staticmethod
    def resolve_form_url(obj):
        """The form to download: the uploaded template, or one generated from the catalog."""
        if not (obj.form_template or obj.form_name):
            return None
        return reverse("portal:procedure_form", args=[obj.procedure.code, obj.order])


class FeeOut(Schema):
    kind: str
    name: str
    amount: Decimal
    note: str


class ProcedureStepOut(Schema):
    order: int
    name: str
    unit_kind: str
    unit: str | None = SchemaField(None, alias="unit.code")
    role: str
    hours: Decimal


class ProcessOut(Schema):
    version: int
    effective_from: str
    decision: str
    steps: list[ProcedureStepOut]

    @staticmethod
    def resolve_effective_from(obj):
        return obj.effective_from.isoformat()

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.all())


class ProcedureOut(Schema):
    code: str
    name: str
    field_code: str = SchemaField(alias="field.code")
    field: str = SchemaField(alias="field.name")
    levels: list[str]
    competent_authority: str
    time_limit_kind: str
    time_limit: Decimal
    time_limit_text: str
    result_name: str
    online_type: str
    legal_basis: str
    applicants: str
    status: str
    decentralised: bool
    delegated: bool
    components: list[ComponentOut]
    fees: list[FeeOut]
    processes: list[ProcessOut]

    @staticmethod
    def resolve_levels(obj):
        return [lv.level for lv in obj.levels.all()]

    @staticmethod
    def resolve_components(obj):
        return list(obj.components.all())

    @staticmethod
    def resolve_fees(obj):
        return list(obj.fees.all())

    @staticmethod
    def resolve_processes(obj):
        return list(obj.processes.all())


@router.get("", response=list[ProcedureListOut], summary="Tìm thủ tục hành chính")
@paginate(Pagination)
def list_procedures(
    request,
    q: Text(200) | None = None,
    field: Text(40) | None = None,
    level: Level | None = None,
    online_type: OnlineType | None = None,
):
    """Tìm theo tên hoặc mã, có dấu hay không dấu đều được ('cap giay phep xay dung')."""
    return selectors.procedure_search(q=q, field=field, level=level, online_type=online_type)


@router.get("/{code}", response=ProcedureOut, summary="Chi tiết thủ tục")
def get_procedure(request, code: Text(40)):
    return selectors.procedure_detail(code=code)
