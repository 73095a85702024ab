import pytest


@pytest.fixture
def api(client):
    return client


def test_procedures_api_searches_without_diacritics(demo_province, api):
    response = api.get("/api/procedures", {"q": "cap giay phep xay dung", "page_size": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1 and body["page"] == 1
    assert all(item["name"].startswith("Cấp giấy phép xây dựng") for item in body["items"][:1])


def test_procedure_detail_api_has_three_public_aspects(demo_province, api):
    code = api.get("/api/procedures", {"q": "giay phep xay dung"}).json()["items"][0]["code"]
    body = api.get(f"/api/procedures/{code}").json()
    assert body["components"] and body["processes"][0]["steps"]
    assert body["time_limit_kind"] in {"working_days", "calendar_days", "hours", "same_day", "none"}
    assert isinstance(body["fees"], list)


def test_api_errors_are_vietnamese_json(demo_province, api):
    missing = api.get("/api/procedures/0.000000")
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "procedure_not_found",
        "message": "Không tìm thấy thủ tục có mã 0.000000.",
    }
    bad = api.get("/api/procedures", {"level": "planet"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"
    assert "level" in bad.json()["message"]
    too_far = api.get("/api/procedures", {"page": 999})
    assert too_far.status_code == 400 and too_far.json()["code"] == "page_out_of_range"


def test_units_api_filters_by_kind_parent_and_date(demo_province, api):
    before = api.get("/api/units", {"kind": "district", "date": "2025-06-30"}).json()
    after = api.get("/api/units", {"kind": "district", "date": "2025-07-01"}).json()
    assert before["count"] == 3 and after["count"] == 0
    communes = api.get(
        "/api/units", {"kind": "commune", "parent": "UBND-TINH", "date": "2025-07-01"}
    ).json()
    assert communes["count"] > 0
    assert all(u["parent"] == "UBND-TINH" for u in communes["items"])
