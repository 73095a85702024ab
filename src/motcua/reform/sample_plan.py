"""Build the sample workbook of plan 359/KH-UBND (Hà Tĩnh, 27/9/2021) from its appendices.

``data/sample_plan_359.json`` holds the three appendix tables transcribed from the seed
document (the text as published; ``"^"`` marks a cell merged with the one above it, as in
the original tables). ``build_workbook`` lays them out as officials do: title rows, a header
row, section rows with Roman numerals, one criterion cell merged over its task rows, task
cells merged over several criteria, merged unit and deadline cells.

Rebuild the committed file with ``python -m motcua.reform.sample_plan``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_JSON = DATA_DIR / "sample_plan_359.json"
SAMPLE_XLSX = DATA_DIR / "sample_plan_359.xlsx"
MERGED = "^"

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")


def sample_data() -> dict:
    return json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))


def _info_sheet(wb: Workbook, plan: dict) -> None:
    ws = wb.active
    ws.title = "Thông tin kế hoạch"
    rows = [
        ("Số kế hoạch", plan["number"]),
        ("Ngày ban hành", dt.date.fromisoformat(plan["issued_on"])),
        ("Cơ quan ban hành", plan["issuer"]),
        ("Địa danh", plan["place"]),
        ("Trích yếu", plan["title"]),
        ("Người ký", plan["signer"]),
        ("Chức vụ người ký", plan["signer_title"]),
    ]
    for r, (key, value) in enumerate(rows, start=1):
        ws.cell(r, 1, key).font = Font(bold=True)
        cell = ws.cell(r, 2, value)
        if isinstance(value, dt.date):
            cell.number_format = "DD/MM/YYYY"
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100


def _appendix_sheet(wb: Workbook, appendix: dict) -> None:
    ws = wb.create_sheet(appendix["sheet"])
    for col, width in zip("ABCDEF", (6, 30, 70, 24, 30, 16), strict=True):
        ws.column_dimensions[col].width = width
    for r, text in enumerate((appendix["title"], appendix["subtitle"], appendix["note"]), 1):
        ws.cell(r, 1, text).alignment = _CENTER
        ws.cell(r, 1).font = Font(bold=r < 3, italic=r == 3)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
    header_row = 5
    for c, text in enumerate(appendix["headers"], 1):
        cell = ws.cell(header_row, c, text)
        cell.font, cell.alignment, cell.border = Font(bold=True), _CENTER, _BOX
    row = header_row + 1
    run_start: dict[int, int] = {}  # column → first row of the current merged run

    def close_run(col: int, last_row: int) -> None:
        start = run_start.pop(col, None)
        if start is not None and last_row > start:
            ws.merge_cells(start_row=start, start_column=col, end_row=last_row, end_column=col)

    for section in appendix["sections"]:
        for col in (4, 5, 6):
            close_run(col, row - 1)
        ws.cell(row, 1, section["number"]).font = Font(bold=True)
        ws.cell(row, 2, section["name"]).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
        row += 1
        for group in section["groups"]:
            criteria, tasks = group["criteria"], group["tasks"]
            if len(criteria) > 1 and len(tasks) > 1:
                raise ValueError("a group has either one criterion or one task")
            span = max(len(criteria), len(tasks), 1)
            for i, (number, name) in enumerate(criteria):
                ws.cell(row + i, 1, int(number) if number.isdigit() else number)
                ws.cell(row + i, 2, name)
            if len(criteria) == 1 and span > 1:
                for col in (1, 2):
                    ws.merge_cells(
                        start_row=row, start_column=col, end_row=row + span - 1, end_column=col
                    )
            for i, task in enumerate(tasks):
                r = row + i
                last = r + (span - 1 if len(tasks) == 1 else 0)
                ws.cell(r, 3, task["text"])
                if last > r:
                    ws.merge_cells(start_row=r, start_column=3, end_row=last, end_column=3)
                for col, key in ((4, "lead"), (5, "coord"), (6, "deadline")):
                    value = task[key]
                    if value == MERGED:
                        continue  # extends the run above
                    close_run(col, r - 1)
                    ws.cell(r, col, value or None)
                    run_start[col] = r
                    if last > r:
                        # a task over several criteria: its unit cells span the same rows
                        run_start[col] = r
                        ws.merge_cells(start_row=r, start_column=col, end_row=last, end_column=col)
                        run_start.pop(col)
            row += span
    for col in (4, 5, 6):
        close_run(col, row - 1)
    for r in range(header_row + 1, row):
        for c in range(1, 7):
            cell = ws.cell(r, c)
            cell.border, cell.alignment = _BOX, _WRAP


def build_workbook(data: dict | None = None) -> bytes:
    data = data or sample_data()
    wb = Workbook()
    _info_sheet(wb, data["plan"])
    for appendix in data["appendices"]:
        _appendix_sheet(wb, appendix)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:  # pragma: no cover - maintenance entry point
    SAMPLE_XLSX.write_bytes(build_workbook())
    print(f"Đã ghi {SAMPLE_XLSX}")


if __name__ == "__main__":  # pragma: no cover
    main()
