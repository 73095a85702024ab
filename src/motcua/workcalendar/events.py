"""Event action codes of the work calendar (subject "calendar": the day or the schedule)."""

from motcua.ledger.actions import register

SUBJECT_DAY = "calendar_day"
SUBJECT_SCHEDULE = "work_schedule"

EXCEPTION_SET = register("calendar.exception_set", "Đặt ngày nghỉ, ngày làm bù")
EXCEPTION_DELETED = register("calendar.exception_deleted", "Bỏ ngày nghỉ, ngày làm bù")
SCHEDULE_SAVED = register("calendar.schedule_saved", "Cập nhật giờ làm việc")
SCHEDULE_DELETED = register("calendar.schedule_deleted", "Xóa giờ làm việc")
