"""The writes of the work calendar: dated exceptions, weekly hours, the yearly CSV, and the
admin's add, change and delete; each records its event and clears the compiled calendar."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.db import transaction

from motcua.core.errors import InvalidInput
from motcua.core.parsing import parse_date
from motcua.ledger.changes import parts_save, row_delete, row_save
from motcua.ledger.services import event_record
from motcua.organization.models import Role
from motcua.organization.permissions import require_role
from motcua.workcalendar import engine, events
from motcua.workcalendar.errors import WorkcalendarError
from motcua.workcalendar.models import (
    CalendarException,
    ExceptionKind,
    ExceptionSource,
    WorkPeriod,
    WorkSchedule,
)

clear_cache = engine.clear_cache


# ------------------------------------------------------------------ writes


def _check_admin(actor) -> None:
    if actor is not None:
        require_role(actor, [Role.PROVINCE_ADMIN])


@transaction.atomic
def exception_set(
    *,
    actor,
    date: dt.date,
    kind: str,
    reason: str,
    document: str = "",
    source: str = ExceptionSource.ADMIN,
) -> CalendarException:
    """Create or replace the exception of ``date`` (a day off or a make-up working day)."""
    _check_admin(actor)
    if kind not in ExceptionKind.values:
        raise InvalidInput(
            f"Loại ngày '{kind}' không hợp lệ.", code=WorkcalendarError.EXCEPTION_KIND_INVALID
        )
    if not reason.strip():
        raise InvalidInput("Cần ghi lý do.", code=WorkcalendarError.EXCEPTION_REASON_REQUIRED)
    if not engine.FIRST_DAY <= date <= engine.LAST_DAY:
        raise engine.out_of_range(date)
    exception, _ = CalendarException.objects.update_or_create(
        date=date,
        defaults={
            "kind": kind,
            "reason": reason.strip(),
            "document": document.strip(),
            "source": source,
        },
    )
    _exception_event(actor, events.EXCEPTION_SET, exception)
    transaction.on_commit(clear_cache)
    clear_cache()
    return exception


def _exception_event(actor, action: str, exception: CalendarException) -> None:
    event_record(
        subject_type=events.SUBJECT_DAY,
        subject_id=exception.date.isoformat(),
        action=action,
        actor=actor,
        payload={
            "kind": exception.kind,
            "reason": exception.reason,
            "document": exception.document,
            "source": exception.source,
        },
    )


@transaction.atomic
def exception_delete(*, actor, date: dt.date) -> None:
    _check_admin(actor)
    for exception in CalendarException.objects.filter(date=date):
        exception.delete()
        _exception_event(actor, events.EXCEPTION_DELETED, exception)
    transaction.on_commit(clear_cache)
    clear_cache()


@transaction.atomic
def exception_save(
    *, actor, instance: CalendarException, created: bool, changed: Sequence[str] = ()
) -> CalendarException:
    """The admin's add and change form: the row becomes the admin's (``source``)."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    if not created and "date" in changed:
        old = CalendarException.objects.get(pk=instance.pk)
        exception_delete(actor=actor, date=old.date)
        instance.pk = None
    saved = exception_set(
        actor=actor,
        date=instance.date,
        kind=instance.kind,
        reason=instance.reason,
        document=instance.document,
        source=ExceptionSource.ADMIN,
    )
    instance.pk, instance.source = saved.pk, saved.source
    return saved


@transaction.atomic
def exception_remove(*, actor, instance: CalendarException) -> None:
    """The admin's delete page and action."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    exception_delete(actor=actor, date=instance.date)


@transaction.atomic
def schedule_save(
    *, actor, instance: WorkSchedule, created: bool, changed: Sequence[str] = ()
) -> WorkSchedule:
    """The admin's form of a schedule (its periods follow in ``schedule_periods_save``)."""
    require_role(actor, [Role.PROVINCE_ADMIN])
    row_save(
        actor=actor,
        instance=instance,
        action=events.SCHEDULE_SAVED,
        created=created,
        changed=changed,
        subject_type=events.SUBJECT_SCHEDULE,
    )
    transaction.on_commit(clear_cache)
    clear_cache()
    return instance


@transaction.atomic
def schedule_periods_save(
    *, actor, parent: WorkSchedule, saved=(), changed=None, deleted=()
) -> None:
    require_role(actor, [Role.PROVINCE_ADMIN])
    for period in saved:
        if not period.start < period.end:
            raise InvalidInput(
                f"Ca {period.start:%H:%M}–{period.end:%H:%M}: giờ bắt đầu phải trước giờ kết thúc.",
                code=WorkcalendarError.PERIOD_INVALID,
            )
    parts_save(
        actor=actor,
        parent=parent,
        action=events.SCHEDULE_SAVED,
        saved=saved,
        changed=changed,
        deleted=deleted,
        subject_type=events.SUBJECT_SCHEDULE,
    )
    transaction.on_commit(clear_cache)
    clear_cache()


