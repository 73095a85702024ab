"""JSON API of the process analysis (officers only, scoped like the pages)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from motcua.insights import selectors
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
