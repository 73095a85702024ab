"""The province's consolidated self-assessment report: Word in the Vietnamese
administrative layout and Excel (biểu tổng hợp tự đánh giá, chấm điểm)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.core.formats import vn_date, vn_number
from motcua.reform.exports import MOTTO, MOTTO_2, _cell, _para
from motcua.reform.models import SelfAssessment, SelfAssessmentStatus
from motcua.reform.self_selectors import self_progress, self_report_rows

COLUMNS = [
    ("STT", 1.2),
    ("Lĩnh vực, tiêu chí", 6.0),
    ("Điểm tối đa", 1.8),
    ("Điểm tự đánh giá", 2.0),
    ("Tài liệu kiểm chứng", 4.0),
    ("Giải trình", 5.0),
    ("Đơn vị chuẩn bị", 3.0),
]


def _n(value: Decimal | None) -> str:
    return "" if value is None else vn_number(value, 2)


def title_of(assessment: SelfAssessment) -> str:
    return f"Kết quả tự đánh giá, chấm điểm {assessment.index.name} năm {assessment.year} của tỉnh"


def self_report_docx(
    *, user, assessment: SelfAssessment, issuer: str = "Ủy ban nhân dân tỉnh",
    place: str = "", today: dt.date | None = None,
) -> bytes:  # fmt: skip
    today = today or timezone.localdate()
    rows = self_report_rows(user=user, assessment=assessment)
    progress = self_progress(user, assessment, today=today)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    section = doc.sections[0]
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    header = doc.add_table(rows=2, cols=2)
    left, right = header.rows[0].cells
    _cell(left, issuer.upper(), bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(right, MOTTO, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, "-------", align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    _para(right, MOTTO_2, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, "---------------", align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    number_cell, date_cell = header.rows[1].cells
    _cell(number_cell, "Số:      /BC-UBND", size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    place_date = f"{place or '……'}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}"
    _cell(date_cell, place_date, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    date_cell.paragraphs[0].runs[0].italic = True
    _para(doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, title_of(assessment), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if assessment.status != SelfAssessmentStatus.CONSOLIDATED:
        _para(doc, "(Dự thảo: Sở Nội vụ chưa tổng hợp chính thức)", italic=True,
              align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    scored = [r for r in rows if r["level"] == "criterion" and r["score"] is not None]
    total = sum((r["score"] for r in scored), Decimal(0))
    maximum = sum((r["max"] for r in rows if r["level"] == "criterion" and r["status"]), Decimal(0))
    factors = [r for r in rows if r["level"] == "area" and r["status"]]
    if factors and not scored:  # SIPAS: the factors are estimated, the index is their mean (%)
        scored = [r for r in factors if r["score"] is not None]
        total = sum((r["score"] for r in scored), Decimal(0)) / (len(scored) or 1)
        maximum = Decimal(100)
    _para(doc, (
        f"Thực hiện hướng dẫn của Bộ Nội vụ, Ủy ban nhân dân tỉnh báo cáo kết quả tự đánh giá, "
        f"chấm điểm năm {assessment.year}: {len(scored)} tiêu chí tự đánh giá, tổng điểm tự "
        f"đánh giá {_n(total)}/{_n(maximum)} điểm (các tiêu chí điều tra xã hội học do Bộ Nội vụ "
        f"chấm). Số tiêu chí đã được Sở Nội vụ chấp nhận: {progress['counts']['accepted']}/"
        f"{progress['total']}. Chi tiết tại biểu sau:"
    ))  # fmt: skip
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (title, width) in zip(table.rows[0].cells, COLUMNS, strict=True):
        _cell(cell, title, bold=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell.width = Cm(width)
    for row in rows:
        cells = table.add_row().cells
        bold = row["level"] == "area"
        values = [row["code"], row["name"], _n(row["max"]), _n(row["score"]), row["evidence"],
                  row["explanation"], row["unit"]]  # fmt: skip
        for cell, value, (_, width) in zip(cells, values, COLUMNS, strict=True):
            _cell(cell, value or "", size=10, bold=bold)
            cell.width = Cm(width)
    total_row = table.add_row().cells
    _cell(total_row[1], "TỔNG ĐIỂM TỰ ĐÁNH GIÁ", bold=True, size=10)
    _cell(total_row[2], _n(maximum), bold=True, size=10)
    _cell(total_row[3], _n(total), bold=True, size=10)
    sign = doc.add_table(rows=1, cols=2)
    recipients, signature = sign.rows[0].cells
    _cell(recipients, "Nơi nhận:", bold=True, size=12)
    recipients.paragraphs[0].runs[0].italic = True
    for line in ("- Bộ Nội vụ;", "- Sở Nội vụ;", "- Lưu: VT."):
        _para(recipients, line, size=11)
    _cell(signature, "TM. ỦY BAN NHÂN DÂN", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(signature, "CHỦ TỊCH", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def self_report_xlsx(*, user, assessment: SelfAssessment) -> bytes:
    rows = self_report_rows(user=user, assessment=assessment)
    wb = Workbook()
    ws = wb.active
    ws.title = f"Tự đánh giá {assessment.year}"
    ws.append([title_of(assessment).upper()])
    ws.append([f"Hạn gửi: {vn_date(assessment.deadline)}; trạng thái: "
               f"{assessment.get_status_display()}"])  # fmt: skip
    ws["A1"].font = Font(bold=True, size=13)
    headers = [c for c, _ in COLUMNS] + ["Trạng thái", "Truy vấn số liệu nền tảng"]
    ws.append(headers)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for row in rows:
        ws.append([
            row["code"], row["name"], float(row["max"]),
            float(row["score"]) if row["score"] is not None else None, row["evidence"],
            row["explanation"], row["unit"], row["status"], row.get("measure_query", ""),
        ])  # fmt: skip
        if row["level"] == "area":
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHI", (6, 50, 10, 12, 30, 50, 28, 18, 50), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
