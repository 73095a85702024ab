"""The work calendar's error codes (working days and hours, deadline arithmetic): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=WorkcalendarError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class WorkcalendarError(StrEnum):
    AMOUNT_INVALID = "amount_invalid"  # a number of days or hours that is not a finite number
    AMOUNT_REQUIRED = "amount_required"  # a number of days or hours is missing
    AMOUNT_TOO_LARGE = "amount_too_large"  # a duration too large to compute
    # a time or deadline outside the years the calendar covers
    CALENDAR_OUT_OF_RANGE = "calendar_out_of_range"
    CSV_COLUMNS_MISSING = "csv_columns_missing"  # a calendar CSV without its required columns
    CSV_DATE_INVALID = "csv_date_invalid"  # a calendar CSV row with a bad date
    CSV_KIND_INVALID = "csv_kind_invalid"  # a calendar CSV row with an unknown kind of day
    # a list of times that is not a list of ISO 8601 strings
    DATETIMES_INVALID = "datetimes_invalid"
    DATETIME_INVALID = "datetime_invalid"  # a time not in ISO 8601 form
    DATETIME_REQUIRED = "datetime_required"  # a time parameter is missing
    DATE_INVALID = "date_invalid"  # a date not in YYYY-MM-DD form
    DATE_OUT_OF_RANGE = "date_out_of_range"  # a date outside the supported years
    DATE_REQUIRED = "date_required"  # a date parameter is missing
    DAYS_INVALID = "days_invalid"  # a number of days that is not a whole number
    EXCEPTION_KIND_INVALID = "exception_kind_invalid"  # an unknown kind of calendar exception
    EXCEPTION_REASON_REQUIRED = "exception_reason_required"  # a calendar exception without a reason
    HOURS_INVALID = "hours_invalid"  # a number of hours that is not a valid number
    NAIVE_DATETIME = "naive_datetime"  # a time without time zone
    NEGATIVE_DURATION = "negative_duration"  # a negative number of days or hours
    PERIODS_REQUIRED = "periods_required"  # a working-hours schedule without any period
    PERIOD_INVALID = "period_invalid"  # a working period that ends before it starts
    PERIOD_OVERLAP = "period_overlap"  # working periods of one day overlap
    RANGE_REVERSED = "range_reversed"  # the end of a range is not after its start
    RANGE_TOO_LONG = "range_too_long"  # a range of days longer than 20 years
    TIME_LIMIT_KIND_INVALID = "time_limit_kind_invalid"  # an unknown kind of time limit
    UNIT_NOT_FOUND = "unit_not_found"  # no unit with this code (404)
    YEAR_OUT_OF_RANGE = "year_out_of_range"  # a year outside the supported range
