"""Writes for units, staff roles and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.core.errors import InvalidInput, NotFound, PermissionDenied
from motcua.core.text import fold
from motcua.ledger.changes import row_delete, row_save
from motcua.ledger.services import event_record
from motcua.organization import events
from motcua.organization.errors import OrganizationError
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
        raise InvalidInput(
            f"Loại đơn vị '{kind}' không hợp lệ.", code=OrganizationError.UNIT_KIND_INVALID
        )
    if Unit.objects.filter(code=code).exists():
        raise InvalidInput(
            f"Mã đơn vị '{code}' đã tồn tại.", code=OrganizationError.UNIT_CODE_TAKEN
        )
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
def unit_save(*, actor, instance: Unit, created: bool, changed: Sequence[str] = ()) -> Unit:
    """The admin's add and change form of a unit."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    instance.name_folded = fold(instance.name)
    instance.electronic_id = instance.electronic_id or None
    return row_save(
        actor=actor,
        instance=instance,
        action=events.UNIT_CREATED if created else events.UNIT_SAVED,
        created=created,
        changed=changed,
        subject_type="unit",
        unit=instance,
    )


@transaction.atomic
def unit_delete(*, actor, instance: Unit) -> None:
    """Delete a unit entered by mistake (one in use is protected; end it by a merge)."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    row_delete(
        actor=actor,
        instance=instance,
        action=events.UNIT_DELETED,
        subject_type="unit",
        subject_id=str(instance.pk),
    )


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
        raise InvalidInput(
            "Cần chọn ít nhất một đơn vị để sáp nhập.", code=OrganizationError.MERGE_EMPTY
        )
    if (into is None) == (new_code is None):
        raise InvalidInput(
            "Chọn một đơn vị kế thừa có sẵn hoặc nhập mã và tên đơn vị mới.",
            code=OrganizationError.MERGE_SUCCESSOR_REQUIRED,
        )
    ids = [u.pk for u in units]
    locked = list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(set(ids)):
        raise NotFound("Có đơn vị không tồn tại.", code=OrganizationError.UNIT_NOT_FOUND)
    ended_day = effective_on - dt.timedelta(days=1)
    for unit in locked:
        if not unit.is_active_on(ended_day) or (unit.valid_to and unit.valid_to < effective_on):
            raise InvalidInput(
                f"Đơn vị {unit.name} đã hết hiệu lực trước ngày sáp nhập.",
                code=OrganizationError.MERGE_UNIT_INACTIVE,
            )
        if into is not None and unit.pk == into.pk:
            raise InvalidInput(
                "Đơn vị kế thừa không thể nằm trong danh sách bị sáp nhập.",
                code=OrganizationError.MERGE_INTO_SELF,
            )
    if into is None:
        assert new_code is not None  # exactly one of the two, checked above
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
    successions = []
    for unit in locked:
        unit.valid_to = ended_day
        unit.save(update_fields=["valid_to"])
        successions.append(
            UnitSuccession.objects.create(
                predecessor=unit, successor=into, effective_on=effective_on, decision=decision
            )
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
        # open work (dossiers, feedback, reform tasks …) moves in this same transaction; a
        # merger taking effect later moves it when the day comes (``mergers_apply_due``)
        _apply(actor, successions)
    return into


#: apps whose open work belongs to a unit register here from their ``AppConfig.ready``
#: (``register_merger_handler``): each is called as
#: ``move(actor=, predecessors=, successor=, effective_on=)`` inside the merger's
#: transaction, records its own history events and returns how many items it moved.
MERGE_HOOKS: list = []


def register_merger_handler(move) -> None:
    """Let a higher app move its open work when a merger takes effect (idempotent)."""
    if move not in MERGE_HOOKS:
        MERGE_HOOKS.append(move)


def _hook_name(move) -> str:
    return f"{move.__module__.split('.')[1]}.{move.__name__}"


def _apply(actor, successions: list[UnitSuccession]) -> dict[str, int] | None:
    """Claim the not yet applied ``successions`` (one successor and date) and move the work.

    The claim is a conditional update, so two runs never move the same merger twice.
    """
    now = timezone.now()
    claimed = [
        s
        for s in successions
        if UnitSuccession.objects.filter(pk=s.pk, applied_at__isnull=True).update(applied_at=now)
    ]
    if not claimed:
        return None
    first = claimed[0]
    predecessors = [s.predecessor for s in claimed]
    moved = {
        _hook_name(move): move(
            actor=actor,
            predecessors=predecessors,
            successor=first.successor,
            effective_on=first.effective_on,
        )
        for move in MERGE_HOOKS
    }
    event_record(
        subject_type="unit",
        subject_id=first.successor_id,
        action=events.MERGER_APPLIED,
        actor=actor,
        unit=first.successor,
        payload={
            "predecessors": [u.code for u in predecessors],
            "effective_on": first.effective_on,
            "moved": moved,
        },
    )
    return moved


@transaction.atomic
def mergers_apply_due(*, actor=None, today: dt.date | None = None) -> int:
    """Move the open work of every merger whose effective date has come and that has not
    moved it yet (the daily job; a merger effective on or before the day it is recorded
    moved its work already). Returns how many mergers (successor and date) were applied."""
    today = today or timezone.localdate()
    due = list(
        UnitSuccession.objects.select_for_update()
        .filter(applied_at__isnull=True, effective_on__lte=today)
        .select_related("predecessor", "successor")
        .order_by("effective_on", "successor_id", "predecessor_id")
    )
    groups: dict[tuple, list[UnitSuccession]] = {}
    for succession in due:
        groups.setdefault((succession.successor_id, succession.effective_on), []).append(succession)
    return sum(1 for group in groups.values() if _apply(actor, group) is not None)


@transaction.atomic
def staff_role_grant(
    *,
    actor,
    user,
    role: str,
    unit: Unit,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    check_permission: bool = True,
) -> StaffRole:
    """Give ``user`` the ``role`` at ``unit`` (an identical open grant is returned as is)."""
    if check_permission:
        require_role(actor, [Role.PROVINCE_ADMIN])
    if role not in Role.values:
        raise InvalidInput(f"Vai trò '{role}' không hợp lệ.", code=OrganizationError.ROLE_INVALID)
    valid_from = valid_from or timezone.localdate()
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(
            "Ngày hết hiệu lực phải sau ngày bắt đầu.", code=OrganizationError.ROLE_DATES_INVALID
        )
    existing = StaffRole.objects.filter(user=user, role=role, unit=unit, valid_to__isnull=True)
    if valid_to is None and existing.exists():
        return existing.get()
    staff_role = StaffRole.objects.create(
        user=user, role=role, unit=unit, valid_from=valid_from, valid_to=valid_to
    )
    event_record(
        subject_type="user",
        subject_id=user.pk,
        action=events.ROLE_GRANTED,
        actor=actor,
        unit=unit,
        payload={
            "role": role,
            "unit": unit.code,
            "staff_role": staff_role.pk,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return staff_role


@transaction.atomic
def staff_role_revoke(
    *, actor, staff_role: StaffRole, on: dt.date | None = None, check_permission: bool = True
) -> StaffRole:
    """End a grant: it is valid up to ``on`` (today by default), then no more."""
    if check_permission:
        require_role(actor, [Role.PROVINCE_ADMIN])
    staff_role = StaffRole.objects.select_for_update().select_related("unit").get(pk=staff_role.pk)
    on = on or timezone.localdate()
    if staff_role.valid_to is not None and staff_role.valid_to <= on:
        return staff_role
    if on < staff_role.valid_from:
        raise InvalidInput(
            "Ngày thu hồi phải từ ngày bắt đầu của quyền.",
            code=OrganizationError.ROLE_DATES_INVALID,
        )
    staff_role.valid_to = on
    staff_role.save(update_fields=["valid_to"])
    event_record(
        subject_type="user",
        subject_id=staff_role.user_id,
        action=events.ROLE_REVOKED,
        actor=actor,
        unit=staff_role.unit,
        payload={
            "role": staff_role.role,
            "unit": staff_role.unit.code,
            "staff_role": staff_role.pk,
            "valid_to": on,
        },
    )
    return staff_role


@transaction.atomic
def staff_role_save(
    *, actor, instance: StaffRole, created: bool, changed: Sequence[str] = ()
) -> StaffRole:
    """The admin's add and change form: a grant, a revocation, or a correction."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    if created:
        granted = staff_role_grant(
            actor=actor,
            user=instance.user,
            role=instance.role,
            unit=instance.unit,
            valid_from=instance.valid_from,
            valid_to=instance.valid_to,
            check_permission=False,
        )
        instance.pk = granted.pk
        return granted
    if instance.valid_to is not None and instance.valid_to < instance.valid_from:
        raise InvalidInput(
            "Ngày hết hiệu lực phải sau ngày bắt đầu.", code=OrganizationError.ROLE_DATES_INVALID
        )
    revoked = "valid_to" in changed and instance.valid_to is not None
    return row_save(
        actor=actor,
        instance=instance,
        action=events.ROLE_REVOKED if revoked else events.ROLE_CHANGED,
        created=False,
        changed=changed,
        subject_type="user",
        subject_id=str(instance.user_id),
        unit=instance.unit,
        payload={"role": instance.role, "unit": instance.unit.code},
    )


