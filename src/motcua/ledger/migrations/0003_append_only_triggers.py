"""Triggers refusing UPDATE and DELETE on the ledger tables (SQLite and PostgreSQL)."""

from django.db import migrations

from motcua.ledger import triggers

# Frozen here: a later migration that adds a table passes its own list.
TABLES = ("ledger_event", "ledger_seal", "ledger_dailyroot")


def install(apps, schema_editor):
    triggers.install(schema_editor.connection, TABLES)


def drop(apps, schema_editor):
    triggers.drop(schema_editor.connection, TABLES)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0002_seal_roots"),
    ]

    operations = [
        migrations.RunPython(install, drop, elidable=False),
    ]
