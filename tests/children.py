"""Child processes of the tests: a `motcua` command with its own var/, a production-like
environment, and what the run builds once for them (a migrated SQLite file, static files)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


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


COLLECT_OUTPUT = "collect-only.out"


def collect_static(var: Path) -> None:
    """What `make run` does first: `motcua serve --collect-only` collects (and compresses) the
    static files into var/static and exits. Its output is kept in var/collect-only.out for
    tests/deploy/test_collect_only.py, which checks this very run (once per test run)."""
    done = motcua("serve", "--collect-only", env=motcua_env(var), timeout=600)
    (var / COLLECT_OUTPUT).write_text(done.stdout)
