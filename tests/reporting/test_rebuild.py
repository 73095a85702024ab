"""The set-based full rebuild (``reporting.rebuild``: INSERT … SELECT … GROUP BY) writes the
same ``DailyCount`` / ``MonthCount`` / ``OpenCount`` rows as the day-by-day path and as the
incremental catch-ups, after a random history (pauses, withdrawals, cancellations, late
entries, results on other days) spread over several months."""

from __future__ import annotations

import random

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.dossiers.simulation import simulate
from motcua.reporting import rollup, services
from motcua.reporting.models import DailyCount, MonthCount, OpenCount
from tests.dossiers.conftest import cast, every_branch_odds  # noqa: F401
from tests.reporting.conftest import at, finish, receive, to_specialist
from tests.samples import SCAN_PDF

DAILY = ("day", "unit_id", "procedure_id", "channel", "applicant_kind", *rollup.COLUMNS)
MONTHS = ("month", "unit_id", "procedure_id", "channel", "applicant_kind", *rollup.COLUMNS)
OPEN = ("day", "unit_id", "procedure_id", "applicant_kind", "open", "overdue")


def tables() -> tuple[list, list, list]:
    return (
        sorted(DailyCount.objects.values_list(*DAILY)),
        sorted(MonthCount.objects.values_list(*MONTHS)),
        sorted(OpenCount.objects.values_list(*OPEN)),
    )


@pytest.mark.django_db
def test_the_set_based_rebuild_writes_the_incremental_rows(world, cast):  # noqa: F811
    rng = random.Random(2026)
    default_storage.save("dossiers/results/ket-qua-mau.pdf", ContentFile(SCAN_PDF))
    # given random lifecycles from March to May, folded in by catch-ups as time goes by
    for n in range(30):
        simulate(
            rng=rng, n=n, procedure=world.procedure, cast=cast,
            received_at=at(rng.randint(0, 40), rng.choice((8, 10, 14))),
            now=at(45), odds=every_branch_odds(),
        )  # fmt: skip
    assert services.aggregates_catch_up(now=at(46))["mode"] == "full"
    for n in range(30, 45):
        simulate(
            rng=rng, n=n, procedure=world.procedure, cast=cast,
            received_at=at(rng.randint(40, 75), rng.choice((8, 10, 14))),
            now=at(80), odds=every_branch_odds(),
        )  # fmt: skip
    # a dossier still open and overdue, one cancelled, one with a late entry
    open_one = to_specialist(world, receive(world, when=at(50, 8)), when=at(50, 9))
    dossier_services.dossier_cancel(
        actor=world.leader, dossier=receive(world, when=at(55, 8)),
        reason="Hủy do nhập trùng hồ sơ", at=at(60, 15),
    )  # fmt: skip
    finished = finish(world, receive(world, when=at(62, 8)), day=62, leader_day=63,
                      approve_day=64, returned=False)  # fmt: skip
    dossier_services.dossier_record_late_entry(
        actor=world.desk, dossier=finished, occurred_at=finished.finished_at,
        description="Nhập bù bước trình ký", reason="Mất mạng nội bộ", at=at(81, 9),
    )  # fmt: skip
    again = services.aggregates_catch_up(now=at(82))
    assert again["mode"] == "incremental" and again["days"] > 0
    incremental = tables()
    daily, months, snapshots = incremental
    assert len(daily) > 20 and len(months) >= 2 and len(snapshots) > 20
    assert any(row[-1] for row in snapshots)  # overdue dossiers were in play
    assert Dossier.objects.filter(pk=open_one.pk, finished_at__isnull=True).exists()
    # when the aggregates are rebuilt in full, set-based
    with CaptureQueriesContext(connection) as queries:
        services.aggregates_catch_up(full=True, now=at(82))
    sqls = [q["sql"] for q in queries.captured_queries]
    assert any(s.startswith('INSERT INTO "reporting_dailycount"') and "SELECT" in s for s in sqls)
    if connection.vendor == "postgresql":
        assert any("generate_series" in s for s in sqls)  # the snapshots too
    # then every table holds the incremental runs' rows
    assert tables() == incremental
    # and the day-by-day full rebuild lands on the same rows
    services.aggregates_catch_up(full=True, now=at(82), set_based=False)
    assert tables() == incremental
