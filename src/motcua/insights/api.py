"""JSON API of the process analysis (officers only, scoped like the pages)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.core.errors import DomainError
from motcua.insights import selectors, selectors_risk, selectors_workspace, services
from motcua.insights.errors import InsightsError
from motcua.organization.auth import officer_auth

router = Router(tags=["Phân tích quy trình"], auth=officer_auth)


class MapQuery(Schema):
    procedure: str | None = None
    unit: int | None = None
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None


class StepOut(Schema):
    key: str
    count: int
    hours: float
    mean_hours: float
    cases: list[str]


class VariantOut(Schema):
    activities: list[str]
    count: int
    share: float
    mean_hours: float


class SplitOut(Schema):
    key: str
    waiting_hours: float
    working_hours: float
    waiting_count: int
    working_count: int


class HandoverOut(Schema):
    key: str
    count: int
    mean_hours: float


class MapOut(Schema):
    cases: int
    events: int
    edges: list[StepOut]
    slowest_steps: list[StepOut]
    slowest_units: list[StepOut]
    variants: list[VariantOut]
    rework: dict[str, int]
    step_split: list[SplitOut]
    unit_split: list[SplitOut]
    officer_handovers: list[HandoverOut]
    unit_handovers: list[HandoverOut]


def _step(s) -> dict:
    return {
        "key": s.key,
        "count": s.count,
        "hours": round(s.hours, 3),
        "mean_hours": round(s.mean_hours, 3),
        "cases": [c for _, c in s.cases],
    }


@router.get("/process-map", response=MapOut, summary="Bản đồ quy trình (thời gian làm việc)")
def process_map(request, query: Query[MapQuery]):
    """Đồ thị nối tiếp trực tiếp, biến thể, vòng làm lại; thời gian tính bằng giờ làm việc."""
    pm = selectors.process_map(
        user=request.auth,
        filters=selectors.LogFilters(
            procedure=query.procedure, unit=query.unit, date_from=query.from_, date_to=query.to
        ),
    )
    return _map_body(pm)


def _split(x) -> dict:
    return {
        "key": x.key,
        "waiting_hours": round(x.waiting.hours, 3),
        "working_hours": round(x.working.hours, 3),
        "waiting_count": x.waiting.count,
        "working_count": x.working.count,
    }


def _handover(h) -> dict:
    return {"key": h.key, "count": h.count, "mean_hours": round(h.mean_hours, 3)}


def _map_body(pm) -> dict:
    return {
        "cases": pm.cases,
        "events": pm.events,
        "edges": [_step(e) for e in pm.edges],
        "slowest_steps": [_step(e) for e in pm.slowest_steps()],
        "slowest_units": [_step(u) for u in pm.slowest_units()],
        "variants": [
            {
                "activities": list(v.activities),
                "count": v.count,
                "share": round(v.share, 4),
                "mean_hours": round(v.mean_hours, 3),
            }
            for v in pm.variants[:50]
        ],
        "rework": pm.rework,
        "step_split": [_split(x) for x in pm.step_split],
        "unit_split": [_split(x) for x in pm.unit_split],
        "officer_handovers": [_handover(h) for h in pm.officer_handovers[:100]],
        "unit_handovers": [_handover(h) for h in pm.unit_handovers[:100]],
    }


class RiskOut(Schema):
    code: str
    probability: float
    share_used: float
    hours_left: float
    reasons: list[str]
    unit: str
    scored_at: dt.datetime


@router.get("/risks", response=list[RiskOut], summary="Hồ sơ có nguy cơ trễ hạn (mô hình)")
def risks(request, query: Query[MapQuery]):
    """Hồ sơ đang giải quyết chưa quá hạn, xếp theo xác suất trễ hạn, kèm lý do chính; phạm
    vi theo vai trò và đơn vị (chuyên viên: hồ sơ được giao cho mình)."""
    rows, _ = selectors_risk.risk_list(
        user=request.auth,
        filters=selectors.LogFilters(
            procedure=query.procedure, unit=query.unit, date_from=query.from_, date_to=query.to
        ),
        limit=500,
    )
    return [r.__dict__ for r in rows]


class WorkspaceOut(Schema):
    id: int
    name: str
    filename: str
    sha256: str
    cases: int
    events: int
    created_at: dt.datetime


def _ws(ws) -> dict:
    return {
        "id": ws.pk,
        "name": ws.name,
        "filename": ws.filename,
        "sha256": ws.sha256,
        "cases": ws.cases,
        "events": ws.events,
        "created_at": ws.created_at,
    }


@router.get("/workspaces", response=list[WorkspaceOut], summary="Không gian phân tích của tôi")
def workspace_list(request):
    return [_ws(w) for w in selectors_workspace.workspaces(user=request.auth)]


@router.post("/workspaces", response={201: WorkspaceOut}, summary="Nhập nhật ký bên ngoài")
def workspace_import(request, log: File[UploadedFile], name: Form[str] = ""):
    """Tệp CSV (tên cột XES) hoặc XES; ghi vào không gian phân tích riêng của người nhập."""
    ws = services.workspace_import(
        actor=request.auth, name=name, data=log.read(), filename=log.name or ""
    )
    return Status(201, _ws(ws))


@router.get(
    "/workspaces/{pk}/process-map", response=MapOut, summary="Bản đồ quy trình của nhật ký nhập"
)
def workspace_map(request, pk: int):
    ws = selectors_workspace.workspace_get(user=request.auth, pk=pk)
    return _map_body(selectors_workspace.workspace_map(ws))


class EvaluationOut(Schema):
    split_at: dt.datetime
    train_snapshots: int
    test_snapshots: int
    test_late: int
    k: int
    model: dict
    baseline: dict


@router.get(
    "/workspaces/{pk}/evaluation",
    response=EvaluationOut,
    summary="Đánh giá cảnh báo sớm trên nhật ký nhập (chia theo thời gian)",
)
def workspace_evaluation(request, pk: int):
    ws = selectors_workspace.workspace_get(user=request.auth, pk=pk)
    found = selectors_workspace.workspace_evaluation(ws)
    if isinstance(found, str):
        raise DomainError(found, code=InsightsError.NOT_ENOUGH_HISTORY)
    return found.__dict__
