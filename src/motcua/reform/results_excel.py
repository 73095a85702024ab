"""Index results in Excel: a template per index and year, and reading it back.

Sheet "Kết quả": key/value rows (Mã chỉ số, Năm, Tổng điểm, Xếp hạng, Trên tổng số tỉnh,
Trung bình cả nước, Nguồn), then a table "Mã tiêu chí | Tên | Điểm tối đa | Điểm đạt |
TB cả nước" with one row per node of the framework. Empty cells are left unscored.
"""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from motcua.core.errors import InvalidInput
from motcua.core.text import fold
from motcua.reform.errors import ReformError
from motcua.reform.models import Framework

KEYS = [
    ("index", "Mã chỉ số"),
    ("year", "Năm"),
    ("total", "Tổng điểm"),
    ("rank", "Xếp hạng"),
    ("rank_of", "Trên tổng số tỉnh"),
    ("national_average", "Trung bình cả nước"),
    ("source", "Nguồn"),
]
TABLE = ["Mã tiêu chí", "Tên", "Điểm tối đa", "Điểm đạt", "TB cả nước"]


def result_template(*, framework: Framework, year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    values = {"index": framework.index.code, "year": year}
    for r, (key, label) in enumerate(KEYS, 1):
        ws.cell(r, 1, label).font = Font(bold=True)
        ws.cell(r, 2, values.get(key))
    header = len(KEYS) + 2
    for c, title in enumerate(TABLE, 1):
        ws.cell(header, c, title).font = Font(bold=True)
    for r, node in enumerate(framework.nodes.order_by("order"), header + 1):
        ws.cell(r, 1, node.code)
        ws.cell(r, 2, node.name)
        ws.cell(r, 3, float(node.max_points))
    ws.column_dimensions["B"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _workbook(data: bytes):
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InvalidInput(
            "Không đọc được tệp Excel kết quả.", code=ReformError.RESULT_FILE_UNREADABLE
        ) from error


def read_results(data: bytes) -> dict:
    """The keyword arguments of ``services.result_record`` read from a workbook's first
    sheet."""
    return _read_sheet(_workbook(data).worksheets[0])


def read_results_years(data: bytes) -> list[dict]:
    """Several years in one workbook: every sheet laid out as the template (its own
    "Mã chỉ số" and "Năm"), e.g. the Ministry's results 2020, 2021, 2022. Sheets without
    "Mã chỉ số" are ignored; at least one is needed."""
    wb = _workbook(data)
    out, years = [], set()
    for ws in wb.worksheets:
        first = {fold(str(ws.cell(r, 1).value or "")) for r in range(1, 10)}
        if fold(KEYS[0][1]) not in first:
            continue
        kwargs = _read_sheet(ws)
        key = (kwargs["index_code"], kwargs["year"])
        if key in years:
            raise InvalidInput(
                f"Năm {kwargs['year']} của chỉ số {kwargs['index_code']} có ở hai sheet.",
                code=ReformError.RESULT_FILE_DUPLICATE_YEAR,
            )
        years.add(key)
        out.append(kwargs)
    if not out:
        raise InvalidInput("Thiếu 'Mã chỉ số' hoặc 'Năm'.", code=ReformError.RESULT_FILE_HEADER)
    return sorted(out, key=lambda k: k["year"])


def _read_sheet(ws) -> dict:
    labels = {fold(label): key for key, label in KEYS}
    found: dict = {}
    header_row = None
    for r in range(1, min(ws.max_row, 40) + 1):
        first = fold(str(ws.cell(r, 1).value or ""))
        if first == fold(TABLE[0]):
            header_row = r
            break
        if first in labels:
            found[labels[first]] = ws.cell(r, 2).value
    if not found.get("index") or not found.get("year"):
        raise InvalidInput("Thiếu 'Mã chỉ số' hoặc 'Năm'.", code=ReformError.RESULT_FILE_HEADER)
    try:
        year = int(found["year"])
    except (TypeError, ValueError):
        raise InvalidInput(
            f"Năm '{found['year']}' không hợp lệ.", code=ReformError.RESULT_FILE_HEADER
        ) from None
    scores, national = {}, {}
    if header_row:
        for row in ws.iter_rows(min_row=header_row + 1, max_col=5, values_only=True):
            code = str(row[0]).strip() if row[0] is not None else ""
            if not code:
                continue
            if row[3] not in (None, ""):
                scores[code] = row[3]
            if row[4] not in (None, ""):
                national[code] = row[4]

    def maybe_int(v):
        return int(v) if v not in (None, "") else None

    return {
        "index_code": str(found["index"]).strip(),
        "year": year,
        "total": found.get("total"),
        "rank": maybe_int(found.get("rank")),
        "rank_of": maybe_int(found.get("rank_of")),
        "national_average": found.get("national_average"),
        "source": str(found.get("source") or ""),
        "scores": scores,
        "national": national,
    }
