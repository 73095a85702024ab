"""Load benchmark: the production server (`motcua serve`, gunicorn) against Django's
development server (`motcua serve --dev`) on the same demo data.

    .venv/bin/python bench/load.py                       # a copy of var/ (SQLite demo)
    DATABASE_URL=postgres://... .venv/bin/python bench/load.py   # that database, as it is

Data: with SQLite, the database, secret key and demo accounts of BENCH_VAR_DIR (default
``var/``, what `make run` made) are copied to a temporary folder, so the look-ups' counters
never touch your database; if there is no demo there, one is made first (`motcua demo`, about
a minute). With DATABASE_URL the servers use that database (load the demo into it first;
bench/scale_demo.py grows it to a province's year, 1 M dossiers).

Both servers run as a province runs them: Redis as the cache (BENCH_REDIS_URL, default
``redis://127.0.0.1:6379/15``; ``BENCH_REDIS_URL=`` for none), so the look-up limits count
in Redis and the public answers are kept there (``MOTCUA_PUBLIC_CACHE``; BENCH_PUBLIC_CACHE=0
measures every answer computed). Each server gets a key prefix of its own, empty at its start.
Tracking looks up BENCH_CODES (default 500) dossiers with a history, in turn. A first round
looks each one up once (16 clients): every answer is computed then, and its CPU per request
is printed apart ("lần đầu"); the phases below find the answers kept (a citizen checking
again; a new event on the dossier makes a new answer).

For each server and each endpoint — procedure search (``/thu-tuc/?q=…``), public tracking
(``POST /api/portal/track``, the citizens' look-up, each from its own client address as nginx
would forward it) and the officer's work queue (``/can-bo/``, logged in) — two phases of
BENCH_SECONDS (default 4) each:

* one client sending one request at a time (2 s): the latency of an idle server, p50;
* saturation: BENCH_CONNECTIONS (default 16) clients send back to back: requests/s, p50, p99,
  and the server's CPU time per request (all its processes; comparable on a busy machine);
* paced: requests sent at the target rate (500/s public, 50/s work queue) whatever the
  answers' speed, latency counted from the planned send time (no coordinated omission):
  p50, p99 and errors, compared with the targets (p99 < 50 ms public, < 200 ms work queue).

The saturated and paced phases run in BENCH_CLIENT_PROCESSES (default 2) forked client
processes, each with its share of the connections or of the rate: Python threads of one
process share one core, and a single process could not send 500 requests/s on time nor read
their answers without delaying them. Their CPU per request is printed ("máy tạo tải").

Prints the figures, the ratio production/development, the load average, the cores, and the
peak memory of each server (sum over its processes: RSS, and PSS which counts pages shared
by the forked workers once). Each server's run takes under a minute. Exits 0 even when a
target is missed, and says so.
"""

from __future__ import annotations

import http.client
import itertools
import json
import multiprocessing
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PACED_THREADS = int(os.environ.get("BENCH_PACED_THREADS", "48"))
# the load generator's processes (Python threads share one core: one process could delay its
# own sends and readings at 500/s); the saturated and paced phases are split between them
CLIENT_PROCESSES = max(1, int(os.environ.get("BENCH_CLIENT_PROCESSES", "2")))
SOURCE_VAR = Path(os.environ.get("BENCH_VAR_DIR", ROOT / "var"))
PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
OFFICER = os.environ.get("BENCH_OFFICER", "motcua.tinh")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
PUBLIC_CACHE = os.environ.get("BENCH_PUBLIC_CACHE", "1" if REDIS_URL else "0")
CODES = int(os.environ.get("BENCH_CODES", "500"))
RUN_ID = f"bench-load-{os.getpid()}"
SERVE_ARGS = os.environ.get("BENCH_SERVE_ARGS", "").split()  # e.g. "--workers 3 --threads 4"
SEARCHES = ["cap giay phep xay dung", "khai sinh", "dang ky kinh doanh", "chung thuc", "dat dai"]
# endpoint: (target rate per second, target p99 in ms)
TARGETS = {"search": (500, 50), "track": (500, 50), "queue": (50, 200)}


def motcua_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "motcua.cli", *args]


