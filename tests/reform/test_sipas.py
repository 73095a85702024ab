"""SIPAS per factor (issue 22): the province estimates each of the five factors, pre-filled from
its own survey (the surveys app's index, equal to ``survey_index`` summed over units), and sees
the Ministry's result, the gaps and the remediation tasks per factor on one page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from motcua.ledger.models import Event
from motcua.reform import events, services
from motcua.reform.models import Index, SelfAssessmentStatus, SelfItemStatus
from motcua.reform.sipas import sipas_factors, sipas_years
from motcua.surveys import services as surveys
from motcua.surveys.selectors import survey_form_in_force, survey_index

pytestmark = pytest.mark.django_db

ITEMS = {
    "tiep_can": ("tc1", "tc2", "tc3"),
    "thu_tuc": ("tt1", "tt2", "tt3", "tt4"),
    "cong_chuc": ("cc1", "cc2", "cc3", "cc4"),
    "ket_qua": ("kq1", "kq2"),
    "gop_y": ("gy1",),
}
OFFICIAL = {"1": D("60"), "2": D("70"), "3": D("95"), "4": D("90"), "5": D("50")}


def sheet(value: str, **changes) -> dict:
    return {**dict.fromkeys([c for codes in ITEMS.values() for c in codes], value), **changes}


def _province_shares(year: int) -> dict[str, D]:
    """The surveys app's own index, every unit together: node code → satisfied share."""
    form = survey_form_in_force()
    sums: dict[str, list[int]] = {}
    for row in survey_index(
        form=form, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31)
    ):
        for f in row.factors:
            pair = sums.setdefault(f.code, [0, 0])
            pair[0], pair[1] = pair[0] + f.satisfied, pair[1] + f.answers
    return {
        str(n): (D(ok) / D(total)).quantize(D("0.0001"))
        for n, (ok, total) in enumerate(sums.values(), 1)
    }


@pytest.fixture
def year() -> int:
    return timezone.localdate().year


@pytest.fixture
def answered(departments):
    form = survey_form_in_force()
    surveys.survey_response_record(form=form, unit=departments["STP"], answers=sheet("5"))
    surveys.survey_response_record(
        form=form, unit=departments["SXD"], answers=sheet("3", cc1="4", cc2="4", cc3="4", cc4="4")
    )
    return form


@pytest.fixture
def opened(answered, home_affairs_officer, frameworks, year):
    return services.self_assessment_open(
        actor=home_affairs_officer, index=Index.objects.get(code="sipas"), year=year,
        deadline=dt.date(year + 1, 1, 15),
    )  # fmt: skip


def test_the_five_factors_are_prefilled_from_the_province_survey(opened, year):
    shares = _province_shares(year)
    assert shares == {"1": D("0.5"), "2": D("0.5"), "3": D("1"), "4": D("0.5"), "5": D("0.5")}
    items = {i.node.code: i for i in opened.items.select_related("node")}
    assert sorted(items) == ["1", "2", "3", "4", "5"]  # one per factor, not per survey item
    for code, item in items.items():
        assert item.measured_value == shares[code]
        assert item.score == (D(100) * shares[code]).quantize(D("0.01"))
        assert "survey_index" in item.measure_query and f"01/01/{year}" in item.measure_query
        link = item.evidence.get().link
        assert link == f"/danh-gia/khao-sat/SIPAS/chi-so/?period=year&date={year}-01-01"


def test_no_survey_that_year_suggests_nothing(home_affairs_officer, frameworks):
    opened = services.self_assessment_open(
        actor=home_affairs_officer, index=Index.objects.get(code="sipas"), year=2020,
        deadline=dt.date(2021, 1, 15),
    )  # fmt: skip
    assert opened.items.count() == 5
    assert not opened.items.filter(score__isnull=False).exists()
    assert "Chưa có phiếu khảo sát" in opened.items.first().explanation


