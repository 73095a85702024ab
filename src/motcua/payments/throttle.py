"""A small fixed-window limit on public look-ups by code + phone digits (no enumeration)."""

from __future__ import annotations

from django.core.cache import cache

from motcua.core.errors import DomainError


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    status = 429
    default_message = "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau ít phút."


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "?"


def check(request, scope: str, *, limit: int = 10, window: int = 600) -> None:
    """Count one attempt of this client in ``scope``; refuse past ``limit`` per window."""
    key = f"motcua-throttle:{scope}:{client_ip(request)}"
    cache.add(key, 0, window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        attempts = 1
    if attempts > limit:
        raise TooManyAttempts()
