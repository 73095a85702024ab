"""Public statistics ("công khai"): the dossier app's statistics selector, plus satisfaction.

Every count comes from ``dossiers.selectors.dossier_stats`` — the same selector behind the
officer dashboards, ``GET /api/stats/dossiers`` and their exports — so the numbers agree.
Satisfaction is read from the ratings of the same dossiers (received in the period, same
unit subtree and field).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from motcua.catalog.models import Field
from motcua.core.db import using_replica
from motcua.core.formats import vn_date, vn_datetime
from motcua.core.periods import Period
from motcua.dossiers.selectors import StatsFilters, dossier_stats, stats_as_of
from motcua.organization.models import Unit, UnitKind
from motcua.reporting.errors import ReportingError
from motcua.surveys.selectors import satisfaction

GROUPS = {"unit": "Cơ quan giải quyết", "field": "Lĩnh vực"}

# The public columns, in table order: (key, Vietnamese header, kind)
COLUMNS = (
    ("received", "Tiếp nhận", "int"),
    ("resolved", "Đã giải quyết", "int"),
    ("resolved_early", "Trước hạn", "int"),
    ("resolved_on_time", "Đúng hạn", "int"),
    ("resolved_late", "Quá hạn", "int"),
    ("on_time_share", "Tỷ lệ đúng hạn", "share"),
    ("in_progress", "Đang giải quyết", "int"),
    ("online", "Nộp trực tuyến", "int"),
    ("online_share", "Tỷ lệ trực tuyến", "share"),
    ("ratings", "Số đánh giá", "int"),
    ("satisfied_share", "Tỷ lệ hài lòng", "share"),
    ("points_avg", "Điểm đánh giá (/18)", "score"),
)

SATISFACTION_KEYS = ("ratings", "satisfied_share", "points_avg", "band")


@dataclass
class PublicStats:
    period: Period
    group_by: str
    unit: Unit | None
    field: Field | None
    total: dict
    rows: list[dict]
    as_of: dt.datetime | None = None  # every figure as it stood then (``stats_as_of``)

    @property
    def closed(self) -> bool:
        """The period is over: its figures are final (measured at its last instant)."""
        return self.as_of is not None and timezone.localtime(self.as_of).date() >= self.period.end

    @property
    def as_of_text(self) -> str:
        """ "tính đến dd/mm/yyyy" (closed period) or "tính đến HH:MM dd/mm/yyyy (…)"."""
        if self.as_of is None:
            return ""
        if self.closed:
            return f"tính đến {vn_date(self.as_of)}"
        return f"tính đến {vn_datetime(self.as_of)} (kỳ chưa kết thúc)"

    def as_dict(self) -> dict:
        return {
            "period": self.period.as_dict(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "closed": self.closed,
            "group_by": self.group_by,
            "unit": self.unit.code if self.unit else None,
            "field": self.field.code if self.field else None,
            "columns": [{"key": k, "label": label} for k, label, _ in COLUMNS],
            "total": self.total,
            "rows": self.rows,
        }


def _public(row: dict, sat: dict | None) -> dict:
    out = {"group": row["group"], "label": row["label"]}
    out.update({k: row[k] for k, _, _ in COLUMNS if k in row})
    sat = sat or {}
    out["ratings"] = sat.get("ratings") or 0
    out["satisfied_share"] = sat.get("satisfied_share")
    out["points_avg"] = sat.get("points_avg")
    out["band"] = sat.get("band") or ""
    return out


@using_replica()  # statistics may lag the primary by a little: read from a replica if any
def public_stats(
    *,
    period: Period,
    unit: str | None = None,
    field: str | None = None,
    group_by: str = "unit",
    now: dt.datetime | None = None,
) -> PublicStats:
    """Received, resolved early / on time / late, on-time rate, online share and
    satisfaction for the dossiers received in ``period``, per unit or per field."""
    from motcua.core.errors import InvalidInput, NotFound

    if group_by not in GROUPS:
        raise InvalidInput(
            "Chỉ nhóm theo unit (cơ quan) hoặc field (lĩnh vực).", code=ReportingError.GROUP_BY
        )
    unit_obj = Unit.objects.filter(code=unit).first() if unit else None
    if unit and unit_obj is None:
        raise NotFound(f"Không tìm thấy đơn vị {unit}.", code=ReportingError.UNIT_NOT_FOUND)
    field_obj = Field.objects.filter(code=field).first() if field else None
    if field and field_obj is None:
        raise NotFound(f"Không tìm thấy lĩnh vực {field}.", code=ReportingError.FIELD_NOT_FOUND)
    filters = StatsFilters(unit=unit, field=field, date_from=period.start, date_to=period.end)
    now = now or timezone.now()
    as_of = stats_as_of(filters=filters, now=now)
    args: dict[str, Any] = {
        "date_from": period.start,
        "date_to": period.end,
        "unit": unit,
        "field": field,
    }
    sat_rows = {r["group"]: r for r in satisfaction(**args, group_by=group_by)}
    rows = [
        _public(r, sat_rows.get(r["group"]))
        for r in dossier_stats(filters=filters, group_by=group_by, now=now)
        if r["group"] not in ("", "None") and r["received"]
    ]
    total = _public(dossier_stats(filters=filters, now=now)[0], satisfaction(**args)[0])
    rows.sort(key=lambda r: (-r["received"], r["label"]))
    return PublicStats(period, group_by, unit_obj, field_obj, total, rows, as_of)


def unit_choices() -> list[Unit]:
    """Units a citizen may pick: those in force today, service centres left out."""
    return list(
        Unit.objects.active_on(timezone.localdate())
        .exclude(kind=UnitKind.SERVICE_CENTRE)
        .order_by("kind", "name")
    )


def field_choices() -> list[Field]:
    return list(Field.objects.order_by("name"))
