"""The one statistics selector behind pages, API and exports."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import services
from motcua.dossiers.selectors import StatsFilters, dossier_stats
from tests.dossiers.conftest import APPLICANT, VN, approve, at, receive, to_leader, to_specialist

pytestmark = pytest.mark.django_db


def test_stats_count_each_outcome_once(world):
    # given: early, late, in progress overdue, paused, withdrawn, refused at intake, online
    early = approve(world, to_leader(world, to_specialist(world, receive(world))))
    late = to_leader(world, to_specialist(world, receive(world)))
    approve(world, late, when=at(7, 9))
    receive(world)  # still in progress, due Thursday
    paused = to_specialist(world, receive(world))
    services.dossier_request_supplement(
        actor=world.specialist, dossier=paused, items=["Tờ khai"], at=at(0, 11)
    )
    services.dossier_withdraw(actor=world.desk, dossier=receive(world), reason="Rút", at=at(0, 10))
    services.dossier_refuse_at_intake(
        actor=world.desk, procedure=world.procedure, applicant=APPLICANT, reasons="Sai", at=at()
    )
    online = services.dossier_submit_online(
        procedure=world.procedure, unit=world.commune, applicant=APPLICANT, at=at(0, 7)
    )
    services.dossier_accept(actor=world.desk, dossier=online, at=at(0, 8))
    # when: measured on Friday 13 March, after every due time
    now = dt.datetime(2026, 3, 13, 9, tzinfo=VN)
    [row] = dossier_stats(filters=StatsFilters(date_from=dt.date(2026, 3, 2)), now=now)
    # then
    assert early.classification == "early"
    assert row["received"] == 6
    assert (row["resolved"], row["resolved_early"], row["resolved_late"]) == (2, 1, 1)
    assert row["in_progress"] == 3
    assert row["in_progress_overdue"] == 2  # the plain one and the online one
    assert row["paused"] == 1
    assert row["withdrawn"] == 1
    assert row["refused_at_intake"] == 1
    assert row["online"] == 1 and row["online_share"] == round(1 / 6, 4)
    by_unit = dossier_stats(filters=StatsFilters(), group_by="unit", now=now)
    assert [r["group"] for r in by_unit] == [world.commune.code]
    assert by_unit[0]["received"] == row["received"]
    by_month = dossier_stats(filters=StatsFilters(), group_by="month", now=now)
    assert by_month[0]["group"] == "2026-03"
