"""Who runs survey campaigns (role AND unit): the province admin; a reform officer of the
province's reform coordinator (Sở Nội vụ, the same setting the reform app reads:
MOTCUA["REFORM_COORDINATOR_UNIT_CODE"], default "SNV"); or a reform officer at or above
every unit of the campaign (a unit surveying its own users)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q

from motcua.core.errors import PermissionDenied
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import has_role


def _coordinators() -> list[Unit]:
    code = getattr(settings, "MOTCUA", {}).get("REFORM_COORDINATOR_UNIT_CODE", "SNV")
    return list(Unit.objects.filter(Q(code=code) | Q(name_folded="so noi vu")))


def may_run(user, units: Iterable[Unit]) -> bool:
    if has_role(user, [Role.PROVINCE_ADMIN]):
        return True
    if not has_role(user, [Role.REFORM_OFFICER]):
        return False
    if any(has_role(user, [Role.REFORM_OFFICER], unit) for unit in _coordinators()):
        return True
    units = list(units)
    return bool(units) and all(has_role(user, [Role.REFORM_OFFICER], unit) for unit in units)


def require_run(user, units: Iterable[Unit]) -> None:
    if not may_run(user, units):
        raise PermissionDenied(
            "Chỉ quản trị tỉnh, cán bộ cải cách hành chính của Sở Nội vụ hoặc của chính các đơn "
            "vị được khảo sát được thực hiện đợt khảo sát này."
        )
