"""The `motcua calendar` command, the admin and the public year page."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from motcua.workcalendar.models import CalendarException, ExceptionSource

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_cli_due():
    assert run("due", "--start", "2026-02-13T16:00:00+07:00", "--days", "1").strip() == (
        "2026-02-23T16:00:00+07:00"
    )
    assert run("due", "--start", "2026-03-02T09:00", "--days", "4", "--kind", "hours").strip() == (
        "2026-03-02T14:30:00+07:00"
    )


def test_cli_days_lists_holidays_and_make_up_days():
    text = run("days", "--year", "2026")
    assert "17/02/2026  nghỉ" in text and "Tết Nguyên Đán" in text
    assert "22/08/2026  làm việc" in text
    assert "24/11/2026" in text
    assert "Tổng: 249 ngày làm việc / 365 ngày." in text


def test_cli_refuses_bad_input_in_vietnamese():
    with pytest.raises(CommandError, match="không được âm"):
        run("due", "--start", "2026-03-02T09:00", "--days", "-1")


def test_cli_import(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,reason,document\n2027-03-15,day_off,Nghỉ,TB 1\n", encoding="utf-8")
    assert "Đã nhập 1 ngày." in run("import", str(path))
    assert CalendarException.objects.get(date="2027-03-15").source == ExceptionSource.ANNOUNCEMENT


def test_year_page_shows_holidays_and_make_up_days(client):
    response = client.get("/lich/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lịch làm việc năm 2026" in html
    assert "Tết Nguyên Đán" in html and "Làm bù cho ngày nghỉ 31/08/2026" in html
    assert 'data-date="2026-08-22" data-kind="makeup"' in html
    assert 'data-date="2026-02-17" data-kind="holiday"' in html
    assert client.get("/lich/").status_code == 302
    assert client.get("/lich/1900/").status_code == 404


def test_province_admin_edits_exceptions_in_admin(client, province_admin, make_user):
    province_admin.is_staff = True
    province_admin.save()
    client.force_login(province_admin)
    assert client.get("/admin/workcalendar/calendarexception/").status_code == 200
    response = client.post(
        "/admin/workcalendar/calendarexception/add/",
        {"date": "2027-03-15", "kind": "day_off", "reason": "Nghỉ bù", "document": "TB 2"},
    )
    assert response.status_code == 302
    assert CalendarException.objects.get(date="2027-03-15").source == ExceptionSource.ADMIN
    upload = io.BytesIO("date,kind,reason\n2027-03-13,makeup,Làm bù\n".encode())
    upload.name = "lich.csv"
    response = client.post("/admin/workcalendar/calendarexception/nhap-csv/", {"file": upload})
    assert response.status_code == 302
    assert CalendarException.objects.get(date="2027-03-13").kind == "makeup"

    clerk = make_user(is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/workcalendar/calendarexception/").status_code == 403


def test_demo_reseeds_a_flushed_calendar():
    import random

    from motcua.workcalendar import demo

    CalendarException.objects.all().delete()
    out = io.StringIO()
    demo.load(rng=random.Random(1), stdout=out, options={"small": True})
    assert CalendarException.objects.filter(date="2026-08-22", kind="makeup").exists()
    assert "ngày làm bù" in out.getvalue()
