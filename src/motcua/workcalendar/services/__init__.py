"""The work calendar's services: deadlines and working time (``working_time``) and the writes
of the calendar (``edits``). Every deadline and working-time duration in the platform comes
from here; the rules, with worked examples, are in docs/deadlines.md."""

from motcua.workcalendar.engine import HOURS_PER_DAY, VN_TZ
from motcua.workcalendar.services.edits import (
    calendar_import_csv,
    exception_delete,
    exception_remove,
    exception_save,
    exception_set,
    schedule_delete,
    schedule_periods_save,
    schedule_save,
    schedule_set,
)
from motcua.workcalendar.services.working_time import (
    DEADLINE_KINDS,
    add_working_time,
    add_working_time_many,
    clear_cache,
    deadline_for,
    due_at,
    due_at_many,
    due_date_many,
    is_working_day,
    is_working_day_many,
    next_working_instant,
    working_time_between,
    working_time_between_many,
)

__all__ = [
    "DEADLINE_KINDS",
    "HOURS_PER_DAY",
    "VN_TZ",
    "add_working_time",
    "add_working_time_many",
    "calendar_import_csv",
    "clear_cache",
    "deadline_for",
    "due_at",
    "due_at_many",
    "due_date_many",
    "exception_delete",
    "exception_remove",
    "exception_save",
    "exception_set",
    "is_working_day",
    "is_working_day_many",
    "next_working_instant",
    "schedule_delete",
    "schedule_periods_save",
    "schedule_save",
    "schedule_set",
    "working_time_between",
    "working_time_between_many",
]
