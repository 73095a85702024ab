"""/api/reform: the JSON the issue asks for."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.organization.models import Role
from motcua.organization.services import api_token_create
from motcua.reform import services
from motcua.reform.models import Plan, Task
from tests.samples import pdf

QD_PDF = pdf("quyet dinh")

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _, raw = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_indices_and_results_for_a_year(client, frameworks, home_affairs_officer):
    services.result_record(
        actor=home_affairs_officer, index_code="papi", year=2020, total="45.005", rank=5,
        scores={"1": "5.2", "1.1": "1.1"}, national={"1": "5.1"},
    )  # fmt: skip
    h = _auth(home_affairs_officer)
    assert client.get("/api/reform/indices").status_code == 401
    body = client.get("/api/reform/indices", **h).json()
    assert [i["code"] for i in body] == ["par-index", "sipas", "papi"]
    assert body[2]["years"] == [2020] and body[2]["latest_rank"] == 5
    result = client.get("/api/reform/indices/papi/results?year=2020", **h).json()
    assert result["total"] == "45.005" and result["rank"] == 5 and result["rank_of"] == 63
    assert result["points_lost"] == "34.995"
    dim = next(n for n in result["nodes"] if n["code"] == "1")
    assert dim["points_lost"] == "4.800" and dim["below_national_average"] is False
    sub = next(n for n in result["nodes"] if n["code"] == "1.1")
    assert sub["parent"] == "1" and sub["max_points"] == "2.500"
    missing = client.get("/api/reform/indices/papi/results?year=2019", **h)
    assert missing.status_code == 404 and missing.json()["code"] == "result_not_found"


def test_record_results_by_api_checks_the_role(
    client, frameworks, home_affairs_officer, make_user, departments
):
    payload = {"year": 2020, "total": "85.31", "rank": 16, "scores": {"1": "12"}}
    other = make_user(Role.REFORM_OFFICER, unit=departments["STP"])
    denied = client.post("/api/reform/indices/par-index/results", payload,
                         content_type="application/json", **_auth(other))  # fmt: skip
    assert denied.status_code == 403 and denied.json()["code"] == "reform_manage_denied"
    ok = client.post("/api/reform/indices/par-index/results", payload,
                     content_type="application/json", **_auth(home_affairs_officer))  # fmt: skip
    assert ok.status_code == 200 and ok.json()["total"] == "85.310"


def test_import_preview_then_commit(client, frameworks, home_affairs_officer, sample_bytes):
    h = _auth(home_affairs_officer)

    def upload():
        return {"workbook": SimpleUploadedFile("359.xlsx", sample_bytes)}

    preview = client.post("/api/reform/plans/import?commit=false", upload(), **h)
    assert preview.status_code == 200
    body = preview.json()
    assert body["task_count"] == 57 and body["committed"] is False
    first = body["appendices"][0]["tasks"][0]
    assert first["lead"][0] == {
        "text": "UBMTTQ tỉnh", "status": "unmatched", "unit": None, "unit_name": None,
        "group": None, "candidates": [],
    }  # fmt: skip
    assert first["deadline"] == {
        "text": "Hàng năm",
        "kind": "yearly",
        "start": "2021-01-01",
        "end": None,
    }
    assert len(body["unparsed_deadlines"]) == 1 and body["unmatched_units"]
    assert not Plan.objects.exists()
    done = client.post("/api/reform/plans/import?commit=true", upload(), **h)
    assert done.status_code == 200 and done.json()["committed"] is True
    assert Task.objects.count() == 57
    again = client.post("/api/reform/plans/import?commit=true", upload(), **h)
    assert again.status_code == 400 and again.json()["code"] == "plan_import_invalid"
    plans = client.get("/api/reform/plans", **h).json()
    assert plans["count"] == 1 and plans["items"][0]["tasks"] == 57


def test_task_list_filters_and_progress(client, small_plan, make_user, departments):
    officer = make_user(Role.REFORM_OFFICER, unit=departments["STTTT"])
    h = _auth(officer)
    led = client.get("/api/reform/tasks?unit=STTTT&page_size=100", **h).json()
    assert led["count"] > 5  # leads + supports (departments group)
    lead_only = [t for t in led["items"] if t["lead_unit"] == "STTTT"]
    as_lead = client.get("/api/reform/tasks?unit=STTTT&role=lead", **h).json()
    assert as_lead["count"] == len(lead_only) + 5  # + led by "các sở, ban, ngành"
    assert len(lead_only) == 5  # VII.1, VII.3, VII.4 (×2), VII.5
    overdue = client.get("/api/reform/tasks?overdue=true&page_size=100", **h).json()
    assert overdue["count"] == 17  # every task with a due period, seen from today
    task = Task.objects.get(text__startswith="Hoàn thiện, trình UBND tỉnh phê duyệt")
    detail = client.get(f"/api/reform/tasks/{task.pk}", **h).json()
    assert detail["nodes"] == ["7.1"] and detail["lead_unit"] == "STTTT"
    posted = client.post(
        f"/api/reform/tasks/{task.pk}/progress",
        {
            "text": "Đã trình",
            "percent": 100,
            "evidence": SimpleUploadedFile("qd.pdf", QD_PDF),
        },
        **h,
    )
    assert posted.status_code == 201, posted.content
    assert posted.json()["task_status"] == "done" and posted.json()["evidence"] == ["qd.pdf"]
    [evidence] = posted.json()["evidence_files"]
    downloaded = client.get(evidence["url"], **h)
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content) == QD_PDF
    stranger = make_user(Role.REFORM_OFFICER, unit=departments["STP"])
    other = Task.objects.get(text__startswith="- Tăng cường tuyên truyền, phổ biến quan điểm")
    refused = client.post(f"/api/reform/tasks/{other.pk}/progress", {"text": "x", "percent": 5},
                          **_auth(stranger))  # fmt: skip
    assert refused.status_code == 403 and refused.json()["code"] == "reform_progress_denied"
    done = client.get("/api/reform/tasks?status=done", **h).json()
    assert [t["id"] for t in done["items"]] == [task.pk]
    bad = client.get("/api/reform/tasks?unit=KHONGCO", **h)
    assert bad.status_code == 404


def test_task_list_query_count_does_not_grow_with_tasks(
    client, small_plan, home_affairs_officer, django_assert_max_num_queries
):
    h = _auth(home_affairs_officer)
    with django_assert_max_num_queries(12):
        body = client.get("/api/reform/tasks?page_size=100", **h).json()
    assert body["count"] == 19
