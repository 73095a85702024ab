"""Demo: a verified citizen account with three dossiers submitted online through the portal,
so that the citizen side can be tried at once after ``make run``: one just submitted, one
waiting for a supplement (upload it online), one approved and returned (download the result).

Everything goes through the real services: the portal's submission (files checked by
content), then the desk, the specialist and the leader of the commune — on a paced clock in
the past days (hours apart, as people work), so the inspectors' khống report finds nothing
here that the demo did not plant on purpose.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.catalog.models import OnlineType, Procedure, ProcedureStatus
from motcua.dossiers import services as dossiers
from motcua.dossiers.demo import MINIMAL_PDF, RESULT_FILE
from motcua.dossiers.models import Dossier, ReturnMethod
from motcua.organization.models import Role, StaffRole, UnitKind
from motcua.portal import services
from motcua.portal.models import Citizen
from motcua.portal.selectors import submission_units

HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
EMAIL = "congdan@example.vn"
PHONE = "0912000111"
NAME = "Nguyễn Văn An"
ID_NUMBER = "038090001234"


def _staff_of(unit) -> dict:
    found: dict = {}
    for sr in StaffRole.objects.filter(unit=unit, valid_to__isnull=True).select_related("user"):
        found.setdefault(sr.role, sr.user)
    return found


def _place():
    """An online procedure of a commune whose desk, specialist and leader all exist."""
    procedures = (
        Procedure.objects.filter(
            status=ProcedureStatus.ACTIVE,
            online_type=OnlineType.FULL,
            competent_unit_kind=UnitKind.COMMUNE,
            processes__isnull=False,
        )
        .distinct()
        .order_by("code")
    )
    for procedure in procedures[:50]:
        for unit in submission_units(procedure)[:50]:
            staff = _staff_of(unit)
            if {Role.DESK_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER} <= set(staff):
                return procedure, unit, staff
    return None


def _submit(user, procedure, unit, n: int, at: dt.datetime | None = None) -> Dossier:
    files = {
        str(c.pk): SimpleUploadedFile(f"thanh-phan-{c.order}.pdf", MINIMAL_PDF, "application/pdf")
        for c in procedure.components.all()
    }
    result = services.submission_create(
        user=user,
        procedure_code=procedure.code,
        unit_code=unit.code,
        idempotency_key=f"demo-congdan-{n}",
        applicant={"address": "Số 12, thôn Đông"},
        files=files,
        return_method=ReturnMethod.ONLINE,
        at=at,
    )
    return result.dossier


def _to_specialist(dossier: Dossier, staff: dict, start: dt.datetime) -> Dossier:
    """Accepted an hour after submission, transferred, taken up by the specialist."""
    desk = staff[Role.DESK_OFFICER]
    dossier = dossiers.dossier_accept(actor=desk, dossier=dossier, at=start + HOUR)
    dossier = dossiers.dossier_transfer(actor=desk, dossier=dossier, at=start + 2 * HOUR)
    return dossiers.dossier_self_assign(
        actor=staff[Role.SPECIALIST], dossier=dossier, at=start + 3 * HOUR
    )


def load(*, rng, stdout, options) -> None:
    if Citizen.objects.filter(user__email=EMAIL).exists():
        return
    place = _place()
    if place is None:
        stdout.write("  Công dân mẫu: không có thủ tục trực tuyến ở xã đủ cán bộ, bỏ qua.")
        return
    procedure, unit, staff = place
    password = options["demo_password"]  # the province's (``motcua demo`` loads it first)
    citizen = services.citizen_register(full_name=NAME, email=EMAIL, phone=PHONE, password=password)
    citizen.verified_at = timezone.now()
    citizen.id_number = ID_NUMBER
    citizen.address = "Số 12, thôn Đông"
    citizen.save(update_fields=["verified_at", "id_number", "address"])
    user = citizen.user

    now = timezone.now()
    _submit(user, procedure, unit, 1)  # waits for the desk
    start = now - 2 * DAY
    waiting = _to_specialist(_submit(user, procedure, unit, 2, at=start), staff, start)
    dossiers.dossier_request_supplement(
        actor=staff[Role.SPECIALIST],
        dossier=waiting,
        items=["Bản sao giấy tờ chứng minh nơi cư trú"],
        at=start + DAY,
    )
    start = now - 5 * DAY
    done = _to_specialist(_submit(user, procedure, unit, 3, at=start), staff, start)
    leader = staff[Role.UNIT_LEADER]
    if any(s.role == Role.UNIT_LEADER for s in done.process.steps.all()):
        done = dossiers.dossier_complete_step(
            actor=staff[Role.SPECIALIST], dossier=done, next_assignee=leader, at=start + DAY
        )
    done = dossiers.dossier_approve(
        actor=leader,
        dossier=done,
        number="25/QĐ-UBND",
        date=timezone.localdate(start + 2 * DAY),
        signer=leader.get_full_name() or leader.username,
        file=RESULT_FILE,
        at=start + 2 * DAY,
    )
    dossiers.dossier_return_result(
        actor=staff[Role.DESK_OFFICER],
        dossier=done,
        method=ReturnMethod.ONLINE,
        received_by=NAME,
        at=start + 3 * DAY,
    )
    path = settings.VAR_DIR / "demo-logins.txt"
    if path.exists():
        with path.open("a") as logins:
            logins.write(f"{EMAIL:<28} {'Công dân (/tai-khoan/dang-nhap/)':<32} {NAME}\n")
    stdout.write(
        f"  Công dân mẫu: {EMAIL} (hoặc {PHONE}), 3 hồ sơ nộp trực tuyến tại {unit.name}: "
        "mới nộp, chờ bổ sung, đã trả kết quả."
    )
