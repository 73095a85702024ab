"""Reads of the yearly self-assessment, shared by its pages, exports and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.organization.models import Role, StaffRole
from motcua.reform.errors import ReformError
from motcua.reform.models import (
    Index,
    NodeLevel,
    NodeScore,
    SelfAssessment,
    SelfEvidence,
    SelfItem,
    SelfItemStatus,
)
from motcua.reform.selectors import require_staff

PENDING = (SelfItemStatus.DRAFT, SelfItemStatus.RETURNED)


def self_assessment_list(user) -> QuerySet[SelfAssessment]:
    require_staff(user)
    return SelfAssessment.objects.select_related("index", "framework").order_by("-year")


def self_assessment_get(user, pk: int) -> SelfAssessment:
    assessment = self_assessment_list(user).filter(pk=pk).first()
    if assessment is None:
        raise NotFound("Không có đợt tự đánh giá này.", code=ReformError.REFORM_SELF_NOT_FOUND)
    return assessment


def self_items(user, assessment: SelfAssessment, *, unit_ids: set[int] | None = None):
    require_staff(user)
    qs = (
        assessment.items.select_related("node__parent", "unit")
        .prefetch_related(Prefetch("evidence", queryset=SelfEvidence.objects.order_by("pk")))
        .order_by("node__order")
    )
    return qs.filter(unit_id__in=unit_ids) if unit_ids is not None else qs


def self_item_get(user, pk: int) -> SelfItem:
    require_staff(user)
    item = SelfItem.objects.select_related("assessment__index", "node", "unit").filter(pk=pk)
    if not item.exists():
        raise NotFound("Không có tiêu chí tự đánh giá này.", code=ReformError.REFORM_SELF_NOT_FOUND)
    return item.get()


def preparer_unit_ids(user) -> set[int]:
    """Units whose criteria the user prepares (reform officer or leader there)."""
    require_staff(user)
    today = timezone.localdate()
    roles = StaffRole.objects.filter(
        user=user, role__in=[Role.REFORM_OFFICER, Role.UNIT_LEADER], valid_from__lte=today
    ).exclude(valid_to__lt=today)
    return set(roles.values_list("unit_id", flat=True))


def self_progress(user, assessment: SelfAssessment, *, today: dt.date | None = None) -> dict:
    """Counts by status and the units that have not submitted everything (late after the
    deadline): the list Sở Nội vụ chases."""
    today = today or timezone.localdate()
    items = list(self_items(user, assessment))
    counts = {s.value: 0 for s in SelfItemStatus}
    missing: dict[int | None, dict] = {}
    for item in items:
        counts[item.status] += 1
        if item.status in PENDING:
            key = item.unit_id
            row = missing.setdefault(
                key, {"unit": item.unit, "items": [], "late": today > assessment.deadline}
            )
            row["items"].append(item)
    return {
        "counts": counts,
        "total": len(items),
        "missing": sorted(missing.values(), key=lambda r: r["unit"].name if r["unit"] else ""),
        "late": today > assessment.deadline,
    }


def self_report_rows(*, user, assessment: SelfAssessment) -> list[dict]:
    """The consolidated table: each area (with the sum of its self-assessed criteria) then
    its criteria; survey criteria are shown with "điều tra XHH" and no self score."""
    require_staff(user)
    items = {i.node_id: i for i in self_items(user, assessment)}
    rows: list[dict] = []
    areas = assessment.framework.nodes.filter(level=NodeLevel.AREA).order_by("order")
    for area in areas:
        children = list(area.children.order_by("order"))
        scored = [items[c.pk] for c in children if c.pk in items]
        area_score = sum((i.score or Decimal(0) for i in scored), Decimal(0))
        own = items.get(area.pk)  # SIPAS: the province estimates the factor itself
        rows.append({"level": "area", "code": area.code, "name": area.name,
                     "max": area.max_points,
                     "score": own.score if own else (area_score if scored else None),
                     "evidence": "; ".join(e.name for e in own.evidence.all()) if own else "",
                     "explanation": own.explanation if own else "",
                     "measure_query": own.measure_query if own else "",
                     "unit": own.unit.name if own and own.unit else "",
                     "status": own.get_status_display() if own else ""})  # fmt: skip
        for node in children:
            item = items.get(node.pk)
            rows.append({
                "level": "criterion", "code": node.code, "name": node.name,
                "max": node.max_points, "score": item.score if item else None,
                "evidence": "; ".join(e.name for e in item.evidence.all()) if item else "",
                "explanation": item.explanation if item else "Điều tra xã hội học (Bộ Nội vụ)",
                "measure_query": item.measure_query if item else "",
                "unit": item.unit.name if item and item.unit else "",
                "status": item.get_status_display() if item else "",
            })  # fmt: skip
    return rows


def self_total(user, assessment: SelfAssessment) -> Decimal:
    require_staff(user)
    return sum((i.score or Decimal(0) for i in assessment.items.all()), Decimal(0))


def self_vs_appraisal(user, assessment: SelfAssessment) -> list[dict]:
    """Per criterion: self-assessed score, the Ministry's appraised score of the same year,
    and the gap (positive: the province over-scored itself)."""
    require_staff(user)
    index: Index = assessment.index
    official = {
        s.node.code: s
        for s in NodeScore.objects.filter(
            result__index=index, result__year=assessment.year
        ).select_related("node", "result")
    }
    out = []
    for item in self_items(user, assessment):
        s = official.get(item.node.code)
        gap = item.score - s.score if (s is not None and item.score is not None) else None
        out.append({"item": item, "official": s.score if s else None, "gap": gap,
                    "simulated": bool(s and "mô phỏng" in (s.result.source or "").lower())})  # fmt: skip
    return out
