"""Two application servers on one database, under concurrent load.

Two `motcua serve` processes (gunicorn, two workers each) share one database: the SQLite
file of a var/ directory by default, the test database when DATABASE_URL is PostgreSQL.
Officers take in dossiers through both (each intake retried on the other server with the
same Idempotency-Key, as a client does after a lost answer) and race each other on both
servers for the next action of every dossier, while citizens look dossiers up on both.
Afterwards: no server error, one dossier per key, exactly one winner per race, every
dossier's history is received → transferred → self-assigned with seq 1, 2, 3 (nothing
lost, nothing twice), and `motcua ledger verify` finds the ledger whole.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from urllib.parse import quote

import pytest
from django.db import connection

from tests.deploy.conftest import SRC, free_port, motcua_env, wait_for
from tests.deploy.two_servers_world import APPLICANT, PHONE4

pytestmark = pytest.mark.django_db(transaction=True)  # PostgreSQL: the children use it

DOSSIERS = 12
RUN = (
    "import sys, django; django.setup(); "
    "from tests.deploy.two_servers_world import main; main(sys.argv[1:])"
)


def _database_url() -> str | None:
    """The test database for the children on PostgreSQL; None on SQLite (a file instead)."""
    if connection.vendor != "postgresql":
        return None
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def env(var_dir, migrated_sqlite_or_none, collected_static) -> dict:
    shutil.copytree(collected_static, var_dir / "static")
    url = _database_url()
    extra = {"DATABASE_URL": url} if url else {}
    if not url:
        shutil.copy2(migrated_sqlite_or_none(), var_dir / "motcua.sqlite3")
    env = motcua_env(var_dir, **extra)
    env["PYTHONPATH"] = f"{SRC}{os.pathsep}{SRC.parent}"
    return env


@pytest.fixture
def migrated_sqlite_or_none(request):
    """The session's migrated SQLite file, made only when the test runs on SQLite."""
    return lambda: request.getfixturevalue("migrated_sqlite")


def _child(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", RUN, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _answer(child: subprocess.Popen) -> dict:
    out, err = child.communicate(timeout=180)
    assert child.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def _serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "motcua.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return proc, f"http://127.0.0.1:{port}"


def call(method: str, url: str, body=None, **headers: str) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw or b"{}")
    except ValueError:
        return status, {"page": raw[:200].decode(errors="replace")}


def race(*calls) -> list[tuple[int, dict]]:
    """The calls released together, one thread each; their (status, body)."""
    barrier = threading.Barrier(len(calls))
    out: list = [None] * len(calls)

    def run(i, fn):
        barrier.wait(timeout=30)
        out[i] = fn()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_two_servers_on_one_database_lose_and_duplicate_no_event(env):
    started = time.monotonic()
    marks = {}
    # the province is built while both servers start (the static files are collected)
    seeding = _child(env, "seed")
    (first, a), (second, b) = _serve(env), _serve(env)
    try:
        world = _answer(seeding)
        marks["seed"] = time.monotonic() - started
        desk = {"Authorization": f"Bearer {world['tokens']['desk_officer']}"}
        specialist = {"Authorization": f"Bearer {world['tokens']['specialist']}"}
        wait_for(f"{a}/thu-tuc/", first)
        wait_for(f"{b}/thu-tuc/", second)
        servers = (a, b)
        marks["servers"] = time.monotonic() - started
        codes: list[str] = []
        statuses: Counter = Counter()
        winners: Counter = Counter()
        lock, officers_done = threading.Lock(), threading.Event()

        def flow(i: int) -> None:
            here, there = servers[i % 2], servers[(i + 1) % 2]
            key = f"hai-may-{i:03d}-{uuid.uuid4().hex[:12]}"
            intake = {"procedure": world["procedure"], "applicant": APPLICANT}
            status, body = call("POST", f"{here}/api/dossiers", intake, Idempotency_Key=key, **desk)
            # the client's retry after a lost answer goes to the other server
            again, retried = call(
                "POST", f"{there}/api/dossiers", intake, Idempotency_Key=key, **desk
            )
            with lock:
                statuses[("intake", status)] += 1
                statuses[("intake-retry", again)] += 1
            assert status == 201, body
            assert again == 200 and retried["code"] == body["code"], retried
            code, version = body["code"], body["version"]
            with lock:
                codes.append(code)
            actions = f"/api/dossiers/{code}/actions"
            for action, payload, auth in (
                ("transfer", {"version": version}, desk),
                ("self_assign", {}, specialist),
            ):
                outcomes = race(
                    *(
                        lambda s=s, url=f"{actions}/{action}", data=payload, auth=auth: call(
                            "POST", f"{s}{url}", data, **auth
                        )
                        for s in servers
                    )
                )
                with lock:
                    for s, _ in outcomes:
                        statuses[(action, s)] += 1
                    winners[(code, action)] = sum(s == 200 for s, _ in outcomes)

        def look_ups(n: int) -> None:
            turn = n
            while not officers_done.is_set() or turn < n + 8:
                turn += 1
                server = servers[turn % 2]
                with lock:
                    code = codes[turn % len(codes)] if codes else None
                if code is None:
                    status, _ = call("GET", f"{server}/api/procedures?q=khai+sinh")
                    kind = "search"
                else:
                    status, body = call(
                        "POST", f"{server}/api/portal/track", {"code": code, "phone4": PHONE4}
                    )
                    kind = "track"
                    assert status != 200 or body["code"] == code
                with lock:
                    statuses[(kind, status)] += 1

        officers = [threading.Thread(target=flow, args=(i,)) for i in range(DOSSIERS)]
        citizens = [threading.Thread(target=look_ups, args=(n,)) for n in range(4)]
        for t in officers + citizens:
            t.start()
        for t in officers:
            t.join()
        officers_done.set()
        for t in citizens:
            t.join()
        marks["load"] = time.monotonic() - started
    finally:
        for proc in (first, second):
            # every answer is in: nothing is left to finish (a graceful stop takes seconds)
            os.killpg(proc.pid, signal.SIGKILL)
        for proc in (first, second):
            proc.wait(timeout=60)
        marks["stopped"] = time.monotonic() - started

    # no server error anywhere, every look-up answered
    assert not [k for k in statuses if k[1] >= 500], statuses
    assert statuses[("track", 200)] >= 8 and not [
        k for k in statuses if k[0] in ("track", "search") and k[1] != 200
    ], statuses
    # every dossier taken in once; each race has exactly one winner, the loser a 409
    assert len(codes) == DOSSIERS, statuses
    assert statuses[("intake", 201)] == statuses[("intake-retry", 200)] == DOSSIERS
    assert set(winners.values()) == {1} and len(winners) == 2 * DOSSIERS
    assert statuses[("transfer", 409)] == statuses[("self_assign", 409)] == DOSSIERS
    # the database holds exactly what the servers answered: no lost, no duplicated event
    report = _answer(_child(env, "report"))
    assert report["dossiers"] == DOSSIERS
    for code in codes:
        history = report["events"][code]
        assert [seq for seq, _ in history] == [1, 2, 3], history
        assert [action.rsplit(".", 1)[-1] for _, action in history] == [
            "received",
            "transferred",
            "self_assigned",
        ]
    # and the ledger verifies (`motcua ledger verify`, run by the report child)
    assert report["verified"] == 0 and "Sổ cái toàn vẹn" in report["verify"], report["verify"]
    marks["checked"] = time.monotonic() - started
    print(f"two servers: {sum(statuses.values())} requests; seconds since start: {marks}")
