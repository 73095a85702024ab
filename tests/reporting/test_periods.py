"""Periods and their stable keys (open data URLs)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import InvalidInput
from motcua.core.periods import period_from_key, period_of


@pytest.mark.parametrize(
    ("key", "kind", "start", "end", "label"),
    [
        ("2026", "year", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "Năm 2026"),
        ("2026-H2", "half", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "6 tháng cuối năm 2026"),
        ("2026-Q1", "quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Quý 1/2026"),
        ("2026-02", "month", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "Tháng 2/2026"),
        ("2026-03-15", "day", dt.date(2026, 3, 15), dt.date(2026, 3, 15), "Ngày 15/03/2026"),
    ],
)
def test_keys_round_trip(key, kind, start, end, label):
    period = period_from_key(key)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)
    assert period.key == key


@pytest.mark.parametrize("key", ["2026-Q5", "2026-13", "2026-02-30", "abc", ""])
def test_bad_keys_are_refused_in_vietnamese(key):
    with pytest.raises(InvalidInput) as error:
        period_from_key(key)
    assert error.value.code == "period_key_invalid"


def test_previous_periods_and_windows():
    q1 = period_of("quarter", dt.date(2026, 2, 10))
    assert q1.previous().label == "Quý 4/2025" and q1.previous(4).label == "Quý 1/2025"
    start, end = q1.window
    assert start.isoformat() == "2026-01-01T00:00:00+07:00"
    assert end.isoformat() == "2026-04-01T00:00:00+07:00"
    assert period_of("half", dt.date(2026, 3, 1)).previous().key == "2025-H2"


@pytest.mark.parametrize("key", ["0000", "1999-Q4", "2100-01"])
def test_years_outside_2000_2099_are_refused(key):
    with pytest.raises(InvalidInput) as error:
        period_from_key(key)
    assert error.value.code == "period_year_out_of_range"


@pytest.mark.django_db
def test_odd_input_gets_a_vietnamese_error_not_a_server_error(client, world):
    client.force_login(world.leader)
    for url in (
        "/api/stats/scorecard?date=0001-01-01",
        "/api/stats/scorecard?unit=%00",
        "/api/stats/index766?period=week",
        "/api/stats/reports/rates?template=cchc-quy&date=2026-99-99",
        "/api/stats/reports/rates?template=%00",
        "/api/stats/open/0000/chi-tieu",
        "/api/stats/indicators/%00/dossiers",
    ):
        response = client.get(url)
        assert 400 <= response.status_code < 500, url
        assert response.json()["message"], url
