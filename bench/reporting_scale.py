"""Leadership reporting at province scale: ~200 communes, years of history, ≥ 200,000 dossiers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_DB_NAME=wtrollup_bench \\
        /work/main/.venv/bin/python bench/reporting_scale.py
    # 10 million dossiers over ≈ 8 years (copies ≈ 30 min, full rebuild hours on 2 cores):
    BENCH_COPIES=5000 BENCH_SHIFT_HOURS=14 DATABASE_URL=… bench/reporting_scale.py
    /work/main/.venv/bin/python bench/reporting_scale.py        # temporary SQLite (smaller)

Builds its own database (``BENCH_DB_NAME``, default ``bench_reporting_scale_<pid>``; created
and dropped by the run, never the configured one; ``BENCH_KEEP=1`` keeps it, and a later run
with the same name reuses it: migrations, an incremental catch-up, then the timings; with
``BENCH_COPIES_FROM=K`` it first adds the copies K…``BENCH_COPIES`` a cut-short build lacks,
then rebuilds the aggregates in full): the
world of bench/lifecycle.py with ``BENCH_UNITS`` communes (default 200), ``BENCH_DOSSIERS``
lifecycles through the real services over Q3/2026 (default 2,000), then ``BENCH_COPIES`` plain
bulk copies (default 100; PostgreSQL: ``INSERT … SELECT … CROSS JOIN generate_series`` per
``BENCH_COPY_CHUNK`` copies) spread over the communes and shifted back ``BENCH_SHIFT_HOURS``
more per copy (default 96), every copy before today (copies have no events, like imported
rows). Then the maintained aggregates are rebuilt in full, and each leaders' figure is timed
(best of ``BENCH_REPEAT``, default 3) with its query count and the load for a closed quarter
(Q3/2026) and the running year (2026): the public statistics (selectors and the whole HTTP
page), the province scorecard (with and without the 4-period trend), the province 766 index,
and the ranking of every unit with the 766 index. Baselines measured in the same run over the
same rows: a plain ``COUNT`` of the dossiers received in the period and the ``GROUP BY`` unit of
the same rows; each figure is printed with its ratio to the ``GROUP BY``. Then DuckDB (extra
``bench``) over the same rows exported: the ``GROUP BY`` and the public table by unit and by
field from the raw rows. Checks: the scorecard from the aggregates equals the one from the
rows, and the public table equals DuckDB's.

Target (issue 14): each dashboard < 200 ms on this 2-core machine at 10 million dossiers.
Prints the verdict and exits 0 either way.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
os.environ.setdefault("BENCH_DOSSIERS", "2000")
_spec = importlib.util.spec_from_file_location("bench_lifecycle", HERE / "lifecycle.py")
lifecycle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lifecycle)  # sets up Django on its own throw-away database
sys.path.insert(0, str(HERE))
from _common import machine  # noqa: E402

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

UNITS = int(os.environ.get("BENCH_UNITS", "200"))
COPIES = int(os.environ.get("BENCH_COPIES", "100"))
SHIFT_HOURS = float(os.environ.get("BENCH_SHIFT_HOURS", "96"))  # 4 days between copies
COPY_CHUNK = int(os.environ.get("BENCH_COPY_CHUNK", "50"))
# with KEEP on a kept database: add copies FROM..BENCH_COPIES (a build cut short), then rebuild
COPIES_FROM = int(os.environ.get("BENCH_COPIES_FROM", "0"))
KEEP = os.environ.get("BENCH_KEEP") == "1"  # keep the database; reuse it when it has rows
BUILD_ONLY = os.environ.get("BENCH_BUILD_ONLY") == "1"  # with KEEP: build the rows, then stop
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
TARGET_MS = 200
dt = lifecycle.dt
fmt = lifecycle.fmt


PROFILE = os.environ.get("BENCH_PROFILE") == "1"  # print the slowest queries of each figure


def timed(fn) -> tuple[float, int]:
    """Best wall time of ``REPEAT`` runs, and the queries of one run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    if PROFILE:
        slow = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
        for q in slow:
            print(f"      {float(q['time']) * 1000:.0f} ms: {q['sql'][:400]}")
    times = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times), len(captured)


