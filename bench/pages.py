"""Server time of the officers' and leaders' pages on the demo province (issue 16, item 8).

    MOTCUA_VAR_DIR=/path/to/var .venv/bin/python bench/pages.py     # after `motcua demo`

Reads only. Each page is requested in-process through Django's test client (the whole
server side: middleware, views, queries, templates; no network, no browser) as the demo
account that uses it, BENCH_REPEAT times (default 5) after one warm-up request. Prints per
page the best and median milliseconds, the number of SQL queries and the status, the ratio
to a baseline measured in the same run (the public work-calendar page, a page with a handful
of queries: what "nothing to compute" costs on this machine now), the target ("well under a
second": 500 ms) and the machine's load and cores. Exits 0 even when a target is missed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _common import machine  # noqa: E402

# bench/ holds a statistics.py: off sys.path, so that `import statistics` is the standard one
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.modules.pop("statistics", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "development")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
TARGET_MS = 500

#: (label, account, path)
PAGES = [
    ("hàng đợi hồ sơ (một cửa tỉnh)", "motcua.tinh", "/can-bo/"),
    ("hàng đợi hồ sơ (chuyên viên sở)", "chuyenvien.sxd", "/can-bo/"),
    ("thống kê hồ sơ (lãnh đạo tỉnh)", "lanhdao.tinh", "/can-bo/thong-ke/"),
    ("thống kê hồ sơ (lãnh đạo sở)", "lanhdao.sxd", "/can-bo/thong-ke/"),
    ("chỉ tiêu lãnh đạo (tỉnh)", "lanhdao.tinh", "/thong-ke/lanh-dao/"),
    ("chỉ tiêu lãnh đạo (xã)", "lanhdao.xm001", "/thong-ke/lanh-dao/"),
    ("thống kê công khai", None, "/thong-ke/"),
]
BASELINE = ("lịch làm việc (cơ sở so sánh)", None, "/lich/")


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def measure(client: Client, path: str) -> tuple[list[float], int, int]:
    client.get(path)  # warm-up: caches, templates
    times, queries, status = [], 0, 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        queries, status = len(captured), response.status_code
    return times, queries, status


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
    return client


def main() -> int:
    from motcua.dossiers.models import Dossier

    settings.ALLOWED_HOSTS = ["*"]
    from django.db.utils import DatabaseError

    try:
        missing = not get_user_model().objects.filter(username="lanhdao.tinh").exists()
    except DatabaseError:
        missing = True
    if missing:
        print("Chưa có tỉnh mẫu trong cơ sở dữ liệu: chạy `motcua demo` (MOTCUA_VAR_DIR=…) trước.")
        print(machine())
        return 0
    print(
        f"Trang cán bộ và lãnh đạo trên tỉnh mẫu ({Dossier.objects.count():,} hồ sơ)".replace(
            ",", "."
        )
    )
    print(machine())
    label, user, path = BASELINE
    base_times, base_queries, _ = measure(client_for(user), path)
    base = min(base_times)
    print(f"{'trang':40} {'tốt nhất':>9} {'trung vị':>9} {'truy vấn':>8} {'× cơ sở':>8}  mã")
    print(f"{label:40} {base:8.1f}  {median(base_times):8.1f}  {base_queries:8d} {1:8.1f}")
    worst = 0.0
    for label, user, path in PAGES:
        times, queries, status = measure(client_for(user), path)
        best = min(times)
        worst = max(worst, median(times))
        print(
            f"{label:40} {best:8.1f}  {median(times):8.1f}  {queries:8d} "
            f"{best / base:8.1f}  {status}"
        )
    verdict = "ĐẠT" if worst < TARGET_MS else "CHƯA ĐẠT"
    print(f"trang chậm nhất (trung vị): {worst:.0f} ms; mục tiêu < {TARGET_MS} ms: {verdict}")
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
