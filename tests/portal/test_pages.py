"""The citizen pages through Django's test client: register → verify → submit → receipt,
tracking, «Cá nhân»; same rules as the services."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.portal.models import Citizen
from tests.portal.conftest import PDF, png_bytes, upload

pytestmark = pytest.mark.django_db


def test_register_verify_and_land_on_my_dossiers(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/dang-ky/",
            {
                "full_name": "Hoàng Văn Em",
                "email": "em@example.vn",
                "phone": "",
                "password": "Mk-cong-dan-2026",
                "password2": "Mk-cong-dan-2026",
            },
        )
    assert response.status_code == 302 and response["Location"].startswith("/xac-minh/")
    [message] = mailoutbox
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    wrong = client.post("/xac-minh/", {"code": "000000" if code != "000000" else "111111"})
    assert "Mã xác minh không đúng" in wrong.content.decode()
    done = client.post("/xac-minh/", {"code": code})
    assert done.status_code == 302 and done["Location"] == "/ca-nhan/"
    assert Citizen.objects.get(user__email="em@example.vn").is_verified
    assert "Bạn chưa có hồ sơ nào" in client.get("/ca-nhan/").content.decode()


def test_register_answers_alike_whether_or_not_the_email_has_an_account(
    client, citizen, mailoutbox, django_capture_on_commit_callbacks
):
    """Registration does not tell who has an account: a taken email gets the same redirect
    and the same code page as a new one; no account is created and the owner is told."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    def register(browser, email):
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(
                "/dang-ky/",
                {
                    "full_name": "Ai Đó",
                    "email": email,
                    "password": "Mk-cong-dan-2026",
                    "password2": "Mk-cong-dan-2026",
                },
            )
        page = browser.get(response["Location"]).content.decode()
        return response, page.replace(email.lower(), "").replace("moi", "an")

    users = get_user_model().objects.count()
    taken, taken_page = register(Client(), "AN@example.vn")
    assert get_user_model().objects.count() == users  # nothing created
    fresh, fresh_page = register(Client(), "moi@example.vn")
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert "đã được dùng" not in taken_page and taken_page.count("a***@example.vn") == 1
    notice, code_mail = mailoutbox
    assert notice.to == ["an@example.vn"] and "đã có tài khoản" in notice.body
    assert code_mail.to == ["moi@example.vn"]


def test_login_with_phone_number(client, citizen):
    response = client.post(
        "/tai-khoan/dang-nhap/", {"identifier": "091 234 5678", "password": "Mk-cong-dan-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/ca-nhan/"
    bad = client.post("/tai-khoan/dang-nhap/", {"identifier": "0912345678", "password": "sai"})
    assert "không đúng" in bad.content.decode()


def test_submit_page_needs_a_citizen_login(client, world):
    response = client.get(f"/nop-ho-so/{world.procedure.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=/nop-ho-so/")


def test_submit_twice_with_the_same_form_gives_one_dossier_and_a_receipt(client, world, citizen):
    client.force_login(citizen.user)
    page = client.get(f"/nop-ho-so/{world.procedure.code}/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    first, second, _ = world.components

    def send():
        return client.post(
            f"/nop-ho-so/{world.procedure.code}/",
            {
                "unit": world.commune.code,
                "applicant_name": "Nguyễn Văn An",
                "applicant_id_number": "038090001234",
                "applicant_phone": "0912345678",
                "applicant_email": "an@example.vn",
                "applicant_address": "",
                "return_method": "online",
                "idempotency_key": key,
                "confirm": "on",
                f"file_{first.pk}": upload("a.pdf", PDF),
                f"file_{second.pk}": upload("b.png", png_bytes(), "image/png"),
            },
        )

    one, two = send(), send()
    assert one.status_code == two.status_code == 302
    assert one["Location"] == two["Location"]
    dossier = Dossier.objects.get()
    receipt = client.get(one["Location"]).content.decode()
    assert dossier.code in receipt
    assert "Mới đăng ký" in receipt


def test_submit_shows_why_a_file_is_refused(client, world, citizen):
    client.force_login(citizen.user)
    first, second, _ = world.components
    response = client.post(
        f"/nop-ho-so/{world.procedure.code}/",
        {
            "unit": world.commune.code,
            "applicant_name": "Nguyễn Văn An",
            "applicant_id_number": "038090001234",
            "applicant_phone": "0912345678",
            "return_method": "online",
            "idempotency_key": "khoa-trang-0001",
            "confirm": "on",
            f"file_{first.pk}": upload("virus.pdf", b"MZ" + b"\x00" * 64),
            f"file_{second.pk}": upload("b.pdf", PDF),
        },
    )
    assert response.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in response.content.decode()
    assert not Dossier.objects.exists()


def test_the_citizen_reads_why_the_desk_asked_for_completion(client, world, citizen):
    from motcua.portal import services

    dossier = services.submission_create(
        user=citizen.user,
        procedure_code=world.procedure.code,
        unit_code=world.commune.code,
        idempotency_key="khoa-ly-do-01",
        applicant={"id_number": "038090001234"},
        files={
            world.components[0].pk: upload("a.pdf", PDF),
            world.components[1].pk: upload("b.pdf", PDF),
        },
    ).dossier
    dossier_services.dossier_request_completion_online(
        actor=world.desk, dossier=dossier, reasons="Tờ khai thiếu chữ ký."
    )
    client.force_login(citizen.user)
    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    assert "Hồ sơ cần hoàn thiện trước khi được tiếp nhận." in page
    assert "Tờ khai thiếu chữ ký." in page
    # the public tracking page shows the status but not the officers' free text
    client.logout()
    track = client.post("/tra-cuu/", {"code": dossier.code, "phone4": "5678"}).content.decode()
    assert "Không được tiếp nhận" in track
    assert "Tờ khai thiếu chữ ký." not in track
    assert "Nguyễn Văn An" not in track


def test_track_page_gives_one_answer_for_unknown_and_wrong(client, world, citizen):
    unknown = client.post("/tra-cuu/", {"code": "KHONG-CO", "phone4": "1234"})
    assert unknown.status_code == 404
    assert "Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối" in unknown.content.decode()


def test_password_guessing_is_slowed_down(client, citizen):
    for _ in range(10):
        client.post("/tai-khoan/dang-nhap/", {"identifier": "an@example.vn", "password": "sai"})
    # when: the right password comes after 10 wrong ones
    response = client.post(
        "/tai-khoan/dang-nhap/", {"identifier": "an@example.vn", "password": "Mk-cong-dan-2026"}
    )
    # then
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session
