"""Domain errors: a stable code for programs, a Vietnamese message for people.

Services raise these; the API turns them into ``{"code": ..., "message": ...}`` with the
error's HTTP status, pages show the message. Nothing is written when one is raised inside
a service, because every service runs in one transaction.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class CoreError(StrEnum):
    """Codes of the platform's own errors (beside the generic ones of the classes below)."""

    JOB_FORBIDDEN = (
        "job_forbidden"  # the job belongs to someone else, outside the asker's role/unit
    )
    JOB_KIND_UNKNOWN = "job_kind_unknown"  # no app registered this kind of job
    JOB_NOT_FOUND = "job_not_found"  # no job with this id (404)
    JOB_NOT_READY = "job_not_ready"  # the job has not finished or left no file (409)


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = "Yêu cầu không hợp lệ."

    def __init__(self, message: str | None = None, *, code: str | None = None, **details: Any):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 400
    default_message = "Dữ liệu không hợp lệ."


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = "Không tìm thấy."


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = "Bạn không có quyền thực hiện thao tác này."


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = "Dữ liệu đã bị thay đổi bởi người khác, vui lòng tải lại."


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"
    default_message = "Thao tác này không được phép ở trạng thái hiện tại."
