"""What every benchmark shares (not a benchmark itself: ``make bench`` skips ``_*.py``).

- ``machine()``: the load average and core count, printed next to every figure;
- ``workspace(name)``: a temporary folder removed at exit, and a database name of this run
  only (``bench_<name>_<pid>``), so two runs on one server never collide;
- ``bulk_copy()``: the baseline, the same final rows inserted once more without services,
  streamed in chunks (constant memory: the old baseline held every row, 8.5 GiB at a quarter).

A bench exits 0 after printing a missed target ("CHƯA ĐẠT"); non-zero means it crashed.
"""

from __future__ import annotations

import atexit
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path


def machine() -> str:
    one, five, fifteen = os.getloadavg()
    return (
        f"máy: {os.cpu_count()} lõi, tải trung bình {one:.2f} / {five:.2f} / {fifteen:.2f} "
        "(1 / 5 / 15 phút)".replace(".", ",")
    )


def workspace(name: str) -> tuple[Path, str]:
    """(temporary folder, database name) of this run; the folder is removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder, f"bench_{name}_{os.getpid()}"


def peak_memory_mib() -> float:
    """Peak resident memory of this process (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bulk_copy(chunk: int = 1000) -> tuple[float, int, int]:
    """Insert the dossier, checklist and event rows once more, plainly: dossiers and items by
    multi-row INSERT, events by COPY on PostgreSQL (the ledger's own bulk path), in chunks.
    Returns (seconds, dossiers, events); rows are read outside the timed part."""
    from django.db import transaction

    from motcua.dossiers.models import ChecklistItem, Dossier
    from motcua.ledger import services as ledger_services
    from motcua.ledger.models import Event
    from motcua.ledger.services import EventBuffer

    spent, dossiers, events = 0.0, 0, 0
    last, end = 0, Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    while True:  # only the rows that existed before: the copies get higher ids
        batch = list(Dossier.objects.filter(pk__gt=last, pk__lte=end).order_by("pk")[:chunk])
        if not batch:
            break
        last = batch[-1].pk
        ids = [d.pk for d in batch]
        items = list(ChecklistItem.objects.filter(dossier_id__in=ids))
        codes = [d.code for d in batch]
        evs = list(Event.objects.filter(subject_type="dossier", subject_id__in=codes))
        began = time.perf_counter()
        with transaction.atomic():
            by_old = {}
            for d in batch:
                by_old[d.pk] = d
                d.pk, d.code = None, d.code + "B"
            Dossier.objects.bulk_create(batch, batch_size=2000)
            for item in items:
                item.pk, item.dossier = None, by_old[item.dossier_id]
            ChecklistItem.objects.bulk_create(items, batch_size=2000)
            buffer = EventBuffer()
            for e in evs:
                e.pk, e.subject_id = None, e.subject_id + "B"
            buffer.pending = evs
            listeners = ledger_services._LISTENERS[:]  # a plain copy: no outbox rows (their
            ledger_services._LISTENERS.clear()  # event hashes are unique, and copied here)
            try:
                buffer.flush()
            finally:
                ledger_services._LISTENERS[:] = listeners
        spent += time.perf_counter() - began
        dossiers += len(batch)
        events += len(evs)
    return spent, dossiers, events


class ServerCpu:
    """CPU seconds spent by the PostgreSQL server processes serving database ``name`` (same
    machine only: ``/proc``), sampled every ``every`` seconds in a thread while running
    (``own``: the thread's own CPU, not the import's).

    Start it when no connection to ``name`` is open: every backend's CPU counts from its
    start, its last reading counts (a backend that ends between two samples loses at
    most ``every`` seconds of its CPU: the figure is a lower bound). Zero elsewhere."""

    def __init__(self, name: str, every: float = 1.0) -> None:
        import threading

        self.name, self.every, self.seen = name, every, {}
        self.own = 0.0  # this thread's own CPU (the caller subtracts it from its process's)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK")

    def _pids(self, cursor) -> list[int]:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.name],
        )
        return [pid for (pid,) in cursor.fetchall()]

    def _read(self, pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self._tick  # utime + stime

    def _run(self) -> None:
        import psycopg
        from django.db import connection

        s = connection.settings_dict
        params = {"dbname": "postgres", "user": s["USER"], "host": s["HOST"] or None}
        if s.get("PORT"):
            params["port"] = s["PORT"]
        if s.get("PASSWORD"):
            params["password"] = s["PASSWORD"]
        with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cursor:
            while True:
                for pid in self._pids(cursor):
                    value = self._read(pid)
                    if value is not None:
                        self.seen[pid] = value
                self.own = time.thread_time()
                if self._stop.wait(self.every):
                    return

    def start(self) -> ServerCpu:
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values())
