"""Limits on guessing: atomic counters of failed tries, per client first.

A public look-up (a dossier code plus the last 4 digits of the applicant's phone) runs
inside ``lookup_guard``::

    with lookup_guard(subject=code, client=client_address(request)):
        dossier = find_it_or_raise_not_found(...)

The guard *reserves* one failure under three keys before the look-up (the client, the
subject, and the pair client + subject), in one short transaction that locks the key rows
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite takes its write lock at ``BEGIN IMMEDIATE``),
so parallel tries cannot all read "under the limit" and then all go through. A look-up that
succeeds gives its reservation back (``failures - 1`` in SQL); one that fails (``NotFound``,
``PermissionDenied``) keeps it. So only failures count, and the limit holds exactly however
many requests arrive together.

A try is refused (429) when

- the client already failed ``per_client`` times in the window (any subject), or
- the subject already failed ``per_subject`` times in the window (from any clients) *and*
  this client is one of those that failed on it.

The second rule stops many addresses from probing one code together (each address gets one
wrong guess while the code is under attack) without locking out the owner: a client that
never failed on the code gets its answer. Each key's window starts at its first failure and
ends ``window`` later (then the count starts again from zero).

Keys are HMACs of the values (no address or code is stored in clear). Nothing here knows a
domain: the callers say what the subject is.

With Redis as the cache (``MOTCUA_REDIS_URL``) the same counters live in Redis: the
reservation is one Lua script (read the three counts, refuse or add one to each, start a
key's window when it goes from 0 to 1) and the give-back another, each atomic in Redis, so
no database row is read or written on a look-up (``now`` is then ignored: Redis keeps the
windows' time). A give-back after the key's window ended and a new one began is not
distinguished from one in the same window (the database's rows are): it can forgive one
failure of a window 15 minutes later at most.

``counted_answer`` joins the guard to a public answer kept in the cache
(``core.public_cache``): one Lua script reads the three counts, the answer's generation and
the kept answer, so a citizen checking a kept answer again costs one Redis round trip (it was
four: reserve, token, answer, give back). A kept answer is a right answer: nothing is counted
for it, as the guard would have reserved and given back.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from motcua.core import public_cache
from motcua.core.cache import run_script, shared_cache
from motcua.core.errors import CoreError, DomainError, NotFound, PermissionDenied
from motcua.core.models import ThrottleCounter


class TooManyRequests(DomainError):
    code: str = CoreError.RATE_LIMITED
    status = 429
    default_message = "Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau ít phút."


@dataclass(frozen=True)
class Limits:
    per_client: int
    per_subject: int
    window: dt.timedelta


def lookup_limits() -> Limits:
    """The limits of look-ups by code + phone digits (``MOTCUA_LOOKUP_LIMITS`` overrides)."""
    values = {"per_client": 20, "per_code": 10, "window_minutes": 15}
    values.update(getattr(settings, "MOTCUA_LOOKUP_LIMITS", {}) or {})
    return Limits(
        per_client=int(values["per_client"]),
        per_subject=int(values["per_code"]),
        window=dt.timedelta(minutes=float(values["window_minutes"])),
    )


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def throttle_keys(*, scope: str, client: str, subject: str) -> dict[str, str]:
    client = client or "?"
    return {
        "client": f"{scope}:c:{_digest(client)[:40]}",
        "subject": f"{scope}:s:{_digest(subject)[:40]}",
        "pair": f"{scope}:p:{_digest(client + chr(0) + subject)[:40]}",
    }


def _retrying(action):
    """Run ``action`` again while SQLite answers "locked" (an in-memory database shared
    between threads has no busy timeout); any other error, or PostgreSQL, passes through."""
    for attempt in range(100):
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.005 + random.random() * 0.01)  # noqa: S311 - jitter, not a secret
    return None  # pragma: no cover - the loop returns or raises


def _reserve(
    keys: dict[str, str], limits: Limits, now: dt.datetime
) -> dict[str, dt.datetime] | None:
    return _retrying(lambda: _reserve_once(keys, limits, now))


def _reserve_once(
    keys: dict[str, str], limits: Limits, now: dt.datetime
) -> dict[str, dt.datetime] | None:
    """One failure reserved under every key, or None (nothing changed) when over a limit."""
    ordered = sorted(set(keys.values()))
    with transaction.atomic():
        ThrottleCounter.objects.bulk_create(
            [ThrottleCounter(key=k, window_start=now, failures=0) for k in ordered],
            ignore_conflicts=True,
        )
        rows = {
            row.key: row
            for row in ThrottleCounter.objects.select_for_update()
            .filter(key__in=ordered)
            # lock in one order everywhere: no deadlock between two guards
            .order_by("key")
        }
        expired_before = now - limits.window
        for row in rows.values():
            if row.failures == 0 or row.window_start <= expired_before:
                row.window_start, row.failures = now, 0
        failures = {name: rows[key].failures for name, key in keys.items()}
        if failures["client"] >= limits.per_client or (
            failures["subject"] >= limits.per_subject and failures["pair"] >= 1
        ):
            return None
        for row in rows.values():
            row.failures += 1
            row.save(update_fields=["window_start", "failures"])
        return {key: row.window_start for key, row in rows.items()}


def _release(reserved: dict[str, dt.datetime]) -> None:
    condition = Q()
    for key, start in reserved.items():
        condition |= Q(key=key, window_start=start)
    rows = ThrottleCounter.objects.filter(condition, failures__gt=0)
    _retrying(lambda: rows.update(failures=F("failures") - 1))


@contextmanager
def failures_counted(
    *,
    scope: str,
    client: str,
    subject: str,
    limits: Limits,
    now: dt.datetime | None = None,
    error: DomainError | None = None,
    failures: tuple[type[BaseException], ...] = (NotFound, PermissionDenied),
) -> Iterator[None]:
    """Run the block as one counted try: refused (``error``, 429) past the limits; an
    exception in ``failures`` counts as a failed try, anything else gives the try back."""
    keys = throttle_keys(scope=scope, client=client, subject=subject)
    shared = shared_cache()
    reserved: Any
    if shared is not None:
        reserved = _redis_reserve(shared, keys, limits)
        release: Callable[[Any], None] = functools.partial(_redis_release, shared)
    else:
        reserved = _reserve(keys, limits, now or timezone.now())
        release = _release
    if reserved is None:
        raise error or TooManyRequests()
    try:
        yield
    except failures:
        raise
    except BaseException:
        release(reserved)
        raise
    release(reserved)


def _lua_refused_past_limits(refused: str) -> str:
    """Lua: read the three counters (KEYS[1..3]: client, subject, pair) and return ``refused``
    past the limits (ARGV[1]: per_client, ARGV[2]: per_subject)."""
    return f"""
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
local s = tonumber(redis.call('GET', KEYS[2]) or '0')
local p = tonumber(redis.call('GET', KEYS[3]) or '0')
if c >= tonumber(ARGV[1]) or (s >= tonumber(ARGV[2]) and p >= 1) then
  return {refused}
