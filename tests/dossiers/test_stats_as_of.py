"""A closed period's figures never change: each is measured at the period's end from the
history (status and due time as they stood then), whenever it is asked."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from motcua.dossiers import services
from motcua.dossiers.selectors import StatsFilters, dossier_stats, stats_as_of
from tests.dossiers.conftest import (
    APPLICANT,
    VN,
    approve,
    at,
    receive,
    to_leader,
    to_specialist,
)

pytestmark = pytest.mark.django_db

MARCH = StatsFilters(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
APRIL_1 = dt.datetime(2026, 4, 1, 9, tzinfo=VN)
MAY_15 = dt.datetime(2026, 5, 15, 9, tzinfo=VN)


def april(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 4, day, hour, tzinfo=VN)


def ask(now: dt.datetime) -> dict:
    out = {"total": dossier_stats(filters=MARCH, now=now)}
    for group in ("unit", "month", "channel", "procedure"):
        out[group] = dossier_stats(filters=MARCH, group_by=group, now=now)
    return out


@pytest.fixture
def march(world):
    """Five dossiers received in March 2026, each in a different state on 31/3."""
    late = to_specialist(world, receive(world))  # due Thursday 5/3: past due on 31/3
    paused = services.dossier_request_supplement(
        actor=world.specialist,
        dossier=to_specialist(world, receive(world, when=at(1))),
        items=["Tờ khai"],
        at=at(1, 11),
    )
    within = receive(world, when=dt.datetime(2026, 3, 30, 8, tzinfo=VN))  # due 2/4
    done = approve(world, to_leader(world, to_specialist(world, receive(world))))
    online = services.dossier_submit_online(
        procedure=world.procedure,
        unit=world.commune,
        applicant=APPLICANT,
        at=dt.datetime(2026, 3, 31, 16, tzinfo=VN),
    )  # accepted only in April: not received in March
    return {"late": late, "paused": paused, "within": within, "done": done, "online": online}


def after_the_period(world, d: dict) -> None:
    """April: the late one is resolved, the paused one resumes and is resolved, the one within
    its deadline is withdrawn, the online one is accepted."""
    leader = to_leader(world, d["late"], when=april(1, 10))
    approve(world, leader, when=april(1, 14))
    resumed = services.dossier_receive_supplement(
        actor=world.desk, dossier=d["paused"], at=april(2, 8)
    )
    approve(world, to_leader(world, resumed, when=april(2, 10)), when=april(2, 14))
    services.dossier_withdraw(
        actor=world.desk, dossier=d["within"], reason="Công dân rút", at=april(3)
    )
    services.dossier_accept(actor=world.desk, dossier=d["online"], at=april(1, 8))


def test_march_asked_on_1_april_and_again_in_may_gives_identical_rows(world, march):
    # given: March asked on 1 April
    first = ask(APRIL_1)
    [row] = first["total"]
    assert row["received"] == 4  # the online one was still waiting for acceptance
    assert (row["resolved"], row["resolved_early"]) == (1, 1)
    assert (row["in_progress"], row["in_progress_within"]) == (3, 1)
    assert (row["in_progress_overdue"], row["paused"], row["withdrawn"]) == (1, 1, 0)
    assert row["online"] == 0
    # when: the dossiers move on in April
    after_the_period(world, march)
    # then: March asked in May, and today, gives the same rows
    assert ask(MAY_15) == first
    assert ask(dt.datetime.now(tz=VN)) == first
    assert stats_as_of(filters=MARCH, now=MAY_15) == stats_as_of(filters=MARCH, now=APRIL_1)


def test_a_period_not_over_yet_is_measured_now(world, march):
    after_the_period(world, march)
    # March to 30 April asked on 15 May: measured at 30/4, the April actions count
    filters = StatsFilters(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 4, 30))
    [row] = dossier_stats(filters=filters, now=MAY_15)
    assert row["received"] == 5 and row["online"] == 1
    assert (row["resolved"], row["withdrawn"], row["paused"]) == (3, 1, 0)
    assert (row["in_progress"], row["in_progress_overdue"]) == (1, 1)  # the online one, late
    # the same period asked on 1 April: what had happened by then
    [early] = dossier_stats(filters=filters, now=APRIL_1)
    assert (early["resolved"], early["withdrawn"], early["paused"]) == (1, 0, 1)


def test_the_api_and_the_public_page_say_as_of_when(client, world, march):
    before = client.get("/api/stats/dossiers", {"from": "2026-03-01", "to": "2026-03-31"}).json()
    public = client.get("/api/stats/public", {"period": "month", "date": "2026-03-10"}).json()
    after_the_period(world, march)
    assert client.get("/api/stats/dossiers", {"from": "2026-03-01", "to": "2026-03-31"}).json() == (
        before
    )
    again = client.get("/api/stats/public", {"period": "month", "date": "2026-03-10"}).json()
    assert again == public and again["closed"] is True
    assert again["as_of"].startswith("2026-03-31T23:59:59")
    assert before[0]["in_progress_overdue"] == 1 and before[0]["paused"] == 1
    page = client.get("/thong-ke/", {"period": "month", "date": "2026-03-10"}).content.decode()
    assert "tính đến 31/03/2026" in page
    workbook = client.get("/thong-ke/xuat-excel/", {"period": "month", "date": "2026-03-10"})
    ws = load_workbook(io.BytesIO(workbook.content)).active
    assert "tính đến 31/03/2026" in ws["A2"].value
    client.force_login(world.desk)
    officer = client.get("/can-bo/thong-ke/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert "tính đến 23:59 31/03/2026" in officer.content.decode()


def test_one_query_whatever_the_number_of_dossiers(world, march, django_assert_num_queries):
    after_the_period(world, march)
    for group in (None, "unit", "month"):
        with django_assert_num_queries(1):  # the events are read by the database, not in Python
            dossier_stats(filters=MARCH, group_by=group, now=MAY_15)
