"""Criteria the platform measures are pre-filled from its own data, equal to the figures of
the statistics selectors, with the query behind the number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.dossiers.selectors import StatsFilters, dossier_stats
from motcua.reform import prefill, services
from motcua.reform.models import Index
from tests.feedback.conftest import org, submit  # noqa: F401 - feedback of March 2026
from tests.feedback.test_stats import history  # noqa: F401
from tests.reporting.conftest import month, world  # noqa: F401 - dossiers of March 2026

pytestmark = pytest.mark.django_db


def test_prefilled_criteria_equal_the_statistics(month, province_admin, frameworks):  # noqa: F811
    year, officer = 2026, province_admin
    index = Index.objects.get(code="par-index")
    assessment = services.self_assessment_open(
        actor=officer, index=index, year=year, deadline=dt.date(year + 1, 1, 15)
    )
    row = dossier_stats(
        filters=StatsFilters(date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))
    )[0]
    assert (row["resolved"], row["received"]) == (3, 6)  # the month's dossiers, and April's
    on_time = assessment.items.get(measure="on_time_rate")
    assert on_time.node.code == "3.4"
    assert on_time.measured_value == D(str(row["on_time_share"])).quantize(D("0.0001"))
    assert "dossier_stats" in on_time.measure_query and str(year) in on_time.measure_query
    assert on_time.score == (on_time.node.max_points * on_time.measured_value).quantize(D("0.01"))
    online = assessment.items.get(measure="online_share")
    assert online.node.code == "7.3"
    assert online.measured_value == D(str(row["online_share"])).quantize(D("0.0001"))
    published = assessment.items.get(measure="published_procedures")
    active = Procedure.objects.filter(status=ProcedureStatus.ACTIVE).count()
    assert published.measured_value == prefill.published_procedures(year).value
    assert prefill.published_procedures(year).denominator == active > 0
    processes = assessment.items.get(measure="internal_processes")
    assert processes.node.code == "3.3"
    assert processes.measured_value == prefill.internal_processes(year).value
    link = on_time.evidence.get()
    assert link.link.startswith("/can-bo/thong-ke/?from=2026-01-01") and not link.file
    # a pre-filled criterion may be submitted with the data as its evidence
    services.self_item_submit(actor=officer, item=on_time)


def test_digitization_is_the_reporting_indicator(month, frameworks):  # noqa: F811
    from motcua.core.periods import parse_period
    from motcua.reporting.formulas import get

    start, end = parse_period("year", dt.date(2026, 1, 1)).window
    counts = get("results_digitized_share").counts(start, end, {})
    measured = prefill.results_digitized(2026)
    assert (measured.numerator, measured.denominator) == (
        sum(n for n, _ in counts.values()), sum(d for _, d in counts.values()))  # fmt: skip
    assert measured.denominator > 0 and "results_digitized_share" in measured.query
    assert prefill.measure_for("Tỷ lệ số hóa kết quả giải quyết TTHC") == "results_digitized"


def test_feedback_handled_on_time_is_the_feedback_statistics(history, org, frameworks):  # noqa: F811
    """Criterion 3.5 (tiếp nhận, xử lý phản ánh, kiến nghị) is pre-filled from the feedback
    app's own statistics: answered on time / answered in the year, the query shown."""
    from motcua.feedback.stats import feedback_stats

    assessment = services.self_assessment_open(
        actor=org["admin"], index=Index.objects.get(code="par-index"), year=2026,
        deadline=dt.date(2027, 1, 15),
    )  # fmt: skip
    total = feedback_stats(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))["total"]
    assert (total.answered_on_time, total.answered) == (1, 2)  # one on time, one late
    item = assessment.items.get(measure="feedback_on_time")
    assert item.node.code == "3.5"
    assert item.measured_value == D(total.answered_on_time) / D(total.answered)
    assert item.score == (item.node.max_points * D("0.5")).quantize(D("0.01"))
    assert "feedback_stats" in item.measure_query and "01/01/2026" in item.measure_query
    assert "1/2 (50,0 %)" in item.explanation
    assert item.evidence.get().link == "/phan-anh/can-bo/thong-ke/?tu=2026-01-01&den=2026-12-31"
    # the measure matches only that criterion (not 6.3, "kiến nghị sau thanh tra")
    assert list(assessment.items.filter(measure="feedback_on_time")) == [item]
