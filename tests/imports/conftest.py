"""A history made once per session by another process (its own SQLite file), through the
real services, and exported: the tests import it into their own database."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import built_once

ROOT = Path(__file__).resolve().parents[2]
N = 30


def run_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        MOTCUA_VAR_DIR=str(var_dir),
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="motcua.settings",
    )
    return env


@pytest.fixture(scope="session")
def source(tmp_path_factory, migrated_sqlite) -> dict[str, Path]:
    """The history, made once per run (the xdist workers share it); read-only for tests."""

    def build(folder: Path) -> None:
        (folder / "var").mkdir()
        shutil.copy2(migrated_sqlite, folder / "var" / "motcua.sqlite3")  # migrate: no-op
        history, rows = folder / "history.csv", folder / "dossiers.json"
        subprocess.run(
            [sys.executable, "-m", "motcua.imports.sample", "history", str(N), history, rows],
            env=run_env(folder / "var"),
            check=True,
            timeout=600,
        )

    folder = built_once(tmp_path_factory, "import-source", build)
    return {"history": folder / "history.csv", "rows": folder / "dossiers.json", "folder": folder}


@pytest.fixture
def world(db):
    from motcua.imports.sample import build_world

    return build_world()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    from motcua.imports.format import COLUMNS

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def load_rows(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))
