"""Accountability (seed 000): the head of the unit responsible for a criterion that lost
points answers for it in the yearly evaluation of officials. For each unit and year: the
criteria it is responsible for (it prepares them in the self-assessment, or leads their
remediation tasks), the points lost there in the published result, the remediation tasks
it leads and their state, and the unit's head. Reads only; the Excel table is built here."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.organization.models import Role, StaffRole, Unit
from motcua.reform.models import (
    AssignmentRole,
    Index,
    NodeScore,
    Result,
    SelfItem,
    Task,
)
from motcua.reform.selectors import OPEN, require_staff, task_list, task_status_counts


def unit_head(unit: Unit, *, on: dt.date | None = None) -> str:
    """The unit's leader (Role.UNIT_LEADER held at the unit), by name."""
    on = on or timezone.localdate()
    role = (
        StaffRole.objects.filter(unit=unit, role=Role.UNIT_LEADER, valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .select_related("user")
        .order_by("valid_from")
        .first()
    )
    if role is None:
        return ""
    return role.user.get_full_name() or role.user.get_username()


def _responsible(year: int, index: Index) -> dict[int, set[str]]:
    """unit id → criterion codes it answers for in ``year``: the self-assessment's
    preparing unit, and the lead unit of remediation tasks on the criterion."""
    out: dict[int, set[str]] = {}
    items = SelfItem.objects.filter(
        assessment__index=index, assessment__year=year, unit__isnull=False
    ).values_list("unit_id", "node__code")
    for unit_id, code in items:
        out.setdefault(unit_id, set()).add(code)
    tasks = Task.objects.filter(index=index, lead_unit__isnull=False).values_list(
        "lead_unit_id", "nodes__code"
    )
    for unit_id, code in tasks:
        if code:
            out.setdefault(unit_id, set()).add(code)
    return out


def accountability_table(
    user, *, year: int, index_code: str = "par-index", today: dt.date | None = None
) -> dict:
    """One row per responsible unit, worst first (most points lost)."""
    require_staff(user)
    today = today or timezone.localdate()
    index = Index.objects.filter(code=index_code).first()
    result = Result.objects.filter(index=index, year=year).first() if index else None
    scores = {}
    if result is not None:
        scores = {
            s.node.code: s for s in NodeScore.objects.filter(result=result).select_related("node")
        }
    rows = []
    responsible = _responsible(year, index) if index else {}
    units = Unit.objects.in_bulk(list(responsible))
    for unit_id, codes in responsible.items():
        unit = units[unit_id]
        criteria = []
        lost = Decimal(0)
        for code in sorted(codes, key=lambda c: [int(p) for p in c.split(".") if p.isdigit()]):
            s = scores.get(code)
            node_lost = s.points_lost if s else None
            lost += node_lost or 0
            criteria.append({"code": code, "name": s.node.name if s else "", "lost": node_lost,
                             "score": s.score if s else None,
                             "max": s.node.max_points if s else None})  # fmt: skip
        led = task_list(user, unit=unit, role=AssignmentRole.LEAD, today=today).filter(index=index)
        counts = task_status_counts(led, today=today)
        rows.append({
            "unit": unit, "head": unit_head(unit, on=today), "criteria": criteria,
            "points_lost": lost, "tasks": counts,
            "overdue_tasks": list(led.filter(status__in=OPEN, next_due_on__lt=today)[:20]),
        })  # fmt: skip
    rows.sort(key=lambda r: (-r["points_lost"], r["unit"].name))
    return {
        "year": year, "index": index, "result": result, "rows": rows,
        "simulated": bool(result and result.simulated),
    }  # fmt: skip


def accountability_xlsx(user, *, year: int, index_code: str = "par-index") -> bytes:
    data = accountability_table(user, year=year, index_code=index_code)
    wb = Workbook()
    ws = wb.active
    ws.title = f"Trách nhiệm {year}"
    ws.append([f"TRÁCH NHIỆM NGƯỜI ĐỨNG ĐẦU VỀ ĐIỂM BỊ TRỪ CHỈ SỐ CCHC NĂM {year}"])
    ws["A1"].font = Font(bold=True, size=13)
    note = "Dùng cho đánh giá, xếp loại cán bộ, công chức hằng năm."
    if data["simulated"]:
        note += " Lưu ý: điểm từng tiêu chí là số liệu MÔ PHỎNG (dữ liệu mẫu)."
    ws.append([note])
    headers = [
        "STT", "Đơn vị", "Người đứng đầu", "Tiêu chí phụ trách", "Điểm bị trừ",
        "Nhiệm vụ chủ trì", "Hoàn thành", "Đang thực hiện", "Chưa triển khai", "Quá hạn",
    ]  # fmt: skip
    ws.append(headers)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for n, row in enumerate(data["rows"], 1):
        t = row["tasks"]
        ws.append([
            n, row["unit"].name, row["head"],
            "; ".join(f"{c['code']} (-{c['lost']})" if c["lost"] else c["code"]
                      for c in row["criteria"]),
            float(row["points_lost"]), t["total"], t["done"], t["in_progress"],
            t["not_started"], t["overdue"],
        ])  # fmt: skip
    for col, width in zip("ABCDEFGHIJ", (5, 40, 24, 40, 12, 12, 12, 14, 14, 10), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
