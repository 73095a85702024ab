"""Statistics per unit and field: the counts, the handling time, satisfaction, the Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.catalog.models import Field
from motcua.core.formats import VN_TZ
from motcua.feedback.services import feedback_perform
from motcua.feedback.stats import feedback_stats, stats_excel


def at(day, hour=9):
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=VN_TZ)


def act(item, action, actor, now, **data):
    return feedback_perform(feedback=item, action=action, actor=actor, data=data, now=now)


@pytest.fixture
def history(submit, org):
    field = Field.objects.create(code="XD", name="Xây dựng")
    # 1: transferred to the department, answered on time, rated 5, then reopened
    one = submit(now=at(2), field=field)
    one = act(one, "transfer", org["desk"], at(2, 10), to_unit=org["dept"].pk, reason="Sở XD")
    one = act(one, "accept", org["specialist"], at(3))
    one = act(one, "draft", org["specialist"], at(4), answer="Đã xử lý xong việc ngập.")
    one = act(one, "approve", org["leader"], at(4, 10))
    one = act(one, "publish", org["leader"], at(5))
    one = act(one, "rate", None, at(5, 10), rating=5, phone4="5678")
    one = act(one, "reopen", None, at(6), reason="Lại ngập", phone4="5678")
    # 2: handled at the centre, answered late (15 WD from 2/3 at 09:00 is 23/3 09:00)
    two = submit(now=at(2))
    two = act(two, "accept", org["desk"], at(2))
    two = act(two, "draft", org["centre_leader"], at(24), answer="Trả lời muộn nhưng đủ.")
    two = act(two, "approve", org["centre_leader"], at(24, 10))
    # 3: rejected at the centre
    three = submit(now=at(3))
    act(three, "reject", org["desk"], at(3, 10), reason="Là khiếu nại")
    return {"field": field}


def test_counts_per_unit(history, org):
    s = feedback_stats(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    rows = {r.name: r for r in s["rows"]}
    centre, dept = rows[org["centre"].name], rows[org["dept"].name]
    assert (centre.received, centre.rejected, centre.transferred) == (3, 1, 1)
    assert (centre.answered_on_time, centre.answered_late) == (0, 1)
    assert (dept.received, dept.answered_on_time, dept.reopened) == (0, 1, 1)
    assert dept.satisfaction == 100 and dept.rated == 1
    assert dept.avg_days == pytest.approx(17 / 8)  # 2/3 09:00 → 4/3 10:00: 6,5 + 8 + 2,5 h
    assert s["total"].received == 3 and s["total"].answered == 2


def test_counts_per_field_and_period(history):
    s = feedback_stats(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), by="field")
    rows = {r.name: r for r in s["rows"]}
    assert rows["Xây dựng"].received == 1 and rows["Chưa xác định"].received == 2
    empty = feedback_stats(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    assert empty["rows"] == [] and empty["total"].received == 0


def test_excel_export_is_read_back(history, org):
    s = feedback_stats(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    sheet = load_workbook(io.BytesIO(stats_excel(s))).active
    assert "01/03/2026" in sheet["A1"].value
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["Đơn vị", "Tiếp nhận", "Từ chối"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[org["centre"].name][1:4] == (3, 1, 1)
    assert rows["Tổng cộng"][1] == 3


def test_statistics_page_and_export_for_officers(client, history, org):
    client.force_login(org["desk"])
    url = reverse("feedback:stats")
    page = client.get(url, {"tu": "2026-03-01", "den": "2026-03-31"})
    assert org["centre"].name in page.content.decode()
    assert org["dept"].name not in page.content.decode()  # only the officer's own units
    export = client.get(url, {"tu": "2026-03-01", "den": "2026-03-31", "xuat": "xlsx"})
    assert load_workbook(io.BytesIO(export.content)).active.max_row == 4
    client.force_login(org["citizen"])
    assert client.get(url).status_code == 403


def test_public_statistics_show_the_handling_rate_without_names(client, history, org):
    page = client.get(reverse("feedback:public_stats"), {"tu": "2026-03-01", "den": "2026-03-31"})
    text = page.content.decode()
    assert org["dept"].name in text and "100,0" in text  # the department: 1 of 1 on time
    assert "Trần Thị Bình" not in text and "0912345678" not in text