def test_factors_against_the_ministry_with_gaps_and_tasks(
    opened, year, home_affairs_officer, imported_plan, reader
):
    services.result_record(
        actor=home_affairs_officer, index_code="sipas", year=year, scores=OFFICIAL,
        national={"1": D("80")},
    )  # fmt: skip
    data = sipas_factors(reader, year=year)
    rows = {r["node"].code: r for r in data["rows"]}
    assert data["result"].total == D("73")  # the mean of the five factors
    assert rows["1"]["official"] == D("60") and rows["1"]["national_average"] == D("80")
    assert rows["1"]["own"] == D("50.0") and rows["1"]["own_answers"] == 6
    assert rows["3"]["self"] == D("100") and rows["3"]["gap_self"] == D("5")  # over-rated
    assert rows["1"]["gap_self"] == D("-10") and rows["1"]["gap_own"] == D("-10")
    assert data["own_index"] == D("60")  # (50 + 50 + 100 + 50 + 50) / 5
    # the plan's SIPAS appendix tasks are on the factors they remedy
    linked = {code: [t.number for t in r["tasks"]] for code, r in rows.items()}
    assert (
        linked["1"] == ["PL3-I.1.1"] and linked["3"] and linked["4"]
    )  # access, officials, results
    assert linked["2"] == [] and linked["5"] == []  # the plan has no task on these factors
    assert all(t.index.code == "sipas" for r in rows.values() for t in r["tasks"])
    assert sipas_years(reader) == [year]


def test_refresh_rereads_the_survey_and_leaves_submitted_factors(
    opened, answered, year, home_affairs_officer, departments
):
    sent = opened.items.get(node__code="2")
    services.self_item_submit(actor=home_affairs_officer, item=sent)
    for _ in range(2):
        surveys.survey_response_record(form=answered, unit=departments["STP"], answers=sheet("5"))
    changed = services.sipas_self_refresh(actor=home_affairs_officer, assessment=opened)
    assert [c["node"] for c in changed] == ["1", "3", "4", "5"]
    access = opened.items.get(node__code="1")
    assert access.measured_value == D("0.75") and access.score == D("75.00")  # 9 of 12 answers
    assert access.evidence.count() == 1  # the same link, not added twice
    sent.refresh_from_db()
    assert sent.status == SelfItemStatus.SUBMITTED and sent.score == D("50.00")
    event = Event.objects.get(action=events.SELF_SURVEY_REFRESHED)
    assert event.payload["items"][0] == {"node": "1", "value": "0.7500", "answers": 12,
                                         "score": "75.00"}  # fmt: skip


def test_consolidated_sipas_total_is_the_mean(opened, home_affairs_officer):
    for item in opened.items.all():
        services.self_item_submit(actor=home_affairs_officer, item=item)
        services.self_item_review(actor=home_affairs_officer, item=item, accept=True)
    done = services.self_assessment_consolidate(actor=home_affairs_officer, assessment=opened)
    assert done.status == SelfAssessmentStatus.CONSOLIDATED and done.total == D("60.000")


def test_sipas_page_for_staff_only_and_refresh_by_home_affairs(
    client, opened, year, reader, home_affairs_officer, make_user
):
    client.force_login(reader)
    html = client.get(f"/cai-cach/sipas/?nam={year}").content.decode()
    assert 'id="sipas-yeu-to"' in html and "Khảo sát của tỉnh" in html
    assert 'data-factor="5"' in html and "60,00 %" in html  # the province's own index
    assert 'value="refresh"' not in html  # a reader does not refresh
    client.force_login(make_user())  # an account without a role
    assert client.get("/cai-cach/sipas/").status_code == 403
    client.force_login(home_affairs_officer)
    done = client.post(f"/cai-cach/sipas/?nam={year}", {"action": "refresh"})
    assert done.status_code == 302
    assert Event.objects.filter(action=events.SELF_SURVEY_REFRESHED).count() == 1
