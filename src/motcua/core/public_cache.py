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
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

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
    return f"gen:{name}"


def generation(name: str) -> str:
    """The current token of generation ``name`` (a new one when the cache has none)."""
    key = _generation_key(name)
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex[:12]
        if not cache.add(key, token, timeout=GENERATION_TIMEOUT):
            token = cache.get(key) or token
    return token


def bump(names: Iterable[str]) -> None:
    """New tokens for these generations: every answer cached under the old ones is gone."""
    tokens = {_generation_key(n): uuid.uuid4().hex[:12] for n in set(names)}
    if tokens:
        cache.set_many(tokens, timeout=GENERATION_TIMEOUT)


def bump_on_commit(names: Iterable[str]) -> None:
    """``bump`` once the current transaction commits (at once outside a transaction)."""
    names = set(names)
    if names and enabled():
        transaction.on_commit(functools.partial(bump, names))


def answer(name: str, key: str, compute: Callable[[], object], *, timeout: int = TIMEOUT):
    """The cached answer ``key`` of generation ``name``, else ``compute()`` (then kept).
    ``compute`` may raise: nothing is kept then."""
    if not enabled():
        return compute()
    full = f"ans:{name}:{generation(name)}:{key}"
    found = cache.get(full)
    if found is not None:
        return found
    value = compute()
    cache.set(full, value, timeout=timeout)
    return value


# ---------------------------------------------------------------- whole pages

_KEPT_HEADERS = ("Content-Type", "Vary", "Content-Language", "X-Frame-Options")


def cached_page(generation_name: str, *, timeout: int = TIMEOUT):
    """A view decorator: an anonymous GET of the page is answered with the bytes of the same
    page (path, query string and htmx flag) rendered earlier in the generation.

    Only a reader without a session or messages cookie is served from the cache or fills it
    (a signed-in reader's page names them); a page that sets a cookie, changed the session or
    used a CSRF token (its token is the reader's own) is never kept."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not enabled() or request.method not in ("GET", "HEAD") or _has_site_cookie(request):
                return view(request, *args, **kwargs)
            key = f"page:{generation_name}:{generation(generation_name)}:" + digest(
                request.path,
                request.META.get("QUERY_STRING", ""),
                "hx" if request.headers.get("HX-Request") else "",
            )
            found = cache.get(key)
            if found is not None:
                status, headers, content = found
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if _keepable(request, response):
                headers = [(h, response[h]) for h in _KEPT_HEADERS if h in response]
                cache.set(key, (response.status_code, headers, response.content), timeout=timeout)
            return response

        return wrapper

    return decorate


def _has_site_cookie(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def _keepable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and (session is None or not session.modified)
    )
