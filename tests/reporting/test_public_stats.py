"""Public statistics: read from the maintained aggregates (the scorecard's definitions), plus
satisfaction and the feedback handling rate; API, page table and Excel export agree, and the
aggregates give the same numbers as the dossier rows."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from motcua.core.periods import parse_period
from motcua.reporting.selectors import COLUMNS, public_stats
from motcua.reporting.services import aggregates_catch_up
from tests.reporting.conftest import answered_feedback

pytestmark = pytest.mark.django_db

MARCH = {"period": "month", "date": "2026-03-10"}
SHARED = [k for k, _, _ in COLUMNS if k not in ("ratings", "satisfied_share", "points_avg")]


def test_periods_are_local_month_quarter_and_year():
    on = dt.date(2026, 5, 17)
    assert parse_period("month", on).as_dict()["date_to"] == "2026-05-31"
    q = parse_period("quarter", on)
    assert (q.start, q.end, q.label) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "Quý 2/2026")
    assert parse_period("year", "2024-02-29").label == "Năm 2024"


def test_api_totals_are_counted_from_the_dossiers_plus_satisfaction(client, world, month):
    body = client.get("/api/stats/public", MARCH).json()
    assert body["period"] == {
        "kind": "month",
        "label": "Tháng 3/2026",
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
    }
    assert body["closed"] is True
    total = body["total"]
    assert (total["received"], total["resolved"], total["online"]) == (5, 3, 1)
    assert (total["resolved_early"], total["resolved_on_time"], total["resolved_late"]) == (2, 0, 1)
    assert total["in_progress"] == 2  # the online one and the one at the desk on 31/03
    assert total["on_time_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert total["online_share"] == pytest.approx(0.2)
    assert (total["ratings"], total["satisfied_share"], total["points_avg"]) == (2, 0.5, 17.0)
    assert total["band"] == "Xuất sắc"
    assert (total["feedback_answered"], total["feedback_on_time_share"]) == (0, None)


def test_rows_per_unit_and_per_field(client, world, month):
    unit = client.get("/api/stats/public", {**MARCH, "group": "unit"}).json()
    assert [r["group"] for r in unit["rows"]] == [world.commune.code]
    field = client.get("/api/stats/public", {**MARCH, "group": "field"}).json()
    assert [r["label"] for r in field["rows"]] == ["Hộ tịch"]
    for body in (unit, field):
        assert {k: body["rows"][0][k] for k in SHARED} == {k: body["total"][k] for k in SHARED}


def _no_dossier_scan(queries) -> bool:
    return not any('FROM "dossiers_dossier"' in q["sql"] for q in queries)


def test_a_closed_period_is_read_from_the_aggregates_with_the_same_numbers(world, month):
    """Before the first catch-up the figures come from the dossier rows; after it, a closed
    period reads only the daily counts and the open-at-end snapshot — same numbers."""
    from motcua.reporting.models import DailyCount

    period = parse_period("month", dt.date(2026, 3, 10))
    from_rows = public_stats(period=period, group_by="unit")
    aggregates_catch_up(full=True)
    assert DailyCount.objects.exists()
    with CaptureQueriesContext(connection) as captured:
        from_aggregates = public_stats(period=period, group_by="unit")
    assert _no_dossier_scan(captured.captured_queries)
    assert from_aggregates.total == from_rows.total
    assert from_aggregates.rows == from_rows.rows
    # a later action on a March dossier: its day is recounted from the rows until the job
    # runs again, and the figure moves at once
    from tests.reporting.conftest import finish

    finish(world, month["waiting"], day=17, leader_day=18, approve_day=18, returned=False)
    moved = public_stats(period=period, group_by="unit")
    assert (moved.total["resolved"], moved.total["in_progress"]) == (4, 1)
    aggregates_catch_up()
    with CaptureQueriesContext(connection) as captured:
        again = public_stats(period=period, group_by="field")
    assert _no_dossier_scan(captured.captured_queries)
    assert again.total == moved.total


def test_the_feedback_handling_rate_sits_next_to_the_on_time_rate(client, world, month):
    answered_feedback(world, 2, 4)  # answered on time
    answered_feedback(world, 2, 24)  # answered after the 15 working days
    body = client.get("/api/stats/public", MARCH).json()
    row = next(r for r in body["rows"] if r["group"] == world.commune.code)
    assert (row["feedback_answered"], row["feedback_on_time_share"]) == (2, 0.5)
    assert body["total"]["feedback_on_time_share"] == 0.5
    html = client.get("/thong-ke/", MARCH).content.decode()
    table = _table(html)
    assert table[world.commune.code]["feedback_on_time_share"] == "50,0%"
    assert table[world.commune.code]["on_time_share"] == "66,7%"
    # a unit that answered nothing shows "—", not 0 %
    april = client.get("/thong-ke/", {"period": "month", "date": "2026-04-10"}).content.decode()
    assert _table(april)[world.commune.code]["feedback_on_time_share"] == "—"


def test_filters_by_unit_and_field_and_other_periods(client, world, month):
    other = client.get("/api/stats/public", {**MARCH, "unit": world.other.code}).json()
    assert other["total"]["received"] == 0 and other["rows"] == []
    mine = client.get(
        "/api/stats/public", {**MARCH, "unit": world.commune.code, "field": "HT"}
    ).json()
    assert mine["total"]["received"] == 5
    quarter = client.get("/api/stats/public", {"period": "quarter", "date": "2026-03-10"}).json()
    assert quarter["total"]["received"] == 5  # the April dossier is in Q2
    quarter2 = client.get("/api/stats/public", {"period": "quarter", "date": "2026-04-10"}).json()
    assert quarter2["total"]["received"] == 1
    year = client.get("/api/stats/public", {"period": "year", "date": "2026-01-01"}).json()
    assert year["total"]["received"] == 6


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"period": "week"}, 400, "period_invalid"),
        ({"period": "month", "date": "10/03/2026"}, 400, "date_invalid"),
        ({"unit": "KHONG-CO"}, 404, "unit_not_found"),
        ({"field": "KHONG-CO"}, 404, "field_not_found"),
        ({"group": "procedure"}, 400, "group_by"),
    ],
)
def test_bad_queries_get_a_clear_vietnamese_error(client, world, query, status, code):
    response = client.get("/api/stats/public", query)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["message"]


def _table(html: str) -> dict[str, dict[str, str]]:
    rows = {}
    for group, body in re.findall(r'<tr data-group="([^"]*)">(.*?)</tr>', html, re.S):
        cells = dict(re.findall(r'<td class="text-end" data-key="(\w+)">([^<]*)</td>', body))
        rows[group] = cells
    return rows


def test_page_table_shows_the_api_numbers(client, world, month):
    api = client.get("/api/stats/public", MARCH).json()
    page = client.get("/thong-ke/", MARCH)
    html = page.content.decode()
    assert page.status_code == 200
    assert "echarts.common.min.js" in html and 'id="du-lieu-bieu-do"' in html
    table = _table(html)
    assert table[""]["received"] == str(api["total"]["received"])
    assert table[""]["on_time_share"] == "66,7%"
    assert table[""]["satisfied_share"] == "50,0%"
    assert table[""]["points_avg"] == "17,00"
    row = api["rows"][0]
    assert table[row["group"]]["resolved_early"] == str(row["resolved_early"])
    assert table[row["group"]]["online_share"] == "20,0%"


def test_page_shows_an_error_for_an_unknown_unit(client, world):
    page = client.get("/thong-ke/", {"unit": "KHONG-CO"})
    assert page.status_code == 404
    assert "Không tìm thấy đơn vị KHONG-CO" in page.content.decode()


def test_excel_export_is_the_same_table(client, world, month):
    api = client.get("/api/stats/public", MARCH).json()
    response = client.get("/thong-ke/xuat-excel/", MARCH)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert "Tháng 3/2026" in ws["A2"].value
    header = [c.value for c in ws[5]]
    assert header[0] == "Cơ quan giải quyết" and header[1] == "Tiếp nhận"
    assert header[-1] == "Xếp loại"
    keys = [k for k, _, _ in COLUMNS]
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    assert len(data) == len(api["rows"]) + 1
    for values, expected in zip(data, [*api["rows"], api["total"]], strict=True):
        assert values[0] == expected["label"]
        assert dict(zip(keys, values[1:-1], strict=True)) == {k: expected[k] for k in keys}
        assert values[-1] == expected["band"]
    assert ws.cell(row=6, column=1 + keys.index("on_time_share") + 1).number_format == "0.0%"


def test_public_stats_use_a_fixed_number_of_queries(world, month, django_assert_max_num_queries):
    from motcua.reporting.selectors import public_stats

    period = parse_period("year", dt.date(2026, 3, 1))
    with django_assert_max_num_queries(20):
        stats = public_stats(period=period, group_by="unit")
    assert stats.total["received"] == 6
