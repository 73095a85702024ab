"""Public statistics: the same numbers as the dossier app's statistics selector, plus
satisfaction; API, page table and Excel export agree."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from motcua.core.periods import parse_period
from motcua.dossiers.selectors import StatsFilters, dossier_stats
from motcua.reporting.selectors import COLUMNS

pytestmark = pytest.mark.django_db

MARCH = {"period": "month", "date": "2026-03-10"}
SHARED = [k for k, _, _ in COLUMNS if k not in ("ratings", "satisfied_share", "points_avg")]


def test_periods_are_local_month_quarter_and_year():
    on = dt.date(2026, 5, 17)
    assert parse_period("month", on).as_dict()["date_to"] == "2026-05-31"
    q = parse_period("quarter", on)
    assert (q.start, q.end, q.label) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "Quý 2/2026")
    assert parse_period("year", "2024-02-29").label == "Năm 2024"


def test_api_totals_are_the_officer_statistics_plus_satisfaction(client, world, month):
    body = client.get("/api/stats/public", MARCH).json()
    officer = dossier_stats(
        filters=StatsFilters(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    )[0]
    assert body["period"] == {
        "kind": "month",
        "label": "Tháng 3/2026",
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
    }
    assert {k: body["total"][k] for k in SHARED} == {k: officer[k] for k in SHARED}
    total = body["total"]
    assert (total["received"], total["resolved"], total["online"]) == (5, 3, 1)
    assert (total["resolved_early"], total["resolved_late"]) == (2, 1)
    assert total["on_time_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert total["online_share"] == pytest.approx(0.2)
    assert (total["ratings"], total["satisfied_share"], total["points_avg"]) == (2, 0.5, 17.0)
    assert total["band"] == "Xuất sắc"


def test_api_rows_per_unit_and_per_field_match_the_selector(client, world, month):
    for group in ("unit", "field"):
        body = client.get("/api/stats/public", {**MARCH, "group": group}).json()
        officer = dossier_stats(
            filters=StatsFilters(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)),
            group_by=group,
        )
        assert [{k: r[k] for k in ["group", *SHARED]} for r in body["rows"]] == [
            {k: r[k] for k in ["group", *SHARED]} for r in officer if r["received"]
        ]
    assert body["rows"][0]["label"] == "Hộ tịch"


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
    with django_assert_max_num_queries(12):
        stats = public_stats(period=period, group_by="unit")
    assert stats.total["received"] == 6
