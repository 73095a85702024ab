"""Who may manage reform monitoring and who reports a task's progress."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from motcua.core.errors import PermissionDenied
from motcua.organization.models import Role, StaffRole, Unit
from motcua.organization.permissions import has_role
from motcua.organization.selectors import unit_successor_on
from motcua.reform.errors import ReformError
from motcua.reform.models import (
    GROUP_KINDS,
    AssignmentRole,
    Task,
)


def _setting(name: str, default):
    return getattr(settings, "MOTCUA", {}).get(name, default)


# --- permissions -------------------------------------------------------------------------


def coordinator_units() -> list[Unit]:
    """The units that own reform monitoring (Sở Nội vụ, by code or by name)."""
    code = _setting("REFORM_COORDINATOR_UNIT_CODE", "SNV")
    return list(Unit.objects.filter(Q(code=code) | Q(name_folded="so noi vu")))


def can_manage(user) -> bool:
    """Import plans, record results, change task status: Sở Nội vụ's reform officers."""
    if has_role(user, [Role.PROVINCE_ADMIN]):
        return True
    return any(has_role(user, [Role.REFORM_OFFICER], unit) for unit in coordinator_units())


def require_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(
            "Chỉ cán bộ cải cách hành chính của Sở Nội vụ hoặc quản trị tỉnh được thực hiện.",
            code=ReformError.REFORM_MANAGE_DENIED,
        )


def lead_unit_ids(task: Task) -> tuple[set[int], set[str]]:
    """The lead units of a task: single units (and the successor of a merged one), and the
    unit kinds of lead groups."""
    ids, kinds = set(), set()
    today = timezone.localdate()
    for a in task.assignments.all():
        if a.role != AssignmentRole.LEAD:
            continue
        if a.unit is not None:
            ids.add(a.unit.pk)
            if not a.unit.is_active_on(today):
                ids.add(unit_successor_on(a.unit, today).pk)
        elif a.group:
            kinds.update(GROUP_KINDS[a.group])
    return ids, kinds


def can_report(user, task: Task) -> bool:
    """Progress is posted by a reform officer of a lead unit (or the province admin)."""
    if user is None or not user.is_authenticated:
        return False
    if has_role(user, [Role.PROVINCE_ADMIN]):
        return True
    ids, kinds = lead_unit_ids(task)
    today = timezone.localdate()
    officer_units = StaffRole.objects.filter(
        user=user, role=Role.REFORM_OFFICER, valid_from__lte=today
    ).exclude(valid_to__lt=today)
    return officer_units.filter(Q(unit_id__in=ids) | Q(unit__kind__in=kinds)).exists()


def reporting_unit(user, task: Task) -> Unit | None:
    ids, kinds = lead_unit_ids(task)
    role = (
        StaffRole.objects.filter(user=user, role=Role.REFORM_OFFICER)
        .filter(Q(unit_id__in=ids) | Q(unit__kind__in=kinds))
        .select_related("unit")
        .first()
    )
    return role.unit if role else task.lead_unit
