"""Feedback statistics per unit or field and period: one selector for pages, API, Excel and
the reporting app (``feedback_stats``)."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q

from motcua.core.errors import InvalidInput
from motcua.core.formats import VN_TZ, vn_date
from motcua.feedback.clocks import HOURS_PER_DAY
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, Round, Status, Transfer

COLUMNS = [
    ("received", "Tiếp nhận"),
    ("rejected", "Từ chối"),
    ("transferred", "Chuyển đơn vị khác"),
    ("answered_on_time", "Trả lời đúng hạn"),
    ("answered_late", "Trả lời trễ hạn"),
    ("reopened", "Xử lý lại"),
    ("avg_days", "Thời gian xử lý TB (ngày làm việc)"),
    ("rated", "Lượt đánh giá"),
    ("satisfaction", "Hài lòng (%)"),
    ("handling_rate", "Tỷ lệ trả lời đúng hạn (%)"),
]


@dataclass
class Row:
    key: int | None
    name: str
    received: int = 0
    rejected: int = 0
    transferred: int = 0
    answered_on_time: int = 0
    answered_late: int = 0
    reopened: int = 0
    hours: list[float] = field(default_factory=list)
    rated: int = 0
    satisfied: int = 0

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def avg_days(self) -> float | None:
        return sum(self.hours) / len(self.hours) / HOURS_PER_DAY if self.hours else None

    @property
    def satisfaction(self) -> float | None:
        return 100 * self.satisfied / self.rated if self.rated else None

    @property
    def handling_rate(self) -> float | None:
        return 100 * self.answered_on_time / self.answered if self.answered else None

    def as_dict(self) -> dict:
        return {"key": self.key, "name": self.name, **{k: getattr(self, k) for k, _ in COLUMNS}}


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if end < start:
        raise InvalidInput(
            "Ngày kết thúc phải sau ngày bắt đầu.", code=FeedbackError.RANGE_REVERSED
        )
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=VN_TZ)
    return lo, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)


def feedback_stats(
    *,
    start: dt.date,
    end: dt.date,
    by: str = "unit",
    unit_ids=None,
    field_id=None,
    field_ids=None,
    window: tuple[dt.datetime, dt.datetime] | None = None,
) -> dict:
    """Counts per unit (``by="unit"``) or per field (``by="field"``) for [start, end].

    ``window`` — an exact [from, to) instead of whole days (the reporting app's periods);
    ``field_ids`` — several fields instead of one ``field_id``.

    Received counts at the receiving unit; rejected at the unit that rejected; transferred at
    the unit that handed over; answers, reopenings, handling time and ratings at the round's
    unit. On time / late compare the approval with the round's due time from the calendar.
    """
    if by not in ("unit", "field"):
        raise InvalidInput("Nhóm theo đơn vị hoặc lĩnh vực.", code=FeedbackError.GROUP_INVALID)
    lo, hi = window if window is not None else _bounds(start, end)
    rows: dict = {}

    def row(key, name) -> Row:
        if key not in rows:
            rows[key] = Row(key, name or "Chưa xác định")
        return rows[key]

    def scoped(qs, unit_path: str, field_path: str):
        if unit_ids is not None:
            qs = qs.filter(**{f"{unit_path}__in": unit_ids})
        if field_id is not None:
            qs = qs.filter(**{field_path: field_id})
        if field_ids is not None:
            qs = qs.filter(**{f"{field_path}__in": field_ids})
        return qs

    item_key = (
        ("receiving_unit", "receiving_unit__name") if by == "unit" else ("field", "field__name")
    )
    received = scoped(
        Feedback.objects.filter(received_at__gte=lo, received_at__lt=hi),
        "receiving_unit",
        "field_id",
    )
    for r in received.values(*item_key).annotate(n=Count("id")):
        row(r[item_key[0]], r[item_key[1]]).received = r["n"]

    key = ("current_unit", "current_unit__name") if by == "unit" else ("field", "field__name")
    rejected = scoped(
        Feedback.objects.filter(status=Status.REJECTED, closed_at__gte=lo, closed_at__lt=hi),
        "current_unit",
        "field_id",
    )
    for r in rejected.values(*key).annotate(n=Count("id")):
        row(r[key[0]], r[key[1]]).rejected = r["n"]

    key = (
        ("from_unit", "from_unit__name")
        if by == "unit"
        else ("feedback__field", "feedback__field__name")
    )
    transfers = scoped(
        Transfer.objects.filter(at__gte=lo, at__lt=hi), "from_unit", "feedback__field_id"
    )
    for r in transfers.values(*key).annotate(n=Count("id")):
        row(r[key[0]], r[key[1]]).transferred = r["n"]

    key = ("unit", "unit__name") if by == "unit" else ("feedback__field", "feedback__field__name")
    answered = scoped(
        Round.objects.filter(answered_at__gte=lo, answered_at__lt=hi), "unit", "feedback__field_id"
    )
    for r in answered.values(*key).annotate(
        on_time=Count("id", filter=Q(answered_at__lte=F("due_at"))),
        late=Count("id", filter=Q(answered_at__gt=F("due_at"))),
        rated=Count("id", filter=Q(rating__isnull=False)),
        satisfied=Count("id", filter=Q(rating__gte=4)),
    ):
        one = row(r[key[0]], r[key[1]])
        one.answered_on_time, one.answered_late = r["on_time"], r["late"]
        one.rated, one.satisfied = r["rated"], r["satisfied"]
    hours = defaultdict(list)
    for k, h in answered.filter(handling_hours__isnull=False).values_list(key[0], "handling_hours"):
        hours[k].append(h)
    for k, values in hours.items():
        rows[k].hours = values
    reopened = scoped(
        Round.objects.filter(number__gt=1, started_at__gte=lo, started_at__lt=hi),
        "unit",
        "feedback__field_id",
    )
    for r in reopened.values(*key).annotate(n=Count("id")):
        row(r[key[0]], r[key[1]]).reopened = r["n"]

    ordered = sorted(rows.values(), key=lambda r: r.name or "")
    total = Row(None, "Tổng cộng")
    for r in ordered:
        for name in (
            "received",
            "rejected",
            "transferred",
            "answered_on_time",
            "answered_late",
            "reopened",
            "rated",
            "satisfied",
        ):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        total.hours += r.hours
    average_rating = answered.filter(rating__isnull=False).aggregate(a=Avg("rating"))["a"]
    return {
        "start": start,
        "end": end,
        "by": by,
        "rows": ordered,
        "total": total,
        "average_rating": average_rating,
    }


def answered_by_unit(windows, *, field_ids=None) -> list[dict[int, tuple[int, int]]]:
    """Per handling unit and window ``[from, to)``: (answered on time, answered) — the
    figures of ``feedback_stats``' rows (a round approved within its due time, every round
    approved), units with no answer left out; all windows in one query."""
    if not windows:
        return []
    lo, hi = min(s for s, _ in windows), max(e for _, e in windows)
    rounds = Round.objects.filter(answered_at__gte=lo, answered_at__lt=hi, unit__isnull=False)
    if field_ids is not None:
        rounds = rounds.filter(feedback__field_id__in=field_ids)
    counts = {}
    for i, (start, end) in enumerate(windows):
        inside = Q(answered_at__gte=start, answered_at__lt=end)
        counts[f"on_time{i}"] = Count("id", filter=inside & Q(answered_at__lte=F("due_at")))
        counts[f"late{i}"] = Count("id", filter=inside & Q(answered_at__gt=F("due_at")))
    out: list[dict[int, tuple[int, int]]] = [{} for _ in windows]
    for row in rounds.values("unit").annotate(**counts).order_by():
        for i in range(len(windows)):
            on_time, late = row[f"on_time{i}"], row[f"late{i}"]
            if on_time + late:
                out[i][row["unit"]] = (on_time, on_time + late)
    return out


def stats_excel(stats: dict) -> bytes:
    """The statistics as an .xlsx workbook (one sheet, Vietnamese headers, a total row)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Phản ánh kiến nghị"
    sheet.append(
        [
            f"THỐNG KÊ TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ TỪ {vn_date(stats['start'])} "
            f"ĐẾN {vn_date(stats['end'])}"
        ]
    )
    sheet["A1"].font = Font(bold=True)
    first = "Đơn vị" if stats["by"] == "unit" else "Lĩnh vực"
    sheet.append([first, *(label for _, label in COLUMNS)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for r in [*stats["rows"], stats["total"]]:
        values = r.as_dict()
        sheet.append([r.name, *(_cell(values[k]) for k, _ in COLUMNS)])
    sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    return round(value, 2) if isinstance(value, float) else value
