"""The month roll-up and the running period's open dossiers give the rows' figures.

A small random history from mid-January to mid-April 2026 (month boundaries crossed), plus
hand-made dossiers changed "today" after the night's snapshot: every figure read from
``MonthCount`` / ``DailyCount`` / yesterday's ``OpenCount`` plus today's changes equals the
same figure counted directly from the dossier rows."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from motcua.core.formats import VN_TZ
from motcua.core.periods import period_of
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Classification, Dossier
from motcua.dossiers.simulation import simulate
from motcua.reporting import formulas, rollup, services
from motcua.reporting.aggregates import stats_table
from motcua.reporting.models import AggregateState, DailyCount, MonthCount
from motcua.reporting.scorecard import Counter, Scopes
from tests.dossiers.conftest import cast, every_branch_odds  # noqa: F401
from tests.reporting.conftest import (
    _resume,
    _supplement,
    approve,
    at,
    finish,
    receive,
    to_leader,
    to_specialist,
)
from tests.samples import SCAN_PDF

CODES = [code for code, f in formulas.FORMULAS.items() if f.daily or f.snapshot]
FILTERS = [{}, {"fields": ["HT"]}, {"applicant_kind": "person"}]
TODAY = 44  # 15/04/2026 in days after Monday 02/03/2026


def periods():
    out = [period_of("month", dt.date(2026, m, 1)) for m in (1, 2, 3, 4)]
    out += [period_of("quarter", dt.date(2026, 1, 1)), period_of("quarter", dt.date(2026, 4, 1))]
    return [*out, period_of("year", dt.date(2026, 1, 1))]


def direct_months() -> dict:
    """Per (month, unit, procedure, channel, applicant kind): received and ended (early,
    early or on time, late), counted straight from the dossier rows."""
    out: dict = defaultdict(lambda: defaultdict(int))
    for d in Dossier.objects.all():
        key = (d.competent_unit_id, d.procedure_id, d.channel, d.applicant_kind)
        if d.received_at:
            out[(d.received_at.astimezone(VN_TZ).date().replace(day=1), *key)]["received"] += 1
        if d.finished_at:
            row = out[(d.finished_at.astimezone(VN_TZ).date().replace(day=1), *key)]
            row["finished"] += 1
            row["finished_early"] += d.classification == Classification.EARLY
            row["finished_good"] += d.classification in formulas.GOOD
            row["finished_late"] += d.classification == Classification.LATE
    return out


def assert_months_are_the_rows(months):
    direct = direct_months()
    columns = ("received", "finished", "finished_early", "finished_good", "finished_late")
    stored = {
        (m.month, m.unit_id, m.procedure_id, m.channel, m.applicant_kind): m
        for m in MonthCount.objects.all()
    }
    assert {k[0] for k in stored} == set(months)
    for key, row in stored.items():
        assert {c: getattr(row, c) for c in columns} == {c: direct[key][c] for c in columns}, key
    for key, counts in direct.items():  # no month row missing
        if key[0] in months and any(counts.values()):
            assert key in stored, key


def compare(units, now, rng, samples=40) -> int:
    """Random (formula, filters, period) slices: the aggregates' figure equals the rows'."""
    scopes = Scopes()
    fast, slow = Counter(scopes, now=now), Counter(scopes, now=now, aggregates=False)
    checked = 0
    for _ in range(samples):
        code, filters, period = rng.choice(CODES), rng.choice(FILTERS), rng.choice(periods())
        for unit in units:
            a = fast.value(code, filters, period, unit.pk)
            b = slow.value(code, filters, period, unit.pk)
            assert (a.num, a.den) == (b.num, b.den), (code, filters, period.label, unit.name)
            checked += b.den
    assert fast.aggregates is not False
    return checked


def open_from_rows(end) -> dict:
    rows = Dossier.objects.filter(formulas.open_at(end)).values("competent_unit_id")
    return {r["competent_unit_id"]: r["n"] for r in rows.annotate(n=Count("pk")).order_by()}


@pytest.mark.django_db
def test_the_month_roll_up_and_todays_changes_equal_the_rows(world, cast):  # noqa: F811
    rng = random.Random(766)
    default_storage.save("dossiers/results/ket-qua-mau.pdf", ContentFile(SCAN_PDF))
    # given lifecycles received from mid-January to mid-April, stopped before "today"
    for n in range(16):
        simulate(
            rng=rng, n=n, procedure=world.procedure, cast=cast,
            received_at=at(rng.randint(-45, TODAY - 2), rng.choice((8, 10, 14))),
            now=at(TODAY - 1, 17), odds=every_branch_odds(),
        )  # fmt: skip
    # and a few dossiers of our own, open at the night's snapshot
    finish_today = to_specialist(world, receive(world, when=at(TODAY - 3, 8)), when=at(TODAY - 3))
    withdraw_today = receive(world, when=at(TODAY - 30, 8))  # long overdue
    pause_today = to_specialist(world, receive(world, when=at(TODAY - 20, 8)), when=at(TODAY - 20))
    due_today = receive(world, when=at(TODAY - 5, 8))  # Friday: due Wednesday 08:00
    feb = finish(world, receive(world, when=at(-10, 8)), day=-10, leader_day=-9, approve_day=-8,
                 returned=False)  # a result of 22/02 not yet handed over  # fmt: skip
    assert due_today.due_at.astimezone(VN_TZ).date() <= at(TODAY).date()
    # when the catch-up runs just after midnight
    result = services.aggregates_catch_up(now=at(TODAY, 0, 10))
    state = AggregateState.objects.get()
    assert state.months_until == dt.date(2026, 3, 1) and state.open_until == at(TODAY - 1).date()
    assert result["months"] == 3  # January, February, March: the closed months
    # then every closed month's row is the direct count of its dossier rows
    assert_months_are_the_rows({dt.date(2026, m, 1) for m in (1, 2, 3)})
    units = [world.commune, world.other, Scopes().root()]
    assert compare(units, at(TODAY, 0, 30), rng) > 0
    # when "today" brings changes after the snapshot: intakes, a result, a withdrawal, a pause
    receive(world, when=at(TODAY, 8))
    receive(world, when=at(TODAY, 9))
    to_leader(world, finish_today, when=at(TODAY, 9))
    approve(world, Dossier.objects.get(pk=finish_today.pk), when=at(TODAY, 10))
    dossier_services.dossier_withdraw(
        actor=world.desk, dossier=withdraw_today, reason="Công dân xin rút", at=at(TODAY, 11)
    )
    _supplement(world, pause_today, at(TODAY, 13))
    # then a running period reads yesterday's snapshot plus today's changes …
    current = AggregateState.objects.get()
    for hour in (12, 17):
        now = at(TODAY, hour)
        assert rollup.running_snapshot_day(current, now, at(TODAY).date()) == at(TODAY - 1).date()
        with CaptureQueriesContext(connection) as queries:
            fast = Counter(now=now)
            value = fast.value("progress_766", {}, period_of("year", dt.date(2026, 1, 1)),
                               Scopes().root().pk)  # fmt: skip
        assert any("reporting_opencount" in q["sql"] for q in queries.captured_queries)
        assert any("reporting_monthcount" in q["sql"] for q in queries.captured_queries)
        slow = Counter(now=now, aggregates=False)
        expected = slow.value("progress_766", {}, period_of("year", dt.date(2026, 1, 1)),
                              Scopes().root().pk)  # fmt: skip
        assert (value.num, value.den) == (expected.num, expected.den), hour
        # … with the same numbers as the rows, for every formula, period and unit
        assert compare(units, now, rng, samples=25) > 0
        # and the public table's "in progress at the end" too
        start = period_of("year", dt.date(2026, 1, 1)).window[0]
        table = stats_table(start, now, by="unit")
        assert {k: v["open"] for k, v in table.items() if v["open"]} == open_from_rows(now)
    # the due crossing and every change of today were in play
    assert Dossier.objects.filter(pk=due_today.pk, due_at__lt=at(TODAY, 17)).exists()
    # when a change back-dates into a closed month (a late entry about a February result)
    dossier_services.dossier_record_late_entry(
        actor=world.desk, dossier=feb, occurred_at=feb.finished_at - dt.timedelta(hours=1),
        description="Nhập bù bước trình ký", reason="Mất mạng nội bộ cả buổi", at=at(TODAY, 16),
    )  # fmt: skip
    # then February is read from its days and the rows until the next catch-up …
    assert compare(units, at(TODAY, 17), rng) > 0
    # … which re-sums February from its recounted days: the same rows as a full rebuild
    again = services.aggregates_catch_up(now=at(TODAY, 17, 5))
    assert again["mode"] == "incremental" and again["months"] >= 1
    columns = ("month", "unit_id", "procedure_id", "channel", "applicant_kind", *rollup.COLUMNS)
    incremental = sorted(MonthCount.objects.values_list(*columns))
    services.aggregates_catch_up(full=True, now=at(TODAY, 17, 5))
    assert sorted(MonthCount.objects.values_list(*columns)) == incremental
    assert_months_are_the_rows({dt.date(2026, m, 1) for m in (1, 2, 3)})
    assert compare(units, at(TODAY, 17, 30), rng) > 0


def test_split_takes_whole_months_and_leaves_the_edges_to_days():
    d = dt.date
    months, runs = rollup.split(d(2026, 1, 15), d(2026, 4, 10), set(), d(2026, 3, 1))
    assert months == [d(2026, 2, 1), d(2026, 3, 1)]
    assert runs == [(d(2026, 1, 15), d(2026, 1, 31)), (d(2026, 4, 1), d(2026, 4, 10))]
    # a month with a day not folded in yet is read day by day; one not rolled up too
    months, runs = rollup.split(d(2026, 1, 1), d(2026, 3, 31), {d(2026, 2, 3)}, d(2026, 2, 1))
    assert months == [d(2026, 1, 1)]
    assert runs == [(d(2026, 2, 1), d(2026, 3, 31))]
    # nothing rolled up: days only
    assert rollup.split(d(2026, 1, 1), d(2026, 1, 31), set(), None) == (
        [],
        [(d(2026, 1, 1), d(2026, 1, 31))],
    )


@pytest.mark.django_db
def test_a_month_is_rolled_up_once_it_is_over(world):
    receive(world, when=at(-5, 8))  # 25/02
    receive(world, when=at(3, 8))  # 05/03
    services.aggregates_catch_up(now=at(10))
    assert set(MonthCount.objects.values_list("month", flat=True)) == {dt.date(2026, 2, 1)}
    assert AggregateState.objects.get().months_until == dt.date(2026, 2, 1)
    assert not DailyCount.objects.filter(day__month=3).count() == 0
    # the first run in April rolls up March, recounting no day
    result = services.aggregates_catch_up(now=at(31, 0, 5))
    assert result["days"] == 0 and result["months"] == 1
    assert AggregateState.objects.get().months_until == dt.date(2026, 3, 1)
    march = MonthCount.objects.get(month=dt.date(2026, 3, 1))
    assert march.received == 1


@pytest.mark.django_db
def test_a_resumption_that_moves_a_due_time_back_across_a_midnight_recounts_that_snapshot(world):
    from motcua.reporting.models import OpenCount

    # given a dossier due Thursday 05/03 08:00, overdue when paused on Monday 09/03
    d = to_specialist(world, receive(world, when=at(0, 8)), when=at(0, 9))
    assert d.due_at == at(3, 8)
    d = _supplement(world, d, at(7, 9))
    services.aggregates_catch_up(now=at(8, 0, 10))
    night = OpenCount.objects.get(day=dt.date(2026, 3, 5))
    assert (night.open, night.overdue) == (1, 1)
    # when it resumes a working day later: its due time moves past the midnight of 05/03
    d = _resume(world, d, at(8, 9))
    assert d.due_at > at(4, 0)
    # then the next catch-up recounts the snapshots from that day: a full rebuild's rows
    services.aggregates_catch_up(now=at(8, 10))
    columns = ("day", "unit_id", "procedure_id", "applicant_kind", "open", "overdue")
    incremental = sorted(OpenCount.objects.values_list(*columns))
    assert OpenCount.objects.get(day=dt.date(2026, 3, 5)).overdue == 0
    services.aggregates_catch_up(full=True, now=at(8, 10))
    assert sorted(OpenCount.objects.values_list(*columns)) == incremental
