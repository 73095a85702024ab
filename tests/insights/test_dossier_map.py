"""The process map of real dossier histories (made by the dossier services), in working time."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.core.errors import PermissionDenied
from motcua.dossiers import services
from motcua.insights.logs import read_csv
from motcua.insights.mining import mine
from motcua.insights.selectors import LogFilters, process_map
from motcua.ledger.models import Event
from motcua.workcalendar.services import working_time_between
from tests.dossiers.conftest import VN, at, receive, to_leader, to_specialist

XES = "{http://www.xes-standard.org/}"
FRIDAY_AFTERNOON = dt.datetime(2026, 3, 6, 16, 0, tzinfo=VN)
MONDAY_MORNING = dt.datetime(2026, 3, 9, 9, 0, tzinfo=VN)


@pytest.fixture
def histories(world):
    """Three dossiers: one waits over a weekend before transfer, one is sent back once."""
    slow = receive(world, when=FRIDAY_AFTERNOON)
    slow = services.dossier_transfer(actor=world.desk, dossier=slow, at=MONDAY_MORNING)
    quick = receive(world, when=at(0, 8))
    quick = to_specialist(world, quick)
    back = receive(world, when=at(0, 8, 30))
    back = to_specialist(world, back, when=at(0, 10))
    back = to_leader(world, back)
    back = services.dossier_send_back(
        actor=world.leader, dossier=back, to_step=2, reason="Thiếu xác minh", at=at(2, 9)
    )
    return slow, quick, back


def test_a_weekend_is_not_a_bottleneck(world, histories):
    slow = histories[0]
    pm = process_map(user=world.leader, filters=LogFilters())
    first, second = Event.objects.filter(subject_type="dossier", subject_id=slow.code)[:2]
    edge = next(e for e in pm.edges if (e.source, e.target) == (first.action, second.action))
    expected = working_time_between(FRIDAY_AFTERNOON, MONDAY_MORNING, unit=world.commune)
    clock = (MONDAY_MORNING - FRIDAY_AFTERNOON).total_seconds() / 3600
    assert clock == 65
    assert 0 < expected <= 3  # Friday's last working hour(s) and Monday's first
    assert any(abs(h - expected) < 1e-6 and code == slow.code for h, code in edge.cases)
    # the weekend wait is the slowest occurrence of that step, and still only a few hours
    assert edge.cases[0][1] == slow.code


def test_a_step_across_tet_counts_only_working_hours(world):
    before = dt.datetime(2026, 2, 12, 16, 0, tzinfo=VN)  # Thursday before Tết Bính Ngọ
    after = dt.datetime(2026, 2, 23, 9, 0, tzinfo=VN)
    dossier = receive(world, when=before)
    services.dossier_transfer(actor=world.desk, dossier=dossier, at=after)
    pm = process_map(user=world.leader, filters=LogFilters())
    [edge] = pm.edges
    assert edge.hours == pytest.approx(working_time_between(before, after, unit=world.commune))
    assert edge.hours < 24  # 11 calendar days, most of them Tết holidays and a weekend


def test_variants_and_rework(world, histories):
    slow, quick, back = histories
    pm = process_map(user=world.leader, filters=LogFilters())
    assert pm.cases == 3
    assert (
        pm.events
        == Event.objects.filter(subject_type="dossier")
        .exclude(action="dossier.due_soon_warned")
        .count()
    )
    assert sum(v.count for v in pm.variants) == 3
    assert len(pm.variants) == 3  # three different paths
    assert pm.rework["send_backs"] == 1
    assert pm.rework["cases_sent_back"] == 1
    [sent_back] = [v for v in pm.variants if "dossier.sent_back" in v.activities]
    assert sent_back.cases == [back.code]
    assert sent_back.share == pytest.approx(1 / 3)
    assert pm.slowest_steps(5)[0].hours >= pm.slowest_steps(5)[-1].hours
    assert pm.slowest_units(5)[0].key == world.commune.name


def test_scope_filters_and_staff_only(world, histories, make_user, client):
    assert process_map(user=world.other_leader, filters=LogFilters()).cases == 0
    assert process_map(user=world.leader, filters=LogFilters(procedure="nope")).cases == 0
    assert (
        process_map(user=world.leader, filters=LogFilters(date_from=dt.date(2026, 3, 6))).cases == 1
    )
    nobody = make_user()
    with pytest.raises(PermissionDenied):
        process_map(user=nobody, filters=LogFilters())
    client.force_login(nobody)
    assert client.get(reverse("insights:process_map")).status_code == 403
    assert client.get(reverse("insights:xes")).status_code == 403
    assert client.get("/api/insights/process-map").status_code == 403


def test_insights_never_write(world, histories, client):
    client.force_login(world.leader)
    with CaptureQueriesContext(connection) as queries:
        process_map(user=world.leader, filters=LogFilters())
        b"".join(client.get(reverse("insights:xes")).streaming_content)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and ("ledger_" in q["sql"] or "dossiers_" in q["sql"])
    ]
    assert writes == []


def test_the_page_shows_where_the_time_goes(world, histories, client):
    slow = histories[0]
    client.force_login(world.leader)
    response = client.get(reverse("insights:process_map"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "5 bước tốn nhiều thời gian nhất" in page
    assert slow.code in page
    assert world.commune.name in page
    assert "Trả lại bước trước" in page  # actions by their Vietnamese names, not codes
    shown = re.sub(r'href="[^"]*"', "", page)  # codes may stand in links (?buoc=…), not in text
    assert "dossier.sent_back" not in shown
    client.force_login(world.other_leader)
    assert slow.code not in client.get(reverse("insights:process_map")).content.decode()


def test_xes_export_is_streamed_and_valid(world, histories, client):
    client.force_login(world.leader)
    response = client.get(reverse("insights:xes"))
    assert response.status_code == 200 and response.streaming
    root = ET.fromstring(b"".join(response.streaming_content))  # noqa: S314 - our own export
    traces = root.findall(f"{XES}trace")
    assert {t.find(f"{XES}string[@key='concept:name']").get("value") for t in traces} == {
        d.code for d in histories
    }
    events = [e for t in traces for e in t.findall(f"{XES}event")]
    assert (
        len(events)
        == Event.objects.filter(subject_type="dossier")
        .exclude(action="dossier.due_soon_warned")
        .count()
    )
    keys = {s.get("key") for e in events for s in e}
    assert {"concept:name", "time:timestamp", "lifecycle:transition", "org:resource"} <= keys


def test_the_api_answers_the_same_map(world, histories, client):
    client.force_login(world.leader)
    body = client.get("/api/insights/process-map").json()
    assert body["cases"] == 3
    assert body["rework"]["send_backs"] == 1
    assert len(body["slowest_steps"]) <= 5


def test_csv_export_reads_back_to_the_same_map(world, histories, client, tmp_path):
    client.force_login(world.leader)
    response = client.get(reverse("insights:csv"))
    assert response.status_code == 200 and response.streaming
    path = tmp_path / "log.csv"
    path.write_bytes(b"".join(response.streaming_content))
    again = mine(read_csv(path))
    direct = process_map(user=world.leader, filters=LogFilters())
    assert (again.cases, again.events) == (direct.cases, direct.events)
    assert again.dfg() == direct.dfg()
    assert [v.activities for v in again.variants] == [v.activities for v in direct.variants]


def test_at_risk_baseline_ranks_by_share_of_allotted_working_time(world, client):
    from motcua.insights.selectors import at_risk

    early = receive(world, when=at(0, 8))
    late = receive(world, when=at(1, 8))
    overdue = receive(world, when=at(-7, 8))
    now = at(2, 8)
    rows = at_risk(user=world.leader, filters=LogFilters(), now=now)
    assert [r.code for r in rows] == [early.code, late.code]  # the overdue one is left out
    assert overdue.code not in {r.code for r in rows}
    expected = working_time_between(early.received_at, now, unit=world.commune) / (
        working_time_between(early.received_at, early.due_at, unit=world.commune)
    )
    assert rows[0].used_share == pytest.approx(expected)
    assert rows[0].used_share > rows[1].used_share > 0
    assert at_risk(user=world.other_leader, filters=LogFilters(), now=now) == []
    client.force_login(world.leader)
    assert "có nguy cơ trễ hạn" in client.get(reverse("insights:process_map")).content.decode()
