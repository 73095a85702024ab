"""A service's refusal on a page: the same Vietnamese message as the API, with its status."""

from __future__ import annotations

from django.shortcuts import render

from motcua.core.errors import DomainError

TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy",
    409: "Dữ liệu vừa thay đổi",
    429: "Quá nhiều yêu cầu",
}


class DomainErrorMiddleware:
    """Pages that let a ``DomainError`` escape show it instead of a server error (500).

    The API has its own handler (``motcua.api``) that answers ``{"code", "message"}``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        status = exception.status
        context = {
            "title": TITLES.get(status, "Không thực hiện được"),
            "message": exception.message,
            "code": exception.code,
        }
        return render(request, "core/error.html", context, status=status)
