"""Demo report history: a year of periodic reports, through the report services.

For every report template and every period that ended in the last twelve months, each unit
that must report and has a leader sends its report — most on time, some late, some never
(so "who did not report" has something to show), one a correction. Figures are filled from
the demo dossiers by the services themselves. Runs after the dossiers (``motcua demo``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.core.periods import period_of
from motcua.organization.models import Role, StaffRole, Unit, UnitKind
from motcua.reporting import services
from motcua.reporting.models import ReportTemplate
from motcua.reporting.reports import due_at

MISSING, LATE = 0.15, 0.15
COMMUNE_SAMPLE = 10  # one commune in ten reports in the demo
TEXTS = {
    "ket_qua": "Tiếp tục thực hiện cơ chế một cửa, một cửa liên thông; 100% hồ sơ tiếp nhận "
    "và giải quyết trên Hệ thống thông tin giải quyết TTHC.",
    "ton_tai": "Tỷ lệ hồ sơ nộp trực tuyến toàn trình và thanh toán trực tuyến còn thấp; một số "
    "hồ sơ đất đai còn trễ hẹn.",
    "nhiem_vu": "Rà soát quy trình nội bộ; hướng dẫn người dân nộp hồ sơ và thanh toán trực "
    "tuyến; xin lỗi người dân khi trễ hẹn.",
    "kien_nghi": "Đề nghị tỉnh bố trí kinh phí số hóa hồ sơ, kết quả giải quyết TTHC.",
}


def _periods(template: ReportTemplate, today: dt.date) -> list:
    out, period = [], period_of(template.frequency, today).previous()
    while period.end >= today - dt.timedelta(days=365):
        out.append(period)
        period = period.previous()
    return out[::-1]


def _reporting_units(units, period, latest: bool):
    """Departments and districts report every period; communes only the latest one, and a
    sample of them (each report's figures cost ~0.1 s: 616 communes × a year of periods would
    add minutes to ``make run``)."""
    for unit in units:
        if unit.kind != UnitKind.COMMUNE:
            yield unit
        elif latest and unit.pk % COMMUNE_SAMPLE == 0:
            yield unit


def load(*, rng, stdout, options) -> None:
    today = timezone.localdate()
    leaders = {}
    for role in StaffRole.objects.filter(
        role=Role.UNIT_LEADER, valid_to__isnull=True
    ).select_related("user"):
        leaders.setdefault(role.unit_id, role.user)
    # the figures of every report read the maintained aggregates: build them first
    built = services.aggregates_catch_up(full=True)
    sent = missing = 0
    for template in ReportTemplate.objects.filter(active=True):
        periods = _periods(template, today)
        for period in periods:
            units = Unit.objects.active_on(period.end).filter(kind__in=template.unit_kinds)
            deadline = due_at(template, period)
            latest = period == periods[-1]
            for unit in _reporting_units(units.order_by("code"), period, latest):
                leader = leaders.get(unit.pk)
                if leader is None or rng.random() < MISSING:
                    missing += 1
                    continue
                late = rng.random() < LATE
                when = deadline + (
                    dt.timedelta(days=rng.randint(1, 10))
                    if late
                    else -dt.timedelta(days=rng.randint(1, max(1, template.due_days)), hours=2)
                )
                when = min(when, timezone.now())
                report = services.report_open(
                    actor=leader, template=template, unit=unit, period_start=period.start,
                    now=when - dt.timedelta(hours=3),
                )  # fmt: skip
                keys = [s["key"] for s in template.sections if s.get("kind") == "text"]
                services.report_save_draft(
                    actor=leader, report=report, narrative={k: TEXTS.get(k, "…") for k in keys},
                    number=f"{rng.randint(10, 250)}/BC-{unit.short_name or unit.code}"[:60],
                )  # fmt: skip
                services.report_submit(actor=leader, report=report, now=when)
                sent += 1
    stdout.write(
        f"  Báo cáo định kỳ mẫu: {sent} đã gửi, {missing} chưa gửi; số liệu tổng hợp "
        f"{built['rows']} dòng cho {built['days']} ngày."
    )
