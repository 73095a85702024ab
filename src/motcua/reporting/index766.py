"""Selectors of the Decision 766/QĐ-TTg service index, computed from our own data.

The rule set is data (``IndexRuleSet`` / ``IndexCriterion``, seeded by migration
0002 with its source; unconfirmed weights and thresholds are flagged in the data and on
the page). Each criterion: rate = a registered formula over the unit and period; full marks
at the threshold, below it points = rate × max / threshold. A criterion without a formula,
or whose formula is not registered (e.g. the feedback app is not installed), shows
"chưa có dữ liệu" and scores nothing — its points are reported apart, never invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.core.formats import vn_number
from motcua.core.periods import Period
from motcua.dossiers.models import Dossier
from motcua.organization.models import Unit
from motcua.reporting import formulas
from motcua.reporting.errors import ReportingError
from motcua.reporting.models import IndexCriterion, IndexRuleSet
from motcua.reporting.scorecard import NO_DATA, Counter, ranked_units

CENT = Decimal("0.01")


def rule_set_for(day: dt.date) -> IndexRuleSet:
    found = (
        IndexRuleSet.objects.filter(effective_from__lte=day)
        .order_by("-effective_from")
        .prefetch_related("criteria")
        .first()
    )
    if found is None:
        raise NotFound(
            "Chưa có bộ quy tắc chỉ số 766 áp dụng.", code=ReportingError.INDEX_RULES_MISSING
        )
    return found


def points_for(rate: Decimal, max_points: Decimal, threshold: Decimal) -> Decimal:
    if threshold <= 0 or rate >= threshold:
        return max_points.quantize(CENT)
    return (rate * max_points / threshold).quantize(CENT, ROUND_HALF_UP)


def rule_text(c: IndexCriterion) -> str:
    threshold = vn_number(float(c.threshold) * 100, 0)
    text = (
        f"Từ {threshold}% trở lên: {vn_number(float(c.max_points), 0)} điểm; thấp hơn: "
        f"tỷ lệ × {vn_number(float(c.max_points), 0)} / {threshold}%"
    )
    return text + ("" if c.confirmed else " (chưa đối chiếu văn bản)")


@dataclass
class CriterionScore:
    criterion: IndexCriterion
    num: int | None
    den: int | None
    rate: Decimal | None
    points: Decimal | None

    @property
    def has_data(self) -> bool:
        return self.rate is not None

    def as_dict(self) -> dict:
        c = self.criterion
        return {
            "group": c.group_code,
            "code": c.code,
            "name": c.name,
            "formula": c.formula,
            "numerator": self.num,
            "denominator": self.den,
            "rate": float(self.rate) if self.rate is not None else None,
            "max_points": float(c.max_points),
            "threshold": float(c.threshold),
            "points": float(self.points) if self.points is not None else None,
            "rule": rule_text(c),
            "confirmed": c.confirmed,
            "note": c.note,
            "status": "ok" if self.has_data else NO_DATA,
        }


@dataclass
class IndexScore:
    unit: Unit
    period: Period
    rule_set: IndexRuleSet
    criteria: list[CriterionScore]
    what_if: list[dict] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((c.points for c in self.criteria if c.points is not None), Decimal(0))

    @property
    def max_with_data(self) -> Decimal:
        return sum((c.criterion.max_points for c in self.criteria if c.has_data), Decimal(0))

    @property
    def max_total(self) -> Decimal:
        return sum((c.criterion.max_points for c in self.criteria), Decimal(0))

    @property
    def missing_points(self) -> Decimal:
        return self.max_total - self.max_with_data

    def groups(self) -> list[dict]:
        out: dict[str, dict] = {}
        for c in self.criteria:
            g = out.setdefault(
                c.criterion.group_code,
                {
                    "code": c.criterion.group_code,
                    "name": c.criterion.group_name,
                    "max": Decimal(0),
                    "points": Decimal(0),
                    "criteria": [],
                },
            )
            g["max"] += c.criterion.max_points
            g["points"] += c.points or 0
            g["criteria"].append(c)
        return list(out.values())

    def as_dict(self) -> dict:
        return {
            "unit": self.unit.code,
            "unit_name": self.unit.name,
            "period": self.period.as_dict(),
            "rule_set": {"code": self.rule_set.code, "source": self.rule_set.source},
            "total": float(self.total),
            "max_with_data": float(self.max_with_data),
            "missing_points": float(self.missing_points),
            "groups": [
                {
                    "code": g["code"],
                    "name": g["name"],
                    "max": float(g["max"]),
                    "points": float(g["points"]),
                }
                for g in self.groups()
            ],
            "criteria": [c.as_dict() for c in self.criteria],
            "what_if": self.what_if,
        }


def index_score(
    *,
    unit: Unit,
    period: Period,
    counter: Counter | None = None,
    what_if: bool = False,
    rule_set: IndexRuleSet | None = None,
) -> IndexScore:
    """``rule_set``: the one in force at the period's end, when the caller already read it
    (a ranking scores every unit under the same rules: two queries instead of two per unit)."""
    counter = counter or Counter()
    rule_set = rule_set or rule_set_for(period.end)
    scores = []
    for c in rule_set.criteria.all():
        value = counter.value(c.formula, {}, period, unit.pk) if c.formula else None
        if value is None or not value.den:
            scores.append(CriterionScore(c, None, None, None, None))
            continue
        rate = Decimal(value.num) / Decimal(value.den)
        scores.append(
            CriterionScore(
                c, value.num, value.den, rate, points_for(rate, c.max_points, c.threshold)
            )
        )
    result = IndexScore(unit, period, rule_set, scores)
    if what_if:
        result.what_if = _what_if(result, counter)
    return result


def _what_if(result: IndexScore, counter: Counter) -> list[dict]:
    """Which action buys the most points: each criterion brought to its threshold, and the
    in-progress dossiers due before the period ends finishing on time."""
    options = []
    for score in result.criteria:
        c = score.criterion
        if not score.has_data or score.points >= c.max_points:
            continue
        if c.formula == "progress_766":
            pending = _due_in_period(result.unit, result.period, counter)
            if pending:
                rate = Decimal(score.num + pending) / Decimal(score.den + pending)
                gain = points_for(rate, c.max_points, c.threshold) - score.points
                options.append(
                    {
                        "criterion": c.code,
                        "action": f"{pending} hồ sơ đang giải quyết đến hạn trong kỳ "
                        "được giải quyết đúng hạn",
                        "gain": float(gain),
                    }
                )
        threshold = vn_number(float(c.threshold) * 100, 0)
        options.append(
            {
                "criterion": c.code,
                "action": f"{c.name} đạt {threshold}%",
                "gain": float(c.max_points - score.points),
            }
        )
    options.sort(key=lambda o: -o["gain"])
    return options


def _due_in_period(unit: Unit, period: Period, counter: Counter) -> int:
    now = counter.now
    start, end = period.window
    if now >= end:
        return 0
    open_now = formulas.open_at(now)
    return (
        Dossier.objects.filter(competent_unit_id__in=counter.scopes.ids(unit.pk))
        .filter(open_now & Q(due_at__gte=now, due_at__lt=end))
        .count()
    )


def index_ranking(*, period: Period, counter: Counter | None = None) -> list[dict]:
    counter = counter or Counter()
    units = ranked_units(period)
    heads = counter.heads([u.pk for u in units], on=min(period.end, timezone.localdate()))
    rule_set = rule_set_for(period.end)
    rows = []
    for unit in units:
        score = index_score(unit=unit, period=period, counter=counter, rule_set=rule_set)
        rows.append(
            {
                "unit": unit,
                "head": heads.get(unit.pk, ""),
                "total": score.total,
                "max_with_data": score.max_with_data,
            }
        )
    rows.sort(key=lambda r: (r["total"], r["unit"].name))
    return rows


def what_if_rate(score: IndexScore, *, criterion: str, percent) -> dict:
    """Points gained if ``criterion``'s rate reached ``percent`` (0–100)."""
    from motcua.core.errors import InvalidInput

    found = next((c for c in score.criteria if c.criterion.code == criterion), None)
    if found is None:
        raise InvalidInput(
            f"Không có tiêu chí {criterion}.", code=ReportingError.CRITERION_NOT_FOUND
        )
    try:
        rate = Decimal(str(percent).strip().replace(",", ".")) / 100
    except ArithmeticError as error:
        raise InvalidInput(
            "Tỷ lệ phải là một số từ 0 đến 100.", code=ReportingError.RATE_INVALID
        ) from error
    if not Decimal(0) <= rate <= Decimal(1):
        raise InvalidInput("Tỷ lệ phải là một số từ 0 đến 100.", code=ReportingError.RATE_INVALID)
    if not found.has_data:
        raise InvalidInput(
            "Tiêu chí này chưa có dữ liệu nên chưa tính được.",
            code=ReportingError.CRITERION_NO_DATA,
        )
    c = found.criterion
    new = points_for(rate, c.max_points, c.threshold)
    return {
        "criterion": c.code,
        "name": c.name,
        "rate_now": float(found.rate),
        "rate": float(rate),
        "points_now": float(found.points),
        "points": float(new),
        "gain": float(new - found.points),
    }
