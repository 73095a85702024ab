"""/api/reform: indices and results, plans, tasks, progress, plan import (officers only)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from ninja import Field as SchemaField
from ninja import File, Form, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate

from motcua.core.api_pagination import Pagination
from motcua.core.errors import NotFound
from motcua.core.files import file_response
from motcua.core.validation import Money, Text
from motcua.organization.auth import BearerToken, CookieSession
from motcua.organization.models import Unit
from motcua.reform import selectors, services
from motcua.reform.errors import ReformError
from motcua.reform.models import AssignmentRole, Plan, TaskStatus


class _StaffBearer(BearerToken):
    def authenticate(self, request, token):
        user = super().authenticate(request, token)
        if user is not None:
            selectors.require_staff(user)  # a citizen's token: 403, not the reform data
        return user


class _StaffSession(CookieSession):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            selectors.require_staff(user)
        return user


# the whole reform API is internal: the province's staff only (selectors.require_staff)
router = Router(tags=["Cải cách hành chính"], auth=[_StaffBearer(), _StaffSession()])


class IndexOut(Schema):
    code: str
    name: str
    short_name: str
    publisher: str
    unit_label: str
    years: list[int]
    latest_total: Decimal | None = None
    latest_rank: int | None = None


class NodeResultOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    max_points: Decimal
    assessment: str
    score: Decimal | None
    points_lost: Decimal | None
    previous_score: Decimal | None
    change: Decimal | None
    national_average: Decimal | None
    below_national_average: bool
    tasks: int


class IndexResultOut(Schema):
    index: str
    year: int | None
    framework_year: int | None
    methodology: str
    max_total: Decimal | None
    total: Decimal | None
    points_lost: Decimal | None
    rank: int | None
    rank_of: int | None
    national_average: Decimal | None
    change_from_previous: Decimal | None
    source: str
    nodes: list[NodeResultOut]


Percent = Annotated[int, SchemaField(ge=0, le=100)]
Points = Money(max_digits=8, decimal_places=3)  # DecimalField(max_digits=8, decimal_places=3)


class ResultIn(Schema):
    """Limits match the result models (points: 8 digits, 3 decimals; ranks: 1–63 provinces)."""

    year: int = SchemaField(..., ge=2000, le=2100)
    total: Points | None = None
    rank: int | None = SchemaField(None, ge=1, le=100)
    rank_of: int | None = SchemaField(None, ge=1, le=100)
    national_average: Points | None = None
    scores: dict[Text(40), Points] = SchemaField({}, max_length=2000)
    national_averages: dict[Text(40), Points] = SchemaField({}, max_length=2000)
    source: Text(2000) = ""


class PlanOut(Schema):
    id: int
    number: str
    issued_on: dt.date
    title: str
    signer: str
    year: int
    tasks: int = SchemaField(alias="n_tasks")
    done: int = SchemaField(alias="n_done")


class AssignmentOut(Schema):
    role: str
    unit: str | None = SchemaField(None, alias="unit.code")
    group: str
    name_text: str


class TaskOut(Schema):
    id: int
    plan: str = SchemaField(alias="plan.number")
    number: str
    index: str | None = SchemaField(None, alias="index.code")
    section: str
    criterion_text: str
    text: str
    lead_unit: str | None = SchemaField(None, alias="lead_unit.code")
    lead_text: str
    coordinate_text: str
    deadline_text: str
    deadline_kind: str
    period_start: dt.date | None
    period_end: dt.date | None
    next_due_on: dt.date | None
    status: str
    progress_percent: int
    overdue: bool

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue(timezone.localdate())


class TaskDetailOut(TaskOut):
    nodes: list[str]
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_nodes(obj):
        return [n.code for n in obj.nodes.all()]

    @staticmethod
    def resolve_assignments(obj):
        return list(obj.assignments.all())


class ProgressOut(Schema):
    id: int
    task: int = SchemaField(alias="task_id")
    text: str
    percent: int
    author: str = SchemaField(alias="author_label")
    at: dt.datetime
    period: str | None = SchemaField(None, alias="occurrence.label")
    evidence: list[str]
    evidence_files: list[dict] = SchemaField(
        description="Mỗi minh chứng: id, tên và đường dẫn tải (`/api/reform/evidence/{id}`)"
    )
    task_status: str = SchemaField(alias="task.status")

    @staticmethod
    def resolve_evidence(obj):
        return [e.name for e in obj.evidence.all()]

    @staticmethod
    def resolve_evidence_files(obj):
        return [
            {"id": e.pk, "name": e.name, "url": f"/api/reform/evidence/{e.pk}"}
            for e in obj.evidence.all()
        ]


@router.get("/indices", response=list[IndexOut], summary="Các chỉ số (PAR INDEX, SIPAS, PAPI …)")
def list_indices(request):
    out = []
    for index in selectors.index_list(request.user):
        years = selectors.result_years(request.user, index)
        latest = index.results.order_by("-year").first()
        out.append(
            {
                "code": index.code,
                "name": index.name,
                "short_name": index.short_name,
                "publisher": index.publisher,
                "unit_label": index.unit_label,
                "years": years,
                "latest_total": latest.total if latest else None,
                "latest_rank": latest.rank if latest else None,
            }
        )
    return out


def _result_out(view) -> dict:
    codes = {r.node.pk: r.node.code for r in view.rows}
    return {
        "index": view.index.code,
        "year": view.year,
        "framework_year": view.framework.year if view.framework else None,
        "methodology": view.framework.methodology if view.framework else "",
        "max_total": view.framework.max_total if view.framework else None,
        "total": view.result.total if view.result else None,
        "points_lost": view.total_lost,
        "rank": view.result.rank if view.result else None,
        "rank_of": view.result.rank_of if view.result else None,
        "national_average": view.result.national_average if view.result else None,
        "change_from_previous": view.total_change,
        "source": view.result.source if view.result else "",
        "nodes": [
            {
                "code": r.node.code,
                "name": r.node.name,
                "level": r.node.level,
                "parent": codes.get(r.node.parent_id),
                "max_points": r.max_points,
                "assessment": r.node.assessment,
                "score": r.score,
                "points_lost": r.lost,
                "previous_score": r.previous,
                "change": r.change,
                "national_average": r.national_average,
                "below_national_average": r.below_average,
                "tasks": r.task_count,
            }
            for r in view.rows
        ],
    }


@router.get(
    "/indices/{code}/results", response=IndexResultOut, summary="Kết quả một năm theo cây tiêu chí"
)
def index_results(request, code: str, year: int | None = None):
    index = selectors.index_get(request.user, code)
    if year is not None and year not in selectors.result_years(request.user, index):
        raise NotFound(
            f"Chưa có kết quả {index.short_name} năm {year}.", code=ReformError.RESULT_NOT_FOUND
        )
    return _result_out(selectors.index_tree(request.user, index=index, year=year))


@router.post(
    "/indices/{code}/results", response=IndexResultOut, summary="Ghi nhận kết quả (Sở Nội vụ)"
)
def record_results(request, code: str, payload: ResultIn):
    services.result_record(
        actor=request.user,
        index_code=code,
        year=payload.year,
        scores=payload.scores,
        national=payload.national_averages,
        total=payload.total,
        rank=payload.rank,
        rank_of=payload.rank_of,
        national_average=payload.national_average,
        source=payload.source,
    )
    index = selectors.index_get(request.user, code)
    return _result_out(selectors.index_tree(request.user, index=index, year=payload.year))


@router.get("/plans", response=list[PlanOut], summary="Kế hoạch khắc phục")
@paginate(Pagination)
def list_plans(request):
    return selectors.plan_list(request.user)


@router.post("/plans/import", summary="Nhập kế hoạch từ Excel (xem trước hoặc ghi)")
def import_plan(request, workbook: File[UploadedFile], commit: bool = False, tach: str = ""):
    """`commit=false`: bản xem trước (JSON), không ghi gì. `commit=true`: ghi tất cả hoặc không.
    `tach`: các khóa `sheet!dòng` (cách nhau bởi dấu phẩy) của dòng đoạn văn muốn tách thành
    nhiệm vụ riêng (mục `paragraph_rows`) hoặc của ô nhiều đoạn «- » muốn tách mỗi đoạn thành
    một nhiệm vụ (mục `paragraph_cells`); mọi dòng không thành nhiệm vụ ở `rows_without_task`."""
    return services.plan_import(
        actor=request.user, data=workbook.read(), filename=workbook.name or "", commit=commit,
        split_rows={k.strip() for k in tach.split(",") if k.strip()},
    )  # fmt: skip


@router.get(
    "/tasks", response=list[TaskOut], summary="Nhiệm vụ (lọc theo đơn vị, trạng thái, quá hạn)"
)
@paginate(Pagination)
def list_tasks(
    request,
    unit: str | None = None,
    status: TaskStatus | None = None,
    overdue: bool | None = None,
    plan: int | None = None,
    index: str | None = None,
    role: AssignmentRole | None = None,
):
    unit_obj = None
    if unit:
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise NotFound(f"Không có đơn vị mã '{unit}'.", code=ReformError.UNIT_NOT_FOUND)
    if plan is not None and not Plan.objects.filter(pk=plan).exists():
        raise NotFound("Không có kế hoạch này.", code=ReformError.PLAN_NOT_FOUND)
    return selectors.task_list(
        request.user,
        unit=unit_obj,
        role=role,
        status=status,
        overdue=overdue,
        plan=plan,
        index=index,
    )


@router.get("/tasks/{task_id}", response=TaskDetailOut, summary="Chi tiết nhiệm vụ")
def get_task(request, task_id: int):
    return selectors.task_detail(request.user, task_id)


@router.post(
    "/tasks/{task_id}/progress",
    response={201: ProgressOut},
    summary="Báo cáo tiến độ (cán bộ CCHC của đơn vị chủ trì)",
)
def post_progress(
    request,
    task_id: int,
    text: Form[Text(5000, min_length=1)],
    percent: Form[Percent],
    evidence: File[list[UploadedFile]] = None,
):
    task = selectors.task_get(request.user, task_id)
    progress = services.task_report_progress(
        actor=request.user, task=task, text=text, percent=percent, files=list(evidence or [])
    )
    return HttpStatus(201, progress)


@router.get("/evidence/{evidence_id}", summary="Tải tệp minh chứng (cán bộ)")
def evidence_file(request, evidence_id: int):
    evidence = selectors.evidence_for(request.user, evidence_id)
    return file_response(evidence.file, name=evidence.name)


from motcua.reform import self_api  # noqa: E402, F401  (registers /self-assessments on router)
