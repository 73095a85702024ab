"""The demo: a year of report history with some units missing."""

from __future__ import annotations

import io
import random

import pytest

from motcua.reporting import demo
from motcua.reporting.models import Report, ReportStatus, ReportTemplate
from motcua.reporting.reports import reporting_rates


@pytest.mark.django_db
def test_demo_reports_leave_some_units_missing(demo_province):
    out = io.StringIO()
    demo.load(rng=random.Random(3), stdout=out, options={"small": True})
    assert Report.objects.filter(status=ReportStatus.SUBMITTED).exists()
    template = ReportTemplate.objects.get(code="cchc-quy")
    periods = Report.objects.filter(template=template).values_list("period_start", flat=True)
    assert len(set(periods)) >= 4  # a year of quarters
    from motcua.core.periods import period_of

    rates = [
        reporting_rates(template=template, period=period_of("quarter", start))
        for start in set(periods)
    ]
    assert any(r["missing"] for r in rates)
    assert "đã gửi" in out.getvalue()
    from motcua.reporting.models import AggregateState

    assert AggregateState.objects.get().refreshed_at is not None
