"""The feedback's questions to the work calendar (DOMAIN.md §5, the national system's limits).

Every limit is a number of working days counted by ``motcua.workcalendar.services`` on the
calendar of the unit that holds the item; no date arithmetic lives here.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from motcua.workcalendar import services as calendar

HOURS_PER_DAY = 8

DEFAULTS = {
    "reject": 2,  # refuse with reasons within 2 working days of receipt
    "request_info": 5,  # ask for more information within 5
    "transfer": 5,  # hand over to the competent unit within 5
    "classify": 5,  # the classification stage ends within 5 (the longest of the above)
    "handle": 15,  # answer within 15 after acceptance (each round)
    "publish": 2,  # publish within 2 after approval
    "reopen": 10,  # the sender may reopen within 10 after publication
    "warn": 1,  # "due soon" when less than 1 working day is left
}


#: Warn the handling unit when less than this many working days are left (each once per due
#: time); a threshold at least as long as the whole stage is skipped for that stage.
WARN_THRESHOLDS = (2, 1)


def warn_thresholds() -> tuple[float, ...]:
    values = getattr(settings, "MOTCUA_FEEDBACK_WARN_THRESHOLDS", WARN_THRESHOLDS)
    return tuple(sorted({float(v) for v in values}, reverse=True))


def days(name: str) -> float:
    return float({**DEFAULTS, **getattr(settings, "MOTCUA_FEEDBACK_DAYS", {})}[name])


def after(start: dt.datetime, name: str, *, unit, extra_hours: float = 0) -> dt.datetime:
    """The instant ``days(name)`` working days (plus ``extra_hours`` paused) after ``start``."""
    return calendar.add_working_time(start, days(name) * HOURS_PER_DAY + extra_hours, unit=unit)


def add_days(start: dt.datetime, working_days: float, *, unit, extra_hours: float = 0):
    """The instant ``working_days`` working days (plus ``extra_hours``) after ``start``."""
    return calendar.add_working_time(start, working_days * HOURS_PER_DAY + extra_hours, unit=unit)


def working_hours(a: dt.datetime, b: dt.datetime, *, unit) -> float:
    return float(calendar.working_time_between(a, b, unit=unit))


def soon(now: dt.datetime, *, unit=None) -> dt.datetime:
    """Items due before this instant are 'due soon'."""
    return calendar.add_working_time(now, days("warn") * HOURS_PER_DAY, unit=unit)
