"""One rule for "overdue now": the clock runs and the due time passed; a paused dossier waits
for the applicant and is not overdue. Every surface asks the same rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, overdue_q
from motcua.dossiers.selectors import (
    DossierFilters,
    StatsFilters,
    dossier_list,
    dossier_stats,
    queue_counts,
)
from tests.dossiers.conftest import VN, approve, at, receive, to_leader, to_specialist
from tests.dossiers.test_api import bearer

pytestmark = pytest.mark.django_db

FRIDAY = dt.datetime(2026, 3, 13, 9, tzinfo=VN)  # after every first due time (Thursday 5/3)


@pytest.fixture
def dossiers(world) -> dict[str, Dossier]:
    # given: received on Monday 2/3 (due Thursday 5/3), four fates
    running = to_specialist(world, receive(world))
    supplement = services.dossier_request_supplement(
        actor=world.specialist,
        dossier=to_specialist(world, receive(world)),
        items=["Tờ khai"],
        at=at(0, 11),
    )
    payment = services.dossier_request_payment(
        actor=world.specialist,
        dossier=to_specialist(world, receive(world)),
        amount=8000,
        at=at(0, 11),
    )
    done = approve(world, to_leader(world, to_specialist(world, receive(world))))
    return {"running": running, "supplement": supplement, "payment": payment, "done": done}


def codes(qs) -> set[str]:
    return {d.code for d in qs}


def test_a_paused_dossier_past_its_old_due_time_is_not_overdue_anywhere(world, dossiers):
    running = dossiers["running"]
    waiting = {dossiers["supplement"].code, dossiers["payment"].code}
    # then: the model, the queryset and the selector's list, queue and counts agree
    assert dossiers["supplement"].due_at < FRIDAY and dossiers["payment"].due_at < FRIDAY
    for d in dossiers.values():
        assert d.is_overdue(FRIDAY) == (d is running), d.status
    assert codes(Dossier.objects.overdue(FRIDAY)) == {running.code}
    assert codes(Dossier.objects.filter(overdue_q(FRIDAY))) == {running.code}
    listed = dossier_list(user=world.desk, filters=DossierFilters(overdue=True), now=FRIDAY)
    assert codes(listed) == {running.code}
    not_overdue = dossier_list(user=world.desk, filters=DossierFilters(overdue=False), now=FRIDAY)
    assert codes(not_overdue) == waiting | {dossiers["done"].code}
    queue = dossier_list(user=world.desk, filters=DossierFilters(queue="overdue"), now=FRIDAY)
    assert codes(queue) == {running.code}
    counts = queue_counts(user=world.desk, scope="unit", now=FRIDAY)
    assert counts["overdue"] == 1 and counts["waiting"] == 2
    # and the statistics count the same one as past its deadline, the two others as paused
    [row] = dossier_stats(filters=StatsFilters(), now=FRIDAY)
    assert (row["in_progress_overdue"], row["paused"], row["in_progress_within"]) == (1, 2, 0)


def test_the_api_list_and_its_overdue_flag_leave_paused_dossiers_out(client, world, dossiers):
    auth = bearer(world.desk)
    body = client.get("/api/dossiers", {"overdue": "true"}, **auth).json()
    assert {d["code"] for d in body["items"]} == {dossiers["running"].code}
    queue = client.get("/api/dossiers", {"queue": "overdue"}, **auth).json()
    assert {d["code"] for d in queue["items"]} == {dossiers["running"].code}
    flags = {d["code"]: d["overdue"] for d in client.get("/api/dossiers", **auth).json()["items"]}
    assert flags == {d.code: name == "running" for name, d in dossiers.items()}


def test_the_queue_and_dossier_pages_mark_only_the_running_dossier(client, world, dossiers):
    client.force_login(world.desk)
    page = client.get("/can-bo/", {"queue": "overdue"}).content.decode()
    assert dossiers["running"].code in page
    assert dossiers["supplement"].code not in page and dossiers["payment"].code not in page
    waiting = client.get("/can-bo/", {"queue": "waiting"}).content.decode()
    assert dossiers["supplement"].code in waiting and "text-danger fw-bold" not in waiting
    for name, d in dossiers.items():
        html = client.get(f"/can-bo/ho-so/{d.code}/").content.decode()
        assert ('badge bg-danger">Quá hạn' in html) == (name == "running"), name
        assert ('id="dossier-paused"' in html) == (name in ("supplement", "payment")), name


def test_the_due_time_moves_when_the_clock_resumes(world, dossiers):
    paused = dossiers["supplement"]
    old_due = paused.due_at
    resumed = services.dossier_receive_supplement(
        actor=world.desk, dossier=paused, at=dt.datetime(2026, 3, 11, 8, tzinfo=VN)
    )
    # then: due = old due + working time paused; overdue only once the new due time passes
    assert resumed.due_at > old_due + dt.timedelta(days=6)
    before, after = (
        resumed.due_at - dt.timedelta(minutes=1),
        resumed.due_at + dt.timedelta(minutes=1),
    )
    assert not resumed.is_overdue(before) and resumed.is_overdue(after)
    assert resumed.code not in codes(Dossier.objects.overdue(before))
    assert resumed.code in codes(Dossier.objects.overdue(after))
    assert resumed.is_overdue(timezone.now())  # today, long after March 2026
