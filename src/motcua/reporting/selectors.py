"""Public statistics ("công khai"): read from the maintained aggregates, plus satisfaction
and the feedback handling rate.

Dossier counts come from ``reporting.aggregates.stats_table`` — the daily counts and
open-at-end snapshots behind the leaders' scorecard, the periodic reports and the open data —
so the public page, ``GET /api/stats/public``, its Excel and ``/thong-ke/du-lieu-mo/…/thong-ke``
give the same numbers and no request recounts the dossier table. The definitions are the
scorecard's: received in the period, ended (result ready) in the period — early, on time,
late — and in progress at its end. Satisfaction is read from the ratings of the dossiers
received in the period (``surveys.selectors.satisfaction``); the feedback handling rate
(answered on time / answered, per answering unit or field) from
``feedback.stats.feedback_stats``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from motcua.catalog.models import Field, Procedure
from motcua.core.db import using_replica
from motcua.core.formats import vn_date, vn_datetime
from motcua.core.periods import Period
from motcua.feedback.stats import feedback_stats
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
    ("feedback_answered", "Phản ánh, kiến nghị đã trả lời", "int"),
    ("feedback_on_time_share", "Tỷ lệ trả lời phản ánh đúng hạn", "share"),
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
    as_of: dt.datetime | None = None  # what "in progress" describes: the period's last instant
    # (23:59:59,999999 of its last day) or now

    @property
    def closed(self) -> bool:
        """The period is over: its figures are final (measured at its last instant)."""
        last_instant = self.period.window[1] - dt.timedelta(microseconds=1)
        return self.as_of is not None and self.as_of >= last_instant

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


def _public(group: str, label: str, counts: dict, sat: dict | None, fb) -> dict:
    received, resolved = counts.get("received", 0), counts.get("finished", 0)
    early, good = counts.get("finished_early", 0), counts.get("finished_good", 0)
    sat = sat or {}
    return {
        "group": group,
        "label": label,
        "received": received,
        "resolved": resolved,
        "resolved_early": early,
        "resolved_on_time": good - early,
        "resolved_late": counts.get("finished_late", 0),
        "on_time_share": round(good / resolved, 4) if resolved else 0.0,
        "in_progress": counts.get("open", 0),
        "online": counts.get("online", 0),
        "online_share": round(counts.get("online", 0) / received, 4) if received else 0.0,
        "feedback_answered": fb.answered if fb else 0,
        # on time / answered; None ("—") when nothing was answered
        "feedback_on_time_share": (
            round(fb.answered_on_time / fb.answered, 4) if fb and fb.answered else None
        ),
        "ratings": sat.get("ratings") or 0,
        "satisfied_share": sat.get("satisfied_share"),
        "points_avg": sat.get("points_avg"),
        "band": sat.get("band") or "",
    }


def _lookup(unit: str | None, field: str | None) -> tuple[Unit | None, Field | None]:
    from motcua.core.errors import NotFound
    from motcua.reporting.scorecard import safe_code

    unit_obj = Unit.objects.filter(code=unit).first() if safe_code(unit) else None
    if unit and unit_obj is None:
        raise NotFound(f"Không tìm thấy đơn vị {unit}.", code=ReportingError.UNIT_NOT_FOUND)
    field_obj = Field.objects.filter(code=field).first() if safe_code(field) else None
    if field and field_obj is None:
        raise NotFound(f"Không tìm thấy lĩnh vực {field}.", code=ReportingError.FIELD_NOT_FOUND)
    return unit_obj, field_obj


@using_replica()  # statistics may lag the primary by a little: read from a replica if any
def public_stats(
    *,
    period: Period,
    unit: str | None = None,
    field: str | None = None,
    group_by: str = "unit",
    now: dt.datetime | None = None,
) -> PublicStats:
    """Received, ended early / on time / late, on-time rate, in progress at the end, online
    share, feedback answered on time and satisfaction, per unit or per field."""
    from motcua.core.errors import InvalidInput
    from motcua.reporting.aggregates import stats_table
    from motcua.reporting.scorecard import Scopes

    if group_by not in GROUPS:
        raise InvalidInput(
            "Chỉ nhóm theo unit (cơ quan) hoặc field (lĩnh vực).", code=ReportingError.GROUP_BY
        )
    unit_obj, field_obj = _lookup(unit, field)
    now = now or timezone.now()
    start, end = period.window
    end = min(end, max(start, now))
    unit_ids = Scopes().ids(unit_obj.pk) if unit_obj else None
    procedure_ids = (
        set(Procedure.objects.filter(field=field_obj).values_list("pk", flat=True))
        if field_obj
        else None
    )
    table = stats_table(start, end, by=group_by, unit_ids=unit_ids, procedure_ids=procedure_ids)
    args: dict[str, Any] = {
        "date_from": period.start,
        "date_to": period.end,
        "unit": unit_obj.code if unit_obj else None,
        "field": field_obj.code if field_obj else None,
    }
    sat_rows = {r["group"]: r for r in satisfaction(**args, group_by=group_by)}
    feedback = feedback_stats(
        start=period.start,
        end=period.end,
        by=group_by,
        unit_ids=sorted(unit_ids) if unit_ids is not None else None,
        field_id=field_obj.pk if field_obj else None,
    )
    fb_rows = {r.key: r for r in feedback["rows"]}
    model = Unit if group_by == "unit" else Field
    keys = {k for k, c in table.items() if any(c.values())} | {
        k for k, r in fb_rows.items() if r.answered
    }
    keys.discard(None)
    names = {o.pk: (o.code, o.name) for o in model.objects.filter(pk__in=keys)}
    rows = []
    for key in keys:
        code, name = names.get(key, (str(key), str(key)))
        rows.append(_public(code, name, table.get(key, {}), sat_rows.get(code), fb_rows.get(key)))
    totals = dict.fromkeys(("received", "online", "finished", "finished_early", "finished_good",
                            "finished_late", "open"), 0)  # fmt: skip
    for counts in table.values():
        for column in totals:
            totals[column] += counts.get(column, 0)
    total = _public("", "Tổng", totals, satisfaction(**args)[0], feedback["total"])
    rows.sort(key=lambda r: (-r["received"], r["label"]))
    as_of = min(now, period.window[1] - dt.timedelta(microseconds=1))
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
