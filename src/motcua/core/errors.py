"""Domain errors: a stable code for programs, a Vietnamese message for people.

Services raise these; the API turns them into ``{"code": ..., "message": ...}`` with the
error's HTTP status, pages show the message. Nothing is written when one is raised inside
a service, because every service runs in one transaction.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class CoreError(StrEnum):
    """The generic codes: any endpoint may answer them (each app adds its own, in
    ``motcua.<app>.errors``; docs/errors.md lists them all)."""

    ADMIN_PARTS_READ_ONLY = "admin_parts_read_only"  # an admin page changed read-only inlines
    BAD_REQUEST = "bad_request"  # a request the framework refused (400)
    CONFLICT = "conflict"  # the data changed meanwhile (409)
    CSRF_FAILED = "csrf_failed"  # a form post without a valid CSRF token (403)
    DATE_INVALID = "date_invalid"  # a reference date not YYYY-MM-DD
    DOMAIN_ERROR = "domain_error"  # a domain error without a more precise code
    FILE_EMPTY = "file_empty"  # an uploaded file without content
    FILE_NOT_FOUND = "file_not_found"  # a stored file is missing (404)
    FILE_TOO_LARGE = "file_too_large"  # an upload over the size limit
    FILE_TYPE = "file_type"  # an upload whose content is not an allowed type
    HTTP_ERROR = "http_error"  # another HTTP refusal by the framework
    INVALID_INPUT = "invalid_input"  # the input failed validation (details per field)
    JOB_FORBIDDEN = "job_forbidden"  # someone else's job, outside the asker's role/unit (403)
    JOB_KIND_UNKNOWN = "job_kind_unknown"  # no app registered this kind of job
    JOB_NOT_FOUND = "job_not_found"  # no job with this id (404)
    JOB_NOT_READY = "job_not_ready"  # the job has not finished or left no file (409)
    MALFORMED_JSON = "malformed_json"  # a body that is not UTF-8 JSON
    METHOD_NOT_ALLOWED = "method_not_allowed"  # an HTTP method the path does not take (405)
    NOT_FOUND = "not_found"  # nothing at this address (404)
    PAGE_OUT_OF_RANGE = "page_out_of_range"  # a page number past the last page
    PERIOD_INVALID = "period_invalid"  # an unknown kind of reporting period
    PERIOD_KEY_INVALID = "period_key_invalid"  # a period key that names no period
    PERIOD_YEAR_OUT_OF_RANGE = "period_year_out_of_range"  # a period's year outside the range
    PERMISSION_DENIED = "permission_denied"  # the caller lacks the role or unit (403)
    RATE_LIMITED = "rate_limited"  # too many failed tries; wait (429)
    SERVER_ERROR = "server_error"  # an unexpected failure, logged (500)
    THROTTLED = "throttled"  # too many requests (429)
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"  # the action is not allowed now (409)
    UNAUTHENTICATED = "unauthenticated"  # no session or valid API token (401)


class DomainError(Exception):
    code: str = CoreError.DOMAIN_ERROR
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
    code: str = CoreError.INVALID_INPUT
    status = 400
    default_message = "Dữ liệu không hợp lệ."


class NotFound(DomainError):
    code: str = CoreError.NOT_FOUND
    status = 404
    default_message = "Không tìm thấy."


class PermissionDenied(DomainError):
    code: str = CoreError.PERMISSION_DENIED
    status = 403
    default_message = "Bạn không có quyền thực hiện thao tác này."


class Conflict(DomainError):
    code: str = CoreError.CONFLICT
    status = 409
    default_message = "Dữ liệu đã bị thay đổi bởi người khác, vui lòng tải lại."


class TransitionNotAllowed(Conflict):
    code: str = CoreError.TRANSITION_NOT_ALLOWED
    default_message = "Thao tác này không được phép ở trạng thái hiện tại."
