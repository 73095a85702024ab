"""Public answers kept in the shared cache: what every anonymous reader gets is computed once
and kept until what it shows changes.

Each cached answer belongs to a *generation*: a named token in the cache (``catalog``, or one
per dossier). The answer's key carries the token read *before* the answer was computed, and
whoever changes the data sets a new token once its transaction has committed
(``bump_on_commit``). A reader that computed an answer from data that changed meanwhile stores
it under the old token, where nobody looks again: no stale answer outlives the change that
made it stale, however the requests interleave. Answers also expire (``timeout``) so that
what changes without an event (a unit's renamed label) shows within minutes.

On when ``MOTCUA_PUBLIC_CACHE`` is true, by default when Redis is the cache
(``MOTCUA_REDIS_URL``): a per-process cache would keep each worker's answers after another
worker's change. Nothing here knows a domain: the callers name the generations.

Tokens are integers, which Django's Redis backend stores as plain digits: a Lua script can
then read the token and the answer named by it in **one round trip** (``answer``, ``page``,
``counted_answer``), where reading them one after the other took two (four with the look-up
limit). Every other cache backend takes the same steps through Django's cache API.

Whole pages (``public_page``) are kept by ``PublicPageMiddleware``, near the top of the
middleware stack: a kept page is answered before sessions, authentication, CSRF, the locale
and URL resolution run, with the headers those layers had set on it. The view only marks
the page it rendered (its generation and the token read *before* it computed).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

from motcua.core.cache import run_script, shared_cache

#: how long a cached answer is kept at most (seconds)
TIMEOUT = 600
#: generation tokens outlive the answers that name them
GENERATION_TIMEOUT = 7 * 24 * 3600


def enabled() -> bool:
    return bool(getattr(settings, "MOTCUA_PUBLIC_CACHE", False))


def digest(*parts: str) -> str:
    """A key part that names a value without showing it (codes, phone digits, queries)."""
    raw = "\x00".join(parts).encode()
    return hashlib.blake2b(raw, key=settings.SECRET_KEY.encode()[:64], digest_size=20).hexdigest()


def _generation_key(name: str) -> str:
    return f"generation:{name}"  # integer tokens ("gen:" held the older string tokens)


def _answer_key(name: str, token: int, key: str) -> str:
    return f"ans:{name}:{token}:{key}"


def _new_token() -> int:
    return secrets.randbits(62)


def generation(name: str) -> int:
    """The current token of generation ``name`` (a new one when the cache has none)."""
    key = _generation_key(name)
    token = cache.get(key)
    if token is None:
        token = _new_token()
        if not cache.add(key, token, timeout=GENERATION_TIMEOUT):
            token = cache.get(key) or token
    return token


def bump(names: Iterable[str]) -> None:
    """New tokens for these generations: every answer cached under the old ones is gone."""
    tokens = {_generation_key(n): _new_token() for n in set(names)}
    if tokens:
        cache.set_many(tokens, timeout=GENERATION_TIMEOUT)


def bump_on_commit(names: Iterable[str]) -> None:
    """``bump`` once the current transaction commits (at once outside a transaction)."""
    names = set(names)
    if names and enabled():
        transaction.on_commit(functools.partial(bump, names))


# ---------------------------------------------------------------- one round trip on Redis


def redis_client():
    """The redis-py client of the default cache when it is Redis, else None."""
    shared = shared_cache()
    return None if shared is None else shared._cache.get_client(write=True)


def loads(raw: bytes):
    """A value as the cache's serializer reads it (a script returns the raw bytes)."""
    return cache._cache._serializer.loads(raw)


def answer_keys(name: str, key: str) -> tuple[str, str, str]:
    """The full cache keys a script needs for answer ``key`` of ``name``: the generation's,
    and the answer's before and after its token."""
    marker = "@TOKEN@"  # no key part has an "@" (names, digests)
    full = cache.make_key(_answer_key(name, marker, key))  # type: ignore[arg-type]
    before, after = full.split(marker)
    return cache.make_key(_generation_key(name)), before, after


# KEYS: generation. ARGV: the answer's full key before and after its token.
# Returns {token or false, answer or false}.
_FETCH = """
local token = redis.call('GET', KEYS[1])
if not token then return {false, false} end
return {token, redis.call('GET', ARGV[1] .. token .. ARGV[2])}
"""

# KEYS: the page's entry (a hash). Returns the kept response, or false when there is none
# or the generation it was made in is over.
_PAGE = """
local entry = redis.call('HMGET', KEYS[1], 'g', 't', 'r')
if not entry[1] then return false end
if redis.call('GET', entry[1]) ~= entry[2] then return false end
return entry[3]
"""


