"""An index on the submission time (and id, the lists' tie-break): the officers' dossier list
is ordered by it, and the statistics select the dossiers submitted in a period. At 10 million
dossiers both read the whole table without it (bench/explain.py, docs/operations.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0004_dossier_finished_index")]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["submitted_at", "id"], name="dossier_submitted"),
        ),
    ]
