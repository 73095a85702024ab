"""Selectors of the periodic report regime: expected reports, their figures, and who did not
report ("rõ người, rõ việc, rõ thời gian") — like DHIS2's reporting rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from motcua.core.errors import InvalidInput, NotFound
from motcua.core.formats import VN_TZ
from motcua.core.periods import Period, period_of
from motcua.organization.models import Unit
from motcua.reporting.errors import ReportingError
from motcua.reporting.models import Indicator, Report, ReportStatus, ReportTemplate
from motcua.reporting.scorecard import Counter, Row, light, target_for, unit_heads, unit_level


def template_get(code: str) -> ReportTemplate:
    from motcua.reporting.scorecard import safe_code

    found = ReportTemplate.objects.filter(code=code).first() if safe_code(code) else None
    if found is None:
        raise NotFound(
            f"Không tìm thấy mẫu báo cáo {code}.", code=ReportingError.REPORT_TEMPLATE_NOT_FOUND
        )
    return found


def report_get(pk: int) -> Report:
    found = Report.objects.select_related("template", "unit").filter(pk=pk).first()
    if found is None:
        raise NotFound("Không tìm thấy báo cáo.", code=ReportingError.REPORT_NOT_FOUND)
    return found


def template_period(template: ReportTemplate, on: dt.date) -> Period:
    return period_of(template.frequency, on)


def check_period(template: ReportTemplate, start: dt.date) -> Period:
    period = period_of(template.frequency, start)
    if period.start != start:
        raise InvalidInput(
            f"Kỳ báo cáo của mẫu này là {template.get_frequency_display().lower()}, "
            f"bắt đầu ngày {period.start:%d/%m/%Y}.",
            code=ReportingError.REPORT_PERIOD_INVALID,
        )
    return period


def due_at(template: ReportTemplate, period: Period) -> dt.datetime:
    """End of the due day (local time): period end + ``due_days``."""
    day = period.end + dt.timedelta(days=template.due_days)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=VN_TZ)


def last_due_period(template: ReportTemplate, now: dt.datetime) -> Period:
    """The most recent period whose report is already due or was due."""
    period = template_period(template, timezone.localtime(now).date())
    while due_at(template, period) > now and period.start.year > 2000:
        period = period.previous()
    return period


def expected_units(template: ReportTemplate, period: Period) -> list[Unit]:
    """Units of the template's kinds in force at the end of the period."""
    return list(
        Unit.objects.active_on(period.end).filter(kind__in=template.unit_kinds).order_by("name")
    )


def reports_for(template: ReportTemplate, period: Period) -> QuerySet[Report]:
    return Report.objects.filter(template=template, period_start=period.start).select_related(
        "unit"
    )


@dataclass
class UnitStatus:
    unit: Unit
    head: str
    status: str  # "on_time" | "late" | "missing" | "draft"
    first_submitted_at: dt.datetime | None
    current: Report | None

    @property
    def label(self) -> str:
        return {
            "on_time": "Đã gửi đúng hạn",
            "late": "Gửi muộn",
            "draft": "Đang soạn, chưa gửi",
            "missing": "Chưa báo cáo",
        }[self.status]


def reporting_rates(
    *,
    template: ReportTemplate,
    period: Period,
    now: dt.datetime | None = None,
    counter: Counter | None = None,
) -> dict:
    """Expected, submitted, submitted on time and missing reports, with each unit's head
    (``counter``: a page's shared reads, the heads among them)."""
    now = now or timezone.now()
    deadline = due_at(template, period)
    units = expected_units(template, period)
    first: dict[int, dt.datetime] = {}
    current: dict[int, Report] = {}
    for report in reports_for(template, period):
        if report.submitted_at and (
            report.unit_id not in first or report.submitted_at < first[report.unit_id]
        ):
            first[report.unit_id] = report.submitted_at
        if report.current:
            current[report.unit_id] = report
    ids, on = [u.pk for u in units], min(period.end, timezone.localdate())
    heads = counter.heads(ids, on=on) if counter is not None else unit_heads(ids, on=on)
    rows = []
    for unit in units:
        sent = first.get(unit.pk)
        if sent is not None:
            status = "on_time" if sent <= deadline else "late"
        elif unit.pk in current:
            status = "draft"
        else:
            status = "missing"
        rows.append(UnitStatus(unit, heads.get(unit.pk, ""), status, sent, current.get(unit.pk)))
    submitted = sum(1 for r in rows if r.first_submitted_at)
    on_time = sum(1 for r in rows if r.status == "on_time")
    expected = len(rows)
    rows.sort(key=lambda r: (r.status in ("on_time", "late"), r.status == "late", r.unit.name))
    return {
        "template": template,
        "period": period,
        "due_at": deadline,
        "overdue": now > deadline,
        "expected": expected,
        "submitted": submitted,
        "on_time": on_time,
        "missing": expected - submitted,
        "rate": round(submitted / expected, 4) if expected else None,
        "on_time_rate": round(on_time / expected, 4) if expected else None,
        "rows": rows,
    }


