"""Writes for units, staff roles and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.core.errors import InvalidInput, NotFound
from motcua.core.text import fold
from motcua.ledger.services import event_record
from motcua.organization import events
from motcua.organization.models import ApiToken, Role, StaffRole, Unit, UnitKind, UnitSuccession
from motcua.organization.permissions import require_role

User = get_user_model()


@transaction.atomic
def unit_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    valid_from: dt.date,
    parent: Unit | None = None,
    electronic_id: str | None = None,
    short_name: str = "",
    check_permission: bool = True,
) -> Unit:
    if check_permission:
        require_role(actor, [Role.PROVINCE_ADMIN])
    if kind not in UnitKind.values:
        raise InvalidInput(f"Loại đơn vị '{kind}' không hợp lệ.", code="unit_kind_invalid")
    if Unit.objects.filter(code=code).exists():
        raise InvalidInput(f"Mã đơn vị '{code}' đã tồn tại.", code="unit_code_taken")
    unit = Unit.objects.create(
        code=code,
        name=name,
        short_name=short_name,
        kind=kind,
        parent=parent,
        electronic_id=electronic_id or None,
        valid_from=valid_from,
        name_folded=fold(name),
    )
    event_record(
        subject_type="unit",
        subject_id=unit.pk,
        action=events.UNIT_CREATED,
        actor=actor,
        unit=unit,
        payload={"code": code, "name": name, "kind": kind, "valid_from": valid_from},
    )
    return unit


@transaction.atomic
def units_merge(
    *,
    actor,
    units: list[Unit],
    effective_on: dt.date,
    into: Unit | None = None,
    new_code: str | None = None,
    new_name: str | None = None,
    new_kind: str | None = None,
    new_parent: Unit | None = None,
    new_electronic_id: str | None = None,
    decision: str = "",
    check_permission: bool = True,
) -> Unit:
    """End ``units`` the day before ``effective_on`` and hand them to one successor.

    The successor is ``into`` (an existing unit, e.g. the ward that absorbs its neighbours)
    or a new unit created from ``new_*``. Every ended unit gets a succession row, so later
    capabilities can move open work and statistics can be shown for either structure.
    """
    if check_permission:
        require_role(actor, [Role.PROVINCE_ADMIN])
    if not units:
        raise InvalidInput("Cần chọn ít nhất một đơn vị để sáp nhập.", code="merge_empty")
    if (into is None) == (new_code is None):
        raise InvalidInput(
            "Chọn một đơn vị kế thừa có sẵn hoặc nhập mã và tên đơn vị mới.",
            code="merge_successor_required",
        )
    ids = [u.pk for u in units]
    locked = list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(set(ids)):
        raise NotFound("Có đơn vị không tồn tại.", code="unit_not_found")
    ended_day = effective_on - dt.timedelta(days=1)
    for unit in locked:
        if not unit.is_active_on(ended_day) or (unit.valid_to and unit.valid_to < effective_on):
            raise InvalidInput(
                f"Đơn vị {unit.name} đã hết hiệu lực trước ngày sáp nhập.",
                code="merge_unit_inactive",
            )
        if into is not None and unit.pk == into.pk:
            raise InvalidInput(
                "Đơn vị kế thừa không thể nằm trong danh sách bị sáp nhập.",
                code="merge_into_self",
            )
    if into is None:
        into = unit_create(
            actor=actor,
            code=new_code,
            name=new_name or new_code,
            kind=new_kind or locked[0].kind,
            parent=new_parent if new_parent is not None else locked[0].parent,
            electronic_id=new_electronic_id,
            valid_from=effective_on,
            check_permission=False,
        )
    for unit in locked:
        unit.valid_to = ended_day
        unit.save(update_fields=["valid_to"])
        UnitSuccession.objects.create(
            predecessor=unit, successor=into, effective_on=effective_on, decision=decision
        )
        event_record(
            subject_type="unit",
            subject_id=unit.pk,
            action=events.UNIT_ENDED,
            actor=actor,
            unit=unit,
            payload={"valid_to": ended_day, "successor": into.code, "decision": decision},
        )
    event_record(
        subject_type="unit",
        subject_id=into.pk,
        action=events.UNIT_MERGED_INTO,
        actor=actor,
        unit=into,
        payload={"predecessors": [u.code for u in locked], "effective_on": effective_on},
    )
    if effective_on <= timezone.localdate():
        # open work (dossiers, …) moves to the successor in this same transaction
        for move in MERGE_HOOKS:
            move(actor=actor, predecessors=locked, successor=into, effective_on=effective_on)
    return into


#: apps whose open work belongs to a unit register here (``dossiers``: its open dossiers);
#: each is called as ``move(actor=, predecessors=, successor=, effective_on=)`` inside the
#: merger's transaction, and records its own history events.
MERGE_HOOKS: list = []


@transaction.atomic
def staff_role_grant(
    *,
    actor,
    user,
    role: str,
    unit: Unit,
    valid_from: dt.date | None = None,
    check_permission: bool = True,
) -> StaffRole:
    if check_permission:
        require_role(actor, [Role.PROVINCE_ADMIN])
    if role not in Role.values:
        raise InvalidInput(f"Vai trò '{role}' không hợp lệ.", code="role_invalid")
    existing = StaffRole.objects.filter(user=user, role=role, unit=unit, valid_to__isnull=True)
    if existing.exists():
        return existing.get()
    staff_role = StaffRole.objects.create(
        user=user, role=role, unit=unit, valid_from=valid_from or timezone.localdate()
    )
    event_record(
        subject_type="user",
        subject_id=user.pk,
        action=events.ROLE_GRANTED,
        actor=actor,
        unit=unit,
        payload={"role": role, "unit": unit.code},
    )
    return staff_role


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; the raw value is returned once and never stored."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        require_role(actor, [Role.PROVINCE_ADMIN])
    if not name.strip():
        raise InvalidInput("Cần đặt tên cho mã truy cập.", code="token_name_required")
    raw = "mc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=raw[:10], token_hash=_token_hash(raw)
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if actor.pk != token.user_id and not actor.is_superuser:
        require_role(actor, [Role.PROVINCE_ADMIN])
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str):
    """The active user behind a raw token, or None."""
    if not raw or not raw.startswith("mc_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
