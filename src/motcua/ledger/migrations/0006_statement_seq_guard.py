"""PostgreSQL: the (subject, seq) guard of the event table becomes one statement trigger.

Migration 0005 kept the rule "one event per (subject, seq)" with a row trigger: a PL/pgSQL
call and an UPDATE of the subject's head for every inserted row. The same rule is now checked
once per INSERT or COPY, over the statement's rows (``partitions.statement_guard_sql``):
same heads, same error (``unique_violation`` on ``ledger_event_subject_seq``), concurrent
writers of one seq still queue on the subject's head row. Append-only triggers are not
touched. SQLite: nothing changes (its unique index keeps the rule).
"""

from django.db import migrations

from motcua.ledger import partitions


def _run(statements, schema_editor):
    connection = schema_editor.connection
    if not partitions.is_partitioned(connection):
        return
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forward(apps, schema_editor):
    _run(partitions.statement_guard_sql(), schema_editor)


def backward(apps, schema_editor):
    _run(partitions.row_guard_sql(), schema_editor)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_partition_events_by_month")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
