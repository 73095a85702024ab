"""Seed the province's default working hours and the public holidays of 2015–2035.

Holidays come from ``holidays.Vietnam`` (Vietnamese names, Vietnamese lunar calendar). The
library lists swapped days off ("Ngày nghỉ (thay cho ngày dd/mm/yyyy)") but not the Saturdays
worked in exchange: those make-up working days are derived from that name, and the announced
ones of 2024–2026 carry their announcing document. Everything stays editable in the admin.
"""

import datetime as dt
import re

from django.db import migrations

YEARS = range(2015, 2036)
SWAP = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")

# Announced schedules 2024–2026: {date: (kind, reason or None to keep the library's, document)}
ANNOUNCED = {
    dt.date(2024, 4, 29): (
        "day_off",
        None,
        "Công văn 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ (hoán đổi ngày làm việc dịp 30/4, 1/5/2024)",
    ),
    dt.date(2024, 5, 4): (
        "makeup",
        "Làm bù cho ngày nghỉ 29/04/2024 (hoán đổi dịp 30/4, 1/5)",
        "Công văn 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ (hoán đổi ngày làm việc dịp 30/4, 1/5/2024)",
    ),
    dt.date(2025, 5, 2): (
        "day_off",
        None,
        "Thông báo lịch nghỉ lễ 30/4, 1/5 năm 2025 theo ý kiến Thủ tướng Chính phủ (số hiệu văn bản: quản trị viên đối chiếu, bổ sung)",
    ),
    dt.date(2025, 4, 26): (
        "makeup",
        "Làm bù cho ngày nghỉ 02/05/2025 (hoán đổi dịp 30/4, 1/5)",
        "Thông báo lịch nghỉ lễ 30/4, 1/5 năm 2025 theo ý kiến Thủ tướng Chính phủ (số hiệu văn bản: quản trị viên đối chiếu, bổ sung)",
    ),
    dt.date(2026, 8, 31): (
        "day_off",
        None,
        "Thông báo của Bộ Nội vụ về lịch nghỉ Tết Âm lịch và Quốc khánh năm 2026 (số hiệu văn bản: quản trị viên đối chiếu, bổ sung)",
    ),
    dt.date(2026, 8, 22): (
        "makeup",
        "Làm bù cho ngày nghỉ 31/08/2026 (hoán đổi dịp Quốc khánh 2/9)",
        "Thông báo của Bộ Nội vụ về lịch nghỉ Tết Âm lịch và Quốc khánh năm 2026 (số hiệu văn bản: quản trị viên đối chiếu, bổ sung)",
    ),
}


def rows():
    import holidays

    out = {}
    for day, name in sorted(holidays.Vietnam(years=YEARS, language="vi").items()):
        swap = SWAP.search(name)
        if swap or "nghỉ bù" in name:
            out[day] = ("day_off", name, "", "library")
        else:
            out[day] = ("holiday", name, "", "library")
        if swap:
            worked = dt.date(int(swap[3]), int(swap[2]), int(swap[1]))
            out.setdefault(
                worked,
                ("makeup", f"Làm bù cho ngày nghỉ {day:%d/%m/%Y}", "", "library"),
            )
    for day, (kind, reason, document) in ANNOUNCED.items():
        current = out.get(day)
        out[day] = (kind, reason or (current[1] if current else ""), document, "announcement")
    return out


def seed(apps, schema_editor):
    WorkSchedule = apps.get_model("workcalendar", "WorkSchedule")
    WorkPeriod = apps.get_model("workcalendar", "WorkPeriod")
    CalendarException = apps.get_model("workcalendar", "CalendarException")
    if not WorkSchedule.objects.filter(unit__isnull=True).exists():
        schedule = WorkSchedule.objects.create(
            unit=None,
            name="Giờ làm việc hành chính của tỉnh (mặc định)",
            effective_from=dt.date(2000, 1, 1),
            same_day_cutoff=dt.time(15, 0),
            decision="Bộ luật Lao động 2019, Điều 105: tối đa 8 giờ/ngày; thứ Hai – thứ Sáu",
        )
        WorkPeriod.objects.bulk_create(
            WorkPeriod(schedule=schedule, weekday=wd, start=start, end=end)
            for wd in range(5)
            for start, end in ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(17, 0)))
        )
    existing = set(CalendarException.objects.values_list("date", flat=True))
    CalendarException.objects.bulk_create(
        CalendarException(date=day, kind=kind, reason=reason, document=document, source=source)
        for day, (kind, reason, document, source) in sorted(rows().items())
        if day not in existing
    )


def unseed(apps, schema_editor):
    CalendarException = apps.get_model("workcalendar", "CalendarException")
    WorkSchedule = apps.get_model("workcalendar", "WorkSchedule")
    CalendarException.objects.filter(source__in=["library", "announcement"]).delete()
    WorkSchedule.objects.filter(unit__isnull=True, effective_from=dt.date(2000, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
