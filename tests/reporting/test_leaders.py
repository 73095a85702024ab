"""Leaders' pages, scorecard, ranking, drill-down, Excel and open data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from motcua.core.periods import period_of
from motcua.reporting.scorecard import Counter, ranking, scorecard

Q1 = period_of("quarter", dt.date(2026, 1, 1))
QUERY = "ky=quarter&ngay=2026-02-01"


@pytest.mark.django_db
def test_scorecard_lights_against_the_seeded_targets(world, quarter):
    rows = {r.indicator.code: r for r in scorecard(unit=world.commune, period=Q1)}
    land = rows["dat-dai-tre-han"]
    assert (land.value.num, land.value.den, float(land.target.value)) == (1, 1, 5.0)
    assert land.light == "red" and land.gap == 95.0
    # digitized results: 100 % against the 2026 commune target of 100 % (15 % + 5 × 20)
    digitized = rows["so-hoa-ket-qua"]
    assert float(digitized.target.value) == 100 and digitized.light == "green"
    # electronic processing: 5/6 = 83,33 % against 100 % → more than 5 points short: red
    assert rows["quy-trinh-dien-tu"].light == "red"
    # decentralisation is a province-level target: not on a commune's card
    assert "phan-cap" not in rows
    # feedback (the feedback app's formula): nothing handled in the commune, no light
    feedback = rows["phan-anh-dung-han"]
    assert (feedback.value.num, feedback.value.den) == (0, 0) and feedback.light == "grey"
    # trend: the four previous quarters, oldest first
    assert [t["period"] for t in land.trend] == [
        "Quý 1/2025", "Quý 2/2025", "Quý 3/2025", "Quý 4/2025"
    ]  # fmt: skip


@pytest.mark.django_db
def test_ranking_puts_the_worst_unit_first_with_its_head(world, quarter):
    ranks = ranking(period=Q1, counter=Counter())
    assert ranks[0]["unit"] == world.commune
    assert ranks[0]["head"] == world.leader.get_full_name()
    assert ranks[0]["red"] > ranks[1]["red"]


@pytest.mark.django_db
def test_province_office_sees_the_page_and_drills_into_the_late_dossiers(
    client, world, quarter, province_admin
):
    client.force_login(province_admin)
    page = client.get(f"/thong-ke/lanh-dao/?{QUERY}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-code="dat-dai-tre-han" data-light="red"' in html
    assert "Xếp hạng đơn vị" in html and world.leader.get_full_name() in html
    drill = client.get(
        f"/thong-ke/lanh-dao/chi-tieu/dat-dai-tre-han/ho-so/?don_vi={world.commune.code}&{QUERY}"
    )
    body = drill.content.decode()
    assert quarter["L1"].code in body and quarter["L2"].code not in body
    assert world.commune.name in body
    on_time = client.get(
        f"/thong-ke/lanh-dao/chi-tieu/dung-han/ho-so/?don_vi={world.commune.code}&{QUERY}"
    ).content.decode()
    # the part that makes "on time" worse: the late ones
    for key in ("B", "C", "L1", "L2"):
        assert quarter[key].code in on_time
    assert quarter["A"].code not in on_time


@pytest.mark.django_db
def test_a_commune_leader_sees_only_his_unit(client, world, quarter):
    client.force_login(world.other_leader)
    assert client.get(f"/thong-ke/lanh-dao/?{QUERY}").status_code == 200
    denied = client.get(f"/thong-ke/lanh-dao/?don_vi={world.commune.code}&{QUERY}")
    assert denied.status_code == 403


@pytest.mark.django_db
def test_citizens_and_desk_officers_are_refused(client, world, quarter):
    assert client.get("/thong-ke/lanh-dao/").status_code == 302  # login first
    client.force_login(world.desk)
    assert client.get("/thong-ke/lanh-dao/").status_code == 403


@pytest.mark.django_db
def test_leaders_excel_has_numbers_as_numbers(client, world, quarter, province_admin):
    client.force_login(province_admin)
    response = client.get(f"/thong-ke/lanh-dao/xuat-excel/?don_vi={world.commune.code}&{QUERY}")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Chỉ tiêu"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    land = rows["Tỷ lệ hồ sơ đất đai của hộ gia đình, cá nhân giải quyết trễ hẹn"]
    assert land[1:6] == (100.0, 5.0, 95.0, 1, 1)
    index = {r[0]: r for r in wb["Chỉ số 766"].iter_rows(min_row=5, values_only=True)}
    assert index["Hồ sơ nộp trực tuyến"][2:5] == (10.0, 1.2, 6.0)
    assert index["Khai thác, sử dụng lại dữ liệu số hóa"][6] == "chưa có dữ liệu"
    assert wb["Xếp hạng đơn vị"]["A5"].value == world.commune.name


@pytest.mark.django_db
def test_open_data_csv_and_json_without_personal_data(client, world, quarter):
    response = client.get("/thong-ke/du-lieu-mo/2026-Q1/chi-tieu.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    land = next(
        r
        for r in rows
        if r["unit_code"] == world.commune.code and r["indicator"] == "dat-dai-tre-han"
    )
    assert (land["numerator"], land["denominator"], land["value"], land["status"]) == (
        "1", "1", "100.0", "red"
    )  # fmt: skip
    text = response.content.decode()
    assert "Nguyễn Văn An" not in text and "0912345678" not in text
    body = json.loads(client.get("/thong-ke/du-lieu-mo/2026-Q1/chi-so-766.json").content)
    assert body["period"]["key"] == "2026-Q1"
    tt2 = next(
        r for r in body["rows"] if r["unit_code"] == world.commune.code and r["criterion"] == "TT2"
    )
    assert (tt2["rate"], tt2["points"]) == (0.1, 1.2)
    assert client.get("/thong-ke/du-lieu-mo/2026-Q9/chi-tieu.csv").status_code == 400


@pytest.mark.django_db
def test_open_data_is_rate_limited(client, world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.MOTCUA_OPEN_DATA_LIMIT = 3
    codes = [client.get("/thong-ke/du-lieu-mo/2026/chi-tieu.json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()


@pytest.mark.django_db
def test_rates_page_names_who_has_not_reported(client, world, quarter, province_admin):
    client.force_login(province_admin)
    page = client.get("/thong-ke/bao-cao/tinh-hinh/?mau=cchc-quy&ngay=2026-01-01")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="so-chua-gui">2<' in html
    assert world.other_leader.get_full_name() in html
    excel = client.get("/thong-ke/bao-cao/tinh-hinh/xuat-excel/?mau=cchc-quy&ngay=2026-01-01")
    ws = load_workbook(io.BytesIO(excel.content)).active
    values = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert ("Chưa gửi", 2) in [(r[0], r[1]) for r in values]


@pytest.mark.django_db
def test_the_ranking_costs_the_same_queries_whatever_the_number_of_units(
    world, quarter, make_unit, make_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ranking(period=Q1, counter=Counter())
        return len(captured)

    before = queries()
    for n in range(4):
        unit = make_unit(f"UBND xã Thêm {n}")
        make_user("unit_leader", unit=unit)
    # one grouped query per formula and period, targets read once: no query per unit
    assert queries() == before


@pytest.mark.django_db
def test_open_statistics_dataset(client, world, quarter):
    body = json.loads(client.get("/thong-ke/du-lieu-mo/2026-Q1/thong-ke.json").content)
    row = next(r for r in body["rows"] if r["unit_code"] == world.commune.code)
    assert (row["received"], row["finished"], row["late"], row["overdue"]) == (10, 6, 4, 1)


@pytest.mark.django_db
def test_the_aggregates_command(world, quarter):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("reporting_aggregates", stdout=out)
    assert "toàn bộ" in out.getvalue()
    call_command("reporting_aggregates", stdout=out)
    assert "các ngày có thay đổi" in out.getvalue()
