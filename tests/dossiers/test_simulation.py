"""Many simulated lifecycles through the services; every row agrees with its history."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.replay import replay_mismatches
from motcua.dossiers.selectors import StatsFilters, dossier_stats
from motcua.dossiers.simulation import simulate
from motcua.ledger.selectors import events_for_subject
from tests.dossiers.conftest import VN, every_branch_odds

pytestmark = pytest.mark.django_db


def test_simulated_histories_replay_to_their_rows(world, cast):
    rng = random.Random(7)
    odds = every_branch_odds()
    start = dt.datetime(2026, 3, 2, 8, tzinfo=VN)
    now = dt.datetime(2026, 4, 10, 12, tzinfo=VN)
    for n in range(24):
        simulate(
            rng=rng,
            n=n,
            procedure=world.procedure,
            cast=cast,
            received_at=start + dt.timedelta(hours=19 * n),
            now=now,
            odds=odds,
        )
    dossiers = list(Dossier.objects.select_related("holder_unit", "current_step", "assignee"))
    assert len(dossiers) == 24
    for dossier in dossiers:
        history = events_for_subject(subject_type="dossier", subject_id=dossier.code)
        assert replay_mismatches(dossier, history) == [], dossier.code
    assert "returned" in {d.status for d in dossiers}
    assert any(d.supplement_count for d in dossiers)
    assert any(d.paused_hours > 0 for d in dossiers)
    [total] = dossier_stats(filters=StatsFilters(), now=now)
    assert total["resolved_late"] >= 1 and total["resolved_early"] >= 1
