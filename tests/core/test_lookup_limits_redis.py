"""The look-up guard (``core.throttle.failures_counted``) counting in Redis when Redis is the
cache: the same rules as in the database, windows kept by Redis, keys hashed, no row written."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

import pytest
import redis
from django.core.cache import caches

from motcua.core.errors import NotFound
from motcua.core.models import ThrottleCounter
from motcua.core.throttle import Limits, TooManyRequests, failures_counted

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    prefix = f"motcua-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "motcua.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis.from_url(REDIS_URL)
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    caches["default"].close()


def attempt(client: str, subject: str, limits: Limits, *, right: bool) -> str:
    try:
        with failures_counted(scope="t", client=client, subject=subject, limits=limits):
            if not right:
                raise NotFound("sai")
    except NotFound:
        return "404"
    except TooManyRequests:
        return "429"
    return "200"


def test_failures_count_right_answers_do_not_and_the_window_ends(redis_cache):
    server, prefix = redis_cache
    limits = Limits(per_client=2, per_subject=100, window=dt.timedelta(milliseconds=600))
    assert [attempt("10.1.1.1", "MA-1", limits, right=True) for _ in range(5)] == ["200"] * 5
    answers = [attempt("10.1.1.1", "MA-1", limits, right=False) for _ in range(3)]
    assert answers == ["404", "404", "429"]
    assert attempt("10.1.1.1", "MA-1", limits, right=True) == "429"  # refused, even right
    assert attempt("10.2.2.2", "MA-1", limits, right=True) == "200"  # another client
    # the counters live in Redis under hashed keys, with the window as their lifetime
    keys = [k.decode() for k in server.scan_iter(f"{prefix}:*")]
    assert keys and not any("10.1.1.1" in k or "MA-1" in k for k in keys)
    assert all(0 < server.pttl(k) <= 600 for k in keys)
    assert not ThrottleCounter.objects.exists()
    time.sleep(0.7)
    assert attempt("10.1.1.1", "MA-1", limits, right=True) == "200"  # the window ended


def test_a_code_under_attack_refuses_the_clients_that_failed_on_it_only(redis_cache):
    limits = Limits(per_client=100, per_subject=2, window=dt.timedelta(minutes=15))
    assert attempt("a", "MA-2", limits, right=False) == "404"
    assert attempt("b", "MA-2", limits, right=False) == "404"
    assert attempt("a", "MA-2", limits, right=True) == "429"
    assert attempt("owner", "MA-2", limits, right=True) == "200"
