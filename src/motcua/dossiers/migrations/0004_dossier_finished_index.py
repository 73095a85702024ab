"""An index on the end of processing: statistics, the reporting formulas and the daily
aggregates count the dossiers ended in a period (bench/reporting_scale.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_intake_idempotency")]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["finished_at"], name="dossier_finished"),
        ),
    ]
