"""The public statistics table as an Excel workbook (openpyxl)."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from motcua.core.formats import vn_datetime
from motcua.reporting.selectors import COLUMNS, GROUPS, PublicStats

FORMATS = {"int": "#,##0", "share": "0.0%", "score": "0.00"}


def public_stats_workbook(stats: PublicStats, *, province: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Thống kê"
    scope = [stats.period.label]
    if stats.unit:
        scope.append(stats.unit.name)
    if stats.field:
        scope.append(f"lĩnh vực {stats.field.name}")
    ws.append([f"KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH — {province.upper()}"])
    ws.append([f"{' · '.join(scope)} (hồ sơ tiếp nhận từ {stats.period.span}; {stats.as_of_text})"])
    ws.append([f"Xuất lúc {vn_datetime(timezone.now())}"])
    ws.append([])
    header = [GROUPS[stats.group_by], *(label for _, label, _ in COLUMNS), "Xếp loại"]
    ws.append(header)
    for cell in ws[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in [*stats.rows, stats.total]:
        ws.append([row["label"], *(row.get(k) for k, _, _ in COLUMNS), row.get("band", "")])
        for index, (_, _, kind) in enumerate(COLUMNS, start=2):
            ws.cell(row=ws.max_row, column=index).number_format = FORMATS[kind]
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 48
    for index in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 13
    ws.freeze_panes = "B6"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
