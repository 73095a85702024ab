"""`motcua serve` is the production server: gunicorn workers, hashed and compressed static
files, a request id on every answer; Django's development server only with --dev."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

from motcua.core.management.commands.serve import default_workers, gunicorn_options
from tests.deploy.conftest import free_port, motcua, motcua_env, wait_for

# The child processes have their own databases; the mark only lets the suite's session
# fixtures (which need the test database) run when this file is run alone.
pytestmark = pytest.mark.django_db


def fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


def test_serve_runs_gunicorn_with_hashed_compressed_static_files(var_dir):
    # given a migrated SQLite database in its own var/
    env = motcua_env(var_dir)
    motcua("migrate", "--noinput", env=env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # when `motcua serve` starts
    proc = subprocess.Popen(
        [sys.executable, "-m", "motcua.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
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
        output, _ = proc.communicate(timeout=30)
    assert "Starting gunicorn" in output and "Using worker: sync" in output
    assert output.count("Booting worker") >= 2


def test_a_second_start_without_changes_does_not_collect_again(var_dir):
    from motcua.core.management.commands import serve

    env = motcua_env(var_dir)
    code = "from motcua.core.management.commands.serve import collect_static_if_changed as c; print(c())"
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    second = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split()[-1] == "True" and second.stdout.split()[-1] == "False"
    assert (var_dir / "static" / serve.STAMP).exists()


def test_workers_are_sized_from_the_cores_and_threads_switch_the_worker_class(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert default_workers() == 2 * os.cpu_count() + 1
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert default_workers() == 3
    sync = gunicorn_options(host="10.0.0.5", port="80", workers=3, threads=1, max_requests=100)
    assert sync["worker_class"] == "sync" and sync["bind"] == "10.0.0.5:80"
    assert sync["preload_app"] and sync["max_requests_jitter"] == 10
    threaded = gunicorn_options(host="h", port="1", workers=1, threads=4, max_requests=0)
    assert threaded["worker_class"] == "gthread"


def test_dev_runs_djangos_development_server(var_dir):
    env = motcua_env(var_dir, MOTCUA_ENV="development", DEBUG="1")
    motcua("migrate", "--noinput", env=env)
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
