"""A small province for dossier tests: two communes, a service centre, one procedure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from motcua.catalog.models import (
    DossierComponent,
    FeeItem,
    FeeKind,
    Field,
    InternalProcess,
    OnlineType,
    Procedure,
    ProcessStep,
    TimeLimitKind,
)
from motcua.dossiers import services
from motcua.dossiers.simulation import Cast, Odds
from motcua.organization.models import Role, UnitKind
from tests.samples import RESULT_PDF

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN)  # an ordinary working Monday

APPLICANT = {
    "name": "Nguyễn Văn An",
    "id_number": "038090001234",
    "phone": "0912345678",
    "email": "an@example.vn",
    "address": "Thôn Đông, xã Số 1",
}


def at(day_offset: int = 0, hour: int = 8, minute: int = 0) -> dt.datetime:
    return (MONDAY + dt.timedelta(days=day_offset)).replace(hour=hour, minute=minute)


def make_procedure(code="1.000001", kind=TimeLimitKind.WORKING_DAYS, amount="3", steps=None):
    field, _ = Field.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(
        code=code,
        name="Đăng ký khai sinh",
        field=field,
        competent_unit_kind=UnitKind.COMMUNE,
        time_limit_kind=kind,
        time_limit=Decimal(amount),
        online_type=OnlineType.FULL,
    )
    DossierComponent.objects.create(procedure=procedure, order=1, name="Tờ khai đăng ký khai sinh")
    DossierComponent.objects.create(
        procedure=procedure, order=2, name="Giấy chứng sinh", originals=1
    )
    DossierComponent.objects.create(
        procedure=procedure, order=3, name="Giấy tờ tùy thân (xuất trình)", required=False
    )
    FeeItem.objects.create(
        procedure=procedure, order=1, kind=FeeKind.CHARGE, name="Lệ phí", amount=Decimal(8000)
    )
    process = InternalProcess.objects.create(
        procedure=procedure, version=1, effective_from=dt.date(2020, 1, 1)
    )
    steps = steps or [
        ("Tiếp nhận, chuyển hồ sơ", Role.DESK_OFFICER, "4"),
        ("Thẩm định hồ sơ", Role.SPECIALIST, "12"),
        ("Lãnh đạo ký duyệt", Role.UNIT_LEADER, "4"),
        ("Trả kết quả", Role.DESK_OFFICER, "4"),
    ]
    for order, (name, role, hours) in enumerate(steps, start=1):
        ProcessStep.objects.create(
            process=process, order=order, name=name, role=role, hours=Decimal(hours)
        )
    return procedure


@dataclass
class World:
    commune: object
    other: object
    centre: object
    procedure: object
    desk: object
    specialist: object
    leader: object
    other_desk: object
    other_leader: object
    centre_desk: object


@pytest.fixture
def world(make_unit, make_user, province) -> World:
    commune = make_unit("UBND xã Số Một")
    other = make_unit("UBND xã Số Hai")
    centre = make_unit("Trung tâm Phục vụ hành chính công tỉnh", kind=UnitKind.SERVICE_CENTRE)
    return World(
        commune=commune,
        other=other,
        centre=centre,
        procedure=make_procedure(),
        desk=make_user(Role.DESK_OFFICER, unit=commune, first_name="Lan", last_name="Trần"),
        specialist=make_user(Role.SPECIALIST, unit=commune, first_name="Minh", last_name="Lê"),
        leader=make_user(Role.UNIT_LEADER, unit=commune, first_name="Hùng", last_name="Phạm"),
        other_desk=make_user(Role.DESK_OFFICER, unit=other),
        other_leader=make_user(Role.UNIT_LEADER, unit=other),
        centre_desk=make_user(Role.DESK_OFFICER, unit=centre),
    )


def receive(world: World, when=None, **extra):
    return services.dossier_receive(
        actor=extra.pop("actor", world.desk),
        procedure=extra.pop("procedure", world.procedure),
        applicant=extra.pop("applicant", APPLICANT),
        at=when or at(),
        **extra,
    )


def result_file():
    return ContentFile(RESULT_PDF, name="ket-qua.pdf")


def to_specialist(world: World, dossier, when=None):
    dossier = services.dossier_transfer(actor=world.desk, dossier=dossier, at=when or at(0, 9))
    return services.dossier_self_assign(
        actor=world.specialist, dossier=dossier, at=when or at(0, 9, 30)
    )


def to_leader(world: World, dossier, when=None):
    return services.dossier_complete_step(
        actor=world.specialist,
        dossier=dossier,
        next_assignee=world.leader,
        at=when or at(1, 10),
    )


def approve(world: World, dossier, when=None):
    return services.dossier_approve(
        actor=world.leader,
        dossier=dossier,
        number="15/GKS",
        date=dt.date(2026, 3, 3),
        signer="Phạm Hùng",
        file=result_file(),
        at=when or at(1, 14),
    )


def every_branch_odds(**extra) -> Odds:
    """Odds high enough that a few dozen simulated lifecycles take every branch."""
    return Odds(
        supplement=0.4,
        second_supplement=0.1,
        payment=0.3,
        consult=0.3,
        send_back=0.3,
        late=0.3,
        withdraw=0.05,
        refuse=0.1,
        online=0.5,
        postal=0.1,
        **extra,
    )


@pytest.fixture
def cast(world, make_user) -> Cast:
    """Everyone a simulated lifecycle at the first commune needs, with a unit to consult."""
    return Cast(
        desk=world.desk,
        receiving_unit=world.commune,
        specialist=world.specialist,
        leader=world.leader,
        consult_unit=world.other,
        consult_officer=make_user(Role.SPECIALIST, unit=world.other),
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
