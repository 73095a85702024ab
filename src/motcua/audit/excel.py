"""The inspector's Excel report of integrity findings: one row per finding."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from motcua.audit.integrity import Finding
from motcua.core.formats import VN_TZ, vn_datetime
from motcua.ledger import actions


def cited_text(finding: Finding) -> str:
    """ "#3 Phân công xử lý (12/03/2026 09:00); #4 …": the events the finding rests on."""
    from motcua.audit.integrity import parse_time

    parts = []
    for e in finding.events:
        when = parse_time(e.get("at"))
        parts.append(
            f"#{e.get('seq')} {actions.label(e.get('action', ''))}"
            + (f" ({vn_datetime(when)})" if when else "")
        )
    return "; ".join(parts)


def findings_workbook(findings: list[Finding]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Phát hiện"
    sheet.append(
        [
            "Loại",
            "Mã hồ sơ",
            "Cơ quan giải quyết",
            "Thời điểm",
            "Thứ tự sự kiện",
            "Người thực hiện",
            "Chi tiết",
            "Sự kiện căn cứ",
            "Nguồn lịch sử",
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for f in findings:
        sheet.append(
            [
                f.kind_label,
                f.code,
                f.unit_name,
                f.at.astimezone(VN_TZ).replace(tzinfo=None),
                f.seq,
                f.actor_label,
                f.detail,
                cited_text(f),
                f"Nhập từ hệ thống cũ: tệp {f.imported.get('file')} (SHA-256 "
                f"{f.imported.get('sha256')}), lần nhập {f.imported.get('run')}"
                if f.imported
                else "Xử lý trên hệ thống",
            ]
        )
        sheet.cell(row=sheet.max_row, column=4).number_format = "dd/mm/yyyy hh:mm"
    for column, width in zip("ABCDEFGHI", (38, 30, 36, 18, 10, 24, 70, 70, 50), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
