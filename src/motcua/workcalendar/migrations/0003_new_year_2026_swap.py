"""Tết Dương lịch 2026: Friday 2/1/2026 off, swapped with Saturday 10/1/2026 worked.

Announced after holidays 0.109 was released (the library lists only 1/1/2026).
"""

import datetime as dt

from django.db import migrations

DOCUMENT = (
    "Văn bản 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ "
    "(nghỉ Tết Dương lịch 2026 từ 01/01 đến 04/01, hoán đổi ngày 02/01 sang thứ Bảy 10/01)"
)
ROWS = [
    (dt.date(2026, 1, 2), "day_off", "Ngày nghỉ (thay cho ngày 10/01/2026)"),
    (dt.date(2026, 1, 10), "makeup", "Làm bù cho ngày nghỉ 02/01/2026 (hoán đổi dịp Tết Dương lịch)"),
]


def add(apps, schema_editor):
    CalendarException = apps.get_model("workcalendar", "CalendarException")
    for day, kind, reason in ROWS:
        if not CalendarException.objects.filter(date=day).exists():
            CalendarException.objects.create(
                date=day, kind=kind, reason=reason, document=DOCUMENT, source="announcement"
            )


def remove(apps, schema_editor):
    CalendarException = apps.get_model("workcalendar", "CalendarException")
    CalendarException.objects.filter(
        date__in=[day for day, _, _ in ROWS], source="announcement", document=DOCUMENT
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0002_seed_calendar")]

    operations = [migrations.RunPython(add, remove)]
