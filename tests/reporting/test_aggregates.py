"""The maintained daily aggregates give the same figures as the rows, on random slices,
after a random mix of actions (withdrawals, cancellations, late entries, a unit merger), and
a catch-up converges to a full rebuild."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models

from motcua.core.periods import period_of
from motcua.dossiers import services as dossier_services
from motcua.dossiers.simulation import simulate
from motcua.reporting import formulas, services
from motcua.reporting.models import DailyCount, OpenCount
from motcua.reporting.scorecard import Counter, Scopes
from tests.dossiers.conftest import cast, every_branch_odds  # noqa: F401
from tests.reporting.conftest import approve, at, to_leader
from tests.samples import SCAN_PDF

DAILY = [code for code, f in formulas.FORMULAS.items() if f.daily or f.snapshot]
FILTERS = [{}, {"fields": ["DD"]}, {"applicant_kind": "person"}, {"fields": ["HT"]}]


def periods(now):
    out = [period_of("month", dt.date(2026, m, 1)) for m in (1, 2, 3, 4, 5)]
    out += [period_of("quarter", dt.date(2026, 1, 1)), period_of("quarter", dt.date(2026, 4, 1))]
    return out


def compare(units, now, rng, samples=80):
    scopes = Scopes()
    fast, slow = Counter(scopes, now=now), Counter(scopes, now=now, aggregates=False)
    checked = 0
    for _ in range(samples):
        code = rng.choice(DAILY)
        filters = rng.choice(FILTERS)
        period = rng.choice(periods(now))
        unit = rng.choice(units)
        a = fast.value(code, filters, period, unit.pk)
        b = slow.value(code, filters, period, unit.pk)
        assert (a.num, a.den) == (b.num, b.den), (code, filters, period.label, unit.name)
        checked += b.den
    assert fast.aggregates is not False  # the aggregates were read, not bypassed
    return checked


@pytest.mark.django_db
def test_aggregates_agree_with_the_rows(world, quarter, cast, province_admin):  # noqa: F811
    rng = random.Random(14)
    default_storage.save("dossiers/results/ket-qua-mau.pdf", ContentFile(SCAN_PDF))
    # given a random mix of lifecycles over March–May on top of the hand-built quarter
    for n in range(40):
        simulate(
            rng=rng, n=n, procedure=world.procedure, cast=cast,
            received_at=at(rng.randint(0, 70), rng.choice((8, 10, 14))),
            now=at(80), odds=every_branch_odds(),
        )  # fmt: skip
    units = [world.commune, world.other, Scopes().root()]
    # when the aggregates are built
    result = services.aggregates_catch_up(now=at(81))
    assert result["mode"] == "full" and DailyCount.objects.exists()
    assert OpenCount.objects.filter(day=dt.date(2026, 3, 31)).exists()
    # the snapshot is what the quarter's end reads: E open and overdue, D paused, G within
    assert "progress_766" in DAILY and "open_overdue_share" in DAILY
    # then every random slice agrees with the rows (current period cut mid-day included)
    assert compare(units, at(81, 10), rng) > 0
    # when more happens without a catch-up: a late entry, a late finish, a cancellation
    e = dossier_services.dossier_record_late_entry(
        actor=world.specialist, dossier=quarter["E"], occurred_at=at(81, 15),
        description="Trao đổi với người nộp qua điện thoại", reason="Mạng nội bộ bị gián đoạn",
        at=at(82, 8),
    )  # fmt: skip
    e = to_leader(world, e, when=at(82, 9))
    approve(world, e, when=at(82, 14))
    g = dossier_services.dossier_cancel(
        actor=world.leader, dossier=quarter["G"], reason="Hủy do nhập trùng hồ sơ", at=at(82, 15)
    )
    assert g.closed_at is not None
    # then the touched days are read from the rows: still the same figures
    assert compare(units, at(83), rng) > 0
    # and a unit merger (scopes only) keeps them equal
    from motcua.organization.services import units_merge

    units_merge(actor=province_admin, units=[world.commune], into=world.other,
                effective_on=dt.date(2026, 6, 1), check_permission=False)  # fmt: skip
    assert compare([world.other, Scopes().root()], at(83), rng) > 0
    # when the job catches up, it recounts only the touched days …
    again = services.aggregates_catch_up(now=at(84))
    assert again["mode"] == "incremental" and 0 < again["days"] < 20
    snapshot = sorted(DailyCount.objects.values_list(
        "day", "unit_id", "procedure_id", "channel", "applicant_kind", "received", "finished",
        "finished_good", "finished_late", "finished_no_late_entry", "received_paid_online"))  # fmt: skip
    open_snapshot = sorted(OpenCount.objects.values_list("day", "unit_id", "procedure_id",
                                                         "applicant_kind", "open", "overdue"))  # fmt: skip
    # … and lands where a full rebuild lands (convergence)
    services.aggregates_catch_up(full=True, now=at(84))
    rebuilt = sorted(DailyCount.objects.values_list(
        "day", "unit_id", "procedure_id", "channel", "applicant_kind", "received", "finished",
        "finished_good", "finished_late", "finished_no_late_entry", "received_paid_online"))  # fmt: skip
    assert snapshot == rebuilt
    open_rebuilt = sorted(OpenCount.objects.values_list("day", "unit_id", "procedure_id",
                                                        "applicant_kind", "open", "overdue"))  # fmt: skip
    assert open_snapshot == open_rebuilt
    assert_snapshot_is_the_per_day_query(open_rebuilt)
    assert compare([world.other, Scopes().root()], at(85), rng) > 0


def assert_snapshot_is_the_per_day_query(rows):
    """The one-pass snapshot equals, day by day, the formulas' own query at each midnight
    (open_at / overdue_at): no day missing, none extra."""
    from django.db.models import Count

    from motcua.dossiers.models import Dossier
    from motcua.reporting.aggregates import local_day_bounds

    by_day: dict = {}
    for day, unit, procedure, kind, n_open, n_late in rows:
        by_day.setdefault(day, set()).add((unit, procedure, kind, n_open, n_late))
    first, last = min(by_day), max(by_day)
    checked = 0
    for n in range((last - first).days + 1):
        day = first + dt.timedelta(days=n)
        end = local_day_bounds(day)[1]
        raw = (
            Dossier.objects.filter(formulas.open_at(end))
            .values("competent_unit_id", "procedure_id", "applicant_kind")
            .annotate(n=Count("pk"), late=Count("pk", filter=formulas.overdue_at(end)))
        )
        expected = {(r["competent_unit_id"], r["procedure_id"], r["applicant_kind"], r["n"],
                     r["late"]) for r in raw.order_by()}  # fmt: skip
        assert by_day.get(day, set()) == expected, day
        checked += sum(r[3] for r in expected)
    assert checked > 0


@pytest.mark.django_db
def test_the_quarter_end_snapshot_gives_the_hand_counted_766_progress(world, quarter):
    services.aggregates_catch_up(now=at(40))
    q1 = period_of("quarter", dt.date(2026, 1, 1))
    counter = Counter(now=at(40))
    v = counter.value("progress_766", {}, q1, world.commune.pk)
    assert (v.num, v.den) == (2, 7)
    assert counter._state.open_until is not None  # read from the snapshot, not bypassed
    o = counter.value("open_overdue_share", {}, q1, world.commune.pk)
    assert (o.num, o.den) == (1, 3)
    # proof that the snapshot is what was read: a (test-only) change to it shows up
    OpenCount.objects.filter(day=dt.date(2026, 3, 31), unit=world.commune).update(
        overdue=models.F("overdue") + 5
    )
    v = Counter(now=at(40)).value("progress_766", {}, q1, world.commune.pk)
    assert (v.num, v.den) == (2, 12)
