"""Role checks used by every service. Views only decide what to show; services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from motcua.core import zone
from motcua.core.errors import PermissionDenied
from motcua.organization.models import Role, StaffRole, Unit


def _today() -> dt.date:
    return zone.localdate()  # the batch's pinned zone inside a dossier_batch


def user_roles(user, *, on: dt.date | None = None) -> list[StaffRole]:
    if user is None or not user.is_authenticated:
        return []
    on = on or _today()
    cache_key = f"_motcua_roles_{on.isoformat()}"
    cached = getattr(user, cache_key, None)
    if cached is None:
        cached = list(
            StaffRole.objects.filter(user=user, valid_from__lte=on)
            .exclude(valid_to__lt=on)
            .exclude(unit__valid_to__lt=on)  # a role at an ended unit grants nothing
            .select_related("unit")
        )
        setattr(user, cache_key, cached)
    return cached


def unit_ancestor_ids(unit: Unit) -> list[int]:
    ids, current, seen = [], unit, set()
    while current is not None and current.pk not in seen:
        ids.append(current.pk)
        seen.add(current.pk)
        current = current.parent
    return ids


#: has_role's answers inside ``roles_memo()`` (one dossier batch): by user, roles, unit, day
_MEMO: ContextVar[dict | None] = ContextVar("motcua_roles_memo", default=None)


@contextmanager
def roles_memo() -> Iterator[None]:
    """Keep ``has_role``'s answers for the block (bulk work: one ``dossier_batch``).

    An answer is kept by (user id, roles, unit id, today's date): the same question on the
    same day gets the same answer without walking the roles again; a new day (midnight
    inside the block) asks again. Nothing outlives the block: the next batch starts empty.
    Within the block a role granted or ended by another transaction is not seen, as the roles
    already kept on the user object (``user_roles``) are not."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def has_role(user, roles: Iterable[str], unit: Unit | None = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = frozenset(roles)
    memo = _MEMO.get()
    if memo is None:
        return _has_role(user, roles, unit)
    key = (user.pk, roles, unit.pk if unit is not None else None, _today())
    found = memo.get(key)
    if found is None:
        found = memo[key] = _has_role(user, roles, unit)
    return found


def _has_role(user, roles: frozenset[str], unit: Unit | None) -> bool:
    scope = set(unit_ancestor_ids(unit)) if unit is not None else None
    for staff_role in user_roles(user):
        if staff_role.role not in roles:
            continue
        if scope is None or staff_role.unit_id in scope:
            return True
    return False


def require_role(user, roles: Iterable[str], unit: Unit | None = None) -> None:
    """Raise PermissionDenied unless ``user`` holds one of ``roles`` at ``unit`` or above it."""
    roles = tuple(roles)
    if not has_role(user, roles, unit):
        names = ", ".join(str(Role(r).label) for r in roles)
        where = f" tại {unit.name}" if unit is not None else ""
        raise PermissionDenied(f"Cần vai trò {names}{where} để thực hiện thao tác này.")


def units_of(user, roles: Iterable[str] | None = None) -> list[Unit]:
    roles = set(roles) if roles else None
    return [r.unit for r in user_roles(user) if roles is None or r.role in roles]
