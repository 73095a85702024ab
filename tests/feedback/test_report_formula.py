"""The feedback formula the reporting app discovers (feedback/report_formulas.py): answers
approved on time / answers approved, per handling unit and period, through the reporting
app's own computation (discovery, scorecard counter, sub-units)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.models import Field
from motcua.core.formats import VN_TZ
from motcua.core.periods import period_of
from motcua.feedback.services import feedback_perform
from motcua.reporting import formulas
from motcua.reporting.scorecard import Counter, scorecard

Q1 = period_of("quarter", dt.date(2026, 1, 1))


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=VN_TZ)


def act(item, action, actor, now, **data):
    return feedback_perform(feedback=item, action=action, actor=actor, data=data, now=now)


def answered(submit, org, *, received, approved, field=None):
    item = submit(now=received, field=field)
    item = act(item, "transfer", org["desk"], received, to_unit=org["dept"].pk,
               reason="Thuộc thẩm quyền Sở")  # fmt: skip
    item = act(item, "accept", org["specialist"], received + dt.timedelta(hours=1))
    item = act(item, "draft", org["specialist"], approved - dt.timedelta(hours=1),
               answer="Sở đã kiểm tra và trả lời.")  # fmt: skip
    return act(item, "approve", org["leader"], approved)


@pytest.fixture
def quarter(submit, org):
    gt = Field.objects.create(code="GT", name="Giao thông")
    # accepted Mon 2 March 10:00 → due (15 WD) Mon 23 March 10:00
    on_time = answered(submit, org, received=at(3, 2), approved=at(3, 20), field=gt)
    late = answered(submit, org, received=at(3, 2), approved=at(3, 25))
    april = answered(submit, org, received=at(3, 30), approved=at(4, 2))
    return {"on_time": on_time, "late": late, "april": april, "GT": gt}


def value(code, unit, period=Q1, filters=None):
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    v = Counter(now=now).value(code, filters or {}, period, unit.pk)
    return None if v is None else (v.num, v.den)


@pytest.mark.django_db
def test_reporting_discovers_the_feedback_formula():
    assert "feedback_answered_on_time" in formulas.autodiscover()
    formula = formulas.get("feedback_answered_on_time")
    assert formula.kind == "external"
    assert formula.label == "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn"


def test_handled_on_time_over_handled_per_unit_and_period(quarter, org):
    assert value("feedback_answered_on_time", org["dept"]) == (1, 2)
    # the province counts its departments (the reporting app adds sub-units)
    assert value("feedback_answered_on_time", org["province"]) == (1, 2)
    # the centre transferred them: it handled none
    assert value("feedback_answered_on_time", org["centre"]) == (0, 0)
    # the next quarter holds the answer approved in April
    q2 = period_of("quarter", dt.date(2026, 4, 1))
    assert value("feedback_answered_on_time", org["dept"], q2) == (1, 1)
    # a filter on fields keeps the one in «Giao thông»
    assert value("feedback_answered_on_time", org["dept"], Q1, {"fields": ["GT"]}) == (1, 1)


def test_the_seeded_indicator_now_has_data_on_the_scorecard(quarter, org):
    rows = {r.indicator.code: r for r in scorecard(unit=org["dept"], period=Q1)}
    row = rows["phan-anh-dung-han"]
    assert (row.value.num, row.value.den) == (1, 2)
