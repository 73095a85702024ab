"""Issue #5's whole journey in one browser: a citizen registers, finds a procedure without
typing diacritics, submits it online with two files, pays the fee in the sandbox gateway,
the desk accepts it, officers process it to the result and return it, the citizen tracks it
logged out, reads every email from a real local SMTP server, and rates the service."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.core.text import fold
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.payments.models import Payment, PaymentStatus
from motcua.surveys.models import Rating
from tests.browser.conftest import axe_violations
from tests.browser.test_portal_citizen import PDF, media, png, smtp  # noqa: F401
from tests.payments.conftest import SECRET
from tests.samples import RESULT_PDF

User = get_user_model()


@pytest.fixture
def gateway(settings, make_user, province):
    from motcua.organization.models import Role

    settings.PAYMENTS = {"SANDBOX": True, "VNPAY": {"TMN_CODE": "KIEMTHU1", "HASH_SECRET": SECRET}}
    make_user(Role.DESK_OFFICER, unit=province, username="cong-thanh-toan")


def payable_online_procedure() -> Procedure:
    return (
        Procedure.objects.filter(
            online_type="full", competent_unit_kind="department", status="active"
        )
        .filter(components__required=True, fees__amount__gt=0)
        .distinct()
        .order_by("code")
        .first()
    )


def process_to_return(dossier: Dossier) -> Dossier:
    """The officers of the demo province move the dossier through its internal process."""
    desk = User.objects.get(username="motcua.tinh")
    department = dossier.procedure.processes.get().steps.get(order=2).unit
    specialist = User.objects.get(username=f"chuyenvien.{department.code.lower()}")
    leader = User.objects.get(username=f"lanhdao.{department.code.lower()}")
    dossier = dossier_services.dossier_accept(actor=desk, dossier=dossier)
    dossier = dossier_services.dossier_transfer(actor=desk, dossier=dossier)
    dossier = dossier_services.dossier_self_assign(actor=specialist, dossier=dossier)
    dossier = dossier_services.dossier_complete_step(
        actor=specialist, dossier=dossier, next_assignee=leader
    )
    dossier = dossier_services.dossier_approve(
        actor=leader,
        dossier=dossier,
        number="25/GP",
        date=timezone.localdate(),
        signer="Lãnh đạo Sở",
        file=ContentFile(RESULT_PDF, name="ket-qua.pdf"),
    )
    return dossier_services.dossier_return_result(
        actor=desk, dossier=dossier, method="desk", received_by="Nguyễn Thị Hoa"
    )


def test_register_submit_pay_accept_track_rate(page, demo_province_live, smtp, media, gateway):  # noqa: F811
    email = "hoa.nguyen@example.vn"
    page.goto(page.base + "/dang-ky/")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill("Mk-cong-dan-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Mk-cong-dan-2026")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/xac-minh/**")
    code = re.search(r"\b(\d{6})\b", smtp.wait_for(email)[0].body).group(1)
    page.get_by_label("Mã xác minh (6 chữ số)").fill(code)
    page.get_by_role("button", name="Xác minh").click()
    page.wait_for_url("**/ca-nhan/")

    # finds the procedure without diacritics and submits it with two files
    procedure = payable_online_procedure()
    page.goto(page.base + "/")
    page.get_by_label("Tên hoặc mã thủ tục").fill(fold(procedure.name))
    page.get_by_role("button", name="Tìm thủ tục").click()
    page.get_by_role("link", name=procedure.name, exact=True).first.click()
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Số định danh cá nhân (12 số)").fill("001190012345")
    files = [("don.pdf", "application/pdf", PDF), ("anh.png", "image/png", png())]
    required = list(procedure.components.filter(required=True).order_by("order"))
    for index, component in enumerate(required):
        name, mime, data = files[index % 2]
        page.locator(f"#file_{component.pk}").set_input_files(
            {"name": name, "mimeType": mime, "buffer": data}
        )
    page.get_by_label("Tôi cam đoan").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/bien-nhan/")
    dossier_code = page.locator("#ma-bien-nhan").inner_text()
    dossier = Dossier.objects.get(code=dossier_code)
    fee = f"{int(dossier.fee_due):,}".replace(",", ".") + " đồng"

    # pays the published fee in the sandbox gateway before the desk has looked at it
    page.goto(page.base + "/thanh-toan/")
    page.get_by_label("Mã hồ sơ").fill(dossier_code)
    page.get_by_label("4 số cuối điện thoại của người nộp").fill("5678")
    page.get_by_role("button", name="Tra cứu khoản phải nộp").click()
    assert page.locator("#con-phai-nop").inner_text() == fee
    page.get_by_role("button", name=f"Thanh toán {fee}").click()
    page.wait_for_url("**/thanh-toan/sandbox/vpcpay.html?**")
    page.get_by_role("button", name="Xác nhận thanh toán").click()
    page.wait_for_url("**/thanh-toan/ket-qua/vnpay/?**")
    assert f"Thanh toán thành công {fee}" in page.locator("#ket-qua").inner_text()
    payment = Payment.objects.get(dossier=dossier)
    dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.dossier_updated
    assert dossier.fee_paid == dossier.fee_due

    # the desk accepts it and the officers resolve and return it
    process_to_return(dossier)

    # the citizen tracks it logged out: code + last 4 digits, no personal data
    page.context.clear_cookies()
    page.goto(page.base + "/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(dossier_code)
    page.get_by_label("4 số cuối điện thoại người nộp").fill("5678")
    page.get_by_role("button", name="Tra cứu").click()
    assert "Đã trả kết quả" in page.locator("#trang-thai").inner_text()
    assert "Nguyễn Thị Hoa" not in page.content()
    assert axe_violations(page) == []

    # every step reached the citizen's mailbox
    subjects = [m.subject for m in smtp.wait_for(email, 5)]
    assert f"Đã nhận hồ sơ nộp trực tuyến {dossier_code}" in subjects
    assert f"Hồ sơ {dossier_code} đã được tiếp nhận" in subjects
    assert f"Hồ sơ {dossier_code} đã có kết quả" in subjects

    # and rates the service once
    page.goto(page.base + "/danh-gia/")
    page.get_by_label("Mã hồ sơ").fill(dossier_code)
    page.get_by_label("4 số cuối điện thoại của người nộp").fill("5678")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Hài lòng", exact=True).check()
    indicators = page.locator("fieldset.border")
    for index in range(indicators.count()):
        indicators.nth(index).locator("input[value='2']").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Hài lòng, 18/18 điểm" in page.locator("#ket-qua").inner_text()
    assert Rating.objects.get(dossier=dossier).points == 18
