"""Outbox delivery benchmark: N status changes drained to the fake national portal over HTTP.

    .venv/bin/python bench/sync.py                      # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/sync.py

Runs on its own throw-away database. Environment: BENCH_CHANGES (default 100000),
BENCH_WORKERS (sender processes; default 2 on PostgreSQL, 1 on SQLite, whose single writer
lock makes parallel senders wait), BENCH_PER_DOSSIER (status changes per dossier, default 10).

The outbox rows are inserted as the ledger listener writes them (their production with the
dossier events is measured by bench/lifecycle.py); the senders then run ``interop_sync`` over
HTTP against ``motcua.interop.fake_portal`` until nothing is left. Prints the throughput, the
delay from event to delivery (p50, p99) and checks the fake holds every change exactly once.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

N = int(os.environ.get("BENCH_CHANGES", "100000"))
IS_PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2" if IS_PG else "1"))
PER_DOSSIER = int(os.environ.get("BENCH_PER_DOSSIER", "10"))

sys.path.insert(0, str(ROOT / "bench"))
from _common import machine, workspace  # noqa: E402

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

TMP, DB_NAME = workspace("sync")
os.environ["MOTCUA_VAR_DIR"] = str(TMP)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("DEBUG", "0")
os.environ["MOTCUA_TEST_DB_NAME"] = DB_NAME if IS_PG else str(TMP / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from motcua.core.formats import vn_number as fmt  # noqa: E402


def fill() -> None:
    from motcua.interop.models import SyncRecord

    now = timezone.now()
    rows = []
    for i in range(N):
        dossier, seq = divmod(i, PER_DOSSIER)
        rows.append(
            SyncRecord(
                dossier_code=f"000.00.31.H29-260101-{dossier:06d}",
                event_seq=seq + 1,
                event_hash=f"{i:064x}",
                action="dossier.transferred",
                national_status=(seq % 10) + 1,
                due_at="",
                event_at=now + dt.timedelta(microseconds=i),
            )
        )
        if len(rows) == 5000:
            SyncRecord.objects.bulk_create(rows)
            rows = []
    SyncRecord.objects.bulk_create(rows)


def work(url: str) -> None:
    from motcua.interop.portal_http import HttpNationalPortal
    from motcua.interop.services import interop_sync

    portal = HttpNationalPortal(url)
    idle = 0
    while idle < 3:
        result = interop_sync(portal=portal, limit=200)
        idle = idle + 1 if result.sent == 0 else 0
        if result.sent == 0:
            time.sleep(0.05)


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] if values else 0.0


def main() -> int:
    from motcua.interop.fake_portal import serve
    from motcua.interop.models import SyncRecord, SyncState

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    server, app, url = serve()
    try:
        engine = "PostgreSQL" if IS_PG else "SQLite"
        print(f"Đồng bộ Cổng DVC quốc gia — {engine}, {fmt(N)} thay đổi, {WORKERS} tiến trình")
        fill()
        SyncRecord.objects.update(event_at=timezone.now())  # the changes happen now
        began = time.perf_counter()
        if WORKERS == 1:
            work(url)
        else:
            context = multiprocessing.get_context("fork")
            connections.close_all()
            processes = [context.Process(target=work, args=(url,)) for _ in range(WORKERS)]
            for p in processes:
                p.start()
            for p in processes:
                p.join()
            crashed = sum(1 for p in processes if p.exitcode)
            if crashed:
                print(f"  {crashed} tiến trình gửi dừng vì lỗi (SQLite: chỉ một người ghi)")
        elapsed = time.perf_counter() - began
        sent = SyncRecord.objects.filter(state=SyncState.SENT).count()
        delays = sorted(
            (sent_at - event_at).total_seconds()
            for event_at, sent_at in SyncRecord.objects.values_list("event_at", "sent_at")
            if sent_at
        )
        print(f"  đã gửi {fmt(sent)} / {fmt(N)} trong {fmt(elapsed, 1)} s")
        print(f"  → {fmt(sent / elapsed, 1)} bản ghi/s")
        print(
            f"  độ trễ từ sự kiện đến khi gửi: p50 {fmt(percentile(delays, 0.5), 2)} s,"
            f" p99 {fmt(percentile(delays, 0.99), 2)} s"
        )
        held = len(app.portal.received)
        ok = held == N == sent and len(app.portal.dossiers) == -(-N // PER_DOSSIER)
        print(f"  Cổng giả lập giữ {fmt(held)} bản ghi — {'khớp' if ok else 'KHÔNG KHỚP'}")
        print(f"  {machine()}")
        return 0 if ok else 1
    finally:
        server.shutdown()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
