"""The columnar process map (``columns.mine_columns``, read by ``selectors.process_map``)
equals the plain one (``mining.mine`` of ``LogEvent`` objects) exactly: every count, every
sum of hours to the last bit, every list in the same order — on a dossier history made by the
services (a step across a weekend and one across Tết, a send-back, hand-overs), on the WABO
receipt log and on generated logs with ties, lifecycle starts and missing names."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import pytest
from django.db import transaction

from motcua.dossiers import services
from motcua.insights.columns import Columns, mine_columns
from motcua.insights.logs import read_csv
from motcua.insights.mining import LogEvent, ProcessMap, mine
from motcua.insights.selectors import (
    NOT_STEPS,
    LogFilters,
    dossier_event_columns,
    dossier_event_log,
    process_map,
    working_hours,
)
from motcua.ledger.models import Event
from motcua.ledger.services import event_record
from motcua.workcalendar.services import working_time_between
from tests.dossiers.conftest import VN, at, receive, to_leader, to_specialist

RECEIPT = Path("/work/shared/data/wabo-receipt/receipt.csv")


def same(fast: ProcessMap, plain: ProcessMap) -> None:
    for f in dataclasses.fields(ProcessMap):
        a, b = getattr(fast, f.name), getattr(plain, f.name)
        assert a == b, f.name
        if isinstance(b, dict):  # the same order too (Counter == ignores it)
            assert list(a.items()) == list(b.items()), f.name


@pytest.fixture
def history(world):
    friday, monday = dt.datetime(2026, 3, 6, 16, tzinfo=VN), dt.datetime(2026, 3, 9, 9, tzinfo=VN)
    weekend = receive(world, when=friday)
    services.dossier_transfer(actor=world.desk, dossier=weekend, at=monday)
    before_tet = dt.datetime(2026, 2, 12, 16, tzinfo=VN)  # Thursday before Tết Bính Ngọ
    after_tet = dt.datetime(2026, 2, 23, 9, tzinfo=VN)
    tet = receive(world, when=before_tet)
    tet = services.dossier_transfer(actor=world.desk, dossier=tet, at=after_tet)
    quick = to_specialist(world, receive(world, when=at(0, 8)))
    back = to_leader(world, to_specialist(world, receive(world, when=at(0, 8, 30)), when=at(0, 10)))
    services.dossier_send_back(
        actor=world.leader, dossier=back, to_step=2, reason="Thiếu xác minh", at=at(2, 9)
    )
    return weekend, tet, quick, back, (friday, monday), (before_tet, after_tet)


@pytest.mark.django_db
def test_the_dossier_map_read_as_columns_equals_the_plain_map(world, history):
    weekend, tet, *_, (friday, monday), (before_tet, after_tet) = history
    plain = mine(
        dossier_event_log(user=world.leader, filters=LogFilters()), durations=working_hours
    )
    fast = process_map(user=world.leader, filters=LogFilters())
    same(fast, plain)
    assert fast.cases == 4 and fast.rework["send_backs"] == 1
    # and the working time is the calendar's: a weekend and Tết count only working hours
    weekend_h = working_time_between(friday, monday, unit=world.commune)
    tet_h = working_time_between(before_tet, after_tet, unit=world.commune)
    assert 0 < weekend_h <= 3 and 0 < tet_h < 24
    step = next(e for e in fast.edges if e.target == "dossier.transferred")
    found = {code: h for h, code in step.cases}
    assert found[weekend.code] == pytest.approx(weekend_h)
    assert found[tet.code] == pytest.approx(tet_h)
    assert fast.case_hours[tet.code] == pytest.approx(tet_h)


@pytest.mark.django_db
def test_the_columns_hold_the_log_read_event_by_event(world, history):
    cols = dossier_event_columns(user=world.leader, filters=LogFilters())
    events = list(dossier_event_log(user=world.leader, filters=LogFilters()))
    assert len(cols) == len(events)
    assert [cols.case_names[c] for c in cols.case] == [e.case for e in events]
    assert [cols.activity_names[c] for c in cols.activity] == [e.activity for e in events]
    assert cols.at.tolist() == [round(e.at.timestamp() * 1_000_000) for e in events]
    assert [cols.group_names[g] for g in cols.group] == [e.group for e in events]
    assert [cols.step_names[s] for s in cols.step] == [e.step for e in events]
    assert [cols.resource_names[r] for r in cols.resource] == [e.resource for e in events]


@pytest.mark.django_db
def test_an_empty_selection(world):
    same(process_map(user=world.leader, filters=LogFilters()), mine([]))


@pytest.mark.skipif(not RECEIPT.exists(), reason="WABO receipt log not present")
def test_the_receipt_log_as_columns_equals_the_plain_map():
    log = read_csv(RECEIPT)
    same(mine_columns(Columns.from_events(log)), mine(log))


def _generated(seed: int) -> list[LogEvent]:
    rng = random.Random(seed)
    t0 = dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)
    acts = ["a", "b", "c", "send_back", "request_supplement", "assigned", "c → d"]
    events = []
    for case in range(rng.randrange(1, 60)):
        at_ = t0 + dt.timedelta(hours=rng.randrange(0, 500))
        for _ in range(rng.randrange(1, 9)):
            if rng.random() < 0.8:  # else: the same instant as the previous event (a tie)
                at_ += dt.timedelta(minutes=rng.choice([1, 30, 90, 90, 600]))
            events.append(
                LogEvent(
                    case=f"c{rng.randrange(0, case + 1)}",  # cases interleaved in the log
                    activity=rng.choice(acts),
                    at=at_,
                    resource=rng.choice(["", "an", "bình", "an → bình"]),
                    group=rng.choice(["", "U1", "U2"]),
                    unit_id=rng.choice([None, 7]),
                    lifecycle=rng.choice(["complete", "complete", "start"]),
                    step=rng.choice(["", "Bước 1", "a", "Bước 2"]),
                )
            )
    rng.shuffle(events)
    return events


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("keep", [1, 3, 10])
def test_generated_logs_give_equal_maps(seed, keep):
    log = _generated(seed)
    same(mine_columns(Columns.from_events(log), keep=keep), mine(log, keep=keep))


@pytest.mark.django_db
def test_a_period_selects_dossiers_by_receipt_and_reads_their_whole_history(world):
    """The period bounds the dossiers (received in it), never their events: a dossier
    received on the period's last working day keeps the steps it took after; one received
    before stays out even if it moved during the period."""
    inside = receive(world, when=dt.datetime(2026, 2, 27, 16, tzinfo=VN))  # Friday
    services.dossier_transfer(
        actor=world.desk, dossier=inside, at=dt.datetime(2026, 3, 3, 9, tzinfo=VN)
    )
    before = receive(world, when=dt.datetime(2026, 1, 29, 9, tzinfo=VN))
    services.dossier_transfer(
        actor=world.desk, dossier=before, at=dt.datetime(2026, 2, 3, 9, tzinfo=VN)
    )
    receive(world, when=at(0, 8))  # 2 March: after the period
    filters = LogFilters(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28))
    fast = process_map(user=world.leader, filters=filters)
    same(fast, mine(dossier_event_log(user=world.leader, filters=filters), durations=working_hours))
    assert list(fast.case_hours) == [inside.code]
    history = Event.objects.filter(subject_type="dossier", subject_id=inside.code)
    assert fast.events == history.exclude(action__in=NOT_STEPS).count() >= 2
    assert history.order_by("seq").last().at > dt.datetime(2026, 3, 1, tzinfo=VN)
    assert any(e.target == "dossier.transferred" for e in fast.edges)


@pytest.mark.django_db
def test_the_read_starts_a_day_before_the_earliest_submission(world):
    """The time bound that lets PostgreSQL skip older monthly partitions: events from a day
    before the earliest submission of the selection on (a dossier's history starts at its
    submission); an event dated earlier than that is not read, on both paths alike."""
    dossier = receive(world, when=at(0, 8))
    with transaction.atomic():
        for hours in (12, 36):  # within the margin, before it
            event_record(
                subject_type="dossier", subject_id=dossier.code, action="dossier.transferred",
                actor=world.desk, unit=world.commune,
                at=dossier.submitted_at - dt.timedelta(hours=hours),
            )  # fmt: skip
    fast = process_map(user=world.leader, filters=LogFilters())
    same(
        fast,
        mine(dossier_event_log(user=world.leader, filters=LogFilters()), durations=working_hours),
    )
    stored = Event.objects.filter(subject_type="dossier", subject_id=dossier.code)
    assert fast.events == stored.exclude(action__in=NOT_STEPS).count() - 1
    cols = dossier_event_columns(user=world.leader, filters=LogFilters())
    earliest = dossier.submitted_at - dt.timedelta(hours=12)
    assert cols.at.min() == round(earliest.timestamp() * 1_000_000)
