"""A citizen registers, finds a procedure without diacritics, submits it online with two
files, the desk accepts it, the citizen tracks it and reads the emails from a real local
SMTP server. axe-core finds no serious or critical violation on the pages passed."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model

from motcua.catalog.models import Procedure
from motcua.core.text import fold
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from tests.browser.conftest import axe_violations
from tests.portal.smtp_server import LocalSMTPServer
from tests.samples import pdf

PDF = pdf("to khai")


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def smtp(settings):
    server = LocalSMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield server
    server.stop()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def online_procedure() -> Procedure:
    return (
        Procedure.objects.filter(
            online_type="full", competent_unit_kind="department", status="active"
        )
        .filter(components__required=True)
        .distinct()
        .order_by("code")
        .first()
    )


def test_register_submit_accept_track_with_emails(page, demo_province_live, smtp, media):
    email = "cong.dan@example.vn"
    # a citizen registers with an email address
    page.goto(page.base + "/dang-ky/")
    assert axe_violations(page) == []
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Số điện thoại di động").fill("0903 123 456")
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill("Mk-cong-dan-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Mk-cong-dan-2026")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/xac-minh/**")
    [code_mail] = smtp.wait_for(email)
    code = re.search(r"\b(\d{6})\b", code_mail.body).group(1)
    page.get_by_label("Mã xác minh (6 chữ số)").fill(code)
    page.get_by_role("button", name="Xác minh").click()
    page.wait_for_url("**/ca-nhan/")
    assert axe_violations(page) == []

    # finds a procedure without typing diacritics
    procedure = online_procedure()
    page.goto(page.base + "/")
    page.get_by_label("Tên hoặc mã thủ tục").fill(fold(procedure.name))
    page.get_by_role("button", name="Tìm thủ tục").click()
    page.get_by_role("link", name=procedure.name, exact=True).first.click()
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(f"**/nop-ho-so/{procedure.code}/")
    assert axe_violations(page) == []

    # submits it with two files (chosen by keyboard-reachable inputs)
    page.get_by_label("Số định danh cá nhân (12 số)").fill("001190054321")
    required = list(procedure.components.filter(required=True).order_by("order"))
    contents = [("to-khai.pdf", "application/pdf", PDF), ("ban-ve.png", "image/png", png())]
    for index, component in enumerate(required):
        name, mime, data = contents[index % 2]
        page.locator(f"#file_{component.pk}").set_input_files(
            {"name": name, "mimeType": mime, "buffer": data}
        )
    assert "to-khai.pdf" in page.locator("#xem-lai-tep").inner_text()
    page.get_by_label("Tôi cam đoan").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()
    errors = page.locator("#loi-bieu-mau, .invalid-feedback").all_inner_texts()
    assert page.url.endswith("/bien-nhan/"), errors
    dossier_code = page.locator("#ma-bien-nhan").inner_text()
    dossier = Dossier.objects.get(code=dossier_code)
    assert dossier.national_status == 1
    assert dossier.checklist.exclude(file="").count() == len(required)
    assert Dossier.objects.count() == 1

    # the desk accepts it
    desk = get_user_model().objects.get(username="motcua.tinh")
    dossier_services.dossier_accept(actor=desk, dossier=dossier)

    # the citizen tracks it (logged out: code + last 4 digits)
    page.context.clear_cookies()
    page.goto(page.base + "/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(dossier_code)
    page.get_by_label("4 số cuối điện thoại người nộp").fill("3456")
    page.get_by_role("button", name="Tra cứu").click()
    assert "Được tiếp nhận" in page.locator("#trang-thai").inner_text()
    assert page.locator("#dong-thoi-gian li").count() == 2
    assert "Nguyễn Thị Hoa" not in page.content()
    assert axe_violations(page) == []

    # and received the emails
    subjects = [m.subject for m in smtp.wait_for(email, 3)]
    assert subjects[1:] == [
        f"Đã nhận hồ sơ nộp trực tuyến {dossier_code}",
        f"Hồ sơ {dossier_code} đã được tiếp nhận",
    ]


def test_public_citizen_pages_pass_axe(page, demo_province_live):
    for path in ("/", "/thu-tuc/?q=ho+tich", "/tra-cuu/", "/tai-khoan/dang-nhap/"):
        page.goto(page.base + path)
        assert axe_violations(page) == [], path
    procedure = online_procedure()
    page.goto(page.base + f"/thu-tuc/{procedure.code}/")
    assert axe_violations(page) == []
    # keyboard: the submit link is reachable with Tab from the page start
    page.keyboard.press("Tab")
    for _ in range(30):
        if page.evaluate("document.activeElement.id") == "nop-truc-tuyen":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "nop-truc-tuyen"

    # mobile width, keyboard only: the tracking form answers without enumeration
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(page.base + "/tra-cuu/")
    assert axe_violations(page) == []
    page.get_by_label("Mã hồ sơ").focus()
    page.keyboard.type("000.00.00.X00-260101-0001")
    page.keyboard.press("Tab")
    page.keyboard.type("1234")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert (
        "Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối"
        in page.locator("#loi-bieu-mau").inner_text()
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing overflows sideways on a phone
