"""The catalog workbook: one sheet per entity, documented in docs/catalog-excel.md.

``export_catalog`` writes it; ``parse_catalog`` reads it into plain rows, collecting every
error with its sheet, row and column. Writing the rows is ``services.catalog_import``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from motcua.catalog.models import (
    FeeKind,
    OnlineType,
    ProcedureStatus,
    PublicationAction,
    TimeLimitKind,
)
from motcua.core.jobs import Progress
from motcua.core.parsing import parse_date
from motcua.core.text import fold
from motcua.organization.models import Level, Role, UnitKind


class CellError(ValueError):
    pass


def _text(value: Any, *, required: bool = False, max_length: int = 500) -> str:
    text = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if required and not text:
        raise CellError("không được để trống")
    if len(text) > max_length:
        raise CellError(f"dài quá {max_length} ký tự")
    return text


def _required(value: Any) -> str:
    return _text(value, required=True)


def _long_text(value: Any) -> str:
    return _text(value, max_length=20000)


def _decimal(value: Any, *, minimum: Decimal = Decimal("0")) -> Decimal:
    if value is None or str(value).strip() == "":
        raise CellError("không được để trống")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise CellError(f"'{value}' không phải là số") from None
    if not number.is_finite() or number < minimum:
        raise CellError(f"phải là số không nhỏ hơn {minimum}")
    return number


def _int(value: Any) -> int:
    number = _decimal(value)
    if number != number.to_integral_value():
        raise CellError(f"'{value}' phải là số nguyên")
    return int(number)


def _bool(value: Any) -> bool:
    text = fold(_text(value))
    if text in ("", "0", "khong", "false", "no"):
        return False
    if text in ("x", "1", "co", "true", "yes"):
        return True
    raise CellError(f"'{value}' phải là 'x' (có) hoặc để trống")


def _date(value: Any) -> dt.date:
    parsed = parse_date(value if isinstance(value, dt.date) else _text(value, required=True))
    if parsed is None:
        raise CellError(f"'{_text(value)}' không phải ngày dạng dd/mm/yyyy")
    return parsed


def _choice(choices) -> Callable[[Any], str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[fold(value)] = value
        lookup[fold(str(label))] = value

    def parse(raw: Any) -> str:
        text = fold(_text(raw, required=True))
        if text not in lookup:
            allowed = ", ".join(str(label) for _, label in choices.choices)
            raise CellError(f"'{raw}' không thuộc danh sách: {allowed}")
        return lookup[text]

    parse.labels = {value: str(label) for value, label in choices.choices}  # type: ignore[attr-defined]
    return parse


def _optional_choice(choices) -> Callable[[Any], str]:
    inner = _choice(choices)

    def parse(raw: Any) -> str:
        return inner(raw) if _text(raw) else ""

    parse.labels = inner.labels  # type: ignore[attr-defined]
    return parse


_level = _choice(Level)


def _levels(value: Any) -> list[str]:
    parts = [p for p in _text(value, required=True).replace(";", ",").split(",") if p.strip()]
    return sorted({_level(p) for p in parts})


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any]
    width: int = 18


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    columns: tuple[Column, ...]


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "LinhVuc",
        "Lĩnh vực",
        (Column("code", "Mã lĩnh vực", _required), Column("name", "Tên lĩnh vực", _required, 40)),
    ),
    Sheet(
        "ThuTuc",
        "Thủ tục hành chính",
        (
            Column("code", "Mã thủ tục", _required, 14),
            Column("name", "Tên thủ tục", _required, 60),
            Column("field", "Mã lĩnh vực", _required),
            Column("levels", "Cấp thực hiện", _levels),
            Column("competent_unit_kind", "Loại cơ quan có thẩm quyền", _choice(UnitKind)),
            Column("competent_authority", "Cơ quan thực hiện", _text, 30),
            Column("time_limit_kind", "Loại thời hạn", _choice(TimeLimitKind)),
            Column("time_limit", "Thời hạn", _decimal, 10),
            Column("time_limit_text", "Thời hạn (văn bản công bố)", _text, 30),
            Column("result_name", "Kết quả thực hiện", _text, 30),
            Column("online_type", "Dịch vụ công trực tuyến", _choice(OnlineType)),
            Column("legal_basis", "Căn cứ pháp lý", _long_text, 40),
            Column("applicants", "Đối tượng thực hiện", _text, 25),
            Column("status", "Trạng thái", _choice(ProcedureStatus)),
            Column("decentralised", "Phân cấp (x)", _bool, 10),
            Column("delegated", "Ủy quyền (x)", _bool, 10),
        ),
    ),
    Sheet(
        "ThanhPhanHoSo",
        "Thành phần hồ sơ",
        (
            Column("procedure", "Mã thủ tục", _required, 14),
            Column("order", "STT", _int, 6),
            Column("name", "Tên giấy tờ", _required, 60),
            Column("originals", "Số bản chính", _int, 10),
            Column("copies", "Số bản sao", _int, 10),
            Column("required", "Bắt buộc (x)", _bool, 10),
            Column("form_name", "Mẫu đơn, tờ khai", _text, 30),
        ),
    ),
    Sheet(
        "PhiLePhi",
        "Phí, lệ phí",
        (
            Column("procedure", "Mã thủ tục", _required, 14),
            Column("order", "STT", _int, 6),
            Column("kind", "Loại", _choice(FeeKind), 10),
            Column("name", "Tên khoản thu", _required, 40),
            Column("amount", "Mức thu (đồng)", _decimal, 14),
            Column("note", "Ghi chú", _text, 30),
        ),
    ),
    Sheet(
        "QuyTrinh",
        "Quy trình nội bộ",
        (
            Column("procedure", "Mã thủ tục", _required, 14),
            Column("version", "Phiên bản", _int, 8),
            Column("effective_from", "Áp dụng từ", _date, 12),
            Column("decision", "Quyết định phê duyệt", _text, 24),
            Column("order", "Bước", _int, 6),
            Column("name", "Nội dung công việc", _required, 50),
            Column("unit_kind", "Loại đơn vị thực hiện", _optional_choice(UnitKind)),
            Column("unit", "Mã đơn vị thực hiện", _text, 14),
            Column("role", "Vai trò", _choice(Role)),
            Column("hours", "Thời gian (giờ)", _decimal, 10),
        ),
    ),
    Sheet(
        "QuyetDinhCongBo",
        "Quyết định công bố",
        (
            Column("number", "Số quyết định", _required, 20),
            Column("date", "Ngày ban hành", _date, 12),
            Column("signer", "Người ký", _text, 24),
            Column("title", "Trích yếu", _text, 60),
        ),
    ),
    Sheet(
        "CongBo",
        "Thủ tục được công bố",
        (
            Column("decision", "Số quyết định", _required, 20),
            Column("procedure", "Mã thủ tục", _required, 14),
            Column("action", "Nội dung công bố", _choice(PublicationAction), 18),
        ),
    ),
)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}


@dataclass
class ImportError_:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Trang '{self.sheet}'"
        if self.row:
            where += f", dòng {self.row}"
        if self.column:
            where += f", cột '{self.column}'"
        return f"{where}: {self.message}"


@dataclass
class ParsedCatalog:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: list[ImportError_] = field(default_factory=list)


def parse_catalog(
    data: bytes | io.BufferedIOBase, *, progress: Progress | None = None
) -> ParsedCatalog:
    """Read every sheet; never stops at the first error. Reports each sheet and the rows
    read so far (of all sheets) to ``progress``."""
    progress = progress or Progress()
    result = ParsedCatalog()
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        result.errors.append(
            ImportError_("", 0, "", "Tệp không phải là sổ tính Excel (.xlsx) hợp lệ.")
        )
        return result
    total = sum(
        max((workbook[s.name].max_row or 1) - 1, 0) for s in SHEETS if s.name in workbook.sheetnames
    )
    read = 0
    for sheet in SHEETS:
        progress.step(f"Đọc trang {sheet.name}", done=min(read, total), total=total)
        result.rows[sheet.name] = []
        if sheet.name not in workbook.sheetnames:
            result.errors.append(ImportError_(sheet.name, 0, "", "thiếu trang tính này"))
            continue
        rows = workbook[sheet.name].iter_rows(values_only=True)
        header = [fold(_text(h)) for h in next(rows, ())]
        positions: dict[str, int] = {}
        for column in sheet.columns:
            try:
                positions[column.key] = header.index(fold(column.header))
            except ValueError:
                result.errors.append(
                    ImportError_(sheet.name, 1, column.header, "thiếu cột này ở dòng tiêu đề")
                )
        if len(positions) != len(sheet.columns):
            continue
        for number, values in enumerate(rows, start=2):
            read += 1
            if total and read <= total:
                progress.advance()
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            parsed: dict[str, Any] = {"_row": number}
            for column in sheet.columns:
                index = positions[column.key]
                raw = values[index] if index < len(values) else None
                try:
                    parsed[column.key] = column.parse(raw)
                except CellError as error:
                    result.errors.append(
                        ImportError_(sheet.name, number, column.header, str(error))
                    )
            result.rows[sheet.name].append(parsed)
    workbook.close()
    return result


def _cell(column: Column, value: Any) -> Any:
    labels = getattr(column.parse, "labels", None)
    if column.key == "levels":
        return ", ".join(str(Level(v).label) for v in value)
    if labels is not None:
        return labels.get(value, value) if value else ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def write_workbook(
    rows: dict[str, list[dict[str, Any]]], *, progress: Progress | None = None
) -> bytes:
    """The workbook of these rows; reports each sheet and the rows written so far."""
    progress = progress or Progress()
    total = sum(len(rows.get(sheet.name, [])) for sheet in SHEETS)
    written = 0
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in SHEETS:
        progress.step(f"Ghi trang {sheet.name}", done=written, total=total)
        ws = workbook.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font = bold
            cell.fill = fill
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
        for row in rows.get(sheet.name, []):
            ws.append([_cell(c, row.get(c.key)) for c in sheet.columns])
            written += 1
            progress.advance()
    progress.step("Nén và lưu tệp Excel", done=written, total=total)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_data(data: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet's cell values (for comparing two workbooks by content)."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    content = {
        ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets
    }
    workbook.close()
    return content
