"""Killed with SIGKILL in the middle of an import, the same command continues where it
stopped; the result is identical to an uninterrupted run (the platform's own export of it
equals the source file byte for byte)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys

from tests.imports.conftest import N, run_env


def _motcua(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "motcua.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )


def test_killed_import_resumes_to_the_identical_result(db, source, tmp_path):
    env = run_env(tmp_path / "var")
    subprocess.run(
        [sys.executable, "-m", "motcua.imports.sample", "world"], env=env, check=True, timeout=600
    )
    # given an import in batches of 3 (10 batches), killed after a random number of them
    after = random.Random().randint(1, 8)  # noqa: S311 - a random point, not a secret
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "motcua.cli",
            "import",
            "history",
            str(source["history"]),
            "--batch",
            "3",
            "--pause",
            "0.3",
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    seen = []
    for line in process.stdout:
        seen.append(line)
        if len(seen) == after:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    assert seen[-1].startswith(f"Lô {after}: ")
    # when the same command runs again
    resumed = _motcua(env, "import", "history", str(source["history"]), "--batch", "3")
    assert resumed.returncode == 0, resumed.stderr
    # then it imports only what had not committed, and finishes the file
    done = int(seen[-1].split()[2].split("/")[0])
    assert done >= after * 3
    assert f"lần này nhập {N - done} hồ sơ" in resumed.stdout
    assert f"tổng của tệp {N}/{N} hồ sơ" in resumed.stdout
    # and the result is the uninterrupted one: the export equals the source file
    again = tmp_path / "again.csv"
    assert _motcua(env, "export", "history", str(again)).returncode == 0
    assert again.read_bytes() == source["history"].read_bytes()
    # and the ledger verifies; a third run imports nothing
    verified = _motcua(env, "ledger", "verify")
    assert verified.returncode == 0 and "Sổ cái toàn vẹn." in verified.stdout
    third = _motcua(env, "import", "history", str(source["history"]))
    assert "đã được nhập đầy đủ: không nhập lại gì" in third.stdout