def copy_dossiers(copies: int, start: int = 1) -> int:
    """Bulk copies of the dossiers (no services, no events): copy k goes to other communes and
    every date moves back ``k × SHIFT_HOURS`` hours. PostgreSQL: one INSERT … SELECT over
    ``generate_series`` per ``COPY_CHUNK`` copies (10 million rows in a few thousand copies)."""
    from django.db import connection, models, transaction
    from django.db.models import Max
    from django.utils import timezone

    from motcua.dossiers.models import Dossier

    fields = Dossier._meta.concrete_fields
    dates = {f.column for f in fields if isinstance(f, models.DateTimeField | models.DateField)}
    units = sorted(set(Dossier.objects.values_list("competent_unit_id", flat=True)))
    originals = Dossier.objects.exclude(code__contains="-C").count()
    # copies carry no events: every copy lies wholly before today (the simulated clock runs
    # months ahead of the real one), as rows without events do in a real database
    latest = Dossier.objects.aggregate(
        a=Max("received_at"), b=Max("finished_at"), c=Max("closed_at")
    ).values()
    ahead = max((v for v in latest if v is not None), default=timezone.now()) - timezone.now()
    offset = max(0.0, ahead.total_seconds() / 3600 + 24)
    if lifecycle.IS_PG:
        columns = [f.column for f in fields if f.column != "id"]
        table = Dossier._meta.db_table
        array = "ARRAY[" + ",".join(map(str, units)) + "]"
        select = []
        for column in columns:
            if column == "code":
                select.append("code || '-C' || k")
            elif column == "competent_unit_id":
                select.append(f"({array})[((id + k) %% {len(units)}) + 1]")
            elif column in dates:
                shift = f"({offset:.0f} + k * {SHIFT_HOURS})"
                select.append(f"\"{column}\" - interval '1 hour' * {shift}")
            else:
                select.append(f'"{column}"')
        quoted = ", ".join(f'"{c}"' for c in columns)
        began = time.perf_counter()
        for first in range(start, copies + 1, COPY_CHUNK):
            last = min(copies, first + COPY_CHUNK - 1)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f'INSERT INTO "{table}" ({quoted}) SELECT {", ".join(select)} '
                    f'FROM "{table}" CROSS JOIN generate_series(%s, %s) AS k '
                    "WHERE code NOT LIKE %s",
                    [first, last, "%-C%"],
                )
            if copies > COPY_CHUNK:
                print(f"    … {fmt(last)}/{fmt(copies)} bản sao, "
                      f"{fmt(time.perf_counter() - began, 0)} s — {load()}", flush=True)  # fmt: skip
        return originals * (copies - start + 1)
    rows = list(Dossier.objects.exclude(code__contains="-C"))
    made = 0
    for k in range(start, copies + 1):
        shift = dt.timedelta(hours=offset + k * SHIFT_HOURS)
        batch = []
        for n, d in enumerate(rows):
            c = Dossier(**{f.attname: getattr(d, f.attname) for f in fields})
            c.pk = None
            c.code = f"{d.code}-C{k}"
            c.competent_unit_id = units[(n + k) % len(units)]
            for f in fields:
                if f.column in dates and getattr(c, f.attname) is not None:
                    setattr(c, f.attname, getattr(c, f.attname) - shift)
            batch.append(c)
        with transaction.atomic():
            Dossier.objects.bulk_create(batch, batch_size=2000)
        made += len(batch)
    return made


def load() -> str:
    return f"tải {os.getloadavg()[0]:.1f}".replace(".", ",")


# ---------------------------------------------------------------- DuckDB over the same rows

DUCK_COLUMNS = ("competent_unit_id", "procedure_id", "channel", "received_at", "finished_at",
                "closed_at", "due_at", "classification")  # fmt: skip


def duckdb_load():
    """The dossier rows' columns the statistics read, exported from PostgreSQL (COPY … CSV)
    into an in-memory DuckDB with the procedure → field map; None without DuckDB."""
    try:
        import duckdb
    except ModuleNotFoundError:
        return None, "DuckDB chưa cài (pip install '.[bench]'): bỏ qua so sánh"
    from django.db import connection

    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier

    path = lifecycle.TMP / "dossiers.csv"
    began = time.perf_counter()
    columns = ", ".join(DUCK_COLUMNS)
    with connection.cursor() as cursor, open(path, "wb") as out:
        if lifecycle.IS_PG:
            sql = f'COPY (SELECT {columns} FROM "{Dossier._meta.db_table}") TO STDOUT WITH CSV'
            with cursor.cursor.copy(sql) as copy:
                for data in copy:
                    out.write(bytes(data))
        else:
            import csv
            import io

            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in Dossier.objects.values_list(*DUCK_COLUMNS).iterator(5000):
                writer.writerow(["" if v is None else v for v in row])
            out.write(buffer.getvalue().encode())
    exported = time.perf_counter() - began
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    types = {"competent_unit_id": "BIGINT", "procedure_id": "BIGINT", "channel": "VARCHAR",
             "classification": "VARCHAR"}  # fmt: skip
    spec = ", ".join(f"'{c}': '{types.get(c, 'TIMESTAMPTZ')}'" for c in DUCK_COLUMNS)
    began = time.perf_counter()
    db.execute(
        f"CREATE TABLE dossier AS SELECT * FROM read_csv('{path}', header=false, "
        f"columns={{{spec}}})"
    )
    db.execute("CREATE TABLE field_of (procedure_id BIGINT, field_id BIGINT)")
    db.executemany("INSERT INTO field_of VALUES (?, ?)",
                   list(Procedure.objects.values_list("pk", "field_id")))  # fmt: skip
    loaded = time.perf_counter() - began
    path.unlink()
    n = db.execute("SELECT count(*) FROM dossier").fetchone()[0]
    return db, (f"DuckDB {duckdb.__version__}: {fmt(n)} dòng xuất trong {fmt(exported, 1)} s, "
                f"nạp trong {fmt(loaded, 1)} s (bộ nhớ, {os.cpu_count()} luồng)")  # fmt: skip


