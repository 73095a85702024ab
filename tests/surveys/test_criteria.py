"""The index per criterion (each 5-point item of a factor) and the formula as versioned data,
on a hand-computed fixture; the weakest criteria become reform remediation tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput
from motcua.ledger.models import Event
from motcua.reform import services as reform_services
from motcua.reform.models import Plan, Task
from motcua.surveys import services
from motcua.surveys.errors import SurveysError
from motcua.surveys.selectors import survey_form_in_force, survey_index, weakest_criteria
from tests.surveys.test_sipas import sheet


@pytest.fixture
def answered(make_unit):
    """Two sheets: all "5", then all "5" but tc1 = 2 and tc2 = 3 (access: 4 of 6 satisfied)."""
    unit = make_unit("Xã Tiêu Chí")
    form = survey_form_in_force()
    services.survey_response_record(form=form, unit=unit, answers=sheet("5"))
    services.survey_response_record(form=form, unit=unit, answers=sheet("5", tc1="2", tc2="3"))
    return form, unit


def test_criteria_and_default_formula_by_hand(answered):
    form, unit = answered
    [row] = survey_index(form=form)
    access = row.factors[0]
    assert [(c.code, c.answers, c.satisfied) for c in access.criteria] == [
        ("tc1", 2, 1),
        ("tc2", 2, 1),
        ("tc3", 2, 2),
    ]
    assert access.share == 0.6667  # 4 / 6
    assert row.index == 0.9333  # (0,6667 + 1 + 1 + 1 + 1) / 5
    assert form.formula["confirmed"] is False and form.rule["target"] == 0.8
    weak = weakest_criteria([row], target=0.8)
    assert [w["criterion"].code for w in weak] == ["tc1", "tc2"]


def test_a_new_version_may_pool_the_factors_and_a_used_one_is_frozen(answered, province_admin):
    form, unit = answered
    with pytest.raises(Conflict):
        services.survey_form_update(actor=province_admin, form=form, formula={"overall": "pooled"})
    new = services.survey_form_new_version(
        actor=province_admin, form=form, effective_from=form.effective_from + dt.timedelta(days=1)
    )
    assert new.formula == form.formula  # copied with the version
    with pytest.raises(InvalidInput) as error:
        services.survey_form_update(actor=province_admin, form=new, formula={"overall": "max"})
    assert error.value.code == SurveysError.SURVEY_FORMULA
    services.survey_form_update(actor=province_admin, form=new, formula={"overall": "pooled"})
    new.refresh_from_db()
    # pooled over every factor answer: 14 items × 2 sheets = 28, 26 satisfied
    assert survey_index(form=new) == []  # no answers on the new version yet
    form.formula = new.formula  # the same answers under the pooled rule
    [row] = survey_index(form=form)
    assert row.index == 0.9286


def test_weakest_criterion_becomes_a_remediation_task_once(answered, province_admin, client):
    _, unit = answered
    year = timezone.localdate().year
    plan = Plan.objects.create(
        number="KH-KS/2026", issued_on=dt.date(2026, 1, 5), title="Khắc phục", year=2026,
        horizon_year=2026,
    )  # fmt: skip
    client.force_login(province_admin)
    url = reverse("reform:sipas_criteria") + f"?nam={year}"
    page = client.get(url).content.decode()
    assert unit.name in page and "50,0%" in page
    client.post(url, {"plan": plan.pk, "unit": unit.code, "criterion": "tc1"})
    task = Task.objects.get()
    assert task.lead_unit == unit and task.plan == plan and task.number == "KS.tc1"
    assert (
        "50,0% hài lòng (1/2" in task.criterion_text and "dưới mục tiêu 80%" in task.criterion_text
    )
    event = Event.objects.get(action="reform_task.created", subject_id=str(task.pk))
    assert event.payload["source"] == "survey" and event.payload["criterion"] == "tc1"
    with pytest.raises(Conflict):
        reform_services.survey_task_propose(
            actor=province_admin, plan=plan, unit_code=unit.code, criterion="tc1", year=year
        )
    with pytest.raises(InvalidInput):  # tc3: 100 % — not under target
        reform_services.survey_task_propose(
            actor=province_admin, plan=plan, unit_code=unit.code, criterion="tc3", year=year
        )
    assert Task.objects.count() == 1


def test_question_editing_pages_freeze_a_version_in_use(answered, province_admin, client):
    form, _ = answered
    client.force_login(province_admin)
    url = reverse("surveys:form_edit", args=[form.pk])
    page = client.get(url).content.decode()
    assert "không sửa được" in page and "<fieldset disabled>" in page
    q = form.sections.get(code="tiep_can").questions.get(code="tc1")
    refused = client.post(
        url, {"do": "question", "question": q.pk, "text": "Sửa", "required": "on"}
    )
    assert refused.status_code == 409
    q.refresh_from_db()
    assert q.text != "Sửa"
    made = client.post(url, {"do": "version", "effective_from": "01/01/2027"})
    new = form.__class__.objects.get(code=form.code, version=form.version + 1)
    assert made["Location"] == reverse("surveys:form_edit", args=[new.pk])
    new_url = made["Location"]
    q2 = new.sections.get(code="tiep_can").questions.get(code="tc1")
    client.post(new_url, {"do": "question", "question": q2.pk, "text": "Nơi ngồi chờ", "required": "on", "confirmed": "on"})  # fmt: skip
    q2.refresh_from_db()
    assert (q2.text, q2.required, q2.confirmed) == ("Nơi ngồi chờ", True, True)
    single = new.sections.exclude(kind="factor").first().questions.filter(kind="single").first()
    bad = client.post(
        new_url, {"do": "question", "question": single.pk, "text": "x", "choices": "1 |"}
    )
    assert bad.status_code == 400 and "thiếu giá trị hoặc nhãn" in bad.content.decode()
    header = {
        "do": "header", "name": new.name, "source": new.source, "note": "", "effective_from":
        "01/01/2027", "satisfied": ["4", "5"], "overall": "pooled", "target": "75", "text": "Gộp",
    }  # fmt: skip
    client.post(new_url, header)
    new.refresh_from_db()
    assert new.rule["overall"] == "pooled" and new.rule["target"] == 0.75
    assert Event.objects.filter(action="survey.form_updated", subject_id=str(new.pk)).count() == 2
