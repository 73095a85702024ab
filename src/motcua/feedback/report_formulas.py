"""The feedback app's formulas for the reporting app's indicators (its discovery hook).

``motcua.reporting.formulas.autodiscover`` imports this module and registers each entry;
the feedback app never imports reporting. ``counts(start, end, filters)`` answers
``{unit id: (numerator, denominator)}`` for the window [start, end); the reporting app adds
sub-units and merged units itself.
"""

from __future__ import annotations

import datetime as dt

from motcua.core.formats import VN_TZ
from motcua.feedback.stats import feedback_stats


def _field_ids(filters: dict) -> list[int] | None:
    codes = filters.get("fields")
    if not codes:
        return None
    from motcua.catalog.models import Field

    return list(Field.objects.filter(code__in=codes).values_list("pk", flat=True))


def answered_on_time(start: dt.datetime, end: dt.datetime, filters: dict) -> dict:
    """Per handling unit: answers approved in the window within their round's due time
    (numerator) among all answers approved in it (denominator) — ``feedback_stats``' figures,
    one handling round each (a reopened item counts once per round)."""
    data = feedback_stats(
        start=start.astimezone(VN_TZ).date(),
        end=end.astimezone(VN_TZ).date(),
        by="unit",
        field_ids=_field_ids(filters),
        window=(start, end),
    )
    return {
        row.key: (row.answered_on_time, row.answered)
        for row in data["rows"]
        if row.key is not None and row.answered
    }


FORMULAS = [
    {
        "code": "feedback_answered_on_time",
        "label": "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
        "source": (
            "Lượt trả lời phản ánh, kiến nghị được lãnh đạo duyệt trong kỳ (theo đơn vị xử lý);"
            " phần duyệt trong thời hạn xử lý tính theo lịch làm việc"
        ),
        "counts": answered_on_time,
    }
]
