"""Open311 API keys: issued to partner organizations by the province administrator, stored
hashed, revocable, each counted against its own hourly limit."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.feedback import events
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Open311Key
from motcua.feedback.services.common import now_or
from motcua.ledger.services import event_record
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_key_issue(
    *, actor, organization: str, receiving_unit: Unit, per_hour: int = 60, now=None
) -> tuple[Open311Key, str]:
    """Issue a key to a partner organization; the plain key is returned once, never stored."""
    require_role(actor, (Role.PROVINCE_ADMIN,))
    organization = (organization or "").strip()
    if not organization:
        raise InvalidInput(
            "Ghi tên tổ chức được cấp khóa.", code=FeedbackError.ORGANIZATION_REQUIRED
        )
    plain = "o311_" + secrets.token_urlsafe(30)
    key = Open311Key.objects.create(
        organization=organization[:255],
        prefix=plain[:12],
        key_hash=_hash(plain),
        receiving_unit=receiving_unit,
        per_hour=max(1, int(per_hour)),
        created_at=now_or(now),
    )
    event_record(
        subject_type=events.KEY_SUBJECT,
        subject_id=key.pk,
        action=events.KEY_ISSUED,
        actor=actor,
        payload={"organization": key.organization, "prefix": key.prefix},
    )
    return key, plain


@transaction.atomic
def open311_key_revoke(*, actor, key: Open311Key, now=None) -> Open311Key:
    require_role(actor, (Role.PROVINCE_ADMIN,))
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = now_or(now)
        key.save(update_fields=["revoked_at"])
        event_record(
            subject_type=events.KEY_SUBJECT,
            subject_id=key.pk,
            action=events.KEY_REVOKED,
            actor=actor,
            payload={"prefix": key.prefix},
        )
    return key


def open311_key_check(plain: str) -> Open311Key:
    """The live key for ``plain`` (PermissionDenied otherwise), counted against its limit."""
    from motcua.feedback.limits import count

    key = Open311Key.objects.filter(key_hash=_hash(plain or ""), revoked_at__isnull=True).first()
    if not plain or key is None:
        raise PermissionDenied(
            "Khóa API không hợp lệ hoặc đã bị thu hồi.", code=FeedbackError.API_KEY_INVALID
        )
    count(
        kind="open311",
        value=key.key_hash,
        limit=key.per_hour,
        message="Khóa API đã vượt số yêu cầu cho phép trong một giờ.",
    )
    return key
