"""Each indicator formula on a hand-built quarter (see conftest.quarter)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.periods import period_of
from motcua.dossiers.models import Classification
from motcua.reporting import formulas
from motcua.reporting.scorecard import Counter
from tests.reporting.conftest import approve, at, to_leader
from tests.samples import SCAN_PDF

Q1 = period_of("quarter", dt.date(2026, 1, 1))


def value(code, unit, filters=None, period=Q1):
    v = Counter().value(code, filters or {}, period, unit.pk)
    return (v.num, v.den)


@pytest.mark.django_db
def test_the_fixture_is_what_the_tests_assume(quarter):
    # given the hand-built quarter, then the dossier app classified it as expected
    c = {k: v.classification for k, v in quarter.items()}
    assert c["A"] == Classification.EARLY
    assert c["B"] == Classification.LATE
    assert c["C"] == Classification.LATE  # two supplement requests
    assert c["L1"] == c["L2"] == Classification.LATE
    assert c["H"] in (Classification.EARLY, Classification.ON_TIME)
    assert quarter["D"].due_at < at(29)  # its old due time passed while it was paused


@pytest.mark.django_db
def test_late_share_counts_the_dossiers_finished_in_the_period(world, quarter):
    # finished: A, B, C, H, L1, L2 — late: B, C, L1, L2
    assert value("late_share", world.commune) == (4, 6)


@pytest.mark.django_db
def test_land_households_filter_keeps_only_persons_in_the_land_field(world, quarter):
    filters = {"fields": ["DD"], "applicant_kind": "person"}
    assert value("late_share", world.commune, filters) == (1, 1)


@pytest.mark.django_db
def test_progress_766_judges_unfinished_dossiers_at_the_period_end(world, quarter):
    # finished 6 (A, H good) + open and overdue at the end: E only — D is paused for a
    # supplement (waiting time excluded), G is within its deadline, F was withdrawn
    assert value("progress_766", world.commune) == (2, 7)


@pytest.mark.django_db
def test_a_past_period_keeps_its_figure_after_later_events(world, quarter):
    # given the quarter's figure
    before = value("progress_766", world.commune)
    # when the overdue dossier is finished in April
    e = to_leader(world, quarter["E"], when=at(31, 9))
    approve(world, e, when=at(31, 14))
    # then Q1 still counts it as overdue at its end; Q2 counts it finished late, plus G,
    # still open and past its due time at the end of June (D is still paused: left out)
    assert value("progress_766", world.commune) == before
    q2 = period_of("quarter", dt.date(2026, 4, 1))
    assert value("progress_766", world.commune, period=q2) == (0, 2)


@pytest.mark.django_db
def test_electronic_share_leaves_out_dossiers_with_late_entries(world, quarter):
    assert value("electronic_share", world.commune) == (5, 6)


@pytest.mark.django_db
def test_online_share_counts_received_dossiers_including_withdrawn(world, quarter):
    # received in the quarter: A B C D E F G H L1 L2 = 10, online: G
    assert value("online_share", world.commune) == (1, 10)
    assert value("full_online_share", world.commune) == (1, 10)


@pytest.mark.django_db
def test_results_digitized_share_reads_the_result_files(world, quarter):
    assert value("results_digitized_share", world.commune) == (6, 6)


@pytest.mark.django_db
def test_a_merged_unit_counts_for_its_successor(world, quarter, province_admin):
    from motcua.organization.services import units_merge

    # given the first commune merged into the second on 1/4/2026
    units_merge(
        actor=province_admin,
        units=[world.commune],
        into=world.other,
        effective_on=dt.date(2026, 4, 1),
        check_permission=False,
    )
    # then the successor's Q1 figures include the old commune's dossiers
    assert value("late_share", world.other) == (4, 6)
    # and the province (root) counts them once
    from motcua.reporting.scorecard import Scopes

    root = Scopes().root()
    assert value("late_share", root) == (4, 6)


@pytest.mark.django_db
def test_an_unregistered_formula_has_no_data(world, quarter):
    assert Counter().value("no_such_formula", {}, Q1, world.commune.pk) is None


@pytest.mark.django_db
def test_a_lower_app_can_add_a_formula_through_the_hook(world, quarter, monkeypatch):
    # given a formula registered the way report_formulas modules are (no reporting import)
    def counts(start, end, filters):
        return {world.commune.pk: (3, 4)}

    monkeypatch.setitem(
        formulas.FORMULAS,
        "feedback_answered_on_time",
        formulas.Formula("feedback_answered_on_time", "PAKN đúng hạn", "", "external",
                         external=counts),
    )  # fmt: skip
    assert value("feedback_answered_on_time", world.commune) == (3, 4)


@pytest.mark.django_db
def test_satisfied_share_reads_ratings_of_the_period(world, quarter):
    from motcua.surveys.models import Overall
    from motcua.surveys.services import rating_submit
    from tests.surveys.conftest import answers

    rating_submit(dossier=quarter["A"], overall=Overall.SATISFIED, answers=answers())
    rating_submit(dossier=quarter["B"], overall=Overall.UNSATISFIED, answers=answers())
    # ratings are stamped with the real time: count them in the period containing today
    from django.utils import timezone

    now_period = period_of("quarter", timezone.localdate())
    assert value("satisfied_share", world.commune, period=now_period) == (1, 2)


@pytest.mark.django_db
def test_on_time_share_is_early_and_on_time_among_the_ended(world, quarter):
    assert value("on_time_share", world.commune) == (2, 6)  # A, H


@pytest.mark.django_db
def test_paid_online_share_reads_paid_gateway_payments(world, quarter):
    from django.utils import timezone

    from motcua.payments.models import Payment, PaymentStatus

    with_fees = value("paid_online_share", world.commune)
    assert with_fees[0] == 0 and with_fees[1] > 0
    # given the gateway confirmed one payment (a row as the payment service leaves it)
    a = quarter["A"]
    for n, status in enumerate((PaymentStatus.PAID, PaymentStatus.FAILED)):
        Payment.objects.create(
            order_ref=f"KT{n}", receipt_key=f"k{n}", dossier=a if n == 0 else quarter["B"],
            dossier_code=a.code, provider="sandbox", amount=8000, description="Lệ phí",
            status=status, created_at=timezone.now(), paid_at=timezone.now() if n == 0 else None,
            receipt_number="BL-1" if n == 0 else None,
        )  # fmt: skip
    # then only the paid one counts
    assert value("paid_online_share", world.commune) == (1, with_fees[1])


@pytest.mark.django_db
def test_dossiers_digitized_share_needs_a_scan_of_every_provided_paper(world, quarter):
    from django.core.files.base import ContentFile

    assert value("dossiers_digitized_share", world.commune) == (0, 10)
    items = list(quarter["A"].checklist.filter(provided=True))
    for item in items[:-1]:
        item.file.save(f"scan-{item.pk}.pdf", ContentFile(SCAN_PDF), save=True)
    assert value("dossiers_digitized_share", world.commune) == (0, 10)  # one paper missing
    items[-1].file.save("scan-last.pdf", ContentFile(SCAN_PDF), save=True)
    assert value("dossiers_digitized_share", world.commune) == (1, 10)


@pytest.mark.django_db
def test_catalog_formulas_count_procedures_of_the_units_kinds(world, quarter):
    from motcua.catalog.models import Procedure

    Procedure.objects.filter(pk=world.procedure.pk).update(decentralised=True)
    assert value("decentralised_share", world.commune) == (1, 2)
    assert value("online_procedures_share", world.commune) == (2, 2)


@pytest.mark.django_db
def test_autodiscover_registers_the_formulas_a_lower_app_ships(world, quarter, monkeypatch):
    import sys
    import types

    # given an installed app shipping report_formulas.py (as the feedback app does: its own
    # formula is tested in tests/feedback/test_report_formula.py)
    module = types.ModuleType("motcua.surveys.report_formulas")
    module.FORMULAS = [
        {
            "code": "surveys_example_share",
            "label": "Ví dụ tỷ lệ của một ứng dụng",
            "source": "Phiếu trong kỳ",
            "counts": lambda start, end, filters: {world.commune.pk: (7, 8)},
        }
    ]
    monkeypatch.setitem(sys.modules, "motcua.surveys.report_formulas", module)
    monkeypatch.setattr(formulas, "FORMULAS", dict(formulas.FORMULAS))
    # when reporting discovers formulas (as ReportingConfig.ready does)
    found = formulas.autodiscover()
    # then its formula has data, beside the feedback app's own
    assert {"surveys_example_share", "feedback_answered_on_time"} <= set(found)
    assert value("surveys_example_share", world.commune) == (7, 8)
