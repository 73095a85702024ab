"""Helpers for the deployment tests: free ports, a `motcua` subprocess with its own var/."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.children import SRC, motcua, motcua_env  # noqa: F401 - re-exported
from tests.dossiers.conftest import world  # noqa: F401 - fixture re-exported


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