end
"""


# Lua: one failure reserved under each counter; a key's window (ARGV[3], ms) starts at its first
_LUA_RESERVE = """
for i = 1, 3 do
  if redis.call('INCR', KEYS[i]) == 1 then
    redis.call('PEXPIRE', KEYS[i], ARGV[3])
  end
end
"""

# KEYS: client, subject, pair. ARGV: per_client, per_subject, window in ms.
_REDIS_RESERVE = _lua_refused_past_limits("0") + _LUA_RESERVE + "return 1\n"
_REDIS_RELEASE = """
for i = 1, #KEYS do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n > 0 then
    redis.call('DECR', KEYS[i])
  end
end
return 1
"""


def _redis_reserve(cache, keys: dict[str, str], limits: Limits) -> list[str] | None:
    names = _counter_keys(cache, keys)
    ok = run_script(_REDIS_RESERVE, names, _limit_args(limits))
    return names if ok else None


def _redis_release(cache, names: list[str]) -> None:
    run_script(_REDIS_RELEASE, names, [])


def _counter_keys(cache, keys: dict[str, str]) -> list[str]:
    """The counters' full Redis keys, in the order the scripts read them."""
    return [cache.make_key(f"throttle:{keys[k]}") for k in THROTTLE_ORDER]


def _limit_args(limits: Limits) -> list[int]:
    """ARGV[1..3] of the scripts: per client, per subject, the window in ms."""
    return [
        limits.per_client,
        limits.per_subject,
        max(1, int(limits.window.total_seconds() * 1000)),
    ]


