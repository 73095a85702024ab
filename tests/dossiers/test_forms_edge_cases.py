"""Printed forms with edge-case data (a very long name and address, a large fee, many
papers) stay on the page: every word is printed, nothing runs past the paper's edge, and the
page count grows only with the list of papers.

Every printed form (01–07 and the payment receipt) is also rendered into page images and
compared page by page with reference images in ``form_pages/`` (tests/page_images.py; after
a deliberate change: ``MOTCUA_UPDATE_FORM_IMAGES=1`` remakes them)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from motcua.catalog.models import DossierComponent, FeeItem, FeeKind
from motcua.dossiers import services
from motcua.dossiers.printed import available_forms, render_form_html, render_form_pdf
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.printed import receipt_context, receipt_pdf
from tests.dossiers.conftest import APPLICANT, VN, at, receive, to_specialist
from tests.page_images import MAX_SHARE, differing, mismatches, page_images

pytestmark = pytest.mark.django_db

LONG_NAME = "Công ty Trách nhiệm hữu hạn Một thành viên Thương mại Dịch vụ Xây dựng " * 3
LONG_ADDRESS = "Số 1234, ngách 56/78, ngõ Văn Chương, phường Khâm Thiên, quận Đống Đa, " * 2
LONG_PROCEDURE = (
    "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi "
    "(liên thông các thủ tục hành chính)"
)
LONG_REASON = "Cần xác minh thêm thông tin về nơi cư trú của người nộp hồ sơ tại địa phương. " * 3
PAGES = Path(__file__).parent / "form_pages"


def positions(data: bytes) -> tuple[int, list[tuple[int, float, float, float, float, str]]]:
    """(pages, every piece of text with its page, position and the page's size)."""
    reader = PdfReader(io.BytesIO(data))
    found = []
    for number, page in enumerate(reader.pages):
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text, cm, tm, font, size, number=number, width=width, height=height):
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                found.append((number, x, y, width, height, text))

        page.extract_text(visitor_text=visit)
    return len(reader.pages), found


@pytest.fixture
def crowded(world):
    for order in range(4, 44):
        DossierComponent.objects.create(
            procedure=world.procedure, order=order, name=f"Giấy tờ kèm theo số {order} " * 3
        )
    world.procedure.name = LONG_PROCEDURE
    world.procedure.save(update_fields=["name"])
    FeeItem.objects.filter(procedure=world.procedure).update(amount=Decimal("1234567890"))
    FeeItem.objects.create(
        procedure=world.procedure, order=2, kind=FeeKind.FEE, name="Phí thẩm định", amount=5
    )
    applicant = {**APPLICANT, "name": LONG_NAME.strip(), "address": LONG_ADDRESS.strip()}
    return receive(world, applicant=applicant)


@pytest.fixture
def printed(world, crowded, settings) -> dict[str, bytes]:
    """Every printed form of the crowded dossier's history, the refusal (03) of an equally
    crowded applicant and the receipt of its large fee, as PDF (name → bytes)."""
    long_items = [f"Bản sao có chứng thực giấy tờ bổ sung số {n} " * 2 for n in range(1, 9)]
    dossier = to_specialist(world, crowded)
    dossier = services.dossier_apologize(
        actor=world.leader, dossier=dossier, reason=LONG_REASON,
        new_due_at=dt.datetime(2026, 3, 10, 17, 0, tzinfo=VN), at=at(0, 11),
    )  # fmt: skip
    dossier = services.dossier_request_supplement(
        actor=world.specialist, dossier=dossier, items=long_items, at=at(0, 14)
    )
    dossier = services.dossier_withdraw(
        actor=world.desk, dossier=dossier, reason=LONG_REASON, at=at(1, 9)
    )
    forms = available_forms(dossier)
    assert forms == ["01", "02", "04", "05", "06", "07"]
    out = {f"form{form}": render_form_pdf(dossier, form) for form in forms}
    refused = services.dossier_refuse_at_intake(
        actor=world.desk, procedure=world.procedure, reasons=LONG_REASON, at=at(0, 15),
        applicant={**APPLICANT, "name": LONG_NAME.strip(), "address": LONG_ADDRESS.strip()},
    )  # fmt: skip
    out["form03"] = render_form_pdf(refused, "03")
    settings.MOTCUA_SITE_URL = "https://motcua.example.vn"
    out["receipt"] = receipt_pdf(receipt_context(large_payment(dossier)))
    return out


