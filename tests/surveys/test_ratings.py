"""One rating per returned dossier: overall satisfaction and the 9 indicators (max 18)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from motcua.core.errors import Conflict, InvalidInput
from motcua.ledger.models import Event
from motcua.surveys.models import Answer, Band, Overall, Questionnaire, Rating
from motcua.surveys.selectors import questionnaire_in_force, satisfaction
from motcua.surveys.services import rating_submit
from tests.surveys.conftest import answers, receive, returned

pytestmark = pytest.mark.django_db


def test_the_seeded_questionnaire_has_nine_indicators_worth_eighteen_points():
    q = questionnaire_in_force(on=Questionnaire.objects.get().effective_from)
    assert q.indicators.count() == 9
    assert q.max_points == 18
    assert all(i.points_allowed() == {0, 1, 2} for i in q.indicators.all())
    assert [b.label for b in q.bands.all()] == ["Yếu", "Trung bình", "Khá", "Tốt", "Xuất sắc"]


def test_bands_are_half_open_and_cover_every_score_once():
    q = Questionnaire.objects.get()
    assert q.band_for(Decimal("15.00")).label == "Xuất sắc"
    assert q.band_for(Decimal("14.99")).label == "Tốt"
    assert q.band_for(Decimal("12")).label == "Tốt"
    assert q.band_for(Decimal("5.99")).label == "Yếu"
    bands = list(q.bands.all())
    for hundredths in range(0, 1801):
        score = Decimal(hundredths) / 100
        assert sum(b.contains(score) for b in bands) == 1, score


def test_rating_a_returned_dossier_records_points_answers_and_an_event(world):
    dossier = returned(world)
    rating = rating_submit(
        dossier=dossier,
        overall=Overall.SATISFIED,
        answers=answers(thai_do=1, truc_tuyen=0),
        comment="Cán bộ hướng dẫn rõ ràng",
    )
    assert (rating.points, rating.max_points) == (15, 18)
    assert rating.unit == world.commune
    assert Answer.objects.filter(rating=rating).count() == 9
    event = Event.objects.get(subject_type="rating", subject_id=dossier.code)
    assert event.action == "rating.submitted"
    assert event.payload["points"] == 15 and event.payload["answers"]["thai_do"] == 1


def test_a_dossier_is_rated_only_once(world):
    dossier = returned(world)
    rating_submit(dossier=dossier, overall=Overall.VERY_SATISFIED, answers=answers())
    with pytest.raises(Conflict) as error:
        rating_submit(dossier=dossier, overall=Overall.UNSATISFIED, answers=answers(thai_do=0))
    assert error.value.code == "rating_exists"
    assert Rating.objects.get().overall == Overall.VERY_SATISFIED


def test_the_database_refuses_a_second_rating_of_a_dossier(world):
    dossier = returned(world)
    first = rating_submit(dossier=dossier, overall=Overall.SATISFIED, answers=answers())
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            dossier=dossier,
            dossier_code=dossier.code,
            unit=first.unit,
            questionnaire=first.questionnaire,
            overall=Overall.UNSATISFIED,
            points=0,
            max_points=18,
            created_at=first.created_at,
        )


def test_a_dossier_not_yet_returned_cannot_be_rated(world):
    dossier = receive(world)
    with pytest.raises(InvalidInput) as error:
        rating_submit(dossier=dossier, overall=Overall.SATISFIED, answers=answers())
    assert error.value.code == "rating_not_returned"
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("overall", "given", "code"),
    [
        ("rat_tot", answers(), "rating_overall"),
        (
            Overall.SATISFIED,
            {k: v for k, v in answers().items() if k != "thai_do"},
            "rating_incomplete",
        ),
        (Overall.SATISFIED, answers(khac=2), "rating_incomplete"),
        (Overall.SATISFIED, answers(thai_do=3), "rating_points"),
        (Overall.SATISFIED, answers(thai_do="hai"), "rating_points"),
    ],
    ids=["overall", "missing", "unknown", "three-points", "not-a-number"],
)
def test_bad_answers_are_refused_and_change_nothing(world, overall, given, code):
    dossier = returned(world)
    with pytest.raises(InvalidInput) as error:
        rating_submit(dossier=dossier, overall=overall, answers=given)
    assert error.value.code == code
    assert not Rating.objects.exists() and not Answer.objects.exists()
    assert not Event.objects.filter(subject_type="rating").exists()


def test_results_aggregate_per_unit_with_bands(world, make_user):
    from motcua.organization.models import Role

    # given two dossiers of the commune and one of the other commune
    a, b = returned(world, 0), returned(world, 7)
    rating_submit(dossier=a, overall=Overall.VERY_SATISFIED, answers=answers())  # 18
    rating_submit(dossier=b, overall=Overall.UNSATISFIED, answers=answers(thai_do=0, mot_cua=0))
    other_world = type(world)(**{**world.__dict__})
    other_world.desk = make_user(Role.DESK_OFFICER, unit=world.other)
    other_world.specialist = make_user(Role.SPECIALIST, unit=world.other)
    other_world.leader = make_user(Role.UNIT_LEADER, unit=world.other)
    c = returned(other_world, 0)
    rating_submit(
        dossier=c, overall=Overall.SATISFIED, answers=answers(**dict.fromkeys(answers(), 1))
    )
    # when
    rows = {r["group"]: r for r in satisfaction(group_by="unit")}
    total = satisfaction()[0]
    # then
    mine = rows[world.commune.code]
    assert (mine["ratings"], mine["points_avg"], mine["band"]) == (2, 16.0, "Xuất sắc")
    assert (mine["very_satisfied"], mine["unsatisfied"], mine["satisfied_share"]) == (1, 1, 0.5)
    theirs = rows[world.other.code]
    assert (theirs["points_avg"], theirs["band"], theirs["satisfied_share"]) == (9.0, "Khá", 1.0)
    assert total["ratings"] == 3 and total["points_avg"] == pytest.approx(13.67)
    assert total["band"] == "Tốt"


def test_band_bounds_are_data(world):
    q = Questionnaire.objects.get()
    Band.objects.filter(questionnaire=q, label="Xuất sắc").update(lower=Decimal("16.5"))
    Band.objects.filter(questionnaire=q, label="Tốt").update(upper=Decimal("16.5"))
    dossier = returned(world)
    rating_submit(dossier=dossier, overall=Overall.SATISFIED, answers=answers(thai_do=0))  # 16
    assert satisfaction()[0]["band"] == "Tốt"
