"""The feedback app's formulas for the reporting app's indicators (its discovery hook).

``motcua.reporting.formulas.autodiscover`` imports this module and registers each entry;
the feedback app never imports reporting. ``counts(start, end, filters)`` answers
``{unit id: (numerator, denominator)}`` for the window [start, end); the reporting app adds
sub-units and merged units itself.
"""

from __future__ import annotations

import datetime as dt

from motcua.feedback.stats import answered_by_unit


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
    return answered_on_time_many([(start, end)], filters)[0]


def answered_on_time_many(windows: list, filters: dict) -> list[dict]:
    """``answered_on_time`` of each window [from, to), in one query."""
    return answered_by_unit(windows, field_ids=_field_ids(filters))


FORMULAS = [
    {
        "code": "feedback_answered_on_time",
        "label": "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
        "source": (
            "Lượt trả lời phản ánh, kiến nghị được lãnh đạo duyệt trong kỳ (theo đơn vị xử lý);"
            " phần duyệt trong thời hạn xử lý tính theo lịch làm việc"
        ),
        "counts": answered_on_time,
        "counts_many": answered_on_time_many,
    }
]
