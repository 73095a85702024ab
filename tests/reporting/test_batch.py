"""A scorecard's trend counts its periods together (``Counter.prefetch``, ``batch``) and
gives, figure by figure, what each period counted on its own gives: from the aggregates
(closed months, edge days, the days not folded in yet, a running period cut mid-day) and
from the rows; the feedback formula among them, in one query for all periods."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.periods import period_of
from motcua.dossiers.simulation import simulate
from motcua.reporting import services
from motcua.reporting.scorecard import Counter, Scopes, scorecard
from motcua.surveys.models import Overall
from motcua.surveys.services import rating_submit
from tests.dossiers.conftest import cast, every_branch_odds  # noqa: F401
from tests.reporting.conftest import answered_feedback, at, receive
from tests.surveys.conftest import answers


def one_by_one(unit, period, now, aggregates, trend=4) -> list:
    """Each indicator's value and trend, every period counted by a fresh Counter."""
    out = []
    for row in scorecard(unit=unit, period=period, counter=Counter(now=now, aggregates=aggregates),
                         trend=0):  # fmt: skip
        ind = row.indicator
        trend_values = []
        for back in range(trend, 0, -1):
            value = Counter(now=now, aggregates=aggregates).value(
                ind.formula, ind.filters, period.previous(back), unit.pk
            )
            trend_values.append(value.percent if value else None)
        value = (row.value.num, row.value.den) if row.value else None
        out.append((ind.code, value, trend_values))
    return out


def batched(unit, period, now, aggregates) -> list:
    rows = scorecard(unit=unit, period=period, counter=Counter(now=now, aggregates=aggregates),
                     trend=4)  # fmt: skip
    return [
        (r.indicator.code, (r.value.num, r.value.den) if r.value else None,
         [t["value"] for t in r.trend])
        for r in rows
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_batched_trend_is_the_per_period_computation(world, quarter, cast):  # noqa: F811
    rng = random.Random(4)
    # given lifecycles from March to June, feedback answered on time and late, ratings
    for n in range(24):
        simulate(
            rng=rng, n=n, procedure=world.procedure, cast=cast,
            received_at=at(rng.randint(0, 110), rng.choice((8, 10, 14))),
            now=at(118), odds=every_branch_odds(),
        )  # fmt: skip
    answered_feedback(world, 3, 10)
    answered_feedback(world, 4, 30)
    rating_submit(dossier=quarter["A"], overall=Overall.SATISFIED, answers=answers())
    rating_submit(dossier=quarter["B"], overall=Overall.UNSATISFIED, answers=answers())
    # folded in at the start of June, then more dossiers (days not folded in yet)
    services.aggregates_catch_up(now=at(91, 0, 10))
    for hour in (9, 11):
        receive(world, when=at(95, hour))
    units = [world.commune, Scopes().root()]
    cases = [
        (period_of("quarter", dt.date(2026, 4, 1)), at(118, 15)),  # closed quarter
        (period_of("month", dt.date(2026, 6, 1)), at(118, 15)),  # running month, cut mid-day
        (period_of("quarter", dt.date(2026, 4, 1)), at(100, 15)),  # running quarter
        (period_of("year", dt.date(2026, 1, 1)), at(118, 15)),  # running year
    ]
    seen = 0
    for period, now in cases:
        for unit in units:
            for aggregates in (None, False):
                # when the trend is counted together, then each period on its own
                together = batched(unit, period, now, aggregates)
                alone = one_by_one(unit, period, now, aggregates)
                # then every figure is the same
                assert together == alone, (period.label, now, unit.name, aggregates)
                seen += sum(1 for _, value, _ in together if value and value[1])
    assert seen > 40
    # and the feedback formula is one query for the five periods, the whole trend a few
    period, now = cases[0]
    with CaptureQueriesContext(connection) as queries:
        rows = scorecard(unit=Scopes().root(), period=period, counter=Counter(now=now), trend=4)
    feedback = [q for q in queries.captured_queries if "feedback_round" in q["sql"]]
    assert len(feedback) == 1
    code = "phan-anh-dung-han"
    assert any(r.indicator.formula == "feedback_answered_on_time" for r in rows), code
    with CaptureQueriesContext(connection) as single:
        scorecard(unit=Scopes().root(), period=period, counter=Counter(now=now), trend=0)
    assert len(queries) <= len(single) + 4
