"""Per-client limits of submissions: anonymous portal intake and Open311 POST per key.

Look-ups by code use the project's guard (``core.throttle.failures_counted``), which counts
failed tries only; a submission must be limited whether it succeeds or not, so it is counted
here, every try, atomically, on the feedback's own table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.feedback.models import Attempt

DEFAULTS = {"intake": 5, "window_minutes": 60}


class TooManyRequests(DomainError):
    code = "rate_limited"
    status = 429
    default_message = "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau."


def limits() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "MOTCUA_FEEDBACK_LIMITS", {})}


def _key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"fb-{kind}:{digest[:40]}"


def count(
    *, kind: str, value: str, limit: int, now: dt.datetime | None = None, message: str | None = None
) -> None:
    """Record one try under (kind, value); refuse once ``limit`` tries are in the window."""
    now = now or timezone.now()
    window = dt.timedelta(minutes=limits()["window_minutes"])
    key = _key(kind, value or "?")
    with transaction.atomic():
        over = Attempt.objects.filter(key=key, at__gte=now - window).count() >= limit
        if not over:
            Attempt.objects.create(key=key, at=now)
    if over:
        raise TooManyRequests(message)


def intake_throttle(*, client: str, now: dt.datetime | None = None) -> None:
    count(
        kind="intake",
        value=client,
        limit=limits()["intake"],
        now=now,
        message="Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau 1 giờ.",
    )


def purge(*, before: dt.datetime) -> int:
    deleted, _ = Attempt.objects.filter(at__lt=before).delete()
    return deleted
