"""/api/reform/self-assessments: the yearly self-assessment (staff only, like the rest of
/api/reform); writes go through the ``self_*`` services (permissions and events there)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import File, Form, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from motcua.reform import self_selectors, services
from motcua.reform.api import router


class SelfEvidenceOut(Schema):
    id: int
    name: str
    link: str
    size: int
    sha256: str


class SelfItemOut(Schema):
    id: int
    code: str
    name: str
    max_points: Decimal
    unit: str | None
    score: Decimal | None
    explanation: str
    status: str
    measure: str
    measured_value: Decimal | None
    measure_query: str
    review_note: str
    evidence: list[SelfEvidenceOut]

    @staticmethod
    def resolve_code(obj):
        return obj.node.code

    @staticmethod
    def resolve_name(obj):
        return obj.node.name

    @staticmethod
    def resolve_max_points(obj):
        return obj.node.max_points

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code if obj.unit else None

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class SelfAssessmentOut(Schema):
    id: int
    index: str
    year: int
    deadline: dt.date
    status: str
    total: Decimal | None

    @staticmethod
    def resolve_index(obj):
        return obj.index.code


class SelfAssessmentDetailOut(SelfAssessmentOut):
    items: list[SelfItemOut]
    not_submitted: list[str]

    @staticmethod
    def resolve_items(obj, context):
        return list(self_selectors.self_items(context["request"].user, obj))

    @staticmethod
    def resolve_not_submitted(obj, context):
        missing = self_selectors.self_progress(context["request"].user, obj)["missing"]
        return [m["unit"].code if m["unit"] else "" for m in missing]


@router.get("/self-assessments", response=list[SelfAssessmentOut], summary="Các đợt tự đánh giá")
def list_self_assessments(request):
    return list(self_selectors.self_assessment_list(request.user))


@router.get(
    "/self-assessments/{pk}", response=SelfAssessmentDetailOut, summary="Một đợt tự đánh giá"
)
def get_self_assessment(request, pk: int):
    return self_selectors.self_assessment_get(request.user, pk)


@router.post("/self-items/{pk}/score", response=SelfItemOut, summary="Ghi điểm, giải trình")
def post_self_score(request, pk: int, score: Form[str], explanation: Form[str]):
    item = self_selectors.self_item_get(request.user, pk)
    return services.self_item_save(
        actor=request.user, item=item, score=score, explanation=explanation
    )


@router.post("/self-items/{pk}/evidence", response={201: SelfEvidenceOut},
             summary="Thêm tài liệu kiểm chứng (tệp hoặc liên kết)")  # fmt: skip
def post_self_evidence(
    request, pk: int, file: File[UploadedFile] = None, link: Form[str] = "", name: Form[str] = ""
):
    item = self_selectors.self_item_get(request.user, pk)
    evidence = services.self_evidence_add(
        actor=request.user, item=item, upload=file, link=link, name=name
    )
    return HttpStatus(201, evidence)


@router.post("/self-items/{pk}/submit", response=SelfItemOut, summary="Gửi Sở Nội vụ")
def post_self_submit(request, pk: int):
    return services.self_item_submit(
        actor=request.user, item=self_selectors.self_item_get(request.user, pk)
    )


@router.post("/self-items/{pk}/review", response=SelfItemOut,
             summary="Sở Nội vụ chấp nhận hoặc trả lại")  # fmt: skip
def post_self_review(request, pk: int, accept: Form[bool], note: Form[str] = ""):
    item = self_selectors.self_item_get(request.user, pk)
    return services.self_item_review(actor=request.user, item=item, accept=accept, note=note)
