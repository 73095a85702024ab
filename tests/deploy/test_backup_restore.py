"""A backup is only a backup once restored: pg_dump the database, pg_restore it into a fresh
database, and the ledger of the copy verifies against the daily roots published before.

The commands are those of docs/operations.md. PostgreSQL only (deselected on SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from motcua.core.formats import vn_number
from motcua.ledger.models import Event
from motcua.ledger.services import daily_roots_build
from tests.deploy.conftest import motcua_env
from tests.dossiers.conftest import receive, to_specialist

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def pg_env() -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(PGHOST=db["HOST"] or "127.0.0.1", PGPORT=str(db["PORT"] or 5432))
    env["PGUSER"] = db["USER"] or "postgres"
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def test_a_dump_restored_into_a_fresh_database_verifies(world, client, tmp_path):
    # given a history whose daily roots were published (and saved by a citizen)
    dossier = receive(world)
    to_specialist(world, dossier)
    # sealed now: the units of the fixture were recorded today, after the dossier's days
    assert daily_roots_build(now=timezone.now())
    published = tmp_path / "roots.json"
    published.write_bytes(client.get("/api/ledger/roots").content)
    assert json.loads(published.read_bytes())
    events = Event.objects.count()
    assert events >= 3
    env = pg_env()
    dump = tmp_path / "motcua.dump"
    restored = f"motcua_restore_{uuid.uuid4().hex[:12]}"
    # when the database is dumped, and restored into a new one
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", connection.settings_dict["NAME"]],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(["createdb", restored], env=env, check=True, capture_output=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", f"--dbname={restored}", str(dump)],
            env=env,
            check=True,
            capture_output=True,
        )
        url = f"postgres://{env['PGUSER']}:{env.get('PGPASSWORD', '')}@{env['PGHOST']}:{env['PGPORT']}/{restored}"
        var = tmp_path / "var"
        var.mkdir()
        verify = subprocess.run(
            [sys.executable, "-m", "motcua.cli", "ledger", "verify", "--published", str(published)],
            # the backup includes the checkpoint signing key (docs/operations.md)
            env=motcua_env(
                var,
                DATABASE_URL=url,
                MOTCUA_LEDGER_SIGNING_KEY_FILE=str(settings.LEDGER_SIGNING_KEY_FILE),
            ),
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        subprocess.run(["dropdb", "--if-exists", restored], env=env, check=False)
    # then the copy holds every event and its ledger is whole
    assert verify.returncode == 0, verify.stderr
    assert "Sổ cái toàn vẹn." in verify.stdout
    assert f"Đã kiểm tra {vn_number(events)} sự kiện" in verify.stdout
