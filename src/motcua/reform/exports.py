"""Plan progress report as Word (Vietnamese administrative layout) and Excel."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.core.db import using_replica
from motcua.core.formats import vn_date, vn_datetime
from motcua.reform.models import Plan
from motcua.reform.selectors import plan_report_rows, task_list, task_status_counts

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
COLUMNS = [
    ("STT", 1.2),
    ("Chỉ số", 1.8),
    ("Tiêu chí bị trừ điểm", 3.6),
    ("Nhiệm vụ, giải pháp", 7.0),
    ("Đơn vị chủ trì", 3.0),
    ("Thời hạn", 2.2),
    ("Tình hình thực hiện", 4.6),
    ("Trạng thái", 2.4),
]


def _para(cell_or_doc, text: str, *, bold=False, italic=False, size=13, align=None):
    p = cell_or_doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        p.alignment = align
    return p


def _cell(cell, text: str, *, bold=False, size=11, align=None):
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold, run.font.size = bold, Pt(size)
    if align is not None:
        p.alignment = align


@using_replica()  # an export: a few seconds of lag do not matter
def plan_report_docx(
    *, user, plan: Plan, issuer: str, report_number: str = "", place: str = "", signer: str = "",
    signer_title: str = "", today: dt.date | None = None,
) -> bytes:  # fmt: skip
    """Báo cáo tiến độ thực hiện kế hoạch: motto, issuer, number, place/date, title, table."""
    today = today or timezone.localdate()
    rows = plan_report_rows(user=user, plan=plan, today=today)
    counts = task_status_counts(task_list(user, plan=plan, today=today), today=today)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)

    header = doc.add_table(rows=2, cols=2)
    left, right = header.rows[0].cells
    _cell(left, issuer.upper(), bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(right, MOTTO, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, "-------", align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    _para(right, MOTTO_2, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, "---------------", align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    number_cell, date_cell = header.rows[1].cells
    _cell(
        number_cell, f"Số: {report_number or '      /BC'}", size=13, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    place_date = f"{place or '……'}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}"
    _cell(date_cell, place_date, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    date_cell.paragraphs[0].runs[0].italic = True

    _para(doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        doc,
        f"Tiến độ thực hiện Kế hoạch số {plan.number} ngày {vn_date(plan.issued_on)}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _para(doc, plan.title, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        doc,
        f"Tính đến ngày {vn_date(today)}, Kế hoạch có {counts['total']} nhiệm vụ: "
        f"{counts['done']} hoàn thành, {counts['in_progress']} đang thực hiện, "
        f"{counts['not_started']} chưa triển khai, {counts['cancelled']} dừng thực hiện; "
        f"{counts['overdue']} nhiệm vụ quá hạn. Chi tiết tại bảng sau:",
    )

    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (title, width) in zip(table.rows[0].cells, COLUMNS, strict=True):
        _cell(cell, title, bold=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell.width = Cm(width)
    for n, row in enumerate(rows, 1):
        cells = table.add_row().cells
        status = row["status"] + (" (quá hạn)" if row["overdue"] else "")
        report = row["last_report"]
        if row["last_report_at"]:
            report = f"{report} ({vn_datetime(row['last_report_at'])}, {row['percent']}%)"
        values = [
            str(n), row["index"], row["criterion"], row["text"], row["lead"],
            row["deadline"], report, status,
        ]  # fmt: skip
        for cell, value, (_, width) in zip(cells, values, COLUMNS, strict=True):
            _cell(cell, value or "", size=10)
            cell.width = Cm(width)

    sign = doc.add_table(rows=1, cols=2)
    recipients, signature = sign.rows[0].cells
    _cell(recipients, "Nơi nhận:", bold=True, size=12)
    recipients.paragraphs[0].runs[0].italic = True
    for line in ("- Như trên;", "- Lưu: VT."):
        _para(recipients, line, size=11)
    _cell(signature, signer_title.upper() or "NGƯỜI BÁO CÁO", bold=True, size=13,
          align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _para(signature, "(Ký, ghi rõ họ tên)", italic=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(3):
        _para(signature, "", size=12)
    _para(signature, signer, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@using_replica()  # an export: a few seconds of lag do not matter
def plan_report_xlsx(*, user, plan: Plan, today: dt.date | None = None) -> bytes:
    today = today or timezone.localdate()
    rows = plan_report_rows(user=user, plan=plan, today=today)
    wb = Workbook()
    ws = wb.active
    ws.title = "Tiến độ"
    ws.append([f"TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH SỐ {plan.number} NGÀY {vn_date(plan.issued_on)}"])
    ws.append([f"Số liệu đến ngày {vn_date(today)}"])
    ws["A1"].font = Font(bold=True, size=13)
    headers = [
        "STT", "Mã nhiệm vụ", "Chỉ số", "Tiêu chí bị trừ điểm", "Nhiệm vụ, giải pháp",
        "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Hạn gần nhất", "Trạng thái",
        "Quá hạn", "Tiến độ (%)", "Báo cáo gần nhất", "Thời điểm báo cáo",
    ]  # fmt: skip
    ws.append(headers)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for n, row in enumerate(rows, 1):
        ws.append([
            n, row["number"], row["index"], row["criterion"], row["text"], row["lead"],
            row["coordinate"], row["deadline"], row["next_due_on"], row["status"],
            "x" if row["overdue"] else "", row["percent"], row["last_report"],
            vn_datetime(row["last_report_at"]) if row["last_report_at"] else "",
        ])  # fmt: skip
        ws.cell(ws.max_row, 9).number_format = "DD/MM/YYYY"
    for col, width in zip(
        "ABCDEFGHIJKLMN", (5, 14, 11, 30, 60, 24, 30, 14, 12, 15, 8, 9, 40, 16), strict=True
    ):
        ws.column_dimensions[col].width = width
    for r in ws.iter_rows(min_row=4):
        for cell in r:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