def _fetch(name: str, key: str) -> tuple[int | None, object | None]:
    """The current token of ``name`` and the answer kept under it (None when missing)."""
    if redis_client() is None:
        token = cache.get(_generation_key(name))
        found = None if token is None else cache.get(_answer_key(name, token, key))
        return token, found
    generation_key, before, after = answer_keys(name, key)
    token, found = run_script(_FETCH, [generation_key], [before, after])
    return (
        None if token is None else int(token),
        None if found is None else loads(found),
    )


def keep(name: str, token: int, key: str, value, timeout: int = TIMEOUT) -> None:
    """Keep ``value`` as answer ``key`` of the generation whose token was read *before* it
    was computed (a change meanwhile made a new token: the value is then never read)."""
    cache.set(_answer_key(name, token, key), value, timeout=timeout)


def answer(name: str, key: str, compute: Callable[[], object], *, timeout: int = TIMEOUT):
    """The cached answer ``key`` of generation ``name``, else ``compute()`` (then kept).
    ``compute`` may raise: nothing is kept then."""
    if not enabled():
        return compute()
    token, found = _fetch(name, key)
    if found is not None:
        return found
    if token is None:
        token = generation(name)  # made before computing, so that a change can end it
    value = compute()
    keep(name, token, key, value, timeout)
    return value


# ---------------------------------------------------------------- whole pages

#: headers of a kept page that are the reader's own: never kept, set anew on each answer
_OWN_HEADERS = ("X-Request-ID", "Set-Cookie", "Date")


def public_page(generation_name: str):
    """A view decorator: an anonymous GET of the page may be answered with the bytes of the
    same page rendered earlier in the generation (``PublicPageMiddleware`` keeps and
    answers it). The view marks its page with the generation and the token read before it
    computed, so a page computed from data that changed meanwhile is never answered."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not getattr(request, "_public_page_asked", False):
                return view(request, *args, **kwargs)
            token = generation(generation_name)
            response = view(request, *args, **kwargs)
            response._public_page = (generation_name, token)
            return response

        return wrapper

    return decorate


def _page_key(request) -> str:
    parts = [
        request.path,
        request.META.get("QUERY_STRING", ""),
        "hx" if request.META.get("HTTP_HX_REQUEST") else "",
    ]
    if len(settings.LANGUAGES) > 1:  # the page's language follows the reader's
        parts.append(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    return "page:" + digest(*parts)


class PublicPageMiddleware:
    """Answers an anonymous GET of a public page (``public_page``) from the cache, before the
    layers below it run; keeps the page those layers produced when it may be shared.

    Only a reader without a session or messages cookie is answered from the cache or fills
    it (a signed-in reader's page names them); a page that sets a cookie, changed the
    session or used a CSRF token (its token is the reader's own) is never kept. The host is
    checked first (``ALLOWED_HOSTS``), as the layers below would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or request.method not in ("GET", "HEAD") or _has_site_cookie(request):
            return self.get_response(request)
        request.get_host()  # DisallowedHost: 400, as CommonMiddleware would answer
        key = _page_key(request)
        kept = _page_get(key)
        if kept is not None:
            status, headers, content = kept
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        request._public_page_asked = True
        response = self.get_response(request)
        mark = getattr(response, "_public_page", None)
        if mark is not None and _keepable(request, response):
            headers = [(h, v) for h, v in response.items() if h not in _OWN_HEADERS]
            _page_set(key, mark, (response.status_code, headers, response.content))
        return response


def _page_get(key: str):
    client = redis_client()
    if client is None:
        found = cache.get(key)
        if found is None:
            return None
        (name, token), page = found
        return page if cache.get(_generation_key(name)) == token else None
    raw = run_script(_PAGE, [cache.make_key(key)], [])
    return None if raw is None else pickle.loads(raw)  # noqa: S301 - our own cache's bytes


def _page_set(key: str, mark: tuple[str, int], page) -> None:
    name, token = mark
    client = redis_client()
    if client is None:
        cache.set(key, (mark, page), timeout=TIMEOUT)
        return
    full = cache.make_key(key)
    generation_key = cache.make_key(_generation_key(name))
    pipe = client.pipeline(transaction=True)
    pipe.hset(full, mapping={"g": generation_key, "t": str(token), "r": pickle.dumps(page)})
    pipe.expire(full, TIMEOUT)
    pipe.execute()


def _has_site_cookie(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def _keepable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and (session is None or not getattr(session, "modified", False))
    )
