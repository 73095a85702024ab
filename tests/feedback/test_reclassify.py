"""Officers correct the field, procedure and unit concerned after intake: role and unit
checked, old → new values in the history, on the page and the API; statistics follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.catalog.models import Field, Procedure
from motcua.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from motcua.feedback import events
from motcua.feedback.errors import FeedbackError
from motcua.feedback.services import feedback_perform
from motcua.feedback.stats import feedback_stats
from motcua.ledger.models import Event

from .conftest import MONDAY

H = dt.timedelta(hours=1)


@pytest.fixture
def fields(db):
    return {
        "GT": Field.objects.create(code="GT", name="Giao thông"),
        "XD": Field.objects.create(code="XD", name="Xây dựng"),
    }


def act(item, action, actor, **data):
    return feedback_perform(feedback=item, action=action, actor=actor, data=data, now=MONDAY + H)


def last_event(item) -> Event:
    return (
        Event.objects.filter(subject_type="feedback", subject_id=str(item.pk))
        .order_by("-seq")
        .first()
    )


def test_an_officer_of_the_holding_unit_corrects_the_field_with_old_and_new_in_history(
    submit, org, fields
):
    item = submit(field=fields["GT"])
    item = act(
        item, "reclassify", org["desk"], field="XD", subject_unit=org["dept"].pk,
        reason="Nội dung về cấp phép xây dựng",
    )  # fmt: skip
    item.refresh_from_db()
    assert item.field == fields["XD"] and item.subject_unit == org["dept"]
    assert item.status == "new"  # no status change
    event = last_event(item)
    assert event.action == events.RECLASSIFIED and event.actor_id == org["desk"].pk
    assert event.payload["changes"]["field"] == {"old": "GT", "new": "XD"}
    assert event.payload["changes"]["subject_unit"] == {"old": None, "new": "Sở Xây dựng"}
    assert event.payload["reason"] == "Nội dung về cấp phép xây dựng"
    # the statistics per field count the corrected field
    s = feedback_stats(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), by="field")
    assert [(r.name, r.received) for r in s["rows"]] == [("Xây dựng", 1)]


def test_a_procedure_brings_its_field_unless_a_field_is_given(submit, org, fields):
    procedure = Procedure.objects.create(code="1.009999", name="Cấp giấy phép xây dựng",
                                         field=fields["XD"])  # fmt: skip
    item = act(submit(), "reclassify", org["desk"], procedure_code="1.009999",
               reason="Liên quan thủ tục cấp phép")  # fmt: skip
    item.refresh_from_db()
    assert item.procedure == procedure and item.field == fields["XD"]


def test_other_units_citizens_and_closed_items_may_not_correct(submit, org, fields):
    item = submit(field=fields["GT"])
    for who in (org["stranger"], org["citizen"], org["specialist"]):  # not the holding unit
        with pytest.raises(PermissionDenied):
            act(item, "reclassify", who, field="XD", reason="Sửa lĩnh vực")
    closed = act(submit(), "reject", org["desk"], reason="Không phải phản ánh")
    with pytest.raises(TransitionNotAllowed):
        act(closed, "reclassify", org["desk"], field="XD", reason="Sửa lĩnh vực")
    item.refresh_from_db()
    assert item.field == fields["GT"] and last_event(item).action == events.SUBMITTED


def test_bad_or_empty_corrections_change_nothing(submit, org, fields):
    item = submit(field=fields["GT"])
    cases = [
        ({"field": "KHONGCO"}, FeedbackError.FIELD_NOT_FOUND),
        ({"procedure_code": "9.999"}, FeedbackError.PROCEDURE_NOT_FOUND),
        ({"field": "GT"}, FeedbackError.CLASSIFICATION_UNCHANGED),
        ({}, FeedbackError.CLASSIFICATION_UNCHANGED),
    ]
    for data, code in cases:
        with pytest.raises(InvalidInput) as error:
            act(item, "reclassify", org["desk"], reason="Điều chỉnh thử", **data)
        assert error.value.code == code
    with pytest.raises(InvalidInput):  # the reason is required
        act(item, "reclassify", org["desk"], field="XD")
    assert last_event(item).action == events.SUBMITTED


def test_the_page_shows_the_form_and_the_change(client, submit, org, fields):
    item = submit(field=fields["GT"])
    client.force_login(org["desk"])
    page = client.get(reverse("feedback:officer_detail", args=[item.code])).content.decode()
    assert 'data-action="reclassify"' in page and '<option value="XD">Xây dựng</option>' in page
    response = client.post(
        reverse("feedback:officer_action", args=[item.code, "reclassify"]),
        {"field": "XD", "subject_unit": "", "procedure_code": "", "reason": "Sai lĩnh vực"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Đã thực hiện: Điều chỉnh phân loại." in page
    assert "Lĩnh vực: GT → XD" in page


def test_the_api_corrects_and_refuses_other_units(client, submit, org, fields):
    item = submit(field=fields["GT"])
    url = f"/api/feedback/items/{item.code}/reclassify"
    body = {"field": "XD", "reason": "Sai lĩnh vực"}
    client.force_login(org["stranger"])
    denied = client.post(url, body, content_type="application/json")
    assert denied.status_code == 403
    client.force_login(org["desk"])
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert "reclassify" in response.json()["allowed_actions"]
    item.refresh_from_db()
    assert item.field == fields["XD"]
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["code"] == "classification_unchanged"
