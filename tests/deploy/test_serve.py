"""`motcua serve` is the production server: gunicorn workers, hashed and compressed static
files, a request id on every answer; Django's development server only with --dev."""

from __future__ import annotations

import gc
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from motcua.core.management.commands.serve import (
    STAMP,
    default_threads,
    default_workers,
    gunicorn_options,
)
from tests.deploy.conftest import free_port, motcua_env, wait_for

# The child processes have their own databases; the mark only lets the suite's session
# fixtures (which need the test database) run when this file is run alone.
pytestmark = pytest.mark.django_db


@pytest.fixture
def served_var(var_dir, migrated_sqlite, collected_static) -> Path:
    """A var/ with the run's migrated database and collected static files (copies):
    collecting is what test_collect_only checks; here the server starts without it."""
    shutil.copy2(migrated_sqlite, var_dir / "motcua.sqlite3")
    shutil.copytree(collected_static, var_dir / "static")
    return var_dir


COLLECT = (
    "from motcua.core.management.commands.serve import collect_static_if_changed as c; print(c())"
)


def fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


def test_serve_runs_gunicorn_with_hashed_compressed_static_files(served_var):
    # given a migrated SQLite database in its own var/
    var_dir = served_var
    env = motcua_env(var_dir, MOTCUA_LOG_FORMAT="json")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # when `motcua serve` starts
    proc = subprocess.Popen(
        [sys.executable, "-m", "motcua.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(f"{base}/thu-tuc/", proc)
        # then pages come from gunicorn and carry a request id
        status, headers, body = fetch(
            f"{base}/thu-tuc/?q=cap+giay", **{"X-Request-ID": "req-12345678"}
        )
        assert status == 200 and headers["Server"] == "gunicorn"
        assert headers["X-Request-ID"] == "req-12345678"
        # and name the hashed copy of each static file
        page = body.decode()
        css = re.search(r"/static/core/site\.([0-9a-f]{12})\.css", page)
        assert css, "the page names the hashed stylesheet"
        assert "/static/core/site.css" not in page
        # served compressed (brotli, else gzip) and cacheable for ever
        for encoding in ("br", "gzip"):
            status, headers, body = fetch(f"{base}{css.group(0)}", **{"Accept-Encoding": encoding})
            assert status == 200 and headers["Content-Encoding"] == encoding
            assert "immutable" in headers["Cache-Control"]
        status, headers, plain = fetch(f"{base}{css.group(0)}")
        assert "Content-Encoding" not in headers and b"{" in plain
        # collectstatic ran once, into var/static, with a manifest
        assert (var_dir / "static" / "staticfiles.json").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=30)
    assert "gunicorn: http://127.0.0.1" in stdout and "2 tiến trình" in stdout
    # every log line, gunicorn's included, is one JSON object
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    messages = [line["message"] for line in lines if line["logger"] == "gunicorn.error"]
    assert any(m.startswith("Starting gunicorn") for m in messages)
    assert "Using worker: gthread" in messages  # threaded workers by default
    assert sum(m.startswith("Booting worker") for m in messages) >= 2
    requests = [line for line in lines if line["logger"] == "motcua.request"]
    assert {"req-12345678"} <= {line["request_id"] for line in requests}
    assert all("?" not in line["path"] for line in requests)
    # a second start without changes to the static files does not collect them again
    assert (var_dir / "static" / STAMP).exists()
    again = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + COLLECT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert again.stdout.split()[-1] == "False"


def test_workers_are_sized_from_the_cores_and_threads_switch_the_worker_class(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("MOTCUA_WEB_THREADS", raising=False)
    assert default_threads() == 4
    assert default_workers() == os.cpu_count() + 1  # threaded by default
    assert default_workers(threads=1) == 2 * os.cpu_count() + 1  # sync workers
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert default_workers() == 3
    sync = gunicorn_options(host="10.0.0.5", port="80", workers=3, threads=1, max_requests=100)
    assert sync["worker_class"] == "sync" and sync["bind"] == "10.0.0.5:80"
    assert sync["preload_app"] and sync["max_requests_jitter"] == 10
    threaded = gunicorn_options(host="h", port="1", workers=1, threads=4, max_requests=0)
    assert threaded["worker_class"] == "gthread"
    # the application's objects are frozen before each fork (out of the workers' collections)
    had = gc.get_freeze_count()
    try:
        threaded["pre_fork"](None, None)
        assert gc.get_freeze_count() > 0
    finally:
        if not had:
            gc.unfreeze()


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], {}, ("gthread", 4, "cores+1")),
        (["--threads", "1"], {}, ("sync", 1, "2cores+1")),
        (["--workers", "2", "--threads", "8"], {}, ("gthread", 8, 2)),
        ([], {"MOTCUA_WEB_THREADS": "2", "WEB_CONCURRENCY": "5"}, ("gthread", 2, 5)),
    ],
)
def test_the_serve_command_builds_threaded_workers_sized_from_the_cores(
    monkeypatch, args, env, expected
):
    from django.core.management import call_command

    from motcua.core.management.commands import serve

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("MOTCUA_WEB_THREADS", raising=False)
    monkeypatch.delenv("MOTCUA_STATIC_HASHED", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    built = []
    monkeypatch.setattr(serve, "run_gunicorn", built.append)
    call_command("serve", "--no-collectstatic", "--port", "8123", *args, stdout=io.StringIO())
    [options] = built
    worker_class, threads, workers = expected
    cores = os.cpu_count()
    workers = {"cores+1": cores + 1, "2cores+1": 2 * cores + 1}.get(workers, workers)
    assert (options["worker_class"], options["threads"], options["workers"]) == (
        worker_class,
        threads,
        workers,
    )
    assert options["bind"] == "127.0.0.1:8123" and options["keepalive"] > 0


def test_dev_runs_djangos_development_server(served_var):
    env = motcua_env(served_var, MOTCUA_ENV="development", DEBUG="1")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "motcua.cli", "serve", "--dev", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/thu-tuc/", proc)
        _, headers, _ = fetch(f"http://127.0.0.1:{port}/thu-tuc/")
        assert headers["Server"].startswith("WSGIServer")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=30)
