"""Forms 01–07 are rendered from events and re-read as text from the PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from motcua.core.errors import NotFound
from motcua.dossiers import services
from motcua.dossiers.printed import available_forms, render_form_pdf
from tests.dossiers.conftest import APPLICANT, VN, at, receive, to_specialist

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    return " ".join(text.split())


def test_receipt_carries_code_and_dates(world):
    dossier = receive(world)
    text = squash(pdf_text(render_form_pdf(dossier, "01")))
    assert dossier.code in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text.upper()
    assert "08 giờ 00 phút, ngày 02 tháng 03 năm 2026" in text
    assert "08 giờ 00 phút, ngày 05 tháng 03 năm 2026" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Giấy chứng sinh" in text
    assert "Phí, lệ phí: 8.000 đồng" in text  # thousands separated, as Vietnamese write it
    # the national title and motto each on one line of the printed page
    lines = PdfReader(io.BytesIO(render_form_pdf(dossier, "01"))).pages[0].extract_text()
    lines = [line.strip() for line in lines.splitlines()]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines


def test_control_slip_lists_every_handover_and_supplement_request_form(world):
    dossier = to_specialist(world, receive(world))
    dossier = services.dossier_request_supplement(
        actor=world.specialist,
        dossier=dossier,
        items=["Bản sao giấy chứng nhận kết hôn"],
        at=at(0, 10),
    )
    text02 = squash(pdf_text(render_form_pdf(dossier, "02")))
    assert "Bản sao giấy chứng nhận kết hôn" in text02
    assert dossier.code in text02
    text06 = squash(pdf_text(render_form_pdf(dossier, "06")))
    assert dossier.code in text06
    assert "09 giờ 00 phút, ngày 02 tháng 03 năm 2026" in text06  # transfer
    assert "10 giờ 00 phút, ngày 02 tháng 03 năm 2026" in text06  # supplement request
    assert "Đúng hạn" in text06


def test_refusal_at_intake_and_2018_variants(world):
    refused = services.dossier_refuse_at_intake(
        actor=world.desk,
        procedure=world.procedure,
        applicant=APPLICANT,
        reasons="Không thuộc thẩm quyền giải quyết của xã.",
        at=at(),
    )
    assert available_forms(refused) == ["03"]
    text = squash(pdf_text(render_form_pdf(refused, "03")))
    assert refused.code in text and "Không thuộc thẩm quyền" in text
    old = receive(world, when=dt.datetime(2025, 6, 30, 9, 0, tzinfo=VN))
    assert old.rule_set.code == "2018"
    text = squash(pdf_text(render_form_pdf(old, "01")))
    assert "Thông tư 01/2018/TT-VPCP" in text and "ngày 30 tháng 06 năm 2025" in text
    old = services.dossier_withdraw(actor=world.desk, dossier=old, reason="Công dân xin rút")
    with pytest.raises(NotFound):
        render_form_pdf(old, "05")  # the 2018 set has no stop notice


def test_apology_and_stop_notice(world):
    dossier = to_specialist(world, receive(world))
    new_due = dt.datetime(2026, 3, 10, 17, 0, tzinfo=VN)
    dossier = services.dossier_apologize(
        actor=world.leader,
        dossier=dossier,
        reason="Cần xác minh thông tin",
        new_due_at=new_due,
        at=at(0, 11),
    )
    text = squash(pdf_text(render_form_pdf(dossier, "04")))
    assert dossier.code in text
    assert "Ngày 08 giờ" not in text and "Vào lúc 08 giờ 00 phút, ngày 02 tháng 03" in text
    assert "17 giờ 00 phút, ngày 10 tháng 03 năm 2026" in text
    dossier = services.dossier_withdraw(
        actor=world.desk, dossier=dossier, reason="Công dân đề nghị rút hồ sơ", at=at(0, 14)
    )
    text = squash(pdf_text(render_form_pdf(dossier, "05")))
    assert dossier.code in text and "rút hồ sơ" in text
    register = squash(pdf_text(render_form_pdf(dossier, "07")))
    assert dossier.code in register