def server_env(var: Path, kind: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    if REDIS_URL:
        env.update(MOTCUA_REDIS_URL=REDIS_URL, MOTCUA_CACHE_PREFIX=f"{RUN_ID}-{kind or 'setup'}")
    env["MOTCUA_PUBLIC_CACHE"] = PUBLIC_CACHE
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="motcua.settings",
        MOTCUA_VAR_DIR=str(var),
        MOTCUA_ENV="production",
        MOTCUA_HTTPS="0",  # plain HTTP on loopback, as behind nginx
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        MOTCUA_TRUSTED_PROXIES="127.0.0.1",  # X-Forwarded-For: one address per citizen
        MOTCUA_LOG_FORMAT="json",
    )
    return env


def prepare_var() -> Path:
    var = Path(tempfile.mkdtemp(prefix="motcua-load-"))
    if PG:
        for name in ("secret_key", "demo-logins.txt"):
            if (SOURCE_VAR / name).exists():
                shutil.copy2(SOURCE_VAR / name, var / name)
        return var
    if (SOURCE_VAR / "motcua.sqlite3").exists() and (SOURCE_VAR / "demo-logins.txt").exists():
        print(f"Dữ liệu: bản sao của {SOURCE_VAR}")
        for item in SOURCE_VAR.iterdir():
            if item.name.startswith("motcua.sqlite3") or item.name in (
                "secret_key",
                "demo-logins.txt",
            ):
                shutil.copy2(item, var / item.name)
            elif item.is_dir() and item.name in ("static", "media"):
                shutil.copytree(item, var / item.name)
        # the copy may predate the code's latest migrations
        subprocess.run(
            motcua_cmd("migrate", "--noinput"), env=server_env(var), check=True, capture_output=True
        )
        return var
    print(f"Không có dữ liệu mẫu trong {SOURCE_VAR}: nạp tỉnh mẫu vào {var} …", flush=True)
    env = server_env(var) | {"MOTCUA_ENV": "development"}
    subprocess.run(motcua_cmd("migrate", "--noinput"), env=env, check=True, capture_output=True)
    subprocess.run(motcua_cmd("demo"), env=env, check=True, capture_output=True)
    return var


# copies made by bench/scale_demo.py (code ``…-C<k>``) have no history: look up dossiers with one
SAMPLE = """
import json, sys, django
django.setup()
from motcua.dossiers.models import Dossier
rows = Dossier.objects.exclude(applicant_phone="").exclude(code__contains="-C")
rows = rows.values_list("code", "applicant_phone").order_by("?")[: int(sys.argv[1])]
print(json.dumps([[c, p[-4:]] for c, p in rows]))
"""


