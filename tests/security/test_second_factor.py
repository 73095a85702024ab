"""The TOTP second factor of the admin and of officers with an administrative role:
enrolment shows the otpauth address, the code is asked at each login, nothing (pages,
session API, the Django admin) opens before it; on by default, off only when asked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.organization.services import api_token_create

PASSWORD = "Mk-kiem-thu-2026"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.MOTCUA_REQUIRE_OTP = True


@pytest.fixture
def admin(make_user, province):
    return make_user(Role.PROVINCE_ADMIN, unit=province, username="quantri")


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def log_in(username: str) -> Client:
    client = Client(REMOTE_ADDR="198.51.100.20")
    response = client.post("/dang-nhap/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_an_admin_enrols_then_gives_a_code_at_each_login(admin):
    # given: the password was right
    client = log_in("quantri")
    # when: the admin opens a page, the enrolment page comes first
    response = client.get("/can-bo/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/xac-thuc/thiet-lap/")
    page = client.get(response["Location"]).content.decode()
    uri = re.search(r'id="otp-uri"[^>]*>([^<]+)<', page).group(1)
    assert uri.startswith("otpauth://totp/") and "secret=" in uri
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    # a wrong code is refused, the right one opens the officer pages
    wrong = client.post("/dang-nhap/xac-thuc/thiet-lap/", {"token": "000000", "next": "/can-bo/"})
    assert wrong.status_code == 400
    assert "Mã xác thực không đúng" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    done = client.post(
        "/dang-nhap/xac-thuc/thiet-lap/", {"token": code_of(device), "next": "/can-bo/"}
    )
    assert done.status_code == 302 and done["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200
    assert Event.objects.filter(
        action="staff.second_factor_enrolled", subject_id=str(admin.pk)
    ).exists()
    # then: the next login asks for the code
    device.refresh_from_db()
    device.last_t = -1  # a later time step (a code is accepted once)
    device.save(update_fields=["last_t"])
    again = log_in("quantri")
    asked = again.get("/can-bo/")
    assert asked["Location"].startswith("/dang-nhap/xac-thuc/?next=")
    assert again.post("/dang-nhap/xac-thuc/", {"token": "123456"}).status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = again.post("/dang-nhap/xac-thuc/", {"token": code_of(device), "next": "/can-bo/"})
    assert ok.status_code == 302 and again.get("/can-bo/").status_code == 200


def test_nothing_opens_before_the_code(admin, django_user_model):
    client = log_in("quantri")
    TOTPDevice.objects.create(user=admin, name="x", confirmed=True)
    for path in ("/can-bo/", "/cai-cach/", "/so-cai/kiem-tra/"):
        assert client.get(path)["Location"].startswith("/dang-nhap/xac-thuc/")
    refused = client.get("/api/reform/plans")  # the session alone does not open the API
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
    # the Django admin: a superuser after the password still needs the code
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    TOTPDevice.objects.create(user=root, name="x", confirmed=True)
    admin_client = Client()
    login = admin_client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert login.status_code == 302
    assert admin_client.get("/admin/")["Location"].startswith("/dang-nhap/xac-thuc/")


def test_personal_tokens_and_other_officers_need_no_code(admin, make_user, province):
    _, raw = api_token_create(actor=None, user=admin, name="máy chủ báo cáo")
    assert Client().get("/api/reform/plans", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    make_user(Role.DESK_OFFICER, unit=province, username="motcua.tinh")
    assert log_in("motcua.tinh").get("/can-bo/").status_code == 200


def test_switched_off_only_by_an_explicit_development_setting(admin, settings):
    settings.MOTCUA_REQUIRE_OTP = False
    assert log_in("quantri").get("/can-bo/").status_code == 200
    # the default, when nothing says otherwise, is on
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_REQUIRE_OTP"}
    env["PYTHONPATH"] = "src"
    out = subprocess.run(
        [sys.executable, "-c", "import motcua.settings as s; print(s.MOTCUA_REQUIRE_OTP)"],
        capture_output=True, text=True, env=env, check=True, timeout=60,
    )  # fmt: skip
    assert out.stdout.strip() == "True"
