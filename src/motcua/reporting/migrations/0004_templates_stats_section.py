"""The seeded report templates get a statistics table (counts filled from the data)."""

from django.db import migrations

SECTION = {"key": "thong_ke", "title": "Số liệu tiếp nhận, giải quyết hồ sơ", "kind": "stats"}
CODES = ("cchc-quy", "cchc-6-thang", "cchc-nam", "mot-cua-quy")


def add(apps, schema_editor):
    Template = apps.get_model("reporting", "ReportTemplate")
    for template in Template.objects.filter(code__in=CODES):
        if any(s.get("key") == SECTION["key"] for s in template.sections):
            continue
        template.sections = [SECTION, *template.sections]
        template.save(update_fields=["sections"])


def remove(apps, schema_editor):
    Template = apps.get_model("reporting", "ReportTemplate")
    for template in Template.objects.filter(code__in=CODES):
        template.sections = [s for s in template.sections if s.get("key") != SECTION["key"]]
        template.save(update_fields=["sections"])


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_daily_counts")]

    operations = [migrations.RunPython(add, remove)]
