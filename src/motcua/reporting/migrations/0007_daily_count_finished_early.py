"""Daily counts of dossiers ended early (the public statistics page splits early and on
time). The existing rows lack the new column: the watermark is reset, so readers count from
the dossier rows until the next catch-up, which rebuilds every day."""

from django.db import migrations, models


def reset_watermark(apps, schema_editor):
    apps.get_model("reporting", "AggregateState").objects.update(
        last_event_id=0, refreshed_at=None, open_until=None
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_target_version_order")]

    operations = [
        migrations.AddField(
            model_name="dailycount",
            name="finished_early",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(reset_watermark, migrations.RunPython.noop),
    ]