def tracked_codes(var: Path) -> list[tuple[str, str]]:
    env = server_env(var)
    out = subprocess.run(
        [sys.executable, "-c", SAMPLE, str(CODES)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return [tuple(x) for x in json.loads(out.stdout.strip().splitlines()[-1])]


def demo_password(var: Path) -> str | None:
    try:
        text = (var / "demo-logins.txt").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    found = re.search(r"Mật khẩu chung[^:]*:\s*(\S+)", text)
    return found.group(1) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------ HTTP client


class Conn:
    """One client: an HTTP/1.1 connection, reopened when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, headers: dict, body: str | None = None):
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.will_close:
                self.conn.close()
            return response.status, response, data
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0, None, b""


def cookies_of(response) -> dict:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def login(port: int, username: str, password: str) -> str | None:
    conn = Conn(port)
    status, response, body = conn.request("GET", "/dang-nhap/", {})
    if status != 200:
        return None
    jar = cookies_of(response)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not token or "csrftoken" not in jar:
        return None
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password}
    )
    status, response, _ = conn.request(
        "POST",
        "/dang-nhap/",
        {
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        form,
    )
    jar |= cookies_of(response) if response else {}
    if status != 302 or "sessionid" not in jar:
        return None
    return f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}"


def requests_for(kind: str, codes, session: str | None):
    counter = itertools.count()

    def search():
        q = urllib.parse.quote_plus(SEARCHES[next(counter) % len(SEARCHES)])
        return "GET", f"/thu-tuc/?q={q}", {}, None

    def track():
        code, phone4 = codes[next(counter) % len(codes)]
        client = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        headers = {"X-Forwarded-For": client, "Content-Type": "application/json"}
        return "POST", "/api/portal/track", headers, json.dumps({"code": code, "phone4": phone4})

    def queue():
        return "GET", "/can-bo/", {"Cookie": session or ""}, None

    return {"search": search, "track": track, "queue": queue}[kind]


@dataclass
class Result:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    cpu_ms: float = 0.0
    client_cpu_ms: float = 0.0  # this load generator's own CPU per request

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if not 200 <= s < 300)

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def rate(self) -> float:
        return self.count / self.seconds


def run_threads(target, n: int) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def saturate(port: int, make, seconds: float, connections: int) -> Result:
    result, lock = Result(seconds), threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        conn, mine, statuses = Conn(port), [], {}
        while (start := time.perf_counter()) < deadline:
            status, _, _ = conn.request(*make())
            mine.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
        with lock:
            result.latencies.extend(mine)
            for s, n in statuses.items():
                result.statuses[s] = result.statuses.get(s, 0) + n

    run_threads(client, connections)
    return result


def each_once(port: int, make, total: int, connections: int) -> Result:
    """``total`` requests, each sent once, by ``connections`` clients."""
    result, lock = Result(0.0), threading.Lock()
    slots = itertools.count()
    began = time.perf_counter()

    def client():
        conn, mine, statuses = Conn(port), [], {}
        while next(slots) < total:
            start = time.perf_counter()
            status, _, _ = conn.request(*make())
            mine.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
        with lock:
            result.latencies.extend(mine)
            for s, n in statuses.items():
                result.statuses[s] = result.statuses.get(s, 0) + n

    run_threads(client, connections)
    result.seconds = time.perf_counter() - began
    return result


def paced(port: int, make, rate: float, seconds: float, threads: int) -> Result:
    """Requests planned at ``rate``; those that could not be sent before the phase's end
    (plus one second) are counted as errors (status 0), so the phase stays bounded."""
    result, lock = Result(seconds), threading.Lock()
    total = int(rate * seconds)
    slots = itertools.count()
    begin = time.perf_counter() + 0.2
    stop = begin + seconds + 1.0

    def client():
        conn, mine, statuses = Conn(port), [], {}
        while (i := next(slots)) < total:
            planned = begin + i / rate
            if time.perf_counter() > stop:
                statuses[-1] = statuses.get(-1, 0) + 1  # never sent: the server fell behind
                continue
            if (delay := planned - time.perf_counter()) > 0:
                time.sleep(delay)
            status, _, _ = conn.request(*make())
            mine.append(time.perf_counter() - planned)  # late sends count as waiting
            statuses[status] = statuses.get(status, 0) + 1
        with lock:
            result.latencies.extend(mine)
            for s, n in statuses.items():
                result.statuses[s] = result.statuses.get(s, 0) + n

    run_threads(client, threads)
    result.seconds = max(seconds, time.perf_counter() - begin)
    return result


def _phase_child(phase: str, port: int, kind: str, codes, session, args: tuple, seed: int):
    random.seed(seed)
    make = requests_for(kind, codes, session)
    own = time.process_time()
    result = {"saturate": saturate, "paced": paced}[phase](port, make, *args)
    return result.latencies, result.statuses, result.seconds, time.process_time() - own


def in_processes(phase: str, port: int, kind: str, codes, session, *, rate=0.0, connections=0):
    """A saturated or paced phase split between CLIENT_PROCESSES forked processes (each with
    its share of the connections or of the rate, and its own slice of the codes). The result
    is the union of theirs; ``client_cpu_ms`` is the CPU of all of them per request."""
    n = CLIENT_PROCESSES
    jobs = []
    for i in range(n):
        share = codes[i::n] or codes
        if phase == "paced":
            args = (rate / n, SECONDS, max(1, PACED_THREADS // n))
        else:
            args = (SECONDS, max(1, connections // n))
        jobs.append((phase, port, kind, share, session, args, i))
    with multiprocessing.get_context("fork").Pool(n) as pool:
        parts = pool.starmap(_phase_child, jobs)
    result = Result(max(p[2] for p in parts))
    cpu = 0.0
    for latencies, statuses, _, used in parts:
        result.latencies.extend(latencies)
        for status, count in statuses.items():
            result.statuses[status] = result.statuses.get(status, 0) + count
        cpu += used
    result.client_cpu_ms = cpu * 1000 / max(result.count, 1)
    return result


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server and its workers (user + system), those of the
    workers that ended included (gunicorn recycles a worker after --max-requests: its time is
    then counted in the arbiter's children's time, which the arbiter waited for)."""
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------ server memory


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return pids


def _memory_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class MemoryPeak(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.rss, self.pss, self.processes = pid, 0, 0, 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            pids = _tree(self.pid)
            sizes = [_memory_kb(p) for p in pids]
            self.rss = max(self.rss, sum(r for r, _ in sizes))
            self.pss = max(self.pss, sum(p for _, p in sizes))
            self.processes = max(self.processes, len(pids))
            self.stop.wait(0.25)


# ------------------------------------------------------------------------ one server


def start_server(kind: str, var: Path, port: int) -> subprocess.Popen:
    args = ["serve", "--port", str(port)] + (["--dev"] if kind == "dev" else SERVE_ARGS)
    log = open(var / f"server-{kind}.log", "w")  # noqa: SIM115 - closed with the process
    _redis_forget(kind)
    proc = subprocess.Popen(
        motcua_cmd(*args),
        env=server_env(var, kind),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.flush()
            tail = (var / f"server-{kind}.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"máy chủ {kind} dừng (mã {proc.returncode}):\n{tail}")
        status, _, _ = Conn(port).request("GET", "/thu-tuc/", {})
        if status == 200:
            return proc
        time.sleep(0.5)
    raise SystemExit(f"máy chủ {kind} không trả lời sau 120 giây")


def _redis_forget(kind: str) -> None:
    """Drop what this run's server of ``kind`` kept in Redis (its own key prefix)."""
    if not REDIS_URL:
        return
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"{RUN_ID}-{kind}:*", count=1000):
        server.delete(key)


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, 9)


def bench_server(kind: str, var: Path, codes, password: str | None) -> dict:
    port = free_port()
    started = time.perf_counter()
    proc = start_server(kind, var, port)
    memory = MemoryPeak(proc.pid)
    memory.start()
    out = {"endpoints": {}}
    try:
        session = login(port, OFFICER, password) if password else None
        kinds = ["search", "track"] + (["queue"] if session else [])
        for name in kinds:
            make = requests_for(name, codes, session)
            first = None
            if name == "track":  # every answer computed once (and kept, when cached)
                cpu = server_cpu(proc.pid)
                first = each_once(port, make, len(codes), CONNECTIONS)
                first.cpu_ms = (server_cpu(proc.pid) - cpu) * 1000 / max(first.count, 1)
                print(
                    f"  {kind:4} {name:6} lần đầu {len(codes)} mã: {line(first)}, "
                    f"CPU {first.cpu_ms:4.1f} ms/yc",
                    flush=True,
                )
            saturate(port, make, 0.8, CONNECTIONS)  # warm every worker
            serial = saturate(port, make, min(2.0, SECONDS), 1)  # one client, one at a time
            cpu = server_cpu(proc.pid)
            sat = in_processes("saturate", port, name, codes, session, connections=CONNECTIONS)
            sat.cpu_ms = (server_cpu(proc.pid) - cpu) * 1000 / max(sat.count, 1)
            rate, _ = TARGETS[name]
            pace = in_processes("paced", port, name, codes, session, rate=rate)
            out["endpoints"][name] = {
                "saturated": sat,
                "paced": pace,
                "serial": serial,
                "first": first,
            }
            print(
                f"  {kind:4} {name:6} 1 kết nối p50 {serial.pct(50):5.1f} ms | "
                f"{line(sat)}, CPU {sat.cpu_ms:4.1f} ms/yc (máy tạo tải "
                f"{sat.client_cpu_ms:.1f}) | "
                f"{rate}/s: {line(pace)}",
                flush=True,
            )
    finally:
        memory.stop.set()
        memory.join()
        stop_server(proc)
        _redis_forget(kind)
    out["seconds"] = time.perf_counter() - started
    out["memory"] = (memory.rss, memory.pss, memory.processes)
    out["login"] = bool(session)
    return out


def line(r: Result) -> str:
    errors = f", lỗi {r.errors} {dict(sorted(r.statuses.items()))}" if r.errors else ""
    return f"{r.rate():7.1f} yc/s, p50 {r.pct(50):6.1f} ms, p99 {r.pct(99):7.1f} ms{errors}"


def main() -> None:
    cores = os.cpu_count() or 1
    print(f"Máy: {cores} lõi, tải trung bình {os.getloadavg()[0]:.2f} (1 phút) lúc bắt đầu")
    print(
        f"CSDL: {'PostgreSQL' if PG else 'SQLite'}; bộ nhớ đệm: "
        f"{'Redis ' + REDIS_URL if REDIS_URL else 'trong tiến trình'}, câu trả lời công khai "
        f"{'giữ trong bộ nhớ đệm' if PUBLIC_CACHE == '1' else 'tính mỗi lần'}; "
        f"mỗi pha {SECONDS:g} s"
    )
    var = prepare_var()
    try:
        codes = tracked_codes(var)
        password = demo_password(var)
        if not password:
            print("(không thấy mật khẩu tài khoản mẫu: bỏ qua hàng đợi của cán bộ)")
        print(f"{len(codes)} mã hồ sơ để tra cứu\n")
        runs = {}
        for kind in ("prod", "dev"):
            runs[kind] = bench_server(kind, var, codes, password)
    finally:
        shutil.rmtree(var, ignore_errors=True)
        for kind in ("prod", "dev", "setup"):  # workers may finish a backlog after the stop
            _redis_forget(kind)

    print("\nKết quả (yc/s bão hòa với", CONNECTIONS, "kết nối; p99 ở tốc độ mục tiêu):")
    missed = []
    for name, (rate, p99_target) in TARGETS.items():
        if name not in runs["prod"]["endpoints"]:
            continue
        prod, dev = runs["prod"]["endpoints"][name], runs["dev"]["endpoints"][name]
        ratio = prod["saturated"].rate() / max(dev["saturated"].rate(), 0.001)
        p99 = prod["paced"].pct(99)
        achieved = prod["paced"].rate()
        ok = p99 < p99_target and prod["paced"].errors == 0 and achieved >= 0.95 * rate
        print(
            f"  {name:6} prod/dev = {ratio:4.1f}× ({prod['saturated'].rate():.0f} / "
            f"{dev['saturated'].rate():.0f} yc/s; CPU máy chủ {prod['saturated'].cpu_ms:.1f} / "
            f"{dev['saturated'].cpu_ms:.1f} ms/yc; 1 kết nối p50 {prod['serial'].pct(50):.1f} / "
            f"{dev['serial'].pct(50):.1f} ms); ở {rate}/s: prod p99 {p99:.1f} ms, dev p99 "
            f"{dev['paced'].pct(99):.1f} ms — mục tiêu p99 < {p99_target} ms, 0 lỗi: "
            f"{'ĐẠT' if ok else 'CHƯA ĐẠT'}"
        )
        if prod["first"] is not None:
            print(
                f"         lần đầu mỗi mã (câu trả lời được tính): CPU máy chủ "
                f"{prod['first'].cpu_ms:.1f} / {dev['first'].cpu_ms:.1f} ms/yc, "
                f"{prod['first'].rate():.0f} / {dev['first'].rate():.0f} yc/s"
            )
        cores_needed = rate * prod["saturated"].cpu_ms / 1000
        print(
            f"         {rate}/s × {prod['saturated'].cpu_ms:.1f} ms CPU = {cores_needed:.2f} lõi "
            f"cho máy chủ web (máy có {cores} lõi; chưa kể CSDL, Redis và máy tạo tải)"
        )
        if not ok:
            missed.append(name)
    for kind, run in runs.items():
        rss, pss, n = run["memory"]
        print(
            f"  bộ nhớ đỉnh {kind}: {n} tiến trình, RSS {rss / 1024:.0f} MiB, "
            f"PSS {pss / 1024:.0f} MiB; chạy {run['seconds']:.0f} s"
        )
    load = os.getloadavg()
    print(
        f"Tải trung bình lúc kết thúc: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}, {cores} lõi"
    )
    if missed:
        print(f"CHƯA ĐẠT mục tiêu: {', '.join(missed)} (máy dùng chung; xem docs/operations.md)")


if __name__ == "__main__":
    main()
