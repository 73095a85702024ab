"""Catalog rules shared by the admin, the Excel import and the services."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal


def step_allotment_error(total_hours: Decimal | None, step_hours: Iterable[Decimal]) -> str | None:
    """The Vietnamese error when the steps' hours do not add up to the procedure's time."""
    hours = [Decimal(h) for h in step_hours]
    if not hours:
        return "Quy trình nội bộ phải có ít nhất một bước."
    if any(h <= 0 for h in hours):
        return "Thời gian của mỗi bước phải lớn hơn 0 giờ."
    if total_hours is None:
        return None
    allotted = sum(hours, Decimal("0"))
    if allotted != total_hours:
        return (
            f"Tổng thời gian các bước ({_hours(allotted)} giờ) phải bằng thời hạn giải quyết "
            f"của thủ tục ({_hours(total_hours)} giờ làm việc)."
        )
    return None


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")
