"""Django's Redis cache, keeping one redis-py client per connection pool.

Django 5.2's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every
cache call (about 0.2 ms of CPU each: it copies the ~160 response callbacks), which was the
largest share of a cached public answer's time. A client object is thread-safe and keeps no
connection of its own (the pool does, and the pool starts afresh in a forked worker), so one
per pool is enough. Everything else is Django's backend as is.

``shared_cache`` and ``run_script`` are what the callers that need Redis itself use (the
look-up limits, the public answers): the default cache when it is Redis, and its Lua scripts
(one ``Script`` object per client and source, so that a script's digest is not worked out
again on every call).
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def shared_cache() -> RedisCache | None:
    """The default cache when it is Redis (shared by every process), else None."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache as AnyRedisCache

    cache = caches["default"]
    return cache if isinstance(cache, AnyRedisCache) else None  # type: ignore[return-value]


_scripts: dict[tuple[int, str], object] = {}


def run_script(source: str, keys: list[str], args: list) -> object:
    """Run a Lua script on the default cache's Redis, on its primary (EVALSHA; the script is
    loaded on first use). Callers check ``shared_cache()`` first.

    A script may read keys built from values it read (a public answer named by its token):
    fine on one Redis server or a primary with replicas, as Django's Redis cache is; not on a
    Redis Cluster."""
    client = shared_cache()._cache.get_client(write=True)  # type: ignore[union-attr]
    script = _scripts.get((id(client), source))
    if script is None:
        script = _scripts[(id(client), source)] = client.register_script(source)
    return script(keys=keys, args=args)  # type: ignore[operator]
