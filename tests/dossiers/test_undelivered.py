"""A message to the applicant that did not go out is shown on the officer's dossier page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_a_notification_not_sent_shows_on_the_dossier(client, world):
    from motcua.portal.models import Notification, NotificationStatus
    from tests.dossiers.conftest import receive

    dossier = receive(world)
    Notification.objects.create(
        dossier_code=dossier.code,
        action="dossier.received",
        channel="email",
        recipient="an@example.vn",
        subject="Đã tiếp nhận hồ sơ",
        body="…",
        status=NotificationStatus.FAILED,
        attempts=5,
        last_error="SMTP: kết nối bị từ chối",
    )
    stuck = Notification.objects.create(
        dossier_code=dossier.code,
        action="dossier.received",
        channel="sms",
        recipient="0912345678",
        subject="Đã tiếp nhận hồ sơ",
        body="…",
    )
    Notification.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(world.desk)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    box = html.split('id="undelivered"', 1)[1].split("</div>", 1)[0]
    assert "Không gửi được Thư điện tử tới an@example.vn" in box and "SMTP" in box
    assert "Tin nhắn SMS tới 0912345678" in box and "chưa được gửi" in box