@transaction.atomic
def staff_role_delete(*, actor, instance: StaffRole) -> None:
    """Delete a grant made by mistake; the history keeps it as revoked."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    row_delete(
        actor=actor,
        instance=instance,
        action=events.ROLE_REVOKED,
        subject_type="user",
        subject_id=str(instance.user_id),
        unit=instance.unit,
    )


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; the raw value is returned once and never stored."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        require_role(actor, [Role.PROVINCE_ADMIN])
    if not name.strip():
        raise InvalidInput(
            "Cần đặt tên cho mã truy cập.", code=OrganizationError.TOKEN_NAME_REQUIRED
        )
    raw = "mc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=raw[:10], token_hash=_token_hash(raw)
    )
    event_record(
        subject_type="user",
        subject_id=user.pk,
        action=events.TOKEN_ISSUED,
        actor=actor,
        payload={"token": token.pk, "name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if actor.pk != token.user_id and not actor.is_superuser:
        require_role(actor, [Role.PROVINCE_ADMIN])
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        event_record(
            subject_type="user",
            subject_id=token.user_id,
            action=events.TOKEN_REVOKED,
            actor=actor,
            payload={"token": token.pk, "name": token.name, "prefix": token.prefix},
        )
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


# --- accounts (the admin's user pages) ----------------------------------------------------


@transaction.atomic
def user_save(*, actor, instance, created: bool, changed: Sequence[str] = ()):
    """The admin's add and change form of an account; the password never enters the history."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    if not actor.is_superuser and (
        instance.is_superuser or "is_superuser" in changed or "user_permissions" in changed
    ):
        raise PermissionDenied(
            "Chỉ quản trị viên cao nhất được cấp quyền quản trị cao nhất.",
            code=OrganizationError.SUPERUSER_REQUIRED,
        )
    return row_save(
        actor=actor,
        instance=instance,
        action=events.USER_SAVED,
        created=created,
        changed=changed,
        subject_type="user",
    )


