"""What makes the import cheaper keeps its results: a batch's ``ImportedDossier`` rows written
from tuples (COPY on PostgreSQL, bulk_create elsewhere), the collector's freeze during a run."""

from __future__ import annotations

import gc

from django.db import transaction
from django.utils import timezone

from motcua.imports.models import ImportedDossier, ImportRun
from motcua.imports.services import _imported_insert, gc_frozen, history_import


def test_imported_rows_from_tuples_keep_every_value(db):
    # given a run
    run = ImportRun.objects.create(
        sha256="a" * 64, file_name="h.csv", rows=9, dossiers=3, started_at=timezone.now()
    )
    # when three dossiers' rows are written inside a batch's transaction
    with transaction.atomic():
        _imported_insert(
            [
                (run.pk, "HS-1", 4, 7, True, "late"),
                (run.pk, "HS-2", 4, 1, None, ""),
                (run.pk, "HS-3", 4, 2, False, "late"),
            ]
        )
    # then
    got = ImportedDossier.objects.order_by("code").values_list(
        "run_id", "code", "batch", "events", "previous_on_time", "classification"
    )
    assert list(got) == [
        (run.pk, "HS-1", 4, 7, True, "late"),
        (run.pk, "HS-2", 4, 1, None, ""),
        (run.pk, "HS-3", 4, 2, False, "late"),
    ]
    assert [d.differs for d in ImportedDossier.objects.order_by("code")] == [True, False, False]


def test_the_import_runs_with_the_older_objects_frozen_and_gives_them_back(source, world):
    # given no freeze before (gc.freeze: the older objects out of the collector's walks)
    assert gc.get_freeze_count() == 0
    seen: list[int] = []
    # when a file is imported
    outcome = history_import(
        path=source["history"],
        batch_size=10,
        on_progress=lambda progress: seen.append(gc.get_freeze_count()),
    )
    # then its batches ran frozen, and nothing stays frozen after
    assert outcome.dossiers and seen and min(seen) > 0
    assert gc.get_freeze_count() == 0


def test_a_freeze_made_by_the_caller_is_kept(db):
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_frozen():
            pass
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()
