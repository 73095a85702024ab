"""Per-client limits of submissions: anonymous portal intake and Open311 requests per key.

Look-ups by code use the project's guard (``core.throttle.failures_counted``), which counts
failed tries only; a submission must be limited whether it succeeds or not, so every try is
counted, atomically and shared by every server process, by ``core.throttle.over_limit``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from motcua.core.errors import DomainError
from motcua.core.throttle import over_limit
from motcua.feedback.errors import FeedbackError

DEFAULTS = {"intake": 5, "window_minutes": 60, "reads_per_minute": 120}


class TooManyRequests(DomainError):
    code = FeedbackError.RATE_LIMITED
    status = 429
    default_message = "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau."


def limits() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "MOTCUA_FEEDBACK_LIMITS", {})}


def count(
    *, kind: str, value: str, limit: int, now: dt.datetime | None = None, message: str | None = None
) -> None:
    """Count one try under (kind, value); refuse once ``limit`` tries are in the window."""
    window = float(limits()["window_minutes"]) * 60
    if over_limit(f"feedback:{kind}:{value or '?'}", limit=limit, window=window, now=now):
        raise TooManyRequests(message)


def intake_throttle(*, client: str, now: dt.datetime | None = None) -> None:
    count(
        kind="intake",
        value=client,
        limit=limits()["intake"],
        now=now,
        message="Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau 1 giờ.",
    )


def read_throttle(*, client: str) -> None:
    """Count one public read (Open311 look-ups and photos): every try counts, per client and
    minute, shared by every server process; refused with 429 past the limit."""
    if over_limit(f"feedback:read:{client or '?'}", limit=limits()["reads_per_minute"], window=60):
        raise TooManyRequests(
            "Bạn đã tra cứu quá nhiều lần trong một phút. Vui lòng thử lại sau một phút."
        )