@transaction.atomic
def user_delete(*, actor, instance) -> None:
    require_role(actor, [Role.PROVINCE_ADMIN])
    if instance.is_superuser and not actor.is_superuser:
        raise PermissionDenied(
            "Chỉ quản trị viên cao nhất được xóa tài khoản quản trị cao nhất.",
            code=OrganizationError.SUPERUSER_REQUIRED,
        )
    row_delete(
        actor=actor,
        instance=instance,
        action=events.USER_DELETED,
        subject_type="user",
        subject_id=str(instance.pk),
    )


@transaction.atomic
def user_password_set(*, actor, user, password: str | None) -> None:
    """Set an account's password (None: no password login); only the fact is recorded."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(
            "Chỉ quản trị viên cao nhất được đổi mật khẩu tài khoản quản trị cao nhất.",
            code=OrganizationError.SUPERUSER_REQUIRED,
        )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    event_record(
        subject_type="user",
        subject_id=user.pk,
        action=events.USER_PASSWORD_SET,
        actor=actor,
        payload={"usable": password is not None},
    )


# --- login security (the admin's pages of django-otp and django-axes) ----------------------


@transaction.atomic
def totp_device_remove(*, actor, instance) -> None:
    """Remove an account's authenticator (a lost phone): it enrols a new one at next login."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    user_id, name, confirmed = instance.user_id, instance.name, instance.confirmed
    instance.delete()
    event_record(
        subject_type="user",
        subject_id=user_id,
        action=events.SECOND_FACTOR_REMOVED,
        actor=actor,
        payload={"device": "totp", "name": name, "confirmed": confirmed},
    )


@transaction.atomic
def login_lock_reset(*, actor, instance) -> None:
    """Forget the failed logins of one record of the login throttle (unlocks the account)."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    username, ip_address = instance.username or "", instance.ip_address
    failures = instance.failures_since_start
    instance.delete()
    event_record(
        subject_type="login",
        subject_id=username or ip_address or "-",
        action=events.LOGIN_UNLOCKED,
        actor=actor,
        payload={"username": username, "ip_address": ip_address, "failures": failures},
    )
