"""Background sending of applicant notifications, with retries and backoff."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from motcua.portal.models import Notification, NotificationChannel, NotificationStatus
from motcua.portal.sms import gateway

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (60, 300, 1800, 7200)  # after the 1st, 2nd, 3rd and 4th failure


def _deliver(notification: Notification) -> None:
    if notification.channel == NotificationChannel.EMAIL:
        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 10
        with get_connection(timeout=timeout) as connection:
            EmailMessage(
                subject=notification.subject,
                body=notification.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[notification.recipient],
                connection=connection,
            ).send()
    else:
        gateway().send(to=notification.recipient, text=notification.body)


def _retry(pk: int, attempts: int) -> None:
    backend = notification_send.get_backend()
    if backend.supports_defer:
        delay = BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]
        run_after = timezone.now() + dt.timedelta(seconds=delay)
        notification_send.using(run_after=run_after).enqueue(pk)
    else:  # immediate backend (tests, development): try again at once
        notification_send.enqueue(pk)


@task()
def notification_send(notification_id: int) -> str:
    """Send one notification; on failure queue another try, up to MAX_ATTEMPTS."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.status not in (
        NotificationStatus.PENDING,
        NotificationStatus.RETRYING,
    ):
        return notification.status if notification else "missing"
    # Claim this try: a second worker holding the same id finds attempts changed.
    claimed = Notification.objects.filter(
        pk=notification.pk,
        attempts=notification.attempts,
        status__in=(NotificationStatus.PENDING, NotificationStatus.RETRYING),
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return "claimed"
    attempts = notification.attempts + 1
    try:
        _deliver(notification)
    except Exception as error:  # any transport error: keep it, retry later
        status = (
            NotificationStatus.FAILED if attempts >= MAX_ATTEMPTS else NotificationStatus.RETRYING
        )
        Notification.objects.filter(pk=notification.pk).update(
            status=status, last_error=f"{type(error).__name__}: {error}"[:500]
        )
        logger.warning(
            "notification %s (%s) try %d failed: %s",
            notification.pk,
            notification.channel,
            attempts,
            error,
        )
        if status == NotificationStatus.RETRYING:
            _retry(notification.pk, attempts)
        return str(status)
    fields = {"status": NotificationStatus.SENT, "sent_at": timezone.now(), "last_error": ""}
    if notification.sensitive:
        fields["body"] = "(đã xóa sau khi gửi)"
    Notification.objects.filter(pk=notification.pk).update(**fields)
    return NotificationStatus.SENT