def duckdb_stats(db, start, end, by: str) -> list:
    """The public statistics table from the raw rows, in DuckDB: received, online, ended
    (early / good / late) in [start, end) and open at ``end``, per unit or field."""
    group = "d.competent_unit_id" if by == "unit" else "f.field_id"
    return db.execute(
        f"""
        SELECT {group} AS g,
          count(*) FILTER (WHERE received_at >= $s AND received_at < $e) AS received,
          count(*) FILTER (WHERE received_at >= $s AND received_at < $e
                           AND channel = 'online') AS online,
          count(*) FILTER (WHERE finished_at >= $s AND finished_at < $e) AS finished,
          count(*) FILTER (WHERE finished_at >= $s AND finished_at < $e
                           AND classification = 'early') AS early,
          count(*) FILTER (WHERE finished_at >= $s AND finished_at < $e
                           AND classification IN ('early', 'on_time')) AS good,
          count(*) FILTER (WHERE finished_at >= $s AND finished_at < $e
                           AND classification = 'late') AS late,
          count(*) FILTER (WHERE received_at < $e AND (finished_at IS NULL OR finished_at >= $e)
                           AND (closed_at IS NULL OR closed_at >= $e)) AS open
        FROM dossier d LEFT JOIN field_of f USING (procedure_id)
        GROUP BY 1
        """,
        {"s": start, "e": end},
    ).fetchall()