THROTTLE_ORDER = ("client", "subject", "pair")


def lookup_guard(*, subject: str, client: str, now: dt.datetime | None = None):
    """A public look-up of a dossier code (tracking, payment, rating, ledger proof): one
    counter for all of them, so four pages do not give four times the tries."""
    return failures_counted(
        scope="code",
        client=client,
        subject=(subject or "").strip().upper(),
        limits=lookup_limits(),
        now=now,
    )


# KEYS: the counters (client, subject, pair), the answer's generation. ARGV: per_client,
# per_subject, window in ms, the answer's full key before and after its token.
# {0}: over a limit, nothing changed. {2, answer}: kept (a right answer: nothing counted).
# {1, token or false}: not kept; one failure reserved under each counter.
_REDIS_COUNTED_FETCH = (
    _lua_refused_past_limits("{0}")
    + """
local token = redis.call('GET', KEYS[4])
if token then
  local kept = redis.call('GET', ARGV[4] .. token .. ARGV[5])
  if kept then return {2, kept} end
end
"""
    + _LUA_RESERVE
    + "return {1, token}\n"
)


def counted_answer(
    *,
    subject: str,
    client: str,
    generation: str,
    key: str,
    compute: Callable[[], Any],
    now: dt.datetime | None = None,
):
    """``compute()`` under ``lookup_guard``, its answer kept as ``public_cache.answer`` keeps
    it (generation ``generation``, key ``key``): past the limits nothing is answered, kept or
    not; a kept answer counts nothing; otherwise ``compute`` is one counted try (``NotFound``
    and ``PermissionDenied`` count, and nothing is kept then)."""
    shared = shared_cache()
    if shared is None or not public_cache.enabled():
        with lookup_guard(subject=subject, client=client, now=now):
            return public_cache.answer(generation, key, compute)
    limits = lookup_limits()
    keys = throttle_keys(scope="code", client=client, subject=(subject or "").strip().upper())
    counters = _counter_keys(shared, keys)
    generation_key, before, after = public_cache.answer_keys(generation, key)
    found = run_script(
        _REDIS_COUNTED_FETCH, [*counters, generation_key], [*_limit_args(limits), before, after]
    )
    if found[0] == 0:
        raise TooManyRequests()
    if found[0] == 2:
        return public_cache.loads(found[1])
    token = public_cache.generation(generation) if found[1] is None else int(found[1])
    try:
        value = compute()
    except (NotFound, PermissionDenied):
        raise  # a failed try: its reservation stays
    except BaseException:
        _redis_release(shared, counters)
        raise
    _redis_release(shared, counters)
    public_cache.keep(generation, token, key, value)
    return value


def throttle_counters_purge(*, now: dt.datetime | None = None) -> int:
    """Forget counters untouched for a day (every window is far shorter)."""
    limit = (now or timezone.now()) - dt.timedelta(days=1)
    deleted, _ = ThrottleCounter.objects.filter(window_start__lt=limit).delete()
    return deleted


# ---------------------------------------------------------------- no digits in URLs

DIGIT_PARAMETERS = ("phone", "phone4", "so_dien_thoai")


def without_digits(request, path: str | None = None):
    """A 303 to ``path`` (default: the same page) without the phone digits of the query
    string, or None when there are none: look-ups send the digits by POST, so they never
    sit in access logs; old links with the digits still open the page (and its form)."""
    from urllib.parse import urlencode

    from django.http import HttpResponseRedirect

    if not any(name in request.GET for name in DIGIT_PARAMETERS):
        return None
    kept = [(k, v) for k, v in request.GET.items() if k not in DIGIT_PARAMETERS]
    target = (path or request.path) + (f"?{urlencode(kept)}" if kept else "")
    return HttpResponseRedirect(target, status=303)


