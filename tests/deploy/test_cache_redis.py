"""Redis as the shared cache and session store (MOTCUA_REDIS_URL), against the local Redis.

Redis runs on this machine and in CI: these tests are never skipped."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis
from django.core.cache import caches

REDIS_URL = "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    prefix = f"motcua-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    server = redis.Redis.from_url(REDIS_URL)
    yield caches["default"], server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    caches["default"].close()


def test_the_cache_is_redis_shared_by_every_client(redis_cache):
    cache, server, prefix = redis_cache
    cache.set("thu-tuc:1.000001", {"ten": "Cấp giấy phép xây dựng"}, timeout=60)
    assert server.exists(f"{prefix}:1:thu-tuc:1.000001")  # stored in Redis, not in this process
    assert cache.get("thu-tuc:1.000001") == {"ten": "Cấp giấy phép xây dựng"}
    assert 0 < server.ttl(f"{prefix}:1:thu-tuc:1.000001") <= 60


def test_counters_are_atomic_under_concurrent_increments(redis_cache):
    cache, _, _ = redis_cache
    cache.set("dem", 0, timeout=60)
    barrier = threading.Barrier(8)

    def bump():
        barrier.wait()
        for _ in range(50):
            cache.incr("dem")

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("dem") == 400


def test_a_login_session_is_kept_in_redis_and_the_database(client, redis_cache, make_user):
    from django.contrib.sessions.models import Session

    _, server, prefix = redis_cache
    user = make_user(username="canbo.redis", password="Mk-kiem-thu-2026")
    assert (
        client.post(
            "/dang-nhap/", {"username": "canbo.redis", "password": "Mk-kiem-thu-2026"}
        ).status_code
        == 302
    )
    key = client.cookies["sessionid"].value
    assert any(server.scan_iter(f"{prefix}:*{key}"))  # read from Redis first ...
    assert Session.objects.filter(session_key=key).exists()  # ... and kept in the database
    assert client.get("/can-bo/").wsgi_request.user == user


def test_with_redis_the_try_counter_counts_in_redis(redis_cache):
    from motcua.core.models import ThrottleCounter
    from motcua.core.throttle import over_limit

    _, server, prefix = redis_cache
    assert [over_limit("dem:10.0.0.1", limit=2, window=60) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    assert int(server.get(f"{prefix}:1:dem:10.0.0.1")) == 3  # shared by every process
    assert not ThrottleCounter.objects.exists()  # and no database row written
