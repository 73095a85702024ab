"""XLSForm round trip: the export converts with pyxform's xls2xform and re-imports to the
same questions."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from pyxform.xls2xform import convert

from motcua.core.errors import InvalidInput
from motcua.organization.models import Role
from motcua.surveys import services
from motcua.surveys.models import SurveyQuestion
from motcua.surveys.selectors import survey_form_in_force
from motcua.surveys.xlsform import xlsform_export, xlsform_read

FIELDS = ("code", "text", "kind", "required", "confirmed", "choices")


def _questions(form):
    return [
        (q.section.code, q.section.kind, *(getattr(q, f) for f in FIELDS))
        for q in SurveyQuestion.objects.filter(section__form=form).select_related("section")
    ]


def test_export_converts_with_xls2xform(db):
    form = survey_form_in_force()
    result = convert(xlsform=BytesIO(xlsform_export(form)), file_type=".xlsx")
    xml = result.xform
    assert "Rất không hài lòng" in xml and 'id="SIPAS"' in xml
    assert "select1" in xml and "<group" in xml


def test_export_reimports_to_the_same_questions(db, make_user, province):
    form = survey_form_in_force()
    data = xlsform_read(BytesIO(xlsform_export(form)))
    assert (data["code"], data["version"]) == ("SIPAS", "1")
    new = services.survey_form_import(
        actor=make_user(Role.REFORM_OFFICER, unit=province),
        data=data,
        effective_from=dt.date(2027, 1, 1),
    )
    assert new.version == 2
    assert _questions(new) == _questions(form)
    assert len(_questions(new)) > 20


def test_a_file_that_is_not_xlsform_is_refused(db):
    with pytest.raises(InvalidInput) as error:
        xlsform_read(BytesIO(b"not a workbook"))
    assert "XLSForm" in error.value.message


def test_officers_download_the_xlsform(client, make_user, province):
    url = reverse("surveys:sipas_xlsform", args=["SIPAS"])
    client.force_login(make_user(Role.REFORM_OFFICER, unit=province))
    data = xlsform_read(BytesIO(client.get(url).content))
    assert data["code"] == "SIPAS" and len(data["sections"]) == 8
