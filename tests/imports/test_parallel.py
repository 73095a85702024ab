"""Two importing processes (PostgreSQL; one elsewhere): the same rows, events and
classifications as one, every batch numbered once, the run's counters exact, the ledger
verifies; and a resumed run gives nothing twice."""

from __future__ import annotations

from django.db import connection

from motcua.dossiers.models import Dossier
from motcua.imports import events as import_events
from motcua.imports.models import ImportedDossier, ImportRun
from motcua.imports.sample import dossier_rows
from motcua.imports.services import history_import
from motcua.ledger.models import Event
from motcua.ledger.verify import verify
from tests.imports.conftest import N, load_rows, read_csv


def test_two_processes_import_the_same_history(source, world, transactional_db):
    outcome = history_import(path=source["history"], batch_size=4, workers=2)
    # two processes on PostgreSQL; SQLite (one writer) falls back to one
    assert outcome.workers == (2 if connection.vendor == "postgresql" else 1)
    assert outcome.dossiers == N == Dossier.objects.count()
    assert dossier_rows() == load_rows(source["rows"])
    rows = read_csv(source["history"])
    assert outcome.events == len(rows)
    assert Event.objects.filter(subject_type="dossier").count() == len(rows)
    run = ImportRun.objects.get()
    assert run.dossiers_done == N and run.events_done == len(rows)
    batches = sorted(ImportedDossier.objects.values_list("batch", flat=True).distinct())
    assert batches == list(range(1, run.batches_done + 1))
    marks = Event.objects.filter(subject_type=import_events.SUBJECT, action=import_events.BATCH)
    assert sorted(e.payload["batch"] for e in marks) == batches
    listed = [code for e in marks for code in e.payload["dossiers"]]
    assert sorted(listed) == sorted(Dossier.objects.values_list("code", flat=True))
    report = verify()
    assert report.ok, report.problems
    # the same file again imports nothing
    again = history_import(path=source["history"], workers=2)
    assert again.already_finished and Dossier.objects.count() == N
