"""The Decision 766 index against a hand computation on the hand-built quarter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.models import PublicationDecision, PublicationEntry
from motcua.core.periods import period_of
from motcua.reporting.index766 import index_score, points_for
from motcua.reporting.scorecard import Counter

Q1 = period_of("quarter", dt.date(2026, 1, 1))


def test_points_below_and_above_the_threshold():
    assert points_for(Decimal("0.4"), Decimal(6), Decimal("0.5")) == Decimal("4.80")
    assert points_for(Decimal("0.5"), Decimal(6), Decimal("0.5")) == Decimal("6.00")
    assert points_for(Decimal("0.95"), Decimal(18), Decimal("0.9")) == Decimal("18.00")
    assert points_for(Decimal(0), Decimal(8), Decimal(1)) == Decimal("0.00")


@pytest.mark.django_db
def test_index_of_the_commune_by_hand(world, quarter):
    # given one of the two procedures published (before the quarter ends)
    decision = PublicationDecision.objects.create(number="01/QĐ-UBND", date=dt.date(2026, 1, 5))
    PublicationEntry.objects.create(decision=decision, procedure=world.procedure, action="added")
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    score = index_score(unit=world.commune, period=Q1, counter=Counter(now=now), what_if=True)
    got = {c.criterion.code: (c.num, c.den, c.points) for c in score.criteria}
    # then, by hand:
    assert got["CK1"] == (1, 2, Decimal("4.50"))  # 1/2 published × 9 / 100 %
    assert got["TD1"] == (2, 7, Decimal("4.00"))  # 2/7 early or on time × 14
    assert got["TT1"] == (2, 2, Decimal("6.00"))  # both full-process, ≥ 80 %
    assert got["TT2"] == (1, 10, Decimal("1.20"))  # 10 % online × 6 / 50 %
    assert got["TTT1"] == (2, 2, Decimal("5.00"))  # both procedures have a fee, online
    assert got["SH1"] == (6, 6, Decimal("8.00"))  # every result has its file
    # criteria the platform has no data for score nothing and say so
    for code in ("CK2", "TD2", "SH3", "HL1"):
        assert got[code] == (None, None, None)
        assert (
            next(c for c in score.criteria if c.criterion.code == code).as_dict()["status"]
            == "chưa có dữ liệu"
        )
    assert score.missing_points == Decimal(9 + 6 + 6 + 18)
    total = sum(p for _, _, p in got.values() if p is not None)
    assert score.total == total
    # what-if: the biggest gain first; bringing progress to 100 % buys 10 points
    assert score.what_if[0]["gain"] == 10.0
    assert score.what_if == sorted(score.what_if, key=lambda o: -o["gain"])


@pytest.mark.django_db
def test_what_if_the_dossiers_due_before_the_period_ends_finish_on_time(world, quarter):
    from tests.reporting.conftest import at

    # given the quarter still running on 25/3 at noon: 6 finished (2 early or on time);
    # D (paused) and E are open and due before 1/4
    now = at(23, 12)
    score = index_score(unit=world.commune, period=Q1, counter=Counter(now=now), what_if=True)
    td1 = next(c for c in score.criteria if c.criterion.code == "TD1")
    assert (td1.num, td1.den, td1.points) == (2, 6, Decimal("4.67"))
    option = next(o for o in score.what_if if o["action"].startswith("2 hồ sơ"))
    # then finishing them on time gives 4/8 × 14 = 7 points: +2.33
    assert option["gain"] == 2.33


@pytest.mark.django_db
def test_what_if_the_online_share_reaches_a_chosen_rate(client, world, quarter):
    from motcua.reporting.index766 import what_if_rate

    score = index_score(unit=world.commune, period=Q1, counter=Counter())
    # online share 10 % → 1,20 of 6 points; at 40 %: 40/50 × 6 = 4,80 → +3,60
    asked = what_if_rate(score, criterion="TT2", percent="40")
    assert (asked["points_now"], asked["points"], asked["gain"]) == (1.2, 4.8, 3.6)
    assert what_if_rate(score, criterion="TT2", percent="60,5")["gain"] == 4.8  # capped at 6
    client.force_login(world.leader)
    page = client.get(
        "/thong-ke/lanh-dao/chi-so-766/?ky=quarter&ngay=2026-02-01&tieu_chi=TT2&ty_le=40"
    ).content.decode()
    assert "+3,60" in page
    body = client.get(
        "/api/stats/index766?period=quarter&date=2026-02-01&criterion=TT2&rate=40"
    ).json()
    assert body["asked"]["gain"] == 3.6
    bad = client.get("/api/stats/index766?period=quarter&date=2026-02-01&criterion=HL1&rate=50")
    assert bad.status_code == 400 and bad.json()["code"] == "criterion_no_data"


@pytest.mark.django_db
def test_the_ranking_reads_the_rules_once_whatever_the_number_of_units(world, quarter, make_unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.reporting.index766 import index_ranking

    period = period_of("quarter", dt.date(2026, 2, 1))

    def rule_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = index_ranking(period=period, counter=Counter())
        sql = [q["sql"] for q in captured.captured_queries]
        return len(rows), sum("reporting_indexruleset" in s for s in sql)

    # given the ranking of the world's units, then with five more communes
    units, rules = rule_queries()
    for n in range(5):
        make_unit(f"UBND xã Thêm {n}")
    more_units, more_rules = rule_queries()
    # then the rule set is read once for all of them (it was twice per unit)
    assert more_units > units
    assert rules == more_rules <= 2  # the rule set and its criteria
