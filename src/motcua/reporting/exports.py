"""Exports: a periodic report as Word (Vietnamese administrative layout), the scorecard, the
766 index and the reporting rates as Excel (numbers as numbers), open data as CSV / JSON."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.core.formats import vn_datetime, vn_number
from motcua.core.periods import period_of
from motcua.reporting.models import Report
from motcua.reporting.reports import report_view

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _cell(cell, text: str, *, bold=False, italic=False, size=12, align=None):
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        p.alignment = align
    return p


def _para(target, text: str, *, bold=False, italic=False, size=13, align=None):
    p = target.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        p.alignment = align
    return p


def pct(value) -> str:
    return "chưa có dữ liệu" if value is None else f"{vn_number(value, 2)}%"


def report_docx(report: Report, *, place: str = "") -> bytes:
    """Báo cáo: issuing body and motto header, number, place and date, title, figures table,
    the unit's sections, recipients and signature block."""
    sections = report_view(report)
    period = period_of(report.template.frequency, report.period_start)
    day = timezone.localtime(report.submitted_at).date() if report.submitted_at else None
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin, sec.right_margin = Cm(3), Cm(2)
    sec.top_margin = sec.bottom_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)

    header = doc.add_table(rows=2, cols=2)
    left, right = header.rows[0].cells
    parent = report.unit.parent.name.upper() if report.unit.parent else ""
    _cell(left, parent, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, report.unit.name.upper(), bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(right, MOTTO, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, MOTTO_2, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    number_cell, date_cell = header.rows[1].cells
    _cell(number_cell, f"Số: {report.number or '      /BC'}", size=13,
          align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    place = place or settings.MOTCUA.get("PROVINCE_NAME", "")
    when = (
        f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
        if day
        else "ngày …… tháng …… năm ……"
    )
    _cell(date_cell, f"{place}, {when}", italic=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)

    _para(doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{report.template.name} {period.label.lower()}", bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    if report.version > 1:
        _para(doc, f"(Bản điều chỉnh lần {report.version - 1}: {report.correction_reason})",
              italic=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    recipient = report.template.recipient or "cơ quan tổng hợp"
    _para(doc, f"Kính gửi: {recipient}.", align=WD_ALIGN_PARAGRAPH.CENTER)

    for number, section in enumerate(sections, start=1):
        _para(doc, f"{number}. {section['title']}", bold=True)
        if section.get("kind") == "stats":
            table = doc.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            for cell, title in zip(table.rows[0].cells, ("Nội dung", "Số hồ sơ"), strict=True):
                _cell(cell, title, bold=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
            for row in section["rows"]:
                cells = table.add_row().cells
                _cell(cells[0], row["label"], size=11)
                _cell(cells[1], vn_number(row["value"]), size=11, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif section.get("kind") == "figures":
            _para(doc, f"Số liệu tính từ Hệ thống thông tin giải quyết TTHC, kỳ {period.span}.",
                  italic=True, size=12)  # fmt: skip
            table = doc.add_table(rows=1, cols=5)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            heads = ("Chỉ tiêu", "Kết quả", "Chỉ tiêu giao", "Số hồ sơ / tổng", "Đánh giá")
            for cell, title in zip(table.rows[0].cells, heads, strict=True):
                _cell(cell, title, bold=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER)
            for row in section["rows"]:
                cells = table.add_row().cells
                target = row["target"]
                ratio = (
                    f"{vn_number(row['numerator'])} / {vn_number(row['denominator'])}"
                    if row["denominator"] is not None
                    else ""
                )
                values = (
                    row["name"],
                    pct(row["value"]),
                    ("< " if row["direction"] == "lower" else "≥ ") + pct(target) if target else "",
                    ratio,
                    row["light_label"],
                )
                for cell, text in zip(cells, values, strict=True):
                    _cell(cell, text, size=11)
        else:
            for line in (section.get("text") or "(Chưa có nội dung)").splitlines():
                _para(doc, line, size=13)

    sign = doc.add_table(rows=1, cols=2)
    recipients, signature = sign.rows[0].cells
    _cell(recipients, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in (f"- {recipient};", "- Lưu: VT."):
        _para(recipients, line, size=11)
    _cell(signature, "THỦ TRƯỞNG ĐƠN VỊ", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(signature, "(Ký, ghi rõ họ tên)", italic=True, size=12,
          align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    for _ in range(3):
        _para(signature, "", size=12)
    _para(signature, report.submitted_by_label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _sheet_header(ws, title: str, subtitle: str, columns: list[str]) -> None:
    ws.append([title])
    ws.append([subtitle])
    ws.append([f"Xuất lúc {vn_datetime(timezone.now())}"])
    ws.append(columns)
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B5"
    ws.column_dimensions["A"].width = 50


def leaders_workbook(*, unit, period, rows, ranking, index) -> bytes:
    """Scorecard, ranking of units and the 766 index — numbers as numbers (percent 0–100)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    _sheet_header(ws, f"CHỈ TIÊU — {unit.name.upper()}", f"{period.label} ({period.span})",
                  ["Chỉ tiêu", "Kết quả (%)", "Chỉ tiêu giao (%)", "Chênh lệch (điểm %)",
                   "Tử số", "Mẫu số", "Đánh giá", "Căn cứ"])  # fmt: skip
    for r in rows:
        d = r.as_dict()
        ws.append([d["name"], d["value"], d["target"], d["gap"], d["numerator"],
                   d["denominator"], d["light_label"], d["target_source"]])  # fmt: skip
    ws = wb.create_sheet("Xếp hạng đơn vị")
    _sheet_header(ws, "XẾP HẠNG ĐƠN VỊ (KÉM NHẤT TRƯỚC)", period.label,
                  ["Đơn vị", "Người đứng đầu", "Chưa đạt", "Gần đạt", "Đạt",
                   "Tổng thiếu hụt (điểm %)"])  # fmt: skip
    for r in ranking:
        ws.append([r["unit"].name, r["head"], r["red"], r["amber"], r["green"], r["shortfall"]])
    ws = wb.create_sheet("Chỉ số 766")
    _sheet_header(ws, f"CHỈ SỐ PHỤC VỤ (QĐ 766/QĐ-TTg) — {unit.name.upper()}", period.label,
                  ["Tiêu chí", "Nhóm", "Tỷ lệ (%)", "Điểm", "Điểm tối đa", "Quy tắc",
                   "Trạng thái"])  # fmt: skip
    for c in index.criteria:
        d = c.as_dict()
        rate = round(d["rate"] * 100, 2) if d["rate"] is not None else None
        ws.append([d["name"], d["group"], rate, d["points"], d["max_points"], d["rule"],
                   d["status"]])  # fmt: skip
    ws.append(["Tổng điểm (các tiêu chí có dữ liệu)", "", None, float(index.total),
               float(index.max_with_data), "", ""])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rates_workbook(rates: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tình hình báo cáo"
    _sheet_header(ws, f"TÌNH HÌNH GỬI {rates['template'].name.upper()}",
                  f"{rates['period'].label}; hạn gửi {vn_datetime(rates['due_at'])}",
                  ["Đơn vị", "Người đứng đầu", "Tình trạng", "Gửi lúc"])  # fmt: skip
    for r in rates["rows"]:
        ws.append([r.unit.name, r.head, r.label, vn_datetime(r.first_submitted_at)])
    ws.append([])
    for label, key in (("Phải gửi", "expected"), ("Đã gửi", "submitted"),
                       ("Đúng hạn", "on_time"), ("Chưa gửi", "missing")):  # fmt: skip
        ws.append([label, rates[key]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


OPEN_COLUMNS = [
    ("period", "Kỳ (khóa ổn định, ví dụ 2026-Q1)"),
    ("period_label", "Tên kỳ"),
    ("date_from", "Từ ngày (YYYY-MM-DD)"),
    ("date_to", "Đến ngày (YYYY-MM-DD)"),
    ("unit_code", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("indicator", "Mã chỉ tiêu"),
    ("indicator_name", "Tên chỉ tiêu"),
    ("numerator", "Tử số (số hồ sơ / thủ tục / phiếu đạt)"),
    ("denominator", "Mẫu số"),
    ("value", "Kết quả (%), trống nếu chưa có dữ liệu"),
    ("target", "Chỉ tiêu giao (%), trống nếu chưa giao"),
    ("status", "Đánh giá: green / amber / red / grey"),
]


def open_rows(*, period, cards) -> list[dict]:
    """One row per unit and public indicator: aggregates only, no personal data."""
    out = []
    for unit, rows in cards:
        for r in rows:
            d = r.as_dict()
            out.append({
                "period": period.key, "period_label": period.label,
                "date_from": period.start.isoformat(), "date_to": period.end.isoformat(),
                "unit_code": unit.code, "unit_name": unit.name, "indicator": d["code"],
                "indicator_name": d["name"], "numerator": d["numerator"],
                "denominator": d["denominator"], "value": d["value"], "target": d["target"],
                "status": d["light"],
            })  # fmt: skip
    return out


def report_pdf(report: Report, *, place: str = "") -> bytes:
    """The same report as PDF (WeasyPrint), same layout and text as the Word file."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    period = period_of(report.template.frequency, report.period_start)
    day = timezone.localtime(report.submitted_at).date() if report.submitted_at else None
    html = render_to_string(
        "reporting/report_print.html",
        {
            "report": report,
            "period": period,
            "sections": report_view(report),
            "parent": report.unit.parent.name if report.unit.parent else "",
            "place": place or settings.MOTCUA.get("PROVINCE_NAME", ""),
            "date_text": f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
            if day
            else "ngày …… tháng …… năm ……",
        },
    )
    return HTML(string=html).write_pdf()


def consolidation_docx(*, rates: dict, province_rows, province_name: str) -> bytes:
    """The province's consolidation of one period: its own figures, who reported (and who did
    not, named), then each submitted report's sections, unit by unit."""
    template, period = rates["template"], rates["period"]
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    header = doc.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    _cell(left, province_name.upper(), bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(right, MOTTO, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, MOTTO_2, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    today = timezone.localdate()
    _para(doc, f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}", italic=True,
          align=WD_ALIGN_PARAGRAPH.RIGHT)  # fmt: skip
    _para(doc, "BÁO CÁO TỔNG HỢP", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{template.name} {period.label.lower()}", bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _para(doc, "1. Kết quả chung toàn tỉnh", bold=True)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, ("Chỉ tiêu", "Kết quả", "Chỉ tiêu giao",
                                                 "Đánh giá"), strict=True):  # fmt: skip
        _cell(cell, title, bold=True, size=11)
    for row in province_rows:
        d = row.as_dict()
        cells = table.add_row().cells
        for cell, text in zip(cells, (d["name"], pct(d["value"]),
                                      pct(d["target"]) if d["target"] is not None else "",
                                      d["light_label"]), strict=True):  # fmt: skip
            _cell(cell, text, size=11)
    _para(doc, "2. Tình hình gửi báo cáo", bold=True)
    _para(doc, f"Phải gửi {rates['expected']}, đã gửi {rates['submitted']} (đúng hạn "
               f"{rates['on_time']}), chưa gửi {rates['missing']}.")  # fmt: skip
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, ("Đơn vị", "Người đứng đầu", "Tình trạng"),
                           strict=True):  # fmt: skip
        _cell(cell, title, bold=True, size=11)
    for r in rates["rows"]:
        cells = table.add_row().cells
        for cell, text in zip(cells, (r.unit.name, r.head, r.label), strict=True):
            _cell(cell, text, size=11)
    _para(doc, "3. Báo cáo của các đơn vị", bold=True)
    for r in rates["rows"]:
        report = r.current
        if report is None or report.submitted_at is None:
            continue
        _para(doc, r.unit.name, bold=True, italic=True)
        for section in report_view(report):
            if section.get("kind") == "text":
                _para(doc, f"{section['title']}: {section.get('text') or ''}", size=12)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def consolidation_xlsx(*, rates: dict, unit_rows: list[tuple]) -> bytes:
    """One row per expected unit: status, then each figure of the template (numbers)."""
    template, period = rates["template"], rates["period"]
    codes = [c for s in template.sections if s.get("kind") == "figures"
             for c in s.get("indicators", [])]  # fmt: skip
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    _sheet_header(ws, f"TỔNG HỢP {template.name.upper()}", period.label,
                  ["Đơn vị", "Người đứng đầu", "Tình trạng", *codes])  # fmt: skip
    for status, rows in unit_rows:
        by_code = {r.indicator.code: r.percent for r in rows}
        ws.append([status.unit.name, status.head, status.label,
                   *(by_code.get(c) for c in codes)])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def consolidation_pdf(*, rates: dict, province_rows, province_name: str) -> bytes:
    """The consolidation as PDF: the same parts as the Word file."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    units = []
    for r in rates["rows"]:
        report = r.current
        if report is None or report.submitted_at is None:
            continue
        texts = [s for s in report_view(report) if s.get("kind") == "text"]
        units.append({"name": r.unit.name, "sections": texts})
    html = render_to_string(
        "reporting/consolidation_print.html",
        {"rates": rates, "rows": province_rows, "province": province_name, "units": units,
         "today": timezone.localdate()},
    )  # fmt: skip
    return HTML(string=html).write_pdf()
