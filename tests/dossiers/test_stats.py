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


def test_the_period_is_made_of_local_days(world):
    # given dossiers submitted just inside and just outside 02/03/2026, Vietnam time
    # (00:10 on the 2nd is 17:10 UTC on the 1st; 23:50 on the 2nd is 16:50 UTC the same day)
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import submitted_between

    times = {
        "before": dt.datetime(2026, 3, 1, 23, 50, tzinfo=VN),
        "first": dt.datetime(2026, 3, 2, 0, 10, tzinfo=VN),
        "last": dt.datetime(2026, 3, 2, 23, 50, tzinfo=VN),
        "after": dt.datetime(2026, 3, 3, 0, 10, tzinfo=VN),
    }
    codes = {}
    for name, when in times.items():
        dossier = receive(world)
        Dossier.objects.filter(pk=dossier.pk).update(submitted_at=when)
        codes[dossier.code] = name
    day = dt.date(2026, 3, 2)
    # when the dossiers of that day are asked for
    found = submitted_between(Dossier.objects.all(), day, day)
    # then exactly the two of that local day, as the __date lookup finds them
    assert sorted(codes[c] for c in found.values_list("code", flat=True)) == ["first", "last"]
    by_date = Dossier.objects.filter(submitted_at__date__gte=day, submitted_at__date__lte=day)
    assert set(found) == set(by_date)
    now = dt.datetime(2026, 3, 13, 9, tzinfo=VN)
    [row] = dossier_stats(filters=StatsFilters(date_from=day, date_to=day), now=now)
    assert row["received"] == 2
