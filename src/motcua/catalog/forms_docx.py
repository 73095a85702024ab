"""A printable Word form (đơn, tờ khai) for a dossier component that names a form but has no
uploaded template: Vietnamese administrative layout, filled from the catalog's own data."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from motcua.catalog.models import DossierComponent


def _centered(document, text: str, *, bold: bool = False, size: int = 13, italic: bool = False):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return paragraph


def component_form_docx(component: DossierComponent) -> bytes:
    procedure = component.procedure
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    _centered(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    _centered(document, "Độc lập - Tự do - Hạnh phúc", bold=True)
    _centered(document, "________________")
    _centered(document, component.form_name or "Mẫu đơn", italic=True, size=12)
    _centered(document, component.name.replace(" (theo mẫu)", "").upper(), bold=True, size=14)
    authority = procedure.competent_authority or "Cơ quan có thẩm quyền"
    _centered(document, f"Kính gửi: {authority}")
    for label in (
        "Họ và tên người đề nghị (hoặc tên tổ chức)",
        "Số định danh cá nhân / mã số doanh nghiệp",
        "Địa chỉ liên hệ",
        "Số điện thoại",
        "Thư điện tử",
    ):
        document.add_paragraph(f"{label}: " + "." * 60)
    document.add_paragraph(f"Đề nghị giải quyết thủ tục: {procedure.name} (mã {procedure.code}).")
    document.add_paragraph("Nội dung đề nghị: " + "." * 70)
    document.add_paragraph("Giấy tờ kèm theo:")
    for other in procedure.components.exclude(pk=component.pk).order_by("order"):
        document.add_paragraph(
            f"{other.order}. {other.name} ({other.originals} bản chính, {other.copies} bản sao)"
        )
    document.add_paragraph(
        "Tôi cam đoan nội dung kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật."
    )
    signature = document.add_paragraph(
        "………, ngày … tháng … năm ……\nNGƯỜI ĐỀ NGHỊ\n(Ký, ghi rõ họ tên)"
    )
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
