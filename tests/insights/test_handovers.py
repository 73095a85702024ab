"""Hand-overs and waiting vs working time, on hand-built logs and on a real dossier history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.insights.mining import LogEvent, mine
from motcua.insights.selectors import LogFilters, process_map
from motcua.ledger.models import Event
from tests.dossiers.conftest import at, receive, to_leader, to_specialist

T = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)


def h(hours: float) -> dt.datetime:
    return T + dt.timedelta(hours=hours)


def test_waiting_until_the_claim_then_working_and_hand_overs():
    log = [
        LogEvent("A", "dossier.received", h(0), resource="lan", group="Một cửa"),
        LogEvent("A", "dossier.transferred", h(1), "lan", "Một cửa", step="Thẩm định"),
        LogEvent("A", "dossier.self_assigned", h(3), "minh", "Phòng TNMT", step="Thẩm định"),
        LogEvent("A", "dossier.step_completed", h(7), "minh", "Phòng TNMT", step="Phê duyệt"),
        LogEvent("A", "dossier.approved", h(8), "hung", "Phòng TNMT", step="Phê duyệt"),
    ]
    pm = mine(log)
    split = {x.key: x for x in pm.step_split}
    assert split["Thẩm định"].waiting.hours == pytest.approx(2)  # transfer → claim
    assert split["Thẩm định"].working.hours == pytest.approx(4)  # claim → completion
    assert split["Phê duyệt"].waiting.hours == 0
    assert split["Phê duyệt"].working.hours == pytest.approx(1)
    units = {x.key: x for x in pm.unit_split}
    assert units["Phòng TNMT"].waiting.hours == pytest.approx(2)
    assert units["Phòng TNMT"].working.hours == pytest.approx(5)
    assert units["Phòng TNMT"].waiting_share == pytest.approx(2 / 7)
    assert {x.key: x.count for x in pm.officer_handovers} == {"lan → minh": 1, "minh → hung": 1}
    assert {x.key: x.count for x in pm.unit_handovers} == {"Một cửa → Phòng TNMT": 1}


def test_an_external_log_waits_until_a_start_event():
    log = [
        LogEvent("B", "Register", h(0), resource="r1", lifecycle="complete"),
        LogEvent("B", "Check", h(5), resource="r2", lifecycle="start"),
        LogEvent("B", "Check", h(6.5), resource="r2", lifecycle="complete"),
    ]
    split = {x.key: x for x in mine(log).step_split}
    assert split["Register"].waiting.hours == pytest.approx(5)
    assert split["Check"].working.hours == pytest.approx(1.5)


def test_the_dossier_history_split_by_step_and_unit(world, client):
    d = receive(world, when=at(0, 8))
    d = to_specialist(world, d)  # transfer 9:00, claim 9:30
    to_leader(world, d)
    pm = process_map(user=world.leader, filters=LogFilters())
    waiting = [x for x in pm.step_split if x.waiting.count]
    assert waiting and waiting[0].waiting.hours == pytest.approx(0.5)
    assert waiting[0].key == d.process.steps.get(order=2).name  # the step's own name
    labels = dict(Event.objects.filter(subject_id=d.code).values_list("action", "actor_label"))
    desk, specialist = labels["dossier.transferred"], labels["dossier.self_assigned"]
    assert desk != specialist
    assert f"{desk} → {specialist}" in {x.key for x in pm.officer_handovers}
    client.force_login(world.leader)
    page = client.get(reverse("insights:process_map")).content.decode()
    assert "Thời gian chờ và thời gian làm theo bước" in page and "Chuyển giao giữa cán bộ" in page
    body = client.get("/api/insights/process-map").json()
    assert body["step_split"] and body["officer_handovers"]


def test_the_graph_is_drawn_as_svg_and_a_step_lists_its_dossiers(world, client):
    import xml.etree.ElementTree as ET

    from motcua.insights.graph import dfg_svg

    d = receive(world, when=at(0, 8))
    d = to_specialist(world, d)
    to_leader(world, d)
    pm = process_map(user=world.leader, filters=LogFilters())
    svg = dfg_svg(pm, link=lambda e: f"?buoc={e.source}→{e.target}")
    root = ET.fromstring(svg)  # noqa: S314 - our own drawing
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "group" and root.find(f"{ns}title") is not None
    assert len(root.findall(f".//{ns}rect")) == len(pm.activities)
    assert len(root.findall(f".//{ns}path")) >= len(pm.edges)
    client.force_login(world.leader)
    page = client.get(reverse("insights:process_map")).content.decode()
    assert 'id="do-thi-svg"' in page and 'id="do-thi"' in page  # the graph, and the table stays
    slowest = pm.slowest_steps(1)[0]
    page = client.get(
        reverse("insights:process_map"), {"buoc": f"{slowest.source}→{slowest.target}"}
    ).content.decode()
    assert "Hồ sơ của bước" in page and d.code in page.split('id="ho-so-buoc"')[1]
