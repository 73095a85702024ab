"""Leadership statistics benchmark: the quarter's indicators, ranking and 766 index for all
units over N dossiers, against a plain COUNT / GROUP BY over the same rows.

    /work/main/.venv/bin/python bench/statistics.py                       # temporary SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/statistics.py

Dossiers are made as bench/lifecycle.py makes them (its world and its batch generator, real
services, one quarter: Q3/2026), then copied BENCH_COPIES times with a plain bulk insert (the
fast path: same rows, other codes) to reach volume. Environment: BENCH_DOSSIERS (lifecycles
through the services, default 3000), BENCH_COPIES (default 9), BENCH_REPEAT (timings per
figure, best kept, default 3). Prints each figure, the baseline, the ratio, the machine's load
and cores. Target (issue 14): each dashboard < 200 ms at 10 million dossiers on a 2-core
machine — the verdict is printed; the script exits 0 either way.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

# This file is named like the standard library's ``statistics`` (which Django imports): take
# its folder off the path, and load bench/lifecycle.py by its file name.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
os.environ.setdefault("BENCH_DOSSIERS", "3000")
os.environ.setdefault("BENCH_WORKERS", "1")
_spec = importlib.util.spec_from_file_location("bench_lifecycle", HERE / "lifecycle.py")
lifecycle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lifecycle)  # sets up Django on its own throw-away database

COPIES = int(os.environ.get("BENCH_COPIES", "9"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
TARGET_MS = 200
TARGET_ROWS = 10_000_000  # the scale (not reached by this run's default)

fmt = lifecycle.fmt


def best(fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEAT):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return min(times), result


def copy_dossiers(copies: int) -> int:
    """Plain bulk copies of the dossiers (no services, no events), spread over the units."""
    from django.db import transaction

    from motcua.dossiers.models import Dossier

    rows = list(Dossier.objects.all())
    units = sorted({d.competent_unit_id for d in rows})
    made = 0
    with transaction.atomic():
        for k in range(copies):
            batch = []
            for n, d in enumerate(rows):
                d.pk = None
                d.code = f"{d.code}-C{k}"
                d.competent_unit_id = units[(n + k) % len(units)]
                batch.append(d)
            Dossier.objects.bulk_create(batch, batch_size=2000)
            made += len(batch)
    return made


def main() -> int:
    from django.db import connection
    from django.db.models import Count

    from motcua.core.periods import period_of
    from motcua.dossiers.models import Dossier
    from motcua.reporting.index766 import index_score
    from motcua.reporting.scorecard import Counter, ranking, scorecard
    from motcua.reporting.selectors import public_stats

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        engine = "PostgreSQL" if lifecycle.IS_PG else "SQLite"
        casts, procedures = lifecycle.build_world()
        began = time.perf_counter()
        elapsed, errors = lifecycle.run_services(casts, procedures)
        if errors:
            print("LỖI:", *errors, sep="\n  ")
            return 0
        copy_dossiers(COPIES)
        made = time.perf_counter() - began
        total = Dossier.objects.count()
        print(
            f"Thống kê lãnh đạo — {engine}, {fmt(total)} hồ sơ ({fmt(lifecycle.N)} qua dịch vụ "
            f"+ {COPIES} bản sao chèn hàng loạt; tạo trong {fmt(made, 1)} s)"
        )
        quarter = period_of("quarter", lifecycle.dt.date(2026, 7, 1))
        start, end = quarter.window

        def baseline():
            return Dossier.objects.filter(received_at__gte=start, received_at__lt=end).count()

        def baseline_group():
            return list(
                Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
                .values("competent_unit_id")
                .annotate(n=Count("pk"))
                .order_by()
            )

        def province_scorecard():
            counter = Counter()
            return scorecard(unit=counter.scopes.root(), period=quarter, counter=counter, trend=0)

        def province_scorecard_trend():
            counter = Counter()
            return scorecard(unit=counter.scopes.root(), period=quarter, counter=counter)

        def all_units():
            counter = Counter()
            ranks = ranking(period=quarter, counter=counter)
            index_score(unit=counter.scopes.root(), period=quarter, counter=counter)
            return ranks

        def index():
            counter = Counter()
            return index_score(unit=counter.scopes.root(), period=quarter, counter=counter)

        def public():
            return public_stats(period=quarter, group_by="unit")

        from django.db.models import Max

        from motcua.ledger.models import Event
        from motcua.reporting.services import aggregates_catch_up

        # the simulated clock runs ahead of the real one: the job runs at the data's "now"
        data_now = Event.objects.aggregate(last=Max("at"))["last"] + lifecycle.dt.timedelta(
            minutes=20
        )
        began = time.perf_counter()
        built = aggregates_catch_up(full=True, now=data_now)
        rebuild = time.perf_counter() - began
        print(
            f"  Dựng số liệu tổng hợp theo ngày (toàn bộ): {fmt(rebuild, 2)} s, "
            f"{fmt(built['rows'])} dòng cho {fmt(built['days'])} ngày, "
            f"hồ sơ tồn cuối ngày cho {fmt(built['open_days'])} ngày"
        )
        base, count = best(baseline)
        group, _ = best(baseline_group)
        print(
            f"  Nền: COUNT hồ sơ tiếp nhận trong quý ({fmt(count)} dòng): {fmt(base * 1000, 1)} ms"
        )
        print(f"  Nền: GROUP BY đơn vị trên cùng các dòng: {fmt(group * 1000, 1)} ms")

        def raw_scorecard():
            counter = Counter(aggregates=False)
            return scorecard(unit=counter.scopes.root(), period=quarter, counter=counter, trend=0)

        figures = [
            ("Bảng chỉ tiêu toàn tỉnh (quý), đọc thẳng bảng hồ sơ", raw_scorecard),
            ("Bảng chỉ tiêu toàn tỉnh (quý)", province_scorecard),
            ("Bảng chỉ tiêu toàn tỉnh + xu hướng 4 quý", province_scorecard_trend),
            ("Chỉ số 766 toàn tỉnh", index),
            ("Xếp hạng mọi đơn vị (mọi chỉ tiêu) + chỉ số 766", all_units),
            ("Thống kê công khai theo đơn vị (dossiers.selectors, chưa đọc tổng hợp)", public),
        ]
        worst = 0.0
        for label, fn in figures:
            try:
                seconds, _ = best(fn)
            except Exception as error:  # reported; the benchmark still ends normally
                print(f"  {label}: LỖI {error!r}")
                continue
            if fn not in (raw_scorecard, public):
                worst = max(worst, seconds)
            print(
                f"  {label}: {fmt(seconds * 1000, 1)} ms — {fmt(seconds / group, 1)} lần GROUP BY"
            )
        verdict = "đạt" if worst * 1000 < TARGET_MS else "CHƯA ĐẠT"
        print(
            f"  Chậm nhất (các bảng lãnh đạo) {fmt(worst * 1000, 1)} ms ở {fmt(total)} hồ sơ — "
            f"mục tiêu < {TARGET_MS} ms: {verdict} ở quy mô này. Mục tiêu của issue là ở "
            f"{fmt(TARGET_ROWS)} hồ sơ trên PostgreSQL: chưa đo ở quy mô đó. Phần đọc bảng tổng "
            f"hợp tăng theo số dòng tổng hợp ({fmt(built['rows'])}: ngày × đơn vị × thủ tục × "
            "kênh), không theo số hồ sơ; phiếu đánh giá và danh mục thủ tục vẫn đọc thẳng"
            + ("" if lifecycle.IS_PG else "; đo trên SQLite")
        )
        load = os.getloadavg()
        print(
            f"  Máy: {os.cpu_count()} lõi, tải {fmt(load[0], 2)} / {fmt(load[1], 2)} / "
            f"{fmt(load[2], 2)} (1/5/15 phút)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
