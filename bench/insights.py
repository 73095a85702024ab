"""Insights benchmark: process map (graph, variants, rework) of an in-memory log of ≥ 1 M
events with every step measured in working time, and the WABO receipt log (Buijs 2014,
doi:10.4121/uuid:a07386a5-7be3-4367-9535-70bc9e77dbe6) by our code and by pm4py in the same
run (pm4py only if installed: it is a test-only dependency).

Run: /work/main/.venv/bin/python bench/insights.py   (temporary SQLite database, migrated for
the holidays). Not measured yet: reading the events from PostgreSQL (issue target: < 5 s for
the whole page on a year of a province) — this bench times the mining of rows already read.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/ holds statistics.py, which would shadow the standard library's: keep it off the path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "src"))


def machine() -> str:
    one, five, _ = os.getloadavg()
    return f"máy: {os.cpu_count()} lõi, tải trung bình {one:.2f} / {five:.2f}".replace(".", ",")


TMP = tempfile.mkdtemp(prefix="motcua-bench-")
os.environ["MOTCUA_VAR_DIR"] = TMP
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

RECEIPT = Path("/work/shared/data/wabo-receipt/receipt.csv")
PATH = ["received", "transferred", "self_assigned", "step_completed", "approved", "returned"]
TARGET_S = 5.0


def vn(x: float, decimals: int = 0) -> str:
    return f"{x:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def synthetic(n_events: int):
    from motcua.insights.mining import LogEvent
    from motcua.workcalendar.engine import VN_TZ

    rng = random.Random(2026)
    start = dt.datetime(2025, 1, 2, 8, tzinfo=VN_TZ)
    events, case = [], 0
    while len(events) < n_events:
        case += 1
        at = start + dt.timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        steps = list(PATH)
        if rng.random() < 0.05:
            steps[4:4] = ["sent_back", "step_completed"]
        for activity in steps:
            at += dt.timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
            events.append(LogEvent(case=f"H{case}", activity=activity, at=at, group="U"))
    return events


def main() -> int:
    call_command("migrate", verbosity=0)
    from motcua.insights.logs import read_csv
    from motcua.insights.mining import mine
    from motcua.insights.selectors import working_hours

    print(machine())
    log = synthetic(1_000_000)
    t0 = time.perf_counter()
    pm = mine(log, durations=working_hours)
    spent = time.perf_counter() - t0
    verdict = "ĐẠT" if spent < TARGET_S else "CHƯA ĐẠT"
    print(
        f"bản đồ quy trình, {vn(pm.events)} sự kiện / {vn(pm.cases)} hồ sơ, giờ làm việc: "
        f"{vn(spent, 2)} s (mục tiêu < {TARGET_S:.0f} s: {verdict}); "
        f"{len(pm.variants)} biến thể, {len(pm.edges)} cạnh"
    )
    del log, pm
    gc.collect()  # the million events above would slow every collection below
    if not RECEIPT.exists():
        return 0
    receipt = read_csv(RECEIPT)
    t0 = time.perf_counter()
    ours = mine(receipt)
    ours_s = time.perf_counter() - t0
    print(f"nhật ký WABO: {ours.cases} ca, {ours.events} sự kiện, {len(ours.variants)} biến thể,")
    print(f"  của ta (đồ thị + biến thể + thời lượng): {vn(ours_s * 1000)} ms")
    try:
        import pandas as pd
        import pm4py
    except ImportError:
        print("  pm4py chưa cài: bỏ qua so sánh")
        return 0
    df = pd.read_csv(RECEIPT)
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True, format="ISO8601")
    df = pm4py.format_dataframe(
        df, case_id="case:concept:name", activity_key="concept:name", timestamp_key="time:timestamp"
    )
    t0 = time.perf_counter()
    pm4py.discover_dfg(df)
    variants = pm4py.get_variants(df)
    pm4py.get_all_case_durations(df)
    theirs_s = time.perf_counter() - t0
    print(
        f"  pm4py (cùng ba phép tính): {vn(theirs_s * 1000)} ms, {len(variants)} biến thể; "
        f"tỷ lệ của ta / pm4py = {vn(ours_s / theirs_s, 2)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
