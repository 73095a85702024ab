"""History import benchmark: N simulated lifecycles exported, then imported into an empty
province through the real services (``motcua.imports``), against a bulk copy of the same rows.

    .venv/bin/python bench/import.py                     # temporary SQLite files
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/import.py

Environment: BENCH_DOSSIERS (default 1000), BENCH_BATCH (dossiers per batch, default 500, the import's own),
BENCH_WORKERS (importing processes, default 1; PostgreSQL only), BENCH_PROFILE=1 (cProfile
of the import by CPU time, top functions by own time; one process; BENCH_PROFILE_OUT=FILE
keeps the stats for pstats), BENCH_SOURCE=FILE (keep the
generated history there, and reuse it when it exists: measure again without rebuilding),
BENCH_DB_NAME (prefix of the bench's PostgreSQL databases, default bench_import_<pid>),
BENCH_SOURCE_ONLY=1 (only make the BENCH_SOURCE file, then stop).
A forked child builds the source province and exports its history (one row per event);
the parent imports that file into a fresh database of its own (``bench_import_<pid>_b`` on
PostgreSQL, never the configured one) and prints dossiers/s, events/s, CPU per dossier, the
ratio to a bulk copy of the same final rows (events by COPY on PostgreSQL), the peak memory
of the importing process, and the extrapolation to a quarter of the seed province (221,167
lifecycles; target < 5 minutes on PostgreSQL). Exits 0 after a missed target.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import ServerCpu, bulk_copy, machine, peak_memory_mib, workspace  # noqa: E402

# bench/ holds a statistics.py: off sys.path, so that `import statistics` is the standard one
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

N = int(os.environ.get("BENCH_DOSSIERS", "1000"))
BATCH = int(os.environ.get("BENCH_BATCH", "500"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
SOURCE = os.environ.get("BENCH_SOURCE", "")
PROFILE = os.environ.get("BENCH_PROFILE") == "1"
IS_PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
TARGET, LIMIT = 221_167, 300.0

TMP, DB = workspace("import")
DB = os.environ.get("BENCH_DB_NAME") or DB
os.environ["MOTCUA_VAR_DIR"] = str(TMP)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("DEBUG", "0")  # production conditions: no SQL kept per query
os.environ["MOTCUA_TEST_DB_NAME"] = f"{DB}_a" if IS_PG else str(TMP / "a.sqlite3")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from motcua.core.formats import vn_number as fmt  # noqa: E402

HISTORY = Path(SOURCE) if SOURCE else TMP / "history.csv"


def make_source() -> None:
    """In a child: the source province, its simulated quarter, exported."""
    from motcua.dossiers.simulation import Odds
    from motcua.imports.sample import build_world, export, generate

    old = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        casts, procedures = build_world(communes=12)
        generate(casts, procedures, n=N, odds=Odds())  # the shares of bench/lifecycle.py
        export(HISTORY)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the importing processes)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> int:
    from django.db import connections

    print(
        f"Nhập lịch sử qua dịch vụ thật — {'PostgreSQL' if IS_PG else 'SQLite'}, "
        f"{fmt(N)} hồ sơ, lô {fmt(BATCH)} hồ sơ, {WORKERS} tiến trình nhập; {machine()}"
    )
    began = time.perf_counter()
    connections.close_all()
    if SOURCE and HISTORY.exists():
        print(f"  Dùng lại tệp nguồn {HISTORY}")
    else:
        child = multiprocessing.get_context("fork").Process(target=make_source)
        child.start()
        child.join()
        if child.exitcode != 0:
            print("LỖI: không tạo được tệp nguồn")
            return 1
    if os.environ.get("BENCH_SOURCE_ONLY") == "1":
        print(f"  Tệp nguồn: {HISTORY} (tạo trong {fmt(time.perf_counter() - began, 1)} s)")
        return 0
    rows = sum(1 for _ in HISTORY.open(encoding="utf-8")) - 1
    print(
        f"  Tệp nguồn: {fmt(rows)} sự kiện, {fmt(HISTORY.stat().st_size / 2**20, 1)} MiB "
        f"(tạo trong {fmt(time.perf_counter() - began, 1)} s)"
    )

    from motcua.dossiers.models import Dossier
    from motcua.imports.sample import build_world
    from motcua.imports.services import history_import

    old = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{DB}_b" if IS_PG else str(TMP / "b.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        build_world(communes=12)
        profiler = None
        if PROFILE:
            import cProfile

            # CPU time, not wall time: on a shared machine, waiting for a core is not work
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
        connections.close_all()  # committed: the importing processes see the world
        server = ServerCpu(connection.settings_dict["NAME"]).start() if IS_PG else None
        cpu, t0 = _cpu(), time.perf_counter()
        out = history_import(path=HISTORY, batch_size=BATCH, workers=WORKERS)
        elapsed, cpu = time.perf_counter() - t0, _cpu() - cpu
        server_cpu = server.stop() if server is not None else 0.0
        cpu -= server.own if server is not None else 0.0  # the sampling thread's
        if profiler is not None:
            import pstats

            profiler.disable()
            if os.environ.get("BENCH_PROFILE_OUT"):
                profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"])
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        dossiers, events = out.dossiers, out.events
        assert dossiers == Dossier.objects.count() == out.run.dossiers
        print(
            f"  Nhập bằng {out.workers} tiến trình: {fmt(dossiers)} hồ sơ, {fmt(events)} sự kiện trong {fmt(elapsed, 1)} s"
        )
        print(f"  → {fmt(dossiers / elapsed, 1)} hồ sơ/s, {fmt(events / elapsed, 1)} sự kiện/s")
        print(
            f"  CPU Python (mọi tiến trình nhập): {fmt(1000 * cpu / dossiers, 2)} ms/hồ sơ; "
            f"khác biệt cờ đúng hạn: {fmt(out.difference_count)}"
        )
        if IS_PG:
            print(
                f"  CPU máy chủ PostgreSQL (các tiến trình phục vụ cơ sở dữ liệu nhập, đo qua "
                f"/proc): {fmt(1000 * server_cpu / dossiers, 2)} ms/hồ sơ; tổng CPU "
                f"{fmt(1000 * (cpu + server_cpu) / dossiers, 2)} ms/hồ sơ"
            )
        peak = peak_memory_mib()  # the import's own peak, before the baseline reads rows
        bulk, bulk_dossiers, bulk_events = bulk_copy()
        kind = "COPY sự kiện" if IS_PG else "INSERT nhiều dòng"
        print(
            f"  Chép thẳng cùng các dòng cuối ({fmt(bulk_dossiers)} hồ sơ + {fmt(bulk_events)} "
            f"sự kiện, {kind}): {fmt(bulk, 2)} s → tỷ lệ nhập / chép thẳng: "
            f"{fmt(elapsed / bulk, 1)} lần"
        )
        print(f"  Bộ nhớ đỉnh của tiến trình nhập (trước phép chép): {fmt(peak, 0)} MiB")
        quarter = TARGET / (dossiers / elapsed)
        verdict = (
            ("đạt" if quarter < LIMIT else "CHƯA ĐẠT") if IS_PG else "chỉ đo được trên PostgreSQL"
        )
        print(
            f"  Ước tính {fmt(TARGET)} hồ sơ (một quý của tỉnh mẫu): {fmt(quarter / 60, 1)} phút "
            f"({out.workers} tiến trình); mục tiêu < 5 phút trên PostgreSQL: {verdict}; "
            f"CPU Python của các tiến trình nhập: {fmt(TARGET * cpu / dossiers / 60, 1)} phút "
            f"(chia cho {out.workers} lõi rảnh: "
            f"{fmt(TARGET * cpu / dossiers / out.workers / 60, 1)} phút, chưa kể CPU của "
            "máy chủ cơ sở dữ liệu)"
        )
        print(f"  {machine()}")
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