@transaction.atomic
def schedule_delete(*, actor, instance: WorkSchedule) -> None:
    require_role(actor, [Role.PROVINCE_ADMIN])
    row_delete(
        actor=actor,
        instance=instance,
        action=events.SCHEDULE_DELETED,
        subject_type=events.SUBJECT_SCHEDULE,
    )
    transaction.on_commit(clear_cache)
    clear_cache()


@transaction.atomic
def schedule_set(
    *,
    actor,
    unit=None,
    effective_from: dt.date = dt.date(2000, 1, 1),
    periods: dict[int, Iterable[tuple[dt.time, dt.time]]],
    name: str = "",
    same_day_cutoff: dt.time = dt.time(15, 0),
    decision: str = "",
) -> WorkSchedule:
    """Create or replace the weekly hours of ``unit`` (None: the province) from a date.

    ``periods`` maps a weekday (0 = Monday) to its working periods, e.g.
    ``{0: [(time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))], ...}``.
    """
    _check_admin(actor)
    rows = []
    for weekday, spans in periods.items():
        if not 0 <= int(weekday) <= 6:
            raise InvalidInput(f"Thứ '{weekday}' không hợp lệ (0 = thứ Hai … 6 = Chủ nhật).")
        ordered = sorted(spans)
        for i, (start, end) in enumerate(ordered):
            if not start < end:
                raise InvalidInput(
                    f"Ca {start:%H:%M}–{end:%H:%M}: giờ bắt đầu phải trước giờ kết thúc.",
                    code=WorkcalendarError.PERIOD_INVALID,
                )
            if i and ordered[i - 1][1] > start:
                raise InvalidInput(
                    "Các ca làm việc trong ngày bị chồng nhau.",
                    code=WorkcalendarError.PERIOD_OVERLAP,
                )
            rows.append((int(weekday), start, end))
    if not rows:
        raise InvalidInput("Cần ít nhất một ca làm việc.", code=WorkcalendarError.PERIODS_REQUIRED)
    schedule, _ = WorkSchedule.objects.update_or_create(
        unit=unit,
        effective_from=effective_from,
        defaults={
            "name": name or (f"Giờ làm việc của {unit}" if unit else "Giờ làm việc của tỉnh"),
            "same_day_cutoff": same_day_cutoff,
            "decision": decision,
        },
    )
    schedule.periods.all().delete()
    WorkPeriod.objects.bulk_create(
        WorkPeriod(schedule=schedule, weekday=wd, start=a, end=b) for wd, a, b in rows
    )
    event_record(
        subject_type=events.SUBJECT_SCHEDULE,
        subject_id=schedule.pk,
        action=events.SCHEDULE_SAVED,
        actor=actor,
        unit=unit,
        payload={
            "unit": unit.code if unit else None,
            "effective_from": effective_from,
            "periods": [[wd, a, b] for wd, a, b in sorted(rows)],
        },
    )
    transaction.on_commit(clear_cache)
    clear_cache()
    return schedule


KIND_ALIASES = {
    "holiday": ExceptionKind.HOLIDAY,
    "nghỉ lễ": ExceptionKind.HOLIDAY,
    "day_off": ExceptionKind.DAY_OFF,
    "nghỉ": ExceptionKind.DAY_OFF,
    "nghỉ bù": ExceptionKind.DAY_OFF,
    "makeup": ExceptionKind.MAKEUP,
    "làm bù": ExceptionKind.MAKEUP,
}


def _parse_csv_date(text: str, line: int) -> dt.date:
    text = text.strip()
    parsed = parse_date(text)
    if parsed is not None:
        return parsed
    raise InvalidInput(
        f"Dòng {line}: ngày '{text}' không hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy).",
        code=WorkcalendarError.CSV_DATE_INVALID,
    )


@transaction.atomic
def calendar_import_csv(*, actor, content: str) -> list[CalendarException]:
    """Import a yearly announcement: CSV with header ``date,kind,reason,document``.

    ``kind`` is holiday / day_off / makeup (or nghỉ lễ / nghỉ bù / làm bù); dates as
    YYYY-MM-DD or dd/mm/yyyy. All rows or none are written.
    """
    _check_admin(actor)
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = {"date", "kind", "reason"} - set(reader.fieldnames or [])
    if missing:
        raise InvalidInput(
            f"Tệp CSV thiếu cột: {', '.join(sorted(missing))} (cần date,kind,reason,document).",
            code=WorkcalendarError.CSV_COLUMNS_MISSING,
        )
    rows = []
    for line, row in enumerate(reader, start=2):
        kind = KIND_ALIASES.get((row.get("kind") or "").strip().lower())
        if kind is None:
            raise InvalidInput(
                f"Dòng {line}: loại ngày '{row.get('kind')}' không hợp lệ "
                "(holiday, day_off hoặc makeup).",
                code=WorkcalendarError.CSV_KIND_INVALID,
            )
        rows.append((_parse_csv_date(row["date"], line), kind, row))
    return [
        exception_set(
            actor=None,
            date=day,
            kind=kind,
            reason=(row.get("reason") or "").strip(),
            document=(row.get("document") or "").strip(),
            source=ExceptionSource.ANNOUNCEMENT,
        )
        for day, kind, row in rows
    ]