def large_payment(dossier) -> Payment:
    """A paid receipt of the dossier's large fee, with fixed numbers (its image is compared)."""
    return Payment(
        dossier=dossier, dossier_code=dossier.code, provider="vnpay", status=PaymentStatus.PAID,
        amount=dossier.fee_due, order_ref="MC20260302080000123456", receipt_key="k" * 32,
        provider_txn="14012345678", bank_code="VIETCOMBANK", receipt_number="BL260302-000123",
        created_at=at(0, 8, 5), paid_at=at(0, 8, 6), description="Nộp phí, lệ phí",
    )  # fmt: skip


def test_the_receipt_prints_the_long_name_the_large_fee_and_every_paper(crowded):
    data = render_form_pdf(crowded, "01")
    pages, texts = positions(data)
    printed = " ".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )
    assert " ".join(LONG_NAME.split()) in printed
    assert "1.234.567.895 đồng" in printed  # both items, thousands separated
    for order in (4, 25, 43):
        assert f"Giấy tờ kèm theo số {order}" in printed
    assert 2 <= pages <= 4  # 43 papers of two lines each: 4 pages today, never more


def test_every_printed_page_stays_on_the_paper_and_matches_its_reference(printed, crowded):
    # (one test: rendering every form takes seconds)
    for form, data in printed.items():
        pages, texts = positions(data)
        assert pages <= 4, (form, pages)
        for page, x, y, width, height, text in texts:
            # inside the sheet (A4: 595 × 842 points; the receipt A5), with its margin
            assert 0 <= x < width - 20 and 0 <= y <= height, (form, page, x, y, text)
        words = " ".join(" ".join(t[-1] for t in texts).split())
        assert crowded.code in words or form == "form03", form
    # the receipt of the large fee: one page, with the amount and where to check it
    receipt = PdfReader(io.BytesIO(printed["receipt"])).pages
    assert len(receipt) == 1
    text = " ".join(receipt[0].extract_text().split())
    assert "1.234.567.895 đồng" in text and "BL260302-000123" in text
    assert "Số biên lai BL260302-000123" in text  # the label on one line beside its value
    check = "https://motcua.example.vn/thanh-toan/bien-lai/" + "k" * 32
    assert "Tra cứu tại" in text and check in text.replace(" ", "")
    # and every page looks as its reference image (tests/page_images.py)
    problems = []
    for name, data in printed.items():
        problems += mismatches(page_images(data), PAGES, name)
    assert not problems, problems


def test_a_broken_layout_fails_the_image_comparison(crowded):
    """What the comparison catches: a changed word, text pushed past the paper's edge, an
    extra line that moves what follows — each far beyond the tolerance, while the form as
    it is matches its committed reference."""
    from PIL import Image
    from weasyprint import HTML

    with Image.open(PAGES / "form01-p1.png") as file:
        reference = file.convert("L")
    html = render_form_html(crowded, "01")
    assert differing(page_images(HTML(string=html).write_pdf())[0], reference) <= MAX_SHARE
    broken = {
        "changed text": html.replace("Hạnh phúc", "Hạnh phước", 1),
        "overflow": html.replace("</style>", "td, p { white-space: nowrap; }</style>", 1),
        "extra line": html.replace("<h1", "<p>&nbsp;</p><h1", 1),
    }
    for what, changed in broken.items():
        assert changed != html, what
        share = differing(page_images(HTML(string=changed).write_pdf())[0], reference)
        assert share > 2 * MAX_SHARE, (what, share)  # beyond the tolerance, with room
