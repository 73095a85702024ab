"""Units invited in a campaign of the period but without any sheet still get a row on the
index page, its Excel export and the API: no index ("—"), response rate 0 %."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from motcua.surveys.models import SurveyResponse
from motcua.surveys.selectors import survey_form_in_force, survey_index
from tests.surveys.test_campaigns import drawn, reform  # noqa: F401 - fixtures
from tests.surveys.test_sipas import sheet


def test_invited_units_without_sheets_have_a_row_with_a_zero_rate(drawn, reform, client, world):  # noqa: F811
    from motcua.surveys import services

    response = services.survey_response_record(  # a sheet for another unit, not invited
        form=survey_form_in_force(), unit=world.other, answers=sheet("5"), channel="online"
    )
    march = timezone.make_aware(dt.datetime(2026, 3, 20, 10))  # in the campaign's year
    SurveyResponse.objects.filter(pk=response.pk).update(created_at=march)
    client.force_login(reform)
    query = {"period": "year", "date": "2026-03-15"}
    index = reverse("surveys:sipas_index", args=["SIPAS"])
    html = client.get(index, query).content.decode()
    row = html.split(world.commune.name, 1)[1].split("</tr>", 1)[0]
    assert ">0<" in row and "0 (0%)" in row and row.count("—") == 6  # 5 factors + index
    other = html.split(world.other.name, 1)[1].split("</tr>", 1)[0]
    assert "100,00%" in other
    api = client.get("/api/surveys/sipas/SIPAS/index", query).json()
    units = {u["unit_code"]: u for u in api["units"]}
    mine = units[world.commune.code]
    assert (mine["responses"], mine["index"], mine["invited"], mine["response_rate"]) == (
        0,
        None,
        2,
        0.0,
    )
    assert all(f["share"] is None for f in mine["factors"]) and len(mine["factors"]) == 5
    assert units[world.other.code]["invited"] == 0
    assert units[world.other.code]["response_rate"] is None
    export = client.get(index, {**query, "xuat": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    [commune] = [r for r in rows[2:] if r[0] == world.commune.code]
    assert commune[2] == 0 and commune[-4:] == (None, 2, 0, 0.0)
    # a unit filter keeps to its subtree, for the invited units too
    only_other = survey_index(
        form=survey_form_in_force(), unit=world.other.code, with_rates=True
    )  # whole history: no dates
    assert [r.unit_code for r in only_other] == [world.other.code]
    # without with_rates (reform's readers), only units with sheets
    assert [r.unit_code for r in survey_index(form=survey_form_in_force())] == [world.other.code]
