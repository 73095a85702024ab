"""The dossier's questions to the work calendar. No deadline arithmetic lives here:
every figure comes from ``motcua.workcalendar.services``."""

from __future__ import annotations

import datetime as dt

from motcua.catalog.models import TimeLimitKind

ONE_WORKING_DAY_HOURS = 8


def _calendar():
    from motcua.workcalendar import services

    return services


def procedure_due(*, procedure, received_at: dt.datetime, unit) -> dt.datetime | None:
    """The legal due time of a dossier received at ``received_at`` (None: no due date)."""
    if procedure.time_limit_kind == TimeLimitKind.NONE:
        return None
    return _calendar().deadline_for(
        received_at, kind=procedure.time_limit_kind, amount=procedure.time_limit, unit=unit
    )


def step_due(*, start: dt.datetime, hours, unit) -> dt.datetime:
    return _calendar().add_working_time(start, float(hours), unit=unit)


def paused_hours(*, start: dt.datetime, end: dt.datetime, unit) -> float:
    return float(_calendar().working_time_between(start, end, unit=unit))


def extend(*, due: dt.datetime | None, hours: float, unit) -> dt.datetime | None:
    if due is None or hours <= 0:
        return due
    return _calendar().add_working_time(due, hours, unit=unit)


def one_working_day_after(t: dt.datetime, *, unit) -> dt.datetime:
    """The instant one working day (8 working hours) after ``t``: the apology limit."""
    return _calendar().add_working_time(t, ONE_WORKING_DAY_HOURS, unit=unit)
