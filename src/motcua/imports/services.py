"""Bring a previous system's history in: validate all, then replay through the services.

``history_import`` is the one entry point (the ``motcua import history`` command and the
admin page call it). It validates the whole file first (nothing is written if any row is
wrong), then replays the dossiers in ``dossier_batch``es with their original times. Each
batch commits with its dossiers, their events, the ``ImportedDossier`` rows and one ledger
event ``import.batch`` of the run: killed at any point, the next run of the same file (same
SHA-256) skips what committed and continues; a finished file imports nothing again.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.db import connection, reset_queries, transaction
from django.db.models import F, Field
from django.utils import timezone

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_batch
from motcua.imports import events
from motcua.imports.errors import ImportsError
from motcua.imports.format import file_sha256
from motcua.imports.models import ImportedDossier, ImportRun
from motcua.imports.parallel import parallel_possible, replay_parallel, validate_parallel
from motcua.imports.replay import SKIPPED, Refs, ReplayRefused, Row, replay_dossier
from motcua.imports.selectors import imported_codes, on_time_differences, run_for
from motcua.imports.validate import Mapping, Problem, dossiers, validate
from motcua.ledger.services import event_record
from motcua.organization.models import Role
from motcua.organization.permissions import has_role


class ImportInvalid(InvalidInput):
    code = ImportsError.IMPORT_INVALID

    def __init__(self, problems: list[Problem], *, done: int = 0):
        message = (
            f"Dịch vụ từ chối một dòng; đã nhập {done} hồ sơ ở các lô trước, lô này không ghi gì."
            if done
            else f"Tệp có {len(problems)} lỗi, chưa nhập gì."
        )
        super().__init__(message, problems=[str(p) for p in problems])
        self.problems = problems


@dataclass
class Progress:
    batch: int
    dossiers_done: int
    dossiers_total: int
    events_done: int
    elapsed: float


@dataclass
class Outcome:
    run: ImportRun
    already_finished: bool = False
    dossiers: int = 0  # imported by this invocation
    events: int = 0
    skipped_events: int = 0
    elapsed: float = 0.0
    differences: list[ImportedDossier] = field(default_factory=list)
    difference_count: int = 0
    workers: int = 1  # processes that replayed


#: dossiers per batch (``--batch``): each batch is one transaction
DEFAULT_BATCH = 500

#: who may import a history on a page (the command line is trusted)
IMPORT_ROLES = (Role.PROVINCE_ADMIN,)


def may_import(actor) -> bool:
    return actor is not None and (actor.is_superuser or has_role(actor, IMPORT_ROLES))


def _check_actor(actor) -> None:
    """The command line is trusted (actor None); on a page only the province's
    administrators (or a superuser) import."""
    if actor is not None and not may_import(actor):
        raise PermissionDenied("Chỉ quản trị hệ thống của tỉnh được nhập lịch sử hồ sơ.")


@transaction.atomic
def _run_start(*, name: str, sha256: str, rows: int, dossiers_total: int, actor) -> ImportRun:
    run = ImportRun.objects.create(
        sha256=sha256,
        file_name=name[:255],
        rows=rows,
        dossiers=dossiers_total,
        started_at=timezone.now(),
    )
    event_record(
        subject_type=events.SUBJECT,
        subject_id=run.pk,
        action=events.STARTED,
        actor=actor,
        payload={"sha256": sha256, "file": name[:255], "rows": rows, "dossiers": dossiers_total},
    )
    return run


#: ``ImportedDossier`` fields in the order of ``_imported_insert``'s tuples
_IMPORTED_FIELDS = ("run", "code", "batch", "events", "previous_on_time", "classification")


def _imported_insert(rows: list[tuple]) -> None:
    """The batch's ``ImportedDossier`` rows, given as tuples in ``_IMPORTED_FIELDS`` order.
    PostgreSQL: one COPY of the tuples, no model instance per dossier; elsewhere
    ``bulk_create``."""
    if connection.vendor != "postgresql":
        ImportedDossier.objects.bulk_create(
            [
                ImportedDossier(
                    **{
                        f"{name}_id" if name == "run" else name: value
                        for name, value in zip(_IMPORTED_FIELDS, row, strict=True)
                    }
                )
                for row in rows
            ]
        )
        return
    meta, quote = ImportedDossier._meta, connection.ops.quote_name
    fields = [cast(Field, meta.get_field(name)) for name in _IMPORTED_FIELDS]
    columns = ", ".join(quote(cast(str, f.column)) for f in fields)
    # Identifiers from the model's own meta; the values go through COPY, never into the SQL.
    sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _batch_record(*, run: ImportRun, done: list[tuple[list[Row], Dossier]], actor) -> None:
    """Inside the batch's transaction: which dossiers came in, and the run's progress.

    The run's row is locked here, at the very end of the batch (its rows and events are
    inserted: ``EventBuffer.before_commit``): importing processes number their batches and
    chain the run's ledger events one after another, while their replays and inserts run
    side by side."""
    locked = ImportRun.objects.select_for_update().filter(pk=run.pk)
    number = locked.values_list("batches_done", flat=True).get() + 1
    _imported_insert(
        [
            (
                run.pk,
                rows[0].dossier,
                number,
                len(rows),
                next((r.on_time for r in reversed(rows) if r.on_time is not None), None),
                dossier.classification,
            )
            for rows, dossier in done
        ]
    )
    events_count = sum(len(rows) for rows, _ in done)
    ImportRun.objects.filter(pk=run.pk).update(
        batches_done=number,
        dossiers_done=F("dossiers_done") + len(done),
        events_done=F("events_done") + events_count,
    )
    run.batches_done = number
    run.dossiers_done += len(done)
    run.events_done += events_count
    event_record(
        subject_type=events.SUBJECT,
        subject_id=run.pk,
        action=events.BATCH,
        actor=actor,
        payload={
            "sha256": run.sha256,
            "batch": number,
            "dossiers": [rows[0].dossier for rows, _ in done],
            "lines": [done[0][0][0].line, done[-1][0][-1].line],
        },
    )


@dataclass
class Share:
    """What one importing process replays and what it did."""

    path: Path
    mapping: Mapping
    run: ImportRun
    already: set[str]
    batch_size: int
    actor: Any = None
    pause: float = 0.0
    share: tuple[int, int] | None = None  # (k, n): worker k of n
    dossiers: int = 0
    events: int = 0


def replay_share(work: Share, on_batch: Callable[[], None] | None = None) -> Share:
    """Replay the (already validated) dossiers of ``work`` batch by batch; each batch
    commits whole. Raises ``ImportInvalid`` for a row the services refuse."""
    refs = Refs.load()
    run = work.run
    pending: list[list[Row]] = []

    def write() -> None:
        try:
            with dossier_batch() as batch:
                done = [(rows, replay_dossier(rows, refs, batch)) for rows in pending]
                # at the very end of the batch's transaction: the run's row, locked there,
                # is held by one importing process at a time only from there to its commit
                batch.events.before_commit(
                    lambda: _batch_record(run=run, done=done, actor=work.actor)
                )
        except ReplayRefused as refused:  # this batch wrote nothing; earlier ones stay
            line = refused.row.line
            run.refresh_from_db()
            raise ImportInvalid(
                [Problem(line, str(refused).split(": ", 1)[1])],
                done=run.dossiers_done,
            ) from refused
        reset_queries()  # with DEBUG on, Django keeps every query's SQL: memory would grow
        work.dossiers += len(pending)
        work.events += sum(len(r) - sum(1 for x in r if x.action in SKIPPED) for r in pending)
        pending.clear()
        if on_batch is not None:
            on_batch()
        if work.pause:
            time.sleep(work.pause)

    # the file was validated whole before: its rows are typed, not checked again
    for rows in dossiers(work.path, work.mapping, refs, share=work.share, trusted=True):
        if rows[0].dossier in work.already:
            continue
        pending.append(rows)
        if len(pending) >= work.batch_size:
            write()
    if pending:
        write()
    return work


@transaction.atomic
def _run_finish(*, run: ImportRun, differences: int, actor) -> None:
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    event_record(
        subject_type=events.SUBJECT,
        subject_id=run.pk,
        action=events.FINISHED,
        actor=actor,
        payload={
            "sha256": run.sha256,
            "dossiers": run.dossiers_done,
            "events": run.events_done,
            "batches": run.batches_done,
            "on_time_differences": differences,
        },
    )


def history_import(
    *,
    path: Path,
    mapping_path: Path | None = None,
    mapping: Mapping | None = None,
    file_name: str = "",
    actor=None,
    batch_size: int | None = None,
    pause: float = 0.0,
    on_progress: Callable[[Progress], None] | None = None,
    workers: int = 1,
) -> Outcome:
    """Import (or continue importing) the history file at ``path``; see the module doc.

    ``pause``: seconds to wait between batches (gentle on a database in live use).
    ``mapping`` (already read) or ``mapping_path``; ``file_name``: the name to record
    (the uploaded file's own name; default the path's). ``workers``: importing processes
    (PostgreSQL, outside a transaction; each replays its share of the dossiers with its own
    connection, ``imports.parallel``); otherwise one.
    Raises ``ImportInvalid`` listing every problem (nothing written) if the file is wrong.
    """
    _check_actor(actor)
    with gc_frozen():
        return _history_import(
            path=path,
            mapping_path=mapping_path,
            mapping=mapping,
            file_name=file_name,
            actor=actor,
            batch_size=batch_size,
            pause=pause,
            on_progress=on_progress,
            workers=workers,
        )


@contextmanager
def gc_frozen() -> Iterator[None]:
    """The objects alive before the import (Django's modules, the reference rows) kept out of
    the cyclic garbage collector's sight while it runs (``gc.freeze``), and given back after.

    A replay allocates many objects that survive a while (a batch's rows, events, dossiers),
    so the collector runs full collections, each walking every object of the process: in an
    importing process, about 13 % of its CPU went there (0.38 of 2.85 s; 0.05 s frozen).
    Frozen, a full collection walks only the import's own objects (and a forked importing
    process does not copy the pages of the frozen ones by touching them). Objects are still freed by their reference counts; only
    cycles among the frozen ones wait for the end. A caller that had frozen before (a server
    doing it before forking its workers) keeps its freeze: nothing is given back then."""
    had = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not had:
            gc.unfreeze()


def _history_import(
    *,
    path: Path,
    mapping_path: Path | None,
    mapping: Mapping | None,
    file_name: str,
    actor,
    batch_size: int | None,
    pause: float,
    on_progress: Callable[[Progress], None] | None,
    workers: int,
) -> Outcome:
    batch_size = batch_size or DEFAULT_BATCH
    began = time.perf_counter()
    sha256 = file_sha256(path)
    run = run_for(sha256)
    if run is not None and run.finished_at is not None:
        return Outcome(run=run, already_finished=True)
    already = imported_codes(run) if run is not None else set()
    mapping = mapping if mapping is not None else Mapping.load(mapping_path)
    refs = Refs.load()
    if workers > 1 and parallel_possible():
        summary = validate_parallel(path, mapping, refs, already, workers)
    else:
        summary = validate(path, mapping, refs, already=already)
    if summary.problems:
        raise ImportInvalid(summary.problems)
    if run is None:
        run = _run_start(
            name=file_name or path.name,
            sha256=sha256,
            rows=summary.rows,
            dossiers_total=summary.dossiers,
            actor=actor,
        )
    outcome = Outcome(run=run, skipped_events=summary.skipped)

    def report() -> None:
        if on_progress is not None:
            on_progress(
                Progress(
                    run.batches_done,
                    run.dossiers_done,
                    run.dossiers,
                    run.events_done,
                    time.perf_counter() - began,
                )
            )

    work = Share(path, mapping, run, already, batch_size, actor, pause)
    if workers > 1 and parallel_possible():
        done = replay_parallel(work, workers, report)
        run.refresh_from_db()
    else:
        done = [replay_share(work, report)]
    outcome.dossiers = sum(w.dossiers for w in done)
    outcome.events = sum(w.events for w in done)
    outcome.workers = len(done)
    differences = on_time_differences(run)
    outcome.difference_count = differences.count()
    outcome.differences = list(differences[:20])
    _run_finish(run=run, differences=outcome.difference_count, actor=actor)
    outcome.elapsed = time.perf_counter() - began
    return outcome
