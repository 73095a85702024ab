"""GET /api/calendar/days, /due, /elapsed — and their Vietnamese 400s."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_days_lists_working_days_and_reasons(client):
    response = client.get("/api/calendar/days", {"from": "2026-08-21", "to": "2026-08-24"})
    assert response.status_code == 200
    assert response.json() == [
        {"date": "2026-08-21", "working": True, "reason": None},
        {
            "date": "2026-08-22",
            "working": True,
            "reason": "Làm bù cho ngày nghỉ 31/08/2026 (hoán đổi dịp Quốc khánh 2/9)",
        },
        {"date": "2026-08-23", "working": False, "reason": "Nghỉ hằng tuần (Chủ nhật)"},
        {"date": "2026-08-24", "working": True, "reason": None},
    ]


def test_days_names_holidays(client):
    body = client.get("/api/calendar/days", {"from": "2026-02-17", "to": "2026-02-17"}).json()
    assert body == [{"date": "2026-02-17", "working": False, "reason": "Tết Nguyên Đán"}]


def test_due_returns_an_iso_time_in_vietnam(client):
    response = client.get("/api/calendar/due", {"start": "2026-02-13T16:00:00+07:00", "days": "1"})
    assert response.status_code == 200
    assert response.json() == {"due_at": "2026-02-23T16:00:00+07:00"}


def test_due_accepts_utc_half_days_and_an_unencoded_plus(client):
    assert client.get(
        "/api/calendar/due", {"start": "2026-03-02T02:00:00Z", "days": "0.5"}
    ).json() == {"due_at": "2026-03-02T14:30:00+07:00"}
    # '+' typed into a URL arrives as a space
    assert client.get("/api/calendar/due?start=2026-03-02T09:00:00+07:00&days=1,5").json() == {
        "due_at": "2026-03-03T14:30:00+07:00"
    }


def test_due_with_a_time_limit_kind(client):
    body = client.get(
        "/api/calendar/due", {"start": "2026-03-02T15:30", "days": "0", "kind": "same_day"}
    ).json()
    assert body == {"due_at": "2026-03-03T17:00:00+07:00"}
    assert client.get(
        "/api/calendar/due", {"start": "2026-03-02T15:30", "days": "0", "kind": "none"}
    ).json() == {"due_at": None}


def test_elapsed_gives_working_hours(client):
    response = client.get(
        "/api/calendar/elapsed",
        {"start": "2026-02-13T16:00:00+07:00", "end": "2026-02-23T16:00:00+07:00"},
    )
    assert response.status_code == 200
    assert response.json() == {"working_hours": 8.0}


@pytest.mark.parametrize(
    ("url", "params", "code"),
    [
        ("/api/calendar/days", {"from": "2026-13-01", "to": "2026-12-31"}, "date_invalid"),
        ("/api/calendar/days", {"to": "2026-12-31"}, "date_required"),
        ("/api/calendar/days", {"from": "2000-01-01", "to": "2020-01-02"}, "range_too_long"),
        ("/api/calendar/days", {"from": "2026-02-01", "to": "2026-01-01"}, "range_reversed"),
        ("/api/calendar/due", {"start": "hôm qua", "days": "1"}, "datetime_invalid"),
        ("/api/calendar/due", {"start": "2026-03-02T09:00", "days": "-1"}, "negative_duration"),
        ("/api/calendar/due", {"start": "2026-03-02T09:00", "days": "ba"}, "amount_invalid"),
        ("/api/calendar/due", {"start": "2026-03-02T09:00", "days": "NaN"}, "amount_invalid"),
        ("/api/calendar/due", {"start": "2026-03-02T09:00"}, "amount_required"),
        ("/api/calendar/due", {"start": "1950-03-02T09:00", "days": "1"}, "calendar_out_of_range"),
        (
            "/api/calendar/due",
            {"start": "2026-03-02T09:00", "days": "1", "kind": "tuần"},
            "time_limit_kind_invalid",
        ),
        (
            "/api/calendar/elapsed",
            {"start": "2026-03-02T09:00", "end": "2026-03-01T09:00"},
            "range_reversed",
        ),
    ],
)
def test_bad_input_is_a_400_with_a_vietnamese_message(client, url, params, code):
    response = client.get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["message"] and body["message"][0].isupper()


def test_unknown_unit_is_a_404(client):
    response = client.get(
        "/api/calendar/due", {"start": "2026-03-02T09:00", "days": "1", "unit": "KHONG-CO"}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "unit_not_found"


def test_openapi_documents_the_calendar_parameters(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    names = [p["name"] for p in paths["/api/calendar/days"]["get"]["parameters"]]
    assert names[:2] == ["from", "to"]
    assert {"start", "days"} <= {p["name"] for p in paths["/api/calendar/due"]["get"]["parameters"]}


def test_the_calendar_computes_every_kind_of_time_limit_the_catalog_offers():
    from motcua.catalog.models import TimeLimitKind
    from motcua.workcalendar.services import DEADLINE_KINDS

    assert set(DEADLINE_KINDS) == set(TimeLimitKind.values)


def test_an_unknown_time_limit_kind_is_a_400_naming_the_kinds(client):
    response = client.get(
        "/api/calendar/due", {"start": "2026-03-02T08:00:00", "days": "1", "kind": "weeks"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "time_limit_kind_invalid"
    assert "working_days" in response.json()["message"]