# ---------------------------------------------------------------- one try at a time

LOCK_SCOPE = "lock"


@contextmanager
def one_at_a_time(*values: str) -> Iterator[None]:
    """Run the block in a transaction that holds a row lock per value (sorted, so two
    blocks never wait on each other crosswise): tries on one account or from one client
    run one after the other, so a check-then-count limit (django-axes on the logins) sees
    every earlier failure before it lets the next password be checked."""
    keys = sorted({f"{LOCK_SCOPE}:{_digest(v)[:40]}" for v in values})
    for attempt in range(100):
        block = transaction.atomic()
        try:
            block.__enter__()  # SQLite: BEGIN IMMEDIATE, which may find the database locked
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.005 + random.random() * 0.01)  # noqa: S311 - jitter
            continue
        try:
            ThrottleCounter.objects.bulk_create(
                [ThrottleCounter(key=k, window_start=timezone.now()) for k in keys],
                ignore_conflicts=True,
            )
            rows = ThrottleCounter.objects.filter(key__in=keys)
            list(rows.select_for_update().order_by("key").values_list("pk", flat=True))
            rows.update(window_start=timezone.now())  # and keeps it from the daily purge
        except OperationalError as error:
            block.__exit__(type(error), error, error.__traceback__)
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.005 + random.random() * 0.01)  # noqa: S311 - jitter
            continue
        except BaseException as error:
            block.__exit__(type(error), error, error.__traceback__)
            raise
        break
    try:
        yield
    except BaseException as error:
        if not block.__exit__(type(error), error, error.__traceback__):
            raise
    else:
        block.__exit__(None, None, None)


# ---------------------------------------------------------------- every try counts


def over_limit(key: str, *, limit: int, window: float, now: dt.datetime | None = None) -> bool:
    """Count one try under ``key`` and say whether it passes ``limit`` tries in a fixed
    window of ``window`` seconds (the window starts at the first try). For paths where every
    try counts (fetches, sheets, submissions), unlike the failure-counting look-up guard.

    The count is shared by every process: with Redis as the cache (MOTCUA_REDIS_URL) it is
    Redis's atomic ``incr`` (``now`` is then ignored: Redis keeps the time); otherwise a
    ThrottleCounter row updated in one statement — a per-process cache would count each
    server worker apart and let ``limit × workers`` tries through."""
    if shared_cache() is not None:
        return _cache_count(key, window) > limit
    return tries_counted(key, window=dt.timedelta(seconds=window), now=now) > limit


def _cache_count(key: str, window: float) -> int:
    from django.core.cache import cache

    timeout = max(1, int(window))
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


COUNT_SCOPE = "n"


def tries_counted(key: str, *, window: dt.timedelta, now: dt.datetime | None = None) -> int:
    """One more try under ``key`` in the database; the number of tries in its window.

    One UPDATE adds the try, or starts a new window when the last one has passed: the
    database serialises concurrent updates of the row (PostgreSQL re-reads the row a waiting
    UPDATE applies to; SQLite has one writer), so no try is lost however many processes
    count together. The key is stored as an HMAC."""
    now = now or timezone.now()
    row_key = f"{COUNT_SCOPE}:{_digest(key)[:40]}"
    fresh = Q(window_start__gt=now - window)

    def count_once() -> int:
        with transaction.atomic():
            ThrottleCounter.objects.bulk_create(
                [ThrottleCounter(key=row_key, window_start=now, failures=0)],
                ignore_conflicts=True,
            )
            row = ThrottleCounter.objects.filter(key=row_key)
            row.update(
                failures=Case(When(fresh, then=F("failures") + 1), default=Value(1)),
                window_start=Case(When(fresh, then=F("window_start")), default=Value(now)),
            )
            return row.values_list("failures", flat=True).get()

    return _retrying(count_once)
