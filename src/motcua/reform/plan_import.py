"""Read a remediation plan workbook shaped like the appendices of plan 359/KH-UBND.

Each appendix sheet: title rows naming the index (PAPI, PAR INDEX, SIPAS), a header row
(STT, criterion that lost points, task/solution, lead unit, coordinating units, deadline),
section rows numbered with Roman numerals, a criterion row followed by several task rows,
merged cells in every direction. An optional sheet "Thông tin kế hoạch" gives the plan's
number, date, title and signer; otherwise the "(Kèm theo Kế hoạch số …)" line does.

``read_plan`` returns a preview (a plain dict, ready for JSON) and writes nothing: every task
with its lead and coordinating units and parsed deadline, plus every unmatched or ambiguous
unit name, every unparsed deadline, criteria not found in the index framework, skipped rows
and blocking errors. ``services.plan_import`` writes it, all or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook

from motcua.core.errors import InvalidInput
from motcua.core.parsing import parse_date
from motcua.core.text import fold
from motcua.reform.deadlines import parse_deadline
from motcua.reform.errors import ReformError
from motcua.reform.matching import UnitMatcher
from motcua.reform.models import Framework, Node

INFO_KEYS = {
    "so ke hoach": "number",
    "ngay ban hanh": "issued_on",
    "co quan ban hanh": "issuer",
    "dia danh": "place",
    "trich yeu": "title",
    "nguoi ky": "signer",
    "chuc vu nguoi ky": "signer_title",
}
COLUMN_KEYS = [
    ("stt", "number"),
    ("nhiem vu", "task"),
    ("chu tri", "lead"),
    ("phoi hop", "coord"),
    ("thoi han", "deadline"),
    ("tieu chi", "criterion"),
    ("chi so", "criterion"),
    ("linh vuc", "criterion"),
]
INDEX_HINTS = [("sipas", "sipas"), ("papi", "papi"), ("par ?index", "par-index"),
               ("chi so cai cach hanh chinh", "par-index")]  # fmt: skip
ROMAN = re.compile(r"^(?=[IVXL]+$)L?X{0,3}(IX|IV|V?I{0,3})$")
_ATTACHED = re.compile(r"ke hoach so ([\w./-]+) ngay (\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE)
MAX_BYTES = 10 * 1024 * 1024


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class Grid:
    """Cell values with merged ranges filled in, and the origin of every merged cell."""

    ws: object
    origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    last_row: dict[tuple[int, int], int] = field(default_factory=dict)

    def __post_init__(self):
        for rng in self.ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.origin[(r, c)] = (rng.min_row, rng.min_col)
            self.last_row[(rng.min_row, rng.min_col)] = rng.max_row

    def value(self, r: int, c: int) -> str:
        r0, c0 = self.origin.get((r, c), (r, c))
        return _text(self.ws.cell(r0, c0).value)

    def starts_here(self, r: int, c: int) -> bool:
        return self.origin.get((r, c), (r, c))[0] == r

    def end_row(self, r: int, c: int) -> int:
        origin = self.origin.get((r, c), (r, c))
        return self.last_row.get(origin, origin[0])


def _load(data: bytes):
    if len(data) > MAX_BYTES:
        raise InvalidInput("Tệp quá lớn (tối đa 10 MB).", code=ReformError.PLAN_FILE_TOO_LARGE)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InvalidInput(
            "Không đọc được tệp Excel (.xlsx) của kế hoạch.", code=ReformError.PLAN_FILE_UNREADABLE
        ) from error
    _recover_typed_dashes(wb, formulas)
    return wb


def _recover_typed_dashes(wb, formulas) -> None:
    """A cell typed as "- Tiếp tục …" may be stored by Excel as the formula "=- Tiếp tục …"
    with no (or an error) cached value: read it back as the text the official typed."""
    for ws in wb.worksheets:
        source = formulas[ws.title]
        for row in source.iter_rows():
            for cell in row:
                typed = cell.value
                if not (isinstance(typed, str) and typed[:2] in ("=-", "=+")):
                    continue
                shown = ws.cell(cell.row, cell.column).value
                if shown is None or (isinstance(shown, str) and shown.startswith("#")):
                    ws.cell(cell.row, cell.column).value = typed[1:]


def _date(value) -> dt.date | None:
    return parse_date(value if isinstance(value, dt.date) else _text(value))


def _read_info(wb) -> dict:
    info: dict = {}
    for ws in wb.worksheets:
        if fold(ws.title).startswith("thong tin"):
            for row in ws.iter_rows(min_row=1, max_row=40, max_col=2, values_only=True):
                key = INFO_KEYS.get(fold(_text(row[0])).rstrip(":"))
                if key:
                    info[key] = row[1]
    return info


def _header(grid: Grid, ws) -> tuple[int, dict[str, int]] | None:
    for r in range(1, min(ws.max_row, 30) + 1):
        folded = [fold(grid.value(r, c)) for c in range(1, ws.max_column + 1)]
        if "stt" not in folded or not any("nhiem vu" in f for f in folded):
            continue
        columns: dict[str, int] = {}
        for c, text in enumerate(folded, 1):
            for needle, key in COLUMN_KEYS:
                if needle in text and key not in columns:
                    columns[key] = c
                    break
        return r, columns
    return None


def _criterion_nodes(framework: Framework | None, text: str) -> list[Node]:
    if framework is None or not text:
        return []
    wanted = fold(text)
    best: list[tuple[int, Node]] = []
    for node in framework.nodes.all():
        name = node.name_folded
        if (
            wanted == name
            or wanted.startswith(name)
            or (name.startswith(wanted) and len(wanted) > 8)
            or f"({wanted})" in name
            or (wanted.endswith(name) and len(name) > 12)
        ):
            best.append((len(name), node))
    best.sort(key=lambda p: -p[0])
    return [best[0][1]] if best else []


def _framework_for(index_code: str | None, year: int) -> Framework | None:
    if not index_code:
        return None
    qs = Framework.objects.filter(index__code=index_code).prefetch_related("nodes")
    return qs.filter(year__lte=year).order_by("-year").first() or qs.order_by("year").first()


def read_plan(data: bytes, *, filename: str = "", split_rows: set[str] | None = None) -> dict:
    """``split_rows``: the ``"sheet!row"`` keys the officer chose to split: a paragraph row
    kept as a task of its own (by default it is a paragraph of the task above), or a task cell
    of several "- " paragraphs taken as one task per paragraph (by default one task)."""
    wb = _load(data)
    info = _read_info(wb)
    errors: list[dict] = []
    appendices: list[dict] = []
    attached = None
    sheets = [ws for ws in wb.worksheets if not fold(ws.title).startswith("thong tin")]
    for ws in sheets:
        grid = Grid(ws)
        found = _header(grid, ws)
        if found is None:
            continue
        header_row, columns = found
        title_lines = [grid.value(r, 1) for r in range(1, header_row) if grid.starts_here(r, 1)]
        title_text = fold(" ".join(title_lines))
        attached = attached or _ATTACHED.search(title_text)
        index_code = next((code for hint, code in INDEX_HINTS if re.search(hint, title_text)), None)
        year_match = re.search(
            r"nam (\d{4})",
            fold(grid.value(header_row, columns.get("criterion", 2))) + " " + title_text,
        )
        missing = [
            k
            for k in ("number", "criterion", "task", "lead", "coord", "deadline")
            if k not in columns
        ]
        if missing:
            errors.append({"sheet": ws.title, "row": header_row,
                           "message": "Thiếu cột: " + ", ".join(missing)})  # fmt: skip
            continue
        appendices.append({
            "sheet": ws.title,
            "title": next((t for t in title_lines if t), ws.title),
            "index": index_code,
            "result_year": int(year_match[1]) if year_match else None,
            "grid": grid,
            "header_row": header_row,
            "columns": columns,
        })  # fmt: skip
    number = _text(info.get("number")) or (attached[1].upper() if attached else "")
    issued_on = _date(info.get("issued_on"))
    if issued_on is None and attached:
        issued_on = dt.date(int(attached[4]), int(attached[3]), int(attached[2]))
    if not number:
        errors.append({"sheet": "", "row": None, "message": "Không xác định được số kế hoạch."})
    if issued_on is None:
        errors.append({"sheet": "", "row": None, "message": "Không xác định được ngày ban hành."})
    if not appendices and not errors:
        errors.append({"sheet": "", "row": None,
                       "message": "Không tìm thấy bảng nhiệm vụ (dòng tiêu đề có cột STT và Nhiệm vụ)."})  # fmt: skip
    plan = {
        "number": number,
        "issued_on": issued_on.isoformat() if issued_on else None,
        "title": _text(info.get("title")) or (f"Kế hoạch số {number}" if number else ""),
        "issuer": _text(info.get("issuer")),
        "place": _text(info.get("place")),
        "signer": _text(info.get("signer")),
        "signer_title": _text(info.get("signer_title")),
        "year": issued_on.year if issued_on else None,
        "horizon_year": issued_on.year + 4 if issued_on else None,
        "filename": filename,
    }
    preview = {
        "plan": plan,
        "appendices": [],
        "task_count": 0,
        "unmatched_units": [],
        "ambiguous_units": [],
        "unparsed_deadlines": [],
        "unmatched_criteria": [],
        "skipped_rows": [],
        "paragraph_rows": [],
        "paragraph_cells": [],
        "rows_without_task": [],
        "errors": errors,
    }
    if issued_on is None:
        return preview
    matcher = UnitMatcher(on=issued_on)
    for appendix in appendices:
        appendix["split_rows"] = split_rows or set()
        preview["appendices"].append(_read_appendix(appendix, matcher, issued_on, preview))
    preview["task_count"] = sum(len(a["tasks"]) for a in preview["appendices"])
    return preview


def _read_appendix(appendix: dict, matcher: UnitMatcher, plan_date: dt.date, preview: dict) -> dict:
    """One appendix sheet: its sections (I, II …), criteria and tasks, row by row."""
    grid: Grid = appendix["grid"]
    ws, cols, sheet = grid.ws, appendix["columns"], appendix["sheet"]
    framework = _framework_for(appendix["index"], appendix["result_year"] or plan_date.year - 1)
    label = re.match(r"phu luc\s*(\w+)", fold(appendix["title"]))
    short = f"PL{label[1].upper()}" if label else sheet
    section = {"number": "", "name": ""}
    criteria: list[dict] = []  # each: number, text, rows (first, last), nodes, section
    tasks: list[dict] = []
    for r in range(appendix["header_row"] + 1, ws.max_row + 1):
        number = grid.value(r, cols["number"]) if grid.starts_here(r, cols["number"]) else ""
        if ROMAN.match(number):
            name = grid.value(r, cols["criterion"]) or grid.value(r, cols["task"])
            section = {"number": number, "name": name}
            _no_task(preview, sheet, r, f"{number}. {name}", "Dòng tiêu đề mục (số La Mã).")
            continue
        criterion = _criterion_row(grid, r, number, section, framework, sheet, preview, cols)
        if criterion is not None:
            criteria.append(criterion)
        previous = tasks[-1] if tasks else None
        if previous is not None and _paragraph_of(grid, r, previous, cols):
            text = grid.value(r, cols["task"])
            key = f"{sheet}!{r}"
            split = key in appendix["split_rows"]
            preview["paragraph_rows"].append({
                "sheet": sheet, "row": r, "key": key, "text": text, "task_row": previous["row"],
                "split": split,
            })  # fmt: skip
            if split:
                tasks.append(_split_task(previous, r, text, grid, cols))
            else:
                previous["text"] += "\n" + text
                previous["last_row"] = max(previous["last_row"], grid.end_row(r, cols["task"]))
                _no_task(preview, sheet, r, text,
                         f"Đoạn tiếp theo của nhiệm vụ ở dòng {previous['row']} (cùng ô nội dung "
                         "khi chép từ Word): gộp vào nhiệm vụ đó; có thể chọn tách thành nhiệm vụ riêng.")  # fmt: skip
            continue
        task = _task_row(grid, r, appendix, section, plan_date, matcher, preview)
        if task is not None:
            tasks.extend(_cell_paragraphs(task, appendix["split_rows"], preview))
        elif not (grid.starts_here(r, cols["task"]) and grid.value(r, cols["task"])):
            if any(grid.value(r, c) for c in cols.values()) and not any(
                t["row"] <= r <= t["last_row"] for t in tasks
            ):
                reason = "Không có nội dung nhiệm vụ (chỉ có tiêu chí hoặc đơn vị)."
                _no_task(preview, sheet, r, grid.value(r, cols["criterion"]), reason)
    _link_and_number(tasks, criteria, short)
    return {
        "sheet": sheet,
        "title": appendix["title"],
        "index": appendix["index"],
        "result_year": appendix["result_year"],
        "framework": str(framework) if framework else None,
        "criteria_count": len(criteria),
        "tasks": tasks,
    }


def _criterion_row(grid: Grid, r, number, section, framework, sheet, preview, cols) -> dict | None:
    """The criterion starting on row ``r`` (matched to the framework's nodes), if any."""
    if not (grid.starts_here(r, cols["criterion"]) and grid.value(r, cols["criterion"])):
        return None
    text = grid.value(r, cols["criterion"])
    nodes = _criterion_nodes(framework, text)
    if framework is not None and not nodes:
        preview["unmatched_criteria"].append(
            {"sheet": sheet, "row": r, "text": text, "framework": str(framework)}
        )
    return {
        "number": number, "text": text, "first": r,
        "last": grid.end_row(r, cols["criterion"]), "section": dict(section),
        "nodes": [n.code for n in nodes],
    }  # fmt: skip


def _task_row(grid: Grid, r, appendix, section, plan_date, matcher, preview) -> dict | None:
    """The task starting on row ``r``, with its deadline and units read; None for no task
    (or a note: a row without lead unit and deadline)."""
    cols, sheet = appendix["columns"], appendix["sheet"]
    if not (grid.starts_here(r, cols["task"]) and grid.value(r, cols["task"])):
        return None
    text = grid.value(r, cols["task"])
    lead_text = grid.value(r, cols["lead"])
    coord_text = grid.value(r, cols["coord"])
    deadline_text = grid.value(r, cols["deadline"])
    if not lead_text and not deadline_text:
        reason = "Không có đơn vị chủ trì và thời hạn: coi là ghi chú, không tạo nhiệm vụ."
        preview["skipped_rows"].append({"sheet": sheet, "row": r, "text": text, "reason": reason})
        _no_task(preview, sheet, r, text, reason)
        return None
    task = {
        "sheet": sheet, "row": r, "last_row": grid.end_row(r, cols["task"]),
        "appendix": appendix["title"], "index": appendix["index"],
        "section": f"{section['number']}. {section['name']}".strip(". "),
        "text": text, "lead_text": lead_text, "coordinate_text": coord_text,
        "deadline_text": deadline_text,
    }  # fmt: skip
    parsed = parse_deadline(deadline_text, plan_date=plan_date)
    task["deadline"] = {
        "text": deadline_text,
        "kind": str(parsed.kind),
        "start": parsed.start.isoformat() if parsed.start else None,
        "end": parsed.end.isoformat() if parsed.end else None,
    }
    if not parsed.parsed:
        preview["unparsed_deadlines"].append({"sheet": sheet, "row": r, "text": deadline_text})
    for role, cell_text in (("lead", lead_text), ("coordinate", coord_text)):
        task[role] = _parties(matcher, cell_text, role, sheet, r, preview)
    if not any(p["status"] == "matched" for p in task["lead"]):
        task["lead_missing"] = True
    return task


def _parties(matcher: UnitMatcher, cell_text, role, sheet, r, preview) -> list[dict]:
    """The units named in one cell; the unmatched and ambiguous ones are listed for review."""
    parties = matcher.match(cell_text)
    for p in parties:
        entry = {"sheet": sheet, "row": r, "role": role, "text": p.text, "cell": cell_text}
        if p.status == "unmatched":
            preview["unmatched_units"].append(entry)
        elif p.status == "ambiguous":
            entry["candidates"] = [u.code for u in p.candidates]
            preview["ambiguous_units"].append(entry)
    return [p.as_dict() for p in parties]


def _link_and_number(tasks: list[dict], criteria: list[dict], short: str) -> None:
    """Link each task to the criteria its rows overlap (else the one above it) and number it
    ``PL1-I.1.2``: appendix, section, criterion, task within the criterion."""
    by_criterion: dict[int, int] = {}
    for task in tasks:
        linked = [
            c for c in criteria if c["first"] <= task["last_row"] and c["last"] >= task["row"]
        ]
        if not linked:
            linked = [c for c in criteria if c["first"] <= task["row"]][-1:]
        task["criteria"] = [c["text"] for c in linked]
        task["nodes"] = sorted({code for c in linked for code in c["nodes"]})
        first = linked[0] if linked else {"number": "", "section": {"number": ""}}
        key = id(first)
        by_criterion[key] = by_criterion.get(key, 0) + 1
        task["number"] = (
            f"{short}-{first['section']['number']}.{first['number']}.{by_criterion[key]}"
        ).replace("..", ".")


BULLET = re.compile(r"^\s*[-+*•–]\s")


def _no_task(preview: dict, sheet: str, r: int, text: str, reason: str) -> None:
    preview["rows_without_task"].append({"sheet": sheet, "row": r, "text": text, "reason": reason})


def _own_value(grid: Grid, r: int, c: int) -> str:
    """The cell's text only if the cell is not the continuation of a merged cell above."""
    return grid.value(r, c) if grid.starts_here(r, c) else ""


def _paragraph_of(grid: Grid, r: int, previous: dict, cols: dict) -> bool:
    """Row ``r`` is a further paragraph of the task above: a Word cell of several "- "
    paragraphs pasted into Excel lands one paragraph per row, the units and deadline only
    on the first. So: a bulleted task cell right under the task, within the same criterion,
    with no unit, coordination or deadline of its own."""
    c = cols["task"]
    if not (grid.starts_here(r, c) and BULLET.match(grid.value(r, c))):
        return False
    if r != previous["last_row"] + 1 or not BULLET.match(previous["text"]):
        return False
    if any(grid.value(r, cols[k]) for k in ("lead", "coord", "deadline")):
        return False
    crit = cols["criterion"]
    same_criterion = grid.origin.get((r, crit), (r, crit)) == grid.origin.get(
        (previous["row"], crit), (previous["row"], crit)
    )
    return same_criterion and not _own_value(grid, r, cols["number"])


def _split_task(previous: dict, r: int, text: str, grid: Grid, cols: dict) -> dict:
    """The officer chose to keep a paragraph row as a task of its own: it takes the units
    and deadline of the task above (their cells cover both paragraphs in the original)."""
    task = {**previous, "row": r, "last_row": grid.end_row(r, cols["task"]), "text": text}
    task["split_from_row"] = previous["row"]
    return task


def paragraphs(text: str) -> list[str]:
    """The "- " paragraphs of a cell (a line without a bullet continues the one above);
    [] unless the cell starts with a bullet."""
    found: list[str] = []
    for line in text.splitlines():
        if BULLET.match(line):
            found.append(line.strip())
        elif found and line.strip():
            found[-1] += "\n" + line.strip()
    return found if BULLET.match(text) else []


def _cell_paragraphs(task: dict, split_rows: set[str], preview: dict) -> list[dict]:
    """A task cell of several "- " paragraphs is one task; the preview says so (every such
    cell, with its paragraphs) and, for the cells the officer chose, gives one task per
    paragraph, each with the units and deadline of the row."""
    parts = paragraphs(task["text"])
    if len(parts) < 2:
        return [task]
    key = f"{task['sheet']}!{task['row']}"
    split = key in split_rows
    preview["paragraph_cells"].append({
        "sheet": task["sheet"], "row": task["row"], "key": key, "count": len(parts),
        "paragraphs": parts, "split": split, "text": f"{len(parts)} đoạn: {parts[0]}",
    })  # fmt: skip
    if not split:
        return [task]
    return [{**task, "text": part, "paragraph": n} for n, part in enumerate(parts, 1)]
