import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.reform.deadlines import occurrences, parse_deadline
from motcua.reform.models import DeadlineKind

PLAN = dt.date(2021, 9, 27)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("Quý IV/2021", "quarter", dt.date(2021, 10, 1), dt.date(2021, 12, 31)),
        ("Quý II/2021", "quarter", dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
        ("quy 3 nam 2022", "quarter", dt.date(2022, 7, 1), dt.date(2022, 9, 30)),
        ("Tháng 6/2021", "month", dt.date(2021, 6, 1), dt.date(2021, 6, 30)),
        ("Tháng 2/2024", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("Trong năm 2021", "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
        ("Năm 2022", "year", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
        ("6 tháng đầu năm 2022", "half", dt.date(2022, 1, 1), dt.date(2022, 6, 30)),
        ("31/12/2021", "date", dt.date(2021, 12, 31), dt.date(2021, 12, 31)),
        ("Trước ngày 15/11/2021", "date", dt.date(2021, 11, 15), dt.date(2021, 11, 15)),
        ("Hằng năm", "yearly", dt.date(2021, 1, 1), None),
        ("Hàng năm", "yearly", dt.date(2021, 1, 1), None),
        ("Định kỳ hàng tháng có báo cáo UBND tỉnh", "monthly", dt.date(2021, 9, 1), None),
        ("Hằng quý", "quarterly", dt.date(2021, 7, 1), None),
        ("Thường xuyên", "regular", PLAN, None),
        ("Theo lộ trình của Đề án", "roadmap", None, None),
        ("Theo lộ trình tại Đề án", "roadmap", None, None),
        ("Được thực hiện ngay khi có văn bản", "unparsed", None, None),
        ("", "unparsed", None, None),
        ("31/02/2021", "unparsed", None, None),
        ("Tháng 13/2021", "unparsed", None, None),
    ],
)
def test_parse_deadline_keeps_kind_and_period(text, kind, start, end):
    parsed = parse_deadline(text, plan_date=PLAN)
    assert (parsed.kind, parsed.start, parsed.end) == (kind, start, end)


def test_recurring_tasks_get_one_occurrence_per_period():
    yearly = occurrences(parse_deadline("Hằng năm", plan_date=PLAN), horizon_year=2023)
    assert [(p.label, p.due) for p in yearly] == [
        ("Năm 2021", dt.date(2021, 12, 31)),
        ("Năm 2022", dt.date(2022, 12, 31)),
        ("Năm 2023", dt.date(2023, 12, 31)),
    ]
    quarterly = occurrences(parse_deadline("Hằng quý", plan_date=PLAN), horizon_year=2022)
    assert [p.label for p in quarterly][:2] == ["Quý III/2021", "Quý IV/2021"]
    assert len(quarterly) == 6
    assert occurrences(parse_deadline("Thường xuyên", plan_date=PLAN), horizon_year=2025) == []
    one = occurrences(parse_deadline("Quý IV/2021", plan_date=PLAN), horizon_year=2025)
    assert [(p.label, p.due) for p in one] == [("Quý IV/2021", dt.date(2021, 12, 31))]


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_any_written_date_round_trips(day):
    parsed = parse_deadline(day.strftime("%d/%m/%Y"), plan_date=PLAN)
    assert parsed.kind == DeadlineKind.DATE and parsed.end == day


@given(st.text(max_size=40))
def test_parser_never_raises(text):
    assert parse_deadline(text, plan_date=PLAN).kind in DeadlineKind.values
