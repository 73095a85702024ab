"""SIPAS-style surveys: the seeded 2023–2026 form, frozen versions, answers, the index."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.surveys import events
from motcua.surveys import services as sipas
from motcua.surveys.demo import SHEETS_PER_UNIT, load_sipas
from motcua.surveys.models import Channel, SectionKind, SurveyAnswer, SurveyQuestion
from motcua.surveys.selectors import (
    FactorScore,
    sample_size,
    sample_sizes,
    survey_form_in_force,
    survey_index,
)
from tests.surveys.conftest import returned

FACTOR_ITEMS = {
    "tiep_can": ("tc1", "tc2", "tc3"),
    "thu_tuc": ("tt1", "tt2", "tt3", "tt4"),
    "cong_chuc": ("cc1", "cc2", "cc3", "cc4"),
    "ket_qua": ("kq1", "kq2"),
    "gop_y": ("gy1",),
}


def sheet(value: str = "5", **changes) -> dict:
    """Every required item answered with ``value``, then ``changes``."""
    items = [code for codes in FACTOR_ITEMS.values() for code in codes]
    return {**dict.fromkeys(items, value), **changes}


@pytest.fixture
def form(db):
    return survey_form_in_force()


@pytest.fixture
def reform_officer(make_user, province):
    return make_user(Role.REFORM_OFFICER, unit=province)


def test_seeded_form_has_the_five_factors_cites_its_source_and_flags_unconfirmed(form):
    factors = form.sections.filter(kind=SectionKind.FACTOR).order_by("order")
    assert [s.code for s in factors] == list(FACTOR_ITEMS)
    assert "1001/QĐ-BNV" in form.source and "11/12/2023" in form.source
    assert "Chưa xác nhận" in form.note
    questions = SurveyQuestion.objects.filter(section__form=form)
    assert not questions.filter(confirmed=True).exists()
    scale = questions.get(code="tc1").options()
    assert scale[0]["label"] == "Rất không hài lòng" and scale[-1]["label"] == "Rất hài lòng"
    assert {q.kind for q in questions} == {"scale5", "expect3", "single", "multiple", "text"}


def test_online_answer_is_recorded_anonymously_with_a_ledger_event(form, make_unit):
    # given
    unit = make_unit("UBND xã Khảo Sát")
    # when
    response = sipas.survey_response_record(
        form=form, unit=unit, answers=sheet(md_nhieu=["1", "3"], y_kien="  <b>tốt</b> ")
    )
    # then
    assert response.channel == Channel.ONLINE
    stored = {a.question.code: a.value for a in SurveyAnswer.objects.filter(response=response)}
    assert stored["md_nhieu"] == ["1", "3"] and stored["y_kien"] == "<b>tốt</b>"
    event = Event.objects.get(subject_type=events.RESPONSE_SUBJECT, subject_id=str(response.pk))
    assert event.action == events.RESPONSE_RECORDED and event.actor is None
    assert "tc1" not in str(event.payload)  # no answers in the history


def test_missing_required_items_are_refused_with_their_names(form, make_unit):
    answers = sheet()
    del answers["cc2"]
    with pytest.raises(InvalidInput) as error:
        sipas.survey_response_record(form=form, unit=make_unit(), answers=answers)
    assert error.value.code == "survey_answer_missing"
    assert "lắng nghe" in error.value.message and error.value.details["missing"] == ["cc2"]


@pytest.mark.parametrize(
    "bad", [{"tc1": "6"}, {"md_nhieu": ["9"]}, {"khong_co": "1"}, {"gioi_tinh": "x"}]
)
def test_bad_values_are_refused_in_vietnamese(form, make_unit, bad):
    with pytest.raises(InvalidInput) as error:
        sipas.survey_response_record(form=form, unit=make_unit(), answers=sheet(**bad))
    assert "không" in error.value.message.lower()


def test_desk_answer_needs_an_officer_of_the_unit(form, make_unit, make_user):
    unit, other = make_unit(), make_unit()
    desk = make_user(Role.DESK_OFFICER, unit=unit)
    with pytest.raises(PermissionDenied):
        sipas.survey_response_record(
            form=form, unit=other, answers=sheet(), channel=Channel.DESK, actor=desk
        )
    response = sipas.survey_response_record(
        form=form, unit=unit, answers=sheet(), channel=Channel.DESK, actor=desk
    )
    event = Event.objects.get(subject_type=events.RESPONSE_SUBJECT, subject_id=str(response.pk))
    assert event.actor == desk


def test_a_version_in_use_is_frozen(form, make_unit, reform_officer):
    # an unused version can be edited, with a ledger event
    question = SurveyQuestion.objects.get(section__form=form, code="tc1")
    sipas.survey_question_update(actor=reform_officer, question=question, text="Chỗ ngồi chờ")
    assert Event.objects.filter(action=events.FORM_UPDATED, actor=reform_officer).count() == 1
    # once answered, it is frozen
    sipas.survey_response_record(form=form, unit=make_unit(), answers=sheet())
    with pytest.raises(Conflict) as error:
        sipas.survey_question_update(actor=reform_officer, question=question, text="Khác")
    assert error.value.code == "survey_form_frozen"
    with pytest.raises(Conflict):
        sipas.survey_form_update(actor=reform_officer, form=form, name="Khác")
    question.refresh_from_db()
    assert question.text == "Chỗ ngồi chờ"


def test_only_reform_officers_edit_forms(form, make_user, make_unit):
    desk = make_user(Role.DESK_OFFICER, unit=make_unit())
    with pytest.raises(PermissionDenied):
        sipas.survey_form_update(actor=desk, form=form, name="Khác")


def test_index_per_unit_and_factor_on_hand_computed_answers(form, make_unit):
    # given unit A: sheet 1 all "5"; sheet 2 all "3" except the officials' items "4"
    a, b = make_unit("Xã A"), make_unit("Xã B")
    sipas.survey_response_record(form=form, unit=a, answers=sheet("5"))
    sipas.survey_response_record(
        form=form, unit=a, answers=sheet("3", cc1="4", cc2="4", cc3="4", cc4="4", gy2="1")
    )
    sipas.survey_response_record(form=form, unit=b, answers=sheet("2"))
    # when
    rows = {r.unit_code: r for r in survey_index(form=form)}
    # then, per factor of A: access 3/6, procedures 4/8, officials 8/8, results 2/4,
    # feedback 1/3 (gy2 answered "1" counts in the denominator)
    shares = {f.code: f.share for f in rows[a.code].factors}
    assert shares == {
        "tiep_can": 0.5,
        "thu_tuc": 0.5,
        "cong_chuc": 1.0,
        "ket_qua": 0.5,
        "gop_y": round(1 / 3, 4),
    }
    assert rows[a.code].responses == 2
    assert rows[a.code].index == round((0.5 + 0.5 + 1.0 + 0.5 + round(1 / 3, 4)) / 5, 4)
    assert rows[b.code].index == 0.0
    assert [r.unit_code for r in survey_index(form=form, unit=b.code)] == [b.code]


def test_demo_answer_sheets_are_plausible(world):
    # given a unit that returned results
    returned(world)
    # when
    load_sipas(rng=random.Random(7), stdout=io.StringIO())
    # then
    [row] = survey_index(form=survey_form_in_force())
    assert row.unit_code == world.commune.code and row.responses == SHEETS_PER_UNIT
    assert 0.4 < row.index < 1.0  # mostly satisfied, never all


def test_a_new_version_copies_the_frozen_one_and_is_editable(form, make_unit, reform_officer):
    # given version 1 in use
    sipas.survey_response_record(form=form, unit=make_unit(), answers=sheet())
    # when
    today = timezone.localdate()
    new = sipas.survey_form_new_version(
        actor=reform_officer, form=form, effective_from=today + dt.timedelta(days=1)
    )
    # then
    form.refresh_from_db()
    assert (new.version, form.effective_to) == (2, today)
    old_q = SurveyQuestion.objects.filter(section__form=form).count()
    assert SurveyQuestion.objects.filter(section__form=new).count() == old_q
    question = SurveyQuestion.objects.get(section__form=new, code="tc1")
    sipas.survey_question_update(actor=reform_officer, question=question, text="Chỗ ngồi chờ")
    assert SurveyQuestion.objects.get(section__form=form, code="tc1").text != "Chỗ ngồi chờ"
    assert Event.objects.filter(action=events.FORM_VERSIONED, subject_id=str(new.pk)).exists()


@pytest.mark.parametrize(
    ("population", "margin", "expected"),
    [(1000, 0.05, 278), (100, 0.05, 80), (10, 0.05, 10), (0, 0.05, 0), (100_000, 0.03, 1056)],
)
def test_sample_size_by_hand(population, margin, expected):
    # n0 = 1.96² × 0.25 / e² (384.16 at ±5 %); n = n0 / (1 + (n0 − 1) / N), rounded up
    assert sample_size(population=population, margin=margin) == expected


def test_sample_sizes_count_dossiers_returned_in_the_period(world):
    returned(world)
    returned(world, day=1)
    assert sample_sizes(date_from=None, date_to=None, margin=0.05) == {world.commune.code: (2, 2)}


def test_wilson_interval_by_hand():
    # p = 0,8, n = 10: centre (0,8 + 0,19208) / 1,38416, half 1,96 × √0,025604 / 1,38416
    assert FactorScore("x", "x", answers=10, satisfied=8).interval == (0.4902, 0.9433)
    assert FactorScore("x", "x", answers=0, satisfied=0).interval is None
