"""Helpers for the deployment tests: free ports, a `motcua` subprocess with its own var/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import built_once
from tests.dossiers.conftest import world  # noqa: F401 - fixture re-exported

SRC = Path(__file__).resolve().parents[2] / "src"


def _add_replica_mirror() -> None:
    """A 'replica' alias that Django's test setup makes a mirror of the default database
    (what MOTCUA_REPLICA_URL configures in production). Reads go to it only where a test
    turns on settings.MOTCUA_REPLICA_ALIAS, so other tests are unaffected."""
    from django.conf import settings
    from django.db import connections

    replica = {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}
    settings.DATABASES.setdefault("replica", replica)
    if "settings" in connections.__dict__:  # already read: add it there as well
        configured = connections.configure_settings({"default": {}, "replica": replica})
        connections.settings.setdefault("replica", configured["replica"])


_add_replica_mirror()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def motcua_env(var_dir: Path, **extra: str) -> dict:
    """A production-like environment for a `motcua` child process, over plain HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL"))}
    env.update(
        PYTHONPATH=str(SRC),
        DJANGO_SETTINGS_MODULE="motcua.settings",
        MOTCUA_VAR_DIR=str(var_dir),
        MOTCUA_ENV="production",
        MOTCUA_HTTPS="0",
        DEBUG="0",
        SECRET_KEY="test-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    env.update(extra)
    return env


def motcua(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "motcua.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = "".join(stream.read() for stream in (proc.stdout, proc.stderr) if stream)
            raise AssertionError(f"the server stopped (code {proc.returncode}):\n{out}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.fixture
def var_dir(tmp_path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One migrated SQLite database file for the run's child processes (copy it)."""

    def build(var: Path) -> None:
        motcua("migrate", "--noinput", env=motcua_env(var), timeout=600)

    return built_once(tmp_path_factory, "migrated-sqlite", build) / "motcua.sqlite3"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """Static files collected once (as `motcua serve` does at its first start): copy this
    folder to a var/ as ``static`` so that servers started there collect nothing."""

    def build(var: Path) -> None:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from motcua.core.management.commands.serve "
                "import collect_static_if_changed as c; c()",
            ],
            env=motcua_env(var),
            check=True,
            capture_output=True,
            timeout=600,
        )

    return built_once(tmp_path_factory, "collected-static", build) / "static"
