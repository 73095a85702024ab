"""Every write of the reporting app: indicators, targets, 766 criteria, report templates, and
the report regime (draft, submit, correct, remind).

Each service runs in one transaction and records its ledger event in it; roles and units are
checked here (the admin, the pages and the API all call these functions).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.core.periods import month_of, period_of
from motcua.ledger.services import event_record
from motcua.organization.models import Level, Role, StaffRole, Unit
from motcua.organization.permissions import has_role
from motcua.reporting import events, formulas
from motcua.reporting.errors import ReportingError
from motcua.reporting.models import (
    Direction,
    Frequency,
    IndexCriterion,
    Indicator,
    Report,
    ReportStatus,
    ReportTemplate,
    Target,
)
from motcua.reporting.reports import (
    check_period,
    due_at,
    last_due_period,
    report_figures,
    reporting_rates,
)

MAX_TEXT = 20_000

# --- permissions -----------------------------------------------------------------------------


def can_manage(user) -> bool:
    """The province office: the province admin, or a leader / reform officer of the province
    (a role held at a unit without a parent)."""
    if user is None or not user.is_authenticated:
        return False
    if has_role(user, [Role.PROVINCE_ADMIN]):
        return True
    return (
        StaffRole.objects.filter(
            user=user,
            role__in=(Role.UNIT_LEADER, Role.REFORM_OFFICER),
            unit__parent__isnull=True,
            valid_from__lte=timezone.localdate(),
        )
        .exclude(valid_to__lt=timezone.localdate())
        .exists()
    )


def require_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(
            "Chỉ Văn phòng UBND tỉnh (quản trị tỉnh, lãnh đạo hoặc cán bộ CCHC cấp tỉnh) "
            "được sửa chỉ tiêu, quy tắc và mẫu báo cáo.",
            code=ReportingError.REPORTING_MANAGE_DENIED,
        )


def can_view_leaders(user) -> bool:
    return has_role(
        user,
        [Role.PROVINCE_ADMIN, Role.INSPECTOR, Role.UNIT_LEADER, Role.REFORM_OFFICER],
    )


def require_report_role(user, unit: Unit, roles=(Role.UNIT_LEADER, Role.REFORM_OFFICER)) -> None:
    if not has_role(user, roles, unit):
        names = " hoặc ".join(str(Role(r).label).lower() for r in roles)
        raise PermissionDenied(
            f"Chỉ {names} của {unit.name} được thực hiện thao tác này với báo cáo của đơn vị.",
            code=ReportingError.REPORT_UNIT_DENIED,
        )


def _label(actor) -> str:
    if actor is None:
        return "Hệ thống"
    return actor.get_full_name() or actor.get_username()


# --- indicators, targets, criteria, templates --------------------------------------------------


def _percent(value, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise InvalidInput(f"{name} phải là một số.", code=ReportingError.NUMBER_INVALID) from error
    if number < 0 or number > 100:
        raise InvalidInput(f"{name} phải từ 0 đến 100.", code=ReportingError.PERCENT_OUT_OF_RANGE)
    return number


@transaction.atomic
def indicator_save(*, actor, indicator: Indicator | None = None, **fields) -> Indicator:
    """Create or change an indicator; the formula must be one the code provides."""
    require_manage(actor)
    allowed = {f.name for f in Indicator._meta.fields} - {"id"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(f"Trường không hợp lệ: {', '.join(sorted(unknown))}.")
    formula = fields.get("formula", indicator.formula if indicator else "")
    if formulas.get(formula) is None and (indicator is None or formula != indicator.formula):
        raise InvalidInput(
            f"Công thức '{formula}' không có trong hệ thống.", code=ReportingError.FORMULA_UNKNOWN
        )
    if fields.get("direction", Direction.HIGHER) not in Direction.values:
        raise InvalidInput("Chiều đánh giá không hợp lệ.", code=ReportingError.DIRECTION_INVALID)
    levels = fields.get("levels", indicator.levels if indicator else [])
    if any(lv not in Level.values for lv in levels):
        raise InvalidInput("Cấp áp dụng phải là province, district hoặc commune.")
    before = {}
    if indicator is None:
        indicator = Indicator(**fields)
    else:
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        for name, value in fields.items():
            old = getattr(indicator, name)
            if old != value:
                before[name] = old if not isinstance(old, Decimal) else str(old)
                setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    event_record(
        subject_type=events.SUBJECT_INDICATOR,
        subject_id=indicator.code,
        action=events.INDICATOR_SAVED,
        actor=actor,
        payload={"fields": {k: str(v) for k, v in fields.items()}, "before": before},
    )
    return indicator


@transaction.atomic
def target_set(
    *,
    actor,
    indicator: Indicator,
    year: int,
    level: str,
    value,
    source: str,
    effective_from: dt.date | None = None,
) -> Target:
    """Give the indicator a target for a year and level: a new version from ``effective_from``
    (today by default); earlier versions stay for the history."""
    require_manage(actor)
    if level not in Level.values:
        raise InvalidInput(
            "Cấp phải là province, district hoặc commune.", code=ReportingError.LEVEL_INVALID
        )
    if not indicator.applies_to(level):
        raise InvalidInput(
            "Chỉ tiêu này không áp dụng cho cấp đã chọn.", code=ReportingError.LEVEL_INVALID
        )
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput("Năm không hợp lệ.", code=ReportingError.YEAR_INVALID)
    if not (source or "").strip():
        raise InvalidInput(
            "Cần ghi căn cứ giao chỉ tiêu.", code=ReportingError.TARGET_SOURCE_REQUIRED
        )
    number = _percent(value, "Chỉ tiêu")
    effective_from = effective_from or timezone.localdate()
    target, created = Target.objects.update_or_create(
        indicator=indicator,
        year=int(year),
        level=level,
        effective_from=effective_from,
        defaults={"value": number, "source": source.strip()[:500]},
    )
    event_record(
        subject_type=events.SUBJECT_INDICATOR,
        subject_id=indicator.code,
        action=events.TARGET_SET,
        actor=actor,
        payload={
            "year": int(year),
            "level": level,
            "value": str(number),
            "source": target.source,
            "effective_from": effective_from.isoformat(),
            "new_version": created,
        },
    )
    return target


@transaction.atomic
def criterion_save(*, actor, criterion: IndexCriterion, **fields) -> IndexCriterion:
    require_manage(actor)
    allowed = {"name", "formula", "max_points", "threshold", "confirmed", "note", "order"}
    if set(fields) - allowed:
        raise InvalidInput("Trường không hợp lệ.")
    formula = fields.get("formula", criterion.formula)
    if formula and formula != criterion.formula and formulas.get(formula) is None:
        raise InvalidInput(
            f"Công thức '{formula}' không có trong hệ thống.", code=ReportingError.FORMULA_UNKNOWN
        )
    threshold = Decimal(str(fields.get("threshold", criterion.threshold)))
    if not Decimal(0) < threshold <= Decimal(1):
        raise InvalidInput(
            "Ngưỡng phải lớn hơn 0 và không quá 1 (100%).", code=ReportingError.THRESHOLD_INVALID
        )
    criterion = IndexCriterion.objects.select_for_update().get(pk=criterion.pk)
    before = {k: str(getattr(criterion, k)) for k in fields}
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.save()
    event_record(
        subject_type=events.SUBJECT_RULESET,
        subject_id=criterion.rule_set.code,
        action=events.CRITERION_SAVED,
        actor=actor,
        payload={"criterion": criterion.code, "fields": {k: str(v) for k, v in fields.items()},
                 "before": before},
    )  # fmt: skip
    return criterion


@transaction.atomic
def template_save(*, actor, template: ReportTemplate | None = None, **fields) -> ReportTemplate:
    require_manage(actor)
    if fields.get("frequency", Frequency.QUARTER) not in Frequency.values:
        raise InvalidInput("Kỳ báo cáo không hợp lệ.", code=ReportingError.FREQUENCY_INVALID)
    for section in fields.get("sections", []):
        if section.get("kind") not in ("figures", "stats", "text") or not section.get("key"):
            raise InvalidInput("Mỗi phần cần key và kind là figures, stats hoặc text.")
    if template is None:
        template = ReportTemplate(**fields)
    else:
        template = ReportTemplate.objects.select_for_update().get(pk=template.pk)
        for name, value in fields.items():
            setattr(template, name, value)
    template.full_clean()
    template.save()
    event_record(
        subject_type=events.SUBJECT_TEMPLATE,
        subject_id=template.code,
        action=events.TEMPLATE_SAVED,
        actor=actor,
        payload={"fields": {k: str(v) for k, v in fields.items()}},
    )
    return template


# --- the report regime -------------------------------------------------------------------------


def _subject(report: Report) -> str:
    return f"{report.template.code}:{report.unit.code}:{report.period_start.isoformat()}"


def _clean_narrative(template: ReportTemplate, narrative: dict) -> dict:
    keys = {s["key"] for s in template.sections if s.get("kind") == "text"}
    unknown = set(narrative) - keys
    if unknown:
        raise InvalidInput(
            f"Mẫu báo cáo không có phần: {', '.join(sorted(unknown))}.",
            code=ReportingError.SECTION_UNKNOWN,
        )
    out = {}
    for key, text in narrative.items():
        text = (text or "").strip()
        if len(text) > MAX_TEXT:
            raise InvalidInput(
                f"Mỗi phần tối đa {MAX_TEXT} ký tự.", code=ReportingError.TEXT_TOO_LONG
            )
        out[key] = text
    return out


@transaction.atomic
def report_open(
    *, actor, template: ReportTemplate, unit: Unit, period_start: dt.date, now=None
) -> Report:
    """The unit's current report for the period (a new draft when there is none)."""
    require_report_role(actor, unit)
    if unit.kind not in template.unit_kinds:
        raise InvalidInput(
            f"{unit.name} không thuộc diện gửi {template.name.lower()}.",
            code=ReportingError.UNIT_NOT_EXPECTED,
        )
    if not template.active:
        raise InvalidInput(
            "Mẫu báo cáo này không còn áp dụng.", code=ReportingError.TEMPLATE_INACTIVE
        )
    period = check_period(template, period_start)
    now = now or timezone.now()
    existing = Report.objects.filter(
        template=template, unit=unit, period_start=period.start, current=True
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(
                template=template,
                unit=unit,
                period_start=period.start,
                period_end=period.end,
                created_at=now,
                created_by=actor,
            )
    except IntegrityError as error:
        raise Conflict("Báo cáo kỳ này vừa được tạo, vui lòng tải lại.") from error
    event_record(
        subject_type=events.SUBJECT_REPORT,
        subject_id=_subject(report),
        action=events.REPORT_DRAFTED,
        actor=actor,
        unit=unit,
        payload={"version": 1, "period": period.key},
        at=now,
    )
    return report


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("template", "unit").get(pk=report.pk)


@transaction.atomic
def report_save_draft(*, actor, report: Report, narrative: dict, number: str = "") -> Report:
    report = _locked(report)
    require_report_role(actor, report.unit)
    if report.status != ReportStatus.DRAFT or not report.current:
        raise Conflict(
            "Báo cáo đã gửi; muốn sửa, hãy tạo bản điều chỉnh.",
            code=ReportingError.REPORT_NOT_DRAFT,
        )
    report.narrative = {**report.narrative, **_clean_narrative(report.template, narrative)}
    report.number = (number or report.number)[:60]
    report.save(update_fields=["narrative", "number"])
    event_record(
        subject_type=events.SUBJECT_REPORT,
        subject_id=_subject(report),
        action=events.REPORT_DRAFTED,
        actor=actor,
        unit=report.unit,
        payload={"version": report.version, "sections": sorted(narrative)},
    )
    return report


@transaction.atomic
def report_submit(*, actor, report: Report, now: dt.datetime | None = None) -> Report:
    """The unit's leader approves and sends: the figures are frozen as computed now."""
    report = _locked(report)
    require_report_role(actor, report.unit, roles=(Role.UNIT_LEADER,))
    if report.status != ReportStatus.DRAFT or not report.current:
        raise Conflict("Báo cáo này đã được gửi.", code=ReportingError.REPORT_ALREADY_SUBMITTED)
    missing = [
        s["title"]
        for s in report.template.sections
        if s.get("kind") == "text" and not report.narrative.get(s["key"])
    ]
    if missing:
        raise InvalidInput(
            f"Cần viết đủ các phần trước khi gửi: {'; '.join(missing)}.",
            code=ReportingError.REPORT_INCOMPLETE,
        )
    now = now or timezone.now()
    report.figures = {"computed_at": now.isoformat(), "sections": report_figures(report=report)}
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.submitted_by = actor
    report.submitted_by_label = _label(actor)
    report.save(
        update_fields=["figures", "status", "submitted_at", "submitted_by", "submitted_by_label"]
    )
    period = period_of(report.template.frequency, report.period_start)
    deadline = due_at(report.template, period)
    event_record(
        subject_type=events.SUBJECT_REPORT,
        subject_id=_subject(report),
        action=events.REPORT_SUBMITTED,
        actor=actor,
        unit=report.unit,
        payload={
            "version": report.version,
            "due_at": deadline.isoformat(),
            "on_time": now <= deadline,
        },
        at=now,
    )
    return report


@transaction.atomic
def report_correct(*, actor, report: Report, reason: str, now=None) -> Report:
    """A new draft version of a submitted report; the submitted one is kept unchanged."""
    report = _locked(report)
    require_report_role(actor, report.unit)
    if report.status != ReportStatus.SUBMITTED or not report.current:
        raise Conflict(
            "Chỉ điều chỉnh được bản đã gửi hiện hành.", code=ReportingError.REPORT_NOT_SUBMITTED
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "Cần ghi lý do điều chỉnh.", code=ReportingError.CORRECTION_REASON_REQUIRED
        )
    now = now or timezone.now()
    Report.objects.filter(pk=report.pk).update(current=False)
    new = Report.objects.create(
        template=report.template,
        unit=report.unit,
        period_start=report.period_start,
        period_end=report.period_end,
        version=report.version + 1,
        narrative=dict(report.narrative),
        number=report.number,
        correction_reason=reason[:500],
        created_at=now,
        created_by=actor,
    )
    event_record(
        subject_type=events.SUBJECT_REPORT,
        subject_id=_subject(report),
        action=events.REPORT_CORRECTED,
        actor=actor,
        unit=report.unit,
        payload={"from_version": report.version, "version": new.version, "reason": reason[:500]},
        at=now,
    )
    return new


@transaction.atomic
def report_remind(*, now: dt.datetime | None = None, days_before: int = 3) -> int:
    """Remind the units that have not sent a report: from ``days_before`` days before the due
    date, and every day after it. At most one reminder per unit, report and day (an event
    ``report.reminded`` each); the units' leaders get an e-mail after the commit."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    sent = 0
    mails: list[tuple[str, str, list[str]]] = []
    for template in ReportTemplate.objects.filter(active=True):
        periods = {last_due_period(template, now)}
        upcoming = period_of(template.frequency, today).previous()
        if due_at(template, upcoming) - now <= dt.timedelta(days=days_before):
            periods.add(upcoming)
        for period in periods:
            rates = reporting_rates(template=template, period=period, now=now)
            for row in rates["rows"]:
                if row.first_submitted_at is not None:
                    continue
                subject = f"{template.code}:{row.unit.code}:{period.start.isoformat()}"
                from motcua.ledger.models import Event

                if Event.objects.filter(
                    subject_type=events.SUBJECT_REPORT,
                    subject_id=subject,
                    action=events.REPORT_REMINDED,
                    at__date=today,
                ).exists():
                    continue
                late = now > rates["due_at"]
                event_record(
                    subject_type=events.SUBJECT_REPORT,
                    subject_id=subject,
                    action=events.REPORT_REMINDED,
                    unit=row.unit,
                    payload={"period": period.key, "due_at": rates["due_at"].isoformat(),
                             "overdue": late, "head": row.head},
                    at=now,
                )  # fmt: skip
                sent += 1
                recipients = list(
                    StaffRole.objects.filter(unit=row.unit, role=Role.UNIT_LEADER)
                    .exclude(valid_to__lt=today)
                    .exclude(user__email="")
                    .values_list("user__email", flat=True)
                )
                if recipients:
                    deadline = timezone.localtime(rates["due_at"] - dt.timedelta(minutes=1))
                    word = "đã quá hạn" if late else "sắp đến hạn"
                    mails.append(
                        (
                            f"{template.name} {period.label}: {word}",
                            f"{row.unit.name} chưa gửi {template.name.lower()} {period.label}. "
                            f"Hạn gửi: {deadline:%d/%m/%Y}.",
                            recipients,
                        )
                    )
    if mails:
        transaction.on_commit(lambda: [send_mail(s, b, None, r) for s, b, r in mails])
    return sent


# --- maintained aggregates ---------------------------------------------------------------------


@transaction.atomic
def aggregates_catch_up(
    *, full: bool = False, now: dt.datetime | None = None, set_based: bool = True
) -> dict:
    """Recount the days touched by dossier events since the last run (all days the first
    time, or with ``full``); one ``daily_counts.refreshed`` event per run. Idempotent: a run
    with nothing new recounts nothing (a background job; no user, no role).

    A full rebuild is set-based (``rebuild``: ``INSERT … SELECT … GROUP BY`` in the database;
    the open-at-end snapshots so on PostgreSQL only); ``set_based=False`` takes the
    day-by-day path of the incremental runs instead (tests compare both)."""
    from motcua.dossiers.models import Dossier
    from motcua.ledger.models import Event
    from motcua.reporting import aggregates, rebuild, rollup
    from motcua.reporting.models import AggregateState, DailyCount, MonthCount, OpenCount

    now = now or timezone.now()
    current = aggregates.state()
    current = AggregateState.objects.select_for_update().get(pk=current.pk)
    last_event = (
        Event.objects.filter(subject_type="dossier").order_by("-pk").values_list("pk", flat=True)
    ).first() or 0
    days = None if full or current.refreshed_at is None else aggregates.pending_days(current)
    first_event = None if days is None else aggregates.pending_event_day(current)
    if days is None:
        DailyCount.objects.all().delete()
        bounds = Dossier.objects.aggregate(
            first=Min("received_at"), last=Max("finished_at"), last_received=Max("received_at")
        )
        days = set()
        if bounds["first"] is not None:
            first = timezone.localtime(bounds["first"]).date()
            last = timezone.localtime(
                max(d for d in (bounds["last"], bounds["last_received"]) if d)
            ).date()
            days = {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
        mode = "full"
    else:
        mode = "incremental"
    if mode == "full" and set_based:
        rows = 0
        if days:
            start = aggregates.local_day_bounds(min(days))[0]
            rows = rebuild.insert_daily(start, aggregates.local_day_bounds(max(days))[1])
    else:
        rows = aggregates.recount_days(days)
    # the month roll-up: closed months whose days were recounted, and months closed since
    today = timezone.localtime(now).date()
    if mode == "full":
        MonthCount.objects.all().delete()
    months = rollup.months_to_roll(None if mode == "full" else current.months_until, days, today)
    rollup.roll_up(months)
    if months or mode == "full":
        current.months_until = month_of(month_of(today) - dt.timedelta(days=1))
    # open-at-end snapshots: every ended day (local) up to yesterday, from the day of the
    # earliest new event (an event changes no earlier snapshot), or from the first dossier
    yesterday = timezone.localtime(now).date() - dt.timedelta(days=1)
    if mode == "full":
        OpenCount.objects.all().delete()
        snapshot_from = min(days) if days else None
    else:
        starts = [first_event] if first_event else []
        if current.open_until is not None:
            starts.append(current.open_until + dt.timedelta(days=1))
        else:  # snapshots never built (e.g. aggregates older than them): from the start
            oldest = Dossier.objects.aggregate(first=Min("received_at"))["first"]
            if oldest is not None:
                starts.append(timezone.localtime(oldest).date())
        snapshot_from = min(starts) if starts else None
    open_days = (
        {snapshot_from + dt.timedelta(days=n) for n in range((yesterday - snapshot_from).days + 1)}
        if snapshot_from is not None and snapshot_from <= yesterday
        else set()
    )
    if mode == "full" and set_based and open_days and connection.vendor == "postgresql":
        rebuild.insert_open_days(min(open_days), max(open_days))  # every day between: full
    else:
        aggregates.recount_open_days(open_days)
    if open_days or mode == "full":
        current.open_until = yesterday
    if mode == "full":
        rebuild.analyze()
    current.last_event_id = last_event
    current.refreshed_at = now
    current.save()
    event_record(
        subject_type=events.SUBJECT_AGGREGATES,
        subject_id="daily",
        action=events.AGGREGATES_REFRESHED,
        payload={
            "mode": mode,
            "days": len(days),
            "rows": rows,
            "open_days": len(open_days),
            "months": len(months),
            "last_event_id": last_event,
        },  # fmt: skip
        at=now,
    )
    return {"mode": mode, "days": len(days), "rows": rows, "open_days": len(open_days),
            "months": len(months)}  # fmt: skip
