"""Statistics "as of the period's end" on a loaded database (the demo province).

    MOTCUA_VAR_DIR=/path/to/var .venv/bin/python bench/stats.py    # after `motcua demo`
    DATABASE_URL=postgres://… .venv/bin/python bench/stats.py

Reads only. For the year, each quarter and each month that received dossiers, times
``dossier_stats`` (total, and grouped by unit) — every figure measured at the period's end
from each dossier's last event then — against a baseline: the same grouped count over the
dossier rows' current status (what the statistics read before they were measured as of the
period's end). Prints milliseconds (best of BENCH_REPEAT, default 3), the ratio, the number
of dossiers and events, and the machine's load.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.db.models import Count  # noqa: E402

from motcua.core.periods import period_of  # noqa: E402
from motcua.dossiers.models import Dossier  # noqa: E402
from motcua.dossiers.selectors import StatsFilters, dossier_stats  # noqa: E402
from motcua.ledger.models import Event  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def best(fn) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def baseline(filters: StatsFilters, group: str | None):
    qs = Dossier.objects.filter(
        submitted_at__date__gte=filters.date_from, submitted_at__date__lte=filters.date_to
    )
    dims = [*(["competent_unit__code"] if group else []), "status", "classification"]
    return list(qs.values(*dims, "decision", "channel").annotate(n=Count("pk")).order_by())


def main() -> int:
    first = Dossier.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    if first is None:
        print("Cơ sở dữ liệu chưa có hồ sơ: chạy `motcua demo` trước.")
        return 1
    print(f"{Dossier.objects.count():,} dossiers, {Event.objects.count():,} events")
    year = period_of("year", first.date())
    periods = [year]
    for kind in ("quarter", "month"):
        on = year.start
        while on <= year.end:
            period = period_of(kind, on)
            periods.append(period)
            on = period.end + dt.timedelta(days=1)
    print(f"{'period':<14}{'dossiers':>9}{'total ms':>10}{'base ms':>9}{'by unit':>9}{'base':>7}")
    for period in periods:
        filters = StatsFilters(date_from=period.start, date_to=period.end)
        [total] = dossier_stats(filters=filters)
        if not total["received"]:
            continue
        t_total = best(lambda f=filters: dossier_stats(filters=f))
        t_base = best(lambda f=filters: baseline(f, None))
        t_unit = best(lambda f=filters: dossier_stats(filters=f, group_by="unit"))
        t_ubase = best(lambda f=filters: baseline(f, "unit"))
        print(
            f"{period.label:<14}{total['received']:>9,}{t_total:>10.1f}{t_base:>9.1f}"
            f"{t_unit:>9.1f}{t_ubase:>7.1f}   ratio {t_unit / max(t_ubase, 0.001):.1f}×"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
