"""The environment picks the deployment: nothing set is one machine; each variable switches
one part to its shared service (read in a fresh process, as a server would)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.deploy.conftest import motcua_env

pytestmark = pytest.mark.django_db  # only for the suite's session fixtures

SHOW = """
import json, logging, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from django.db import router
from motcua.core.db import using_replica
from motcua.dossiers.models import Dossier
with using_replica():
    read = router.db_for_read(Dossier)
logging.getLogger("motcua.demo").warning("xin chào")
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "sessions": settings.SESSION_ENGINE,
    "storage": type(storages["default"]).__name__,
    "storage_options": settings.STORAGES["default"].get("OPTIONS", {}),
    "databases": sorted(settings.DATABASES),
    "replica_read": read,
    "replica_write": router.db_for_write(Dossier),
}))
"""


def show(var_dir, **env) -> tuple[dict, str]:
    done = subprocess.run(
        [sys.executable, "-c", SHOW],
        env=motcua_env(var_dir, **env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_nothing_set_is_one_machine(var_dir):
    got, stderr = show(var_dir)
    assert got["cache"].endswith("LocMemCache")
    assert got["sessions"] == "django.contrib.sessions.backends.db"
    assert got["storage"] == "CheckedStorage"  # the file system, uploads checked by content
    assert got["databases"] == ["default"] and got["replica_read"] in (None, "default")
    assert "WARNING motcua.demo [] xin chào" in stderr  # plain lines for a console


def test_redis_s3_replica_and_json_logs_when_configured(var_dir):
    got, stderr = show(
        var_dir,
        MOTCUA_REDIS_URL="redis://127.0.0.1:6379/3",
        MOTCUA_S3_BUCKET="motcua-ho-so",
        MOTCUA_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        MOTCUA_S3_ACCESS_KEY="khoa",
        MOTCUA_S3_SECRET_KEY="bi-mat",
        MOTCUA_REPLICA_URL=f"sqlite:///{var_dir / 'replica.sqlite3'}",
        MOTCUA_LOG_FORMAT="json",
    )
    assert got["cache"] == "motcua.core.cache.RedisCache"
    assert got["cache_location"] == "redis://127.0.0.1:6379/3"
    assert got["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert got["storage"] == "CheckedS3Storage"  # S3, uploads checked by content
    options = got["storage_options"]
    assert options["bucket_name"] == "motcua-ho-so" and options["default_acl"] == "private"
    assert options["querystring_auth"] is True and options["querystring_expire"] <= 600
    assert got["databases"] == ["default", "replica"]
    assert got["replica_read"] == "replica" and got["replica_write"] in (None, "default")
    line = json.loads(stderr.strip().splitlines()[-1])
    assert line["message"] == "xin chào" and line["level"] == "WARNING"
    assert line["logger"] == "motcua.demo" and line["request_id"] == ""