def main() -> int:
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count, Max
    from django.test import Client
    from django.utils import timezone

    from motcua.core.periods import period_of
    from motcua.dossiers.models import Dossier
    from motcua.ledger.models import Event
    from motcua.organization.models import Unit
    from motcua.reporting.aggregates import stats_table
    from motcua.reporting.index766 import index_score
    from motcua.reporting.models import DailyCount, MonthCount, OpenCount
    from motcua.reporting.scorecard import Counter, ranking, scorecard
    from motcua.reporting.selectors import public_stats
    from motcua.reporting.services import aggregates_catch_up

    if name := os.environ.get("BENCH_DB_NAME"):
        connection.settings_dict["TEST"]["NAME"] = name
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False,
                                       keepdb=KEEP)  # fmt: skip
    try:
        engine = "PostgreSQL" if lifecycle.IS_PG else "SQLite"
        print(f"Báo cáo lãnh đạo ở quy mô tỉnh — {engine}; {machine()}")
        reused = KEEP and Dossier.objects.exists()
        services_s = copy_s = 0.0
        if not reused:
            began = time.perf_counter()
            casts, procedures = lifecycle.build_world(communes=UNITS)
            elapsed, errors = lifecycle.run_services(casts, procedures)
            if errors:
                print("LỖI:", *errors, sep="\n  ")
                return 0
            services_s = time.perf_counter() - began
            copy_began = time.perf_counter()
            copy_dossiers(COPIES)
            copy_s = time.perf_counter() - copy_began
            if lifecycle.IS_PG:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        elif COPIES_FROM:  # a kept database whose copies were cut short: add the rest
            copy_began = time.perf_counter()
            copy_dossiers(COPIES, COPIES_FROM)
            copy_s = time.perf_counter() - copy_began
            if lifecycle.IS_PG:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            reused = False  # the aggregates are rebuilt in full below
        elif lifecycle.IS_PG:  # a kept database whose build was cut short: never analysed
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT last_analyze IS NULL AND last_autoanalyze IS NULL "
                    "FROM pg_stat_user_tables WHERE relname = %s",
                    [Dossier._meta.db_table],
                )
                found = cursor.fetchone()
                if found and found[0]:
                    cursor.execute("ANALYZE")
        if BUILD_ONLY and KEEP:
            print(f"  {fmt(Dossier.objects.count())} hồ sơ ({fmt(services_s, 1)} s dịch vụ, "
                  f"{fmt(copy_s, 1)} s bản sao); dừng (BENCH_BUILD_ONLY=1) — {load()}")  # fmt: skip
            return 0
        span = Dossier.objects.aggregate(first=Max("received_at"), last=Max("finished_at"))
        first = (
            Dossier.objects.filter(received_at__isnull=False)
            .order_by("received_at")
            .values_list("received_at", flat=True)[0]
        )
        total = Dossier.objects.count()
        units = Unit.objects.count()
        built_how = (
            "cơ sở dữ liệu giữ lại từ lần chạy trước (BENCH_KEEP=1)"
            if reused
            else f"cơ sở dữ liệu giữ lại, thêm bản sao {fmt(COPIES_FROM)}–{fmt(COPIES)} "
            f"trong {fmt(copy_s, 1)} s"
            if COPIES_FROM
            else f"{fmt(lifecycle.N)} vòng đời qua dịch vụ trong {fmt(services_s, 1)} s + "
            f"{fmt(COPIES)} bản sao chèn hàng loạt trong {fmt(copy_s, 1)} s"
        )
        print(
            f"  {fmt(total)} hồ sơ, {fmt(units)} đơn vị, tiếp nhận từ {first:%d/%m/%Y} đến "
            f"{span['first']:%d/%m/%Y} ({built_how})"
        )
        # the simulated clock runs ahead of the real one: the job runs at the data's "now"
        data_now = Event.objects.aggregate(last=Max("at"))["last"] + dt.timedelta(minutes=20)
        data_now = max(data_now, span["last"] + dt.timedelta(days=1))
        began = time.perf_counter()
        built = aggregates_catch_up(full=not reused, now=data_now)
        rebuild = time.perf_counter() - began
        print(
            f"  {'Dựng lại toàn bộ' if not reused else 'Cập nhật'} số liệu tổng hợp: "
            f"{fmt(rebuild, 1)} s — {fmt(built['rows'])} dòng ngày × đơn vị × thủ tục × kênh "
            f"cho {fmt(built['days'])} ngày, {fmt(built['months'])} tháng cộng dồn, hồ sơ tồn "
            f"cuối ngày cho {fmt(built['open_days'])} ngày — {load()}"
        )
        print(
            f"  Bảng tổng hợp: {fmt(DailyCount.objects.count())} dòng ngày, "
            f"{fmt(MonthCount.objects.count())} dòng tháng, {fmt(OpenCount.objects.count())} "
            "dòng hồ sơ tồn cuối ngày"
        )
        duck, duck_note = duckdb_load()
        print(f"  {duck_note} — {load()}")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        browser = Client()
        worst = 0.0
        for kind, day in (("quarter", dt.date(2026, 7, 1)), ("year", dt.date(2026, 1, 1))):
            period = period_of(kind, day)
            start, end = period.window

            def baseline(start=start, end=end):
                return Dossier.objects.filter(received_at__gte=start, received_at__lt=end).count()

            def baseline_group(start=start, end=end):
                return list(
                    Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
                    .values("competent_unit_id")
                    .annotate(n=Count("pk"))
                    .order_by()
                )

            count_s, _ = timed(baseline)
            group_s, _ = timed(baseline_group)
            print(
                f"\n  {period.label} ({fmt(baseline())} hồ sơ tiếp nhận trong kỳ"
                f"{', kỳ đang chạy' if end > data_now or kind == 'year' else ''})"
            )
            print(f"    Nền: COUNT hồ sơ tiếp nhận: {fmt(count_s * 1000, 1)} ms")
            print(f"    Nền: GROUP BY đơn vị trên cùng các dòng: {fmt(group_s * 1000, 1)} ms")
            query = {"period": kind, "date": day.isoformat()}

            def page(query=query):
                response = browser.get("/thong-ke/", query, secure=True)
                assert response.status_code == 200, response.status_code

            def province(period=period, trend=0):
                counter = Counter()
                return scorecard(
                    unit=counter.scopes.root(), period=period, counter=counter, trend=trend
                )

            def province_raw(period=period):
                counter = Counter(aggregates=False)
                return scorecard(
                    unit=counter.scopes.root(), period=period, counter=counter, trend=0
                )

            def index(period=period):
                counter = Counter()
                return index_score(unit=counter.scopes.root(), period=period, counter=counter)

            def all_units(period=period):
                counter = Counter()
                ranks = ranking(period=period, counter=counter)
                index_score(unit=counter.scopes.root(), period=period, counter=counter)
                return ranks

            figures = [
                (
                    "Thống kê công khai theo đơn vị (selector)",
                    lambda p=period: public_stats(period=p, group_by="unit"),
                ),
                (
                    "Thống kê công khai theo lĩnh vực (selector)",
                    lambda p=period: public_stats(period=p, group_by="field"),
                ),
                ("Trang /thong-ke/ (cả HTTP và mẫu trang)", page),
                ("Bảng chỉ tiêu toàn tỉnh", province),
                ("Bảng chỉ tiêu toàn tỉnh + xu hướng 4 kỳ", lambda p=period: province(p, 4)),
                ("Chỉ số 766 toàn tỉnh", index),
                ("Xếp hạng mọi đơn vị + chỉ số 766", all_units),
                ("(so sánh) Bảng chỉ tiêu toàn tỉnh đọc thẳng bảng hồ sơ", province_raw),
            ]
            for label, fn in figures:
                try:
                    seconds, queries = timed(fn)
                except Exception as error:  # reported; the benchmark still ends normally
                    print(f"    {label}: LỖI {error!r}")
                    continue
                if fn is not province_raw:
                    worst = max(worst, seconds)
                # a request resets the connection's query log: no count for the page
                counted = f", {fmt(queries)} truy vấn" if fn is not page else ""
                print(
                    f"    {label}: {fmt(seconds * 1000, 1)} ms{counted} — "
                    f"{fmt(seconds / group_s, 1)} lần GROUP BY — {load()}"
                )
            # the same numbers: the scorecard from the aggregates against the rows
            fast = {r.indicator.code: (r.value.num, r.value.den) for r in province() if r.value}
            slow = {r.indicator.code: (r.value.num, r.value.den) for r in province_raw() if r.value}
            same = "khớp" if fast == slow else f"KHÁC: {fast} ≠ {slow}"
            print(f"    Bảng chỉ tiêu từ số liệu tổng hợp so với đọc thẳng bảng hồ sơ: {same}")
            if duck is not None:
                cut = min(end, timezone.now())

                def duck_group(start=start, end=end):
                    return duck.execute(
                        "SELECT competent_unit_id, count(*) FROM dossier WHERE received_at >= $s "
                        "AND received_at < $e GROUP BY 1", {"s": start, "e": end}
                    ).fetchall()  # fmt: skip

                for label, fn in (
                    ("DuckDB: GROUP BY đơn vị (như nền)", duck_group),
                    ("DuckDB: bảng thống kê theo đơn vị từ dòng hồ sơ",
                     lambda s=start, e=cut: duckdb_stats(duck, s, e, "unit")),
                    ("DuckDB: bảng thống kê theo lĩnh vực từ dòng hồ sơ",
                     lambda s=start, e=cut: duckdb_stats(duck, s, e, "field")),
                ):  # fmt: skip
                    seconds, _ = timed(fn)
                    print(
                        f"    {label}: {fmt(seconds * 1000, 1)} ms — "
                        f"{fmt(seconds / group_s, 1)} lần GROUP BY — {load()}"
                    )
                ours = stats_table(start, cut, by="unit")
                cols = ("received", "online", "finished", "finished_early", "finished_good",
                        "finished_late", "open")  # fmt: skip
                mine = {k: tuple(v[c] for c in cols) for k, v in ours.items() if any(v.values())}
                theirs = {r[0]: tuple(r[1:]) for r in duckdb_stats(duck, start, cut, "unit")
                          if any(r[1:])}  # fmt: skip
                same = (
                    "khớp"
                    if mine == theirs
                    else f"KHÁC ở {len(set(mine.items()) ^ set(theirs.items()))} dòng"
                )
                print(f"    Bảng thống kê theo đơn vị (số liệu tổng hợp) so với DuckDB: {same}")
        verdict = "đạt" if worst * 1000 < TARGET_MS else "CHƯA ĐẠT"
        print(
            f"\n  Chậm nhất (trang, bảng chỉ tiêu, 766, xếp hạng) {fmt(worst * 1000, 1)} ms ở "
            f"{fmt(total)} hồ sơ — mục tiêu < {TARGET_MS} ms mỗi bảng: {verdict}"
        )
        print(f"  {machine()}")
    finally:
        if KEEP:
            print(f"  Giữ cơ sở dữ liệu {connection.settings_dict['NAME']} (BENCH_KEEP=1)")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
