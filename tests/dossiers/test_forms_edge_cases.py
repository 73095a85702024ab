"""Printed forms with edge-case data (a very long name and address, a large fee, many
papers) stay on the page: every word is printed, nothing runs past the paper's edge, and the
page count grows only with the list of papers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from motcua.catalog.models import DossierComponent, FeeItem, FeeKind
from motcua.dossiers.printed import available_forms, render_form_pdf
from tests.dossiers.conftest import APPLICANT, receive

pytestmark = pytest.mark.django_db

LONG_NAME = "Công ty Trách nhiệm hữu hạn Một thành viên Thương mại Dịch vụ Xây dựng " * 3
LONG_ADDRESS = "Số 1234, ngách 56/78, ngõ Văn Chương, phường Khâm Thiên, quận Đống Đa, " * 2


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
    FeeItem.objects.filter(procedure=world.procedure).update(amount=Decimal("1234567890"))
    FeeItem.objects.create(
        procedure=world.procedure, order=2, kind=FeeKind.FEE, name="Phí thẩm định", amount=5
    )
    applicant = {**APPLICANT, "name": LONG_NAME.strip(), "address": LONG_ADDRESS.strip()}
    return receive(world, applicant=applicant)


def test_every_form_keeps_long_data_on_the_paper(crowded):
    for form in available_forms(crowded):
        pages, texts = positions(render_form_pdf(crowded, form))
        assert pages <= 4, (form, pages)
        for page, x, y, width, height, text in texts:
            # inside the sheet (A4: 595 × 842 points), with its margin
            assert 0 <= x < width - 20 and 0 <= y <= height, (form, page, x, y, text)
        printed = " ".join(" ".join(t[-1] for t in texts).split())
        assert crowded.code in printed, form


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
