"""The 2025 restructuring of the demo province's departments (today's structure).

On 1/3/2025 the provinces merged their departments (Nghị quyết của HĐND tỉnh, following the
Government's plan to reorganise the provincial apparatus): planning and investment into
finance, transport into construction, natural resources and environment with agriculture,
information and communications into science and technology, labour into home affairs, the
ethnic minorities committee into a new department of ethnic and religious affairs, foreign
affairs into the People's Committee office. The demo loads its history on the old structure
and then records these mergers through the same service as the admin's "Sáp nhập"
(``units_merge``): the old departments end on 28/2/2025 and their open dossiers, feedback
and reform tasks move to the successors, each with a history event.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.demo.province import LOGINS_FILE
from motcua.organization.models import Role, StaffRole, Unit, UnitKind
from motcua.organization.services import unit_create, units_merge

EFFECTIVE = dt.date(2025, 3, 1)
DECISION = "Nghị quyết của HĐND tỉnh về thành lập, sắp xếp các sở năm 2025 (mô phỏng)"
#: (ended departments, successor code, new successor's name, short name, electronic id)
MERGERS: list[tuple[tuple[str, ...], str, str, str, str]] = [
    (("SKHDT",), "STC", "", "", ""),
    (("SGTVT",), "SXD", "", "", ""),
    (
        ("STNMT", "SNNPTNT"),
        "SNNMT",
        "Sở Nông nghiệp và Môi trường",
        "Sở NN&MT",
        "000.00.23.H99",
    ),
    (("STTTT",), "SKHCN", "", "", ""),
    (("SLDTBXH",), "SNV", "", "", ""),
    (("BDT",), "SDTTG", "Sở Dân tộc và Tôn giáo", "Sở DT&TG", "000.00.24.H99"),
    (("SNGV",), "VPUBND", "", "", ""),
]
#: every successor department gets these demo logins (the existing ones have them already)
STAFF_ROLES = (
    ("cchc", "Cán bộ CCHC", Role.REFORM_OFFICER),
    ("chuyenvien", "Chuyên viên", Role.SPECIALIST),
    ("lanhdao", "Lãnh đạo", Role.UNIT_LEADER),
)


def _successor(code: str, name: str, short: str, eid: str) -> Unit:
    existing = Unit.objects.filter(code=code).first()
    if existing is not None or not name:
        assert existing is not None, f"unknown successor {code}"
        return existing
    province = Unit.objects.get(kind=UnitKind.PROVINCE, parent=None)
    return unit_create(
        actor=None, code=code, name=name, short_name=short, kind=UnitKind.DEPARTMENT,
        parent=province, electronic_id=eid, valid_from=EFFECTIVE, check_permission=False,
    )  # fmt: skip


def _staff(unit: Unit, hashed: str) -> list[str]:
    """The successor's demo logins, with the demo's common password (its hash copied)."""
    user_model = get_user_model()
    lines = []
    for prefix, label, role in STAFF_ROLES:
        username = f"{prefix}.{unit.code.lower()}"
        user = user_model.objects.create(
            username=username, first_name=f"{label} {unit.short_name}", password=hashed
        )
        StaffRole.objects.create(user=user, role=role, unit=unit, valid_from=EFFECTIVE)
        lines.append(f"{username:<28} {str(Role(role).label):<32} {label} {unit.short_name}")
    return lines


def load(*, rng, stdout, options) -> None:
    """Record the 2025 mergers (the demo's last change before the ledger is sealed)."""
    present = set(Unit.objects.filter(kind=UnitKind.DEPARTMENT).values_list("code", flat=True))
    lines: list[str] = []
    ended = 0
    admin = get_user_model().objects.filter(username="quantri").first()
    with transaction.atomic():
        for codes, code, name, short, eid in MERGERS:
            if not set(codes) <= present:
                continue
            new = code not in present
            successor = _successor(code, name, short, eid)
            if new and admin is not None:
                lines += _staff(successor, admin.password)
            units_merge(
                actor=None, units=list(Unit.objects.filter(code__in=codes)), into=successor,
                effective_on=EFFECTIVE, decision=DECISION, check_permission=False,
            )  # fmt: skip
            ended += len(codes)
    path = settings.VAR_DIR / LOGINS_FILE
    if lines and path.exists():
        with path.open("a") as out:
            out.write("\n".join(lines) + "\n")
    stdout.write(
        f"  Sắp xếp các sở từ 1/3/2025: {ended} sở kết thúc, việc đang làm chuyển sang sở kế thừa"
    )
