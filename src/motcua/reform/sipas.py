"""SIPAS per factor, in one table for the reform office (issue 22): for each of the five
factors, the Ministry's published result, the province's own survey over the year (the
surveys app's index, every unit together), the province's self-estimate (the SIPAS
self-assessment), the gaps between them, and the remediation tasks on the factor.

Reads only, for the province's staff (``require_staff``); the writes are in
``services.self_assessment`` (``self_assessment_open``, ``sipas_self_refresh``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from motcua.reform import prefill
from motcua.reform.models import (
    Index,
    NodeLevel,
    NodeScore,
    Result,
    SelfAssessment,
    Task,
    TaskStatus,
)
from motcua.reform.selectors import OPEN, framework_for, require_staff

SIPAS = "sipas"


def _gap(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else (a - b).quantize(Decimal("0.01"), ROUND_HALF_UP)


def sipas_years(user) -> list[int]:
    """Years with a published SIPAS result or a SIPAS self-assessment, latest first."""
    require_staff(user)
    years = set(Result.objects.filter(index__code=SIPAS).values_list("year", flat=True))
    years |= set(SelfAssessment.objects.filter(index__code=SIPAS).values_list("year", flat=True))
    return sorted(years, reverse=True)


def sipas_factors(user, *, year: int) -> dict:
    """One row per factor: ``official`` (Ministry, %), ``national_average``, ``own`` (the
    province's survey, % with its answers, query and link), ``self`` (self-estimate) and the
    item, ``gap_self`` (self − official: positive = the province over-rates itself),
    ``gap_own`` (own survey − official), and the tasks on the factor or its criteria."""
    require_staff(user)
    index = Index.objects.filter(code=SIPAS).first()
    empty = {"year": year, "index": index, "result": None, "assessment": None, "rows": [],
             "simulated": False, "own_index": None}  # fmt: skip
    if index is None:
        return empty
    result = Result.objects.filter(index=index, year=year).select_related("framework").first()
    framework = result.framework if result else framework_for(user, index, year)
    if framework is None:
        return empty
    official = {
        s.node.code: s for s in NodeScore.objects.filter(result=result).select_related("node")
    }
    assessment = SelfAssessment.objects.filter(index=index, year=year).first()
    items = (
        {i.node.code: i for i in assessment.items.select_related("node", "unit")}
        if assessment
        else {}
    )
    own = prefill.survey_factors(year)
    rows = []
    for factor in framework.nodes.filter(level=NodeLevel.AREA).order_by("order"):
        score = official.get(factor.code)
        measured = own.get(factor.code)
        own_pct = measured.percent if measured and measured.denominator else None
        item = items.get(factor.code)
        tasks = list(
            Task.objects.filter(index=index)
            .filter(Q(nodes__code=factor.code) | Q(nodes__parent__code=factor.code))
            .distinct().select_related("lead_unit").order_by("plan", "order")
        )  # fmt: skip
        rows.append({
            "node": factor,
            "official": score.score if score else None,
            "national_average": score.national_average if score else None,
            "own": own_pct, "own_answers": measured.denominator if measured else 0,
            "own_query": measured.query if measured else "",
            "own_link": measured.link if measured else "",
            "item": item, "self": item.score if item else None,
            "gap_self": _gap(item.score if item else None, score.score if score else None),
            "gap_own": _gap(own_pct, score.score if score else None),
            "tasks": tasks,
            "open_tasks": sum(t.status in OPEN for t in tasks),
            "done_tasks": sum(t.status == TaskStatus.DONE for t in tasks),
        })  # fmt: skip
    owns = [r["own"] for r in rows if r["own"] is not None]
    return {
        **empty, "result": result, "assessment": assessment, "rows": rows,
        "simulated": bool(result and result.simulated),
        "own_index": (sum(owns, Decimal(0)) / len(owns)).quantize(Decimal("0.01")) if owns else None,
    }  # fmt: skip
