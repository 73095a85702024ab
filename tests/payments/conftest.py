"""Dossiers waiting for fees, made through the dossier services; the payment gateway's
service account; settings that turn the sandbox gateway on."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from motcua.dossiers import services as dossier_services
from motcua.organization.models import Role
from motcua.payments.providers import provider_settings
from tests.dossiers.conftest import (  # noqa: F401 - fixtures re-exported
    APPLICANT,
    _fast_passwords,
    receive,
    to_specialist,
    world,
)

SECRET = "KIEMTHU-BI-MAT-CHIA-SE-0123456789ABCDEF"


@pytest.fixture
def gateway_settings(settings):
    settings.PAYMENTS = {
        "SANDBOX": True,
        "VNPAY": {"TMN_CODE": "KIEMTHU1", "HASH_SECRET": SECRET},
    }
    return provider_settings("vnpay")


@pytest.fixture
def gateway_account(make_user, province):
    """The service account the gateway acts as towards the dossier services."""
    return make_user(Role.DESK_OFFICER, unit=province, username="cong-thanh-toan")


def waiting_for_payment(w, amount=50_000):
    """A received dossier whose specialist asked for the fees (status payment_requested)."""
    dossier = receive(w)
    dossier = to_specialist(w, dossier)
    return dossier_services.dossier_request_payment(
        actor=w.specialist, dossier=dossier, amount=amount, note="Nộp lệ phí cấp bản sao"
    )


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
