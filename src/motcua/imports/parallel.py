"""Import with several processes: each replays its share of the dossiers (PostgreSQL).

The file is validated whole first (``validate_parallel``: ``workers`` processes, each
checking its share, side by side; nothing is written before all have finished and found no
problem). Then ``workers`` processes are forked; process k replays the dossiers whose code falls in share k (``validate.share_of``,
a CRC of the code: stable, so a resumed run gives each dossier to the same process), with
its own database connection, in batches that commit whole, exactly as one process would.
They only meet at the end of each batch, on the run's row (``_batch_record`` locks it to
number the batch and chain the run's ledger events); their replays, the bulk of the work,
run side by side. The caller follows the run's row for the progress. Killed at any point,
the run resumes like a one-process run (the imported codes are skipped).

Dossiers get their ids in the order the processes commit, not in file order: an export of
a parallel import lists the same dossiers and events in another order.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from django.db import connection, connections

if TYPE_CHECKING:
    from motcua.imports.services import Share


def parallel_possible() -> bool:
    """Several connections see the same committed rows: PostgreSQL, not inside a
    transaction (a test's, or a caller's, would hide the rows from the other processes)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


_INHERITED: list = []  # the parent's connection wrappers, kept alive, never used or closed


def _own_connections() -> None:
    """Fresh connection wrappers in a forked child. Whatever the parent held (a connection
    left open by a caller's transaction, another alias) must not be used here: two processes
    on one socket interleave their results. Closing them would end the parent's sessions, and
    letting them be collected would too (psycopg closes on collection): keep them aside."""
    for alias in connections:
        _INHERITED.append(connections[alias])
        connections[alias] = connections.create_connection(alias)


def _child(work: Share, pipe) -> None:
    from motcua.imports.services import ImportInvalid, replay_share

    _own_connections()
    try:
        done = replay_share(work)
        pipe.send(("ok", done.dossiers, done.events))
    except ImportInvalid as refused:
        pipe.send(("refused", [(p.line, p.message) for p in refused.problems], 0))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        pipe.send(("error", traceback.format_exc(), 0))
    finally:
        pipe.close()
        connections.close_all()


def _validate_child(path, mapping, refs, already, share, pipe) -> None:
    from motcua.imports.validate import validate

    _own_connections()
    try:
        found = validate(path, mapping, refs, already=already, share=share)
        problems = [(p.line, p.message) for p in found.problems]
        pipe.send(("ok", (found.rows, found.dossiers, found.skipped, problems)))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()
        connections.close_all()


def validate_parallel(path, mapping, refs, already: set[str], workers: int):
    """``validate`` of the whole file by ``workers`` processes side by side, process k
    checking the dossiers of share k (the same shares as the replay). Every row and every
    dossier code belongs to exactly one share, so the problems found together are those of
    a validation in one process (in line order), and so are the counts."""
    from motcua.imports.validate import Problem, Summary

    context = multiprocessing.get_context("fork")
    connections.close_all()
    children = []
    for k in range(workers):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_validate_child, args=(path, mapping, refs, already, (k, workers), send)
        )
        process.start()
        send.close()
        children.append((process, receive))
    summary, errors = Summary(), []
    try:
        for process, receive in children:
            try:
                status, detail = receive.recv()  # before join: a long answer fills the pipe
            except EOFError:
                status, detail = "error", f"tiến trình kiểm tra {process.pid} dừng bất thường"
            if status != "ok":
                errors.append(detail)
                continue
            rows, dossiers, skipped, problems = detail
            summary.rows += rows
            summary.dossiers += dossiers
            summary.skipped += skipped
            summary.problems += [Problem(line, message) for line, message in problems]
    finally:
        for process, _ in children:
            if process.is_alive() and errors:
                os.kill(process.pid, signal.SIGTERM)
            process.join()
    if errors:
        raise RuntimeError("Một tiến trình kiểm tra tệp gặp lỗi:\n" + errors[0])
    summary.problems.sort(key=lambda p: p.line)
    return summary


def replay_parallel(work: Share, workers: int, report: Callable[[], None]) -> list[Share]:
    from motcua.imports.services import ImportInvalid
    from motcua.imports.validate import Problem

    context = multiprocessing.get_context("fork")
    connections.close_all()  # each process opens its own connection (none is shared)
    children = []
    for k in range(workers):
        receive, send = context.Pipe(duplex=False)
        share = replace(work, share=(k, workers), dossiers=0, events=0)
        process = context.Process(target=_child, args=(share, send), daemon=False)
        process.start()
        send.close()
        children.append((process, receive, share))
    refused: list[tuple[int, str]] = []
    errors: list[str] = []
    try:
        waiting = list(children)
        while waiting and not refused and not errors:
            for item in list(waiting):
                process, receive, share = item
                if receive.poll(0.5 / len(waiting)):
                    status, detail, events = receive.recv()
                    if status == "ok":
                        share.dossiers, share.events = detail, events
                    elif status == "refused":
                        refused.extend(detail)
                    else:
                        errors.append(detail)
                    process.join()
                    waiting.remove(item)
                elif not process.is_alive():
                    errors.append(f"tiến trình nhập {process.pid} dừng bất thường")
                    waiting.remove(item)
            work.run.refresh_from_db()
            report()
    finally:
        for process, _, _ in children:
            if process.is_alive():  # one failed: the others stop (their batches commit or not)
                os.kill(process.pid, signal.SIGTERM)
            process.join()
    work.run.refresh_from_db()
    if refused:
        problems = [Problem(line, message) for line, message in sorted(refused)]
        raise ImportInvalid(problems, done=work.run.dossiers_done)
    if errors:
        raise RuntimeError("Một tiến trình nhập gặp lỗi:\n" + errors[0])
    return [share for _, _, share in children]
