"""The reporting API: Vietnamese errors with stable codes, pagination, the report regime."""

from __future__ import annotations

import pytest

QUERY = "period=quarter&date=2026-02-01"
TEXTS = {"ket_qua": "a", "ton_tai": "b", "nhiem_vu": "c", "kien_nghi": "d"}


@pytest.mark.django_db
def test_indicators_are_public_with_their_targets(client, db):
    body = client.get("/api/stats/indicators").json()
    digit = next(i for i in body if i["code"] == "so-hoa-ket-qua")
    by_key = {(t["year"], t["level"]): t["value"] for t in digit["targets"]}
    assert by_key[(2021, "province")] == 30.0
    assert by_key[(2021, "district")] == 20.0
    assert by_key[(2021, "commune")] == 15.0
    assert by_key[(2023, "commune")] == 55.0  # +20 points a year
    assert by_key[(2025, "province")] == 100.0  # capped at 100 %


@pytest.mark.django_db
def test_scorecard_needs_an_officer_and_checks_the_unit(client, world, quarter):
    assert client.get(f"/api/stats/scorecard?{QUERY}").status_code == 401
    client.force_login(world.other_leader)
    denied = client.get(f"/api/stats/scorecard?unit={world.commune.code}&{QUERY}")
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
    client.force_login(world.leader)
    body = client.get(f"/api/stats/scorecard?{QUERY}").json()
    land = next(r for r in body["rows"] if r["code"] == "dat-dai-tre-han")
    assert (land["numerator"], land["denominator"], land["light"]) == (1, 1, "red")


@pytest.mark.django_db
def test_index766_and_drilldown_with_pagination(client, world, quarter):
    client.force_login(world.leader)
    index = client.get(f"/api/stats/index766?{QUERY}").json()
    tt2 = next(c for c in index["criteria"] if c["code"] == "TT2")
    assert (tt2["numerator"], tt2["denominator"], tt2["points"]) == (1, 10, 1.2)
    page = client.get(
        f"/api/stats/indicators/dung-han/dossiers?{QUERY}&part=rest&page_size=2"
    ).json()
    assert (page["count"], page["pages"], len(page["items"])) == (4, 2, 2)
    bad = client.get(f"/api/stats/indicators/khong-co/dossiers?{QUERY}").json()
    assert bad["code"] == "indicator_not_found" and "Không tìm thấy" in bad["message"]


@pytest.mark.django_db
def test_report_regime_through_the_api(client, world, quarter, province_admin):
    client.force_login(world.leader)
    opened = client.post(
        "/api/stats/reports",
        {"template": "cchc-quy", "unit": world.commune.code, "period_start": "2026-01-01"},
        content_type="application/json",
    ).json()
    wrong = client.post(
        "/api/stats/reports",
        {"template": "cchc-quy", "unit": world.commune.code, "period_start": "2026-02-01"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "report_period_invalid"
    rid = opened["id"]
    early = client.post(f"/api/stats/reports/{rid}/submit")
    assert early.status_code == 400 and early.json()["code"] == "report_incomplete"
    client.put(f"/api/stats/reports/{rid}", {"narrative": TEXTS}, content_type="application/json")
    sent = client.post(f"/api/stats/reports/{rid}/submit").json()
    assert sent["status"] == "submitted"
    again = client.post(f"/api/stats/reports/{rid}/submit")
    assert again.status_code == 409
    client.force_login(province_admin)
    rates = client.get("/api/stats/reports/rates?template=cchc-quy&date=2026-01-01").json()
    assert (rates["expected"], rates["submitted"], rates["missing"]) == (2, 1, 1)
    missing = [r for r in rates["rows"] if r["status"] == "missing"]
    assert missing[0]["unit"] == world.other.code


@pytest.mark.django_db
def test_open_data_api(client, world, quarter):
    body = client.get("/api/stats/open/2026-Q1/chi-tieu").json()
    assert body["period"]["key"] == "2026-Q1"
    assert client.get("/api/stats/open/2026-Q1/khac").json()["code"] == "dataset_invalid"
