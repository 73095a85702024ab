"""What the work queue keeps in the shared cache (``dossiers.queue_cache``): the tab counts and
the unit trees are kept between requests, dropped at once by the change that makes them
wrong, and never show an officer a dossier or a count of a unit they cannot see.

Every test runs with a per-process cache (``locmem``) and with Redis (DB 13 of the local
server, a key prefix of its own)."""

from __future__ import annotations

import os
import re
import uuid

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.selectors import queue_counts_kept
from motcua.organization.models import Role
from tests.dossiers.conftest import receive

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("MOTCUA_TEST_QUEUE_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(params=["locmem", "redis"])
def kept(request, settings):
    prefix = f"motcua-queue-{uuid.uuid4().hex[:8]}"
    if request.param == "redis":
        backend = {"BACKEND": "motcua.core.cache.RedisCache", "LOCATION": REDIS_URL}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    settings.CACHES = {"default": {**backend, "KEY_PREFIX": prefix}}
    settings.MOTCUA_PUBLIC_CACHE = True
    yield request.param
    if request.param == "locmem":
        caches["default"].clear()
    else:
        server = redis.Redis.from_url(REDIS_URL)
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
    caches["default"].close()


def _todo(client) -> int:
    page = client.get("/can-bo/", {"queue": "todo"}).content.decode()
    return int(re.search(r"Cần xử lý <span[^>]*>(\d+)</span>", page).group(1))


def _counts_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/can-bo/", {"queue": "todo"}).status_code == 200
    return sum("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_the_tab_counts_are_kept_until_a_dossier_changes(
    kept, client, world, django_capture_on_commit_callbacks
):
    # given two dossiers and the counts kept by a first visit
    with django_capture_on_commit_callbacks(execute=True):
        receive(world)
        receive(world)
    client.force_login(world.leader)
    assert _todo(client) == 2
    assert _counts_queries(client) == 0  # the second visit reads them from the cache
    # when a third dossier is received (its event commits)
    with django_capture_on_commit_callbacks(execute=True):
        code = receive(world).code
    # then the next visit counts again, and shows it at once
    assert _todo(client) == 3
    assert code in client.get("/can-bo/", {"queue": "todo"}).content.decode()


def test_the_kept_counts_are_each_officers_own(
    kept, client, world, django_capture_on_commit_callbacks
):
    # given dossiers at the first commune only, counted for its leader
    with django_capture_on_commit_callbacks(execute=True):
        mine = receive(world)
        receive(world)
    client.force_login(world.leader)
    assert _todo(client) == 2
    # when the other commune's leader opens the queue
    client.force_login(world.other_leader)
    page = client.get("/can-bo/", {"queue": "todo"}).content.decode()
    # then none of it shows there: neither the count nor a dossier
    assert _todo(client) == 0 and mine.code not in page
    assert queue_counts_kept(user=world.other_leader, scope="unit")["todo"] == 0
    # and "mine" is counted per officer (the specialist holds none of them yet)
    assert queue_counts_kept(user=world.specialist, scope="mine")["todo"] == 0
    assert queue_counts_kept(user=world.leader, scope="unit")["todo"] == 2


def test_a_unit_moved_out_of_a_tree_takes_its_dossiers_away_at_once(
    kept, client, world, make_unit, make_user, django_capture_on_commit_callbacks
):
    # given a district above the first commune, whose leader sees the commune's dossiers
    district = make_unit("UBND huyện Một", kind="district")
    with django_capture_on_commit_callbacks(execute=True):
        world.commune.parent = district
        world.commune.save(update_fields=["parent"])
        code = receive(world).code
    district_leader = make_user(Role.UNIT_LEADER, unit=district)
    client.force_login(district_leader)
    assert code in client.get("/can-bo/").content.decode()
    assert _todo(client) == 1
    # when the commune is moved under the province again (a unit row saved, as the admin does)
    with django_capture_on_commit_callbacks(execute=True):
        world.commune.parent = world.other.parent
        world.commune.save(update_fields=["parent"])
    # then the district's leader (a new request: roles are read again) no longer sees them
    client.force_login(district_leader)
    assert code not in client.get("/can-bo/").content.decode()
    assert _todo(client) == 0
    assert client.get(f"/can-bo/ho-so/{code}/").status_code in (403, 404)
