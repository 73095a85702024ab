"""Portal fixtures: a commune that receives online, a procedure with two required
components, a verified citizen, real files, a real SMTP server and tasks run at once."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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
from motcua.organization.models import Role, UnitKind
from motcua.portal import services
from tests.portal.smtp_server import LocalSMTPServer
from tests.samples import pdf

PDF = pdf("to khai dang ky khai sinh")


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_procedure(code: str = "1.000100", online: str = OnlineType.FULL) -> Procedure:
    field, _ = Field.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(
        code=code,
        name="Đăng ký khai sinh",
        field=field,
        competent_unit_kind=UnitKind.COMMUNE,
        time_limit_kind=TimeLimitKind.WORKING_DAYS,
        time_limit=Decimal("3"),
        online_type=online,
    )
    DossierComponent.objects.create(procedure=procedure, order=1, name="Tờ khai đăng ký khai sinh")
    DossierComponent.objects.create(procedure=procedure, order=2, name="Giấy chứng sinh")
    DossierComponent.objects.create(
        procedure=procedure, order=3, name="Giấy tờ khác", required=False
    )
    FeeItem.objects.create(
        procedure=procedure, order=1, kind=FeeKind.CHARGE, name="Lệ phí", amount=Decimal(8000)
    )
    process = InternalProcess.objects.create(
        procedure=procedure, version=1, effective_from=dt.date(2020, 1, 1)
    )
    for order, (name, role) in enumerate(
        [("Tiếp nhận", Role.DESK_OFFICER), ("Thẩm định", Role.SPECIALIST)], start=1
    ):
        ProcessStep.objects.create(
            process=process, order=order, name=name, role=role, hours=Decimal(12)
        )
    return procedure


@dataclass
class World:
    commune: object
    procedure: Procedure
    desk: object
    components: list


@pytest.fixture
def world(make_unit, make_user) -> World:
    commune = make_unit("UBND xã Hòa Bình")
    procedure = make_procedure()
    return World(
        commune=commune,
        procedure=procedure,
        desk=make_user(Role.DESK_OFFICER, unit=commune, first_name="Lan"),
        components=list(procedure.components.order_by("order")),
    )


@pytest.fixture
def citizen(db):
    citizen = services.citizen_register(
        full_name="Nguyễn Văn An",
        email="an@example.vn",
        phone="0912345678",
        password="Mk-cong-dan-2026",
    )
    citizen.verified_at = timezone.now()
    citizen.save(update_fields=["verified_at"])
    citizen.id_number = ""
    return citizen


def two_files(world: World) -> dict:
    first, second, _ = world.components
    return {
        first.pk: upload("to-khai.pdf", PDF),
        second.pk: upload("giay-chung-sinh.png", png_bytes(), "image/png"),
    }


APPLICANT = {"id_number": "038090001234", "address": "Thôn Đông"}


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1; Django mail is pointed at it."""
    server = LocalSMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