def report_figures(*, report: Report, now: dt.datetime | None = None) -> list[dict]:
    """The template's figure sections filled from the data for the report's unit and period."""
    period = period_of(report.template.frequency, report.period_start)
    counter = Counter(now=now)
    level = unit_level(report.unit)
    sections = []
    for section in report.template.sections:
        if section.get("kind") == "stats":
            rows = unit_period_stats(unit=report.unit, period=period, counter=counter)
            sections.append({"key": section["key"], "title": section["title"], "rows": rows})
            continue
        if section.get("kind") != "figures":
            continue
        rows = []
        codes = section.get("indicators", [])
        by_code = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
        for code in codes:
            ind = by_code.get(code)
            if ind is None:
                continue
            value = counter.value(ind.formula, ind.filters, period, report.unit_id)
            target = target_for(ind, level=level, year=period.start.year)
            row = Row(ind, value, target, light(ind, value.percent if value else None, target))
            rows.append(row.as_dict())
        sections.append({"key": section["key"], "title": section["title"], "rows": rows})
    return sections


STATS_ROWS = (
    ("received", "Hồ sơ tiếp nhận trong kỳ"),
    ("finished", "Hồ sơ đã có kết quả trong kỳ"),
    ("good", "— trước hạn, đúng hạn"),
    ("late", "— quá hạn"),
    ("open", "Hồ sơ đang giải quyết tại cuối kỳ"),
    ("overdue", "— đã quá hạn"),
    ("online", "Hồ sơ nộp trực tuyến"),
)


def unit_period_stats(*, unit, period, counter: Counter | None = None) -> list[dict]:
    """The statistics table of a report: counts read by the same formulas as the figures."""
    counter = counter or Counter()

    def v(code):
        return counter.value(code, {}, period, unit.pk)

    late, on_time, online, opened = (
        v("late_share"), v("on_time_share"), v("online_share"), v("open_overdue_share")
    )  # fmt: skip
    values = {
        "received": online.den,
        "finished": late.den,
        "good": on_time.num,
        "late": late.num,
        "open": opened.den,
        "overdue": opened.num,
        "online": online.num,
    }
    return [{"key": k, "label": label, "value": values[k]} for k, label in STATS_ROWS]


def report_view(report: Report, now: dt.datetime | None = None) -> list[dict]:
    """Sections in template order: figures (frozen at submission, live while a draft) and
    the unit's text."""
    figures = report.figures.get("sections") if report.figures else None
    if figures is None:
        figures = report_figures(report=report, now=now)
    by_key = {s["key"]: s for s in figures}
    out = []
    for section in report.template.sections:
        if section.get("kind") in ("figures", "stats"):
            rows = by_key.get(section["key"], {}).get("rows", [])
            out.append({**section, "rows": rows})
        else:
            out.append({**section, "text": report.narrative.get(section["key"], "")})
    return out


def report_history(*, template: ReportTemplate, unit: Unit, period_start: dt.date):
    return Report.objects.filter(template=template, unit=unit, period_start=period_start).order_by(
        "version"
    )


def units_reporting_for(user, template: ReportTemplate) -> list[Unit]:
    from motcua.organization.models import Role
    from motcua.organization.permissions import units_of

    units = units_of(user, [Role.UNIT_LEADER, Role.REFORM_OFFICER])
    return [u for u in units if u.kind in template.unit_kinds]


SUBMITTED = ReportStatus.SUBMITTED
