"""A service's refusal on a page: the same Vietnamese message as the API, with its status."""

from __future__ import annotations

from django.shortcuts import render

from motcua.core.errors import CoreError, DomainError

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


NUL_MESSAGE = "Dữ liệu không hợp lệ: yêu cầu chứa ký tự NUL (mã 0), không được chấp nhận."


class RejectNulBytesMiddleware:
    """A NUL byte in the path, a query parameter or a form field is refused with a clear 400
    (code ``invalid_input``, ``details.reason`` ``nul_byte``) before any view, file finder or database sees it (PostgreSQL refuses
    NUL in text, the file system in paths: both would be a server error). JSON bodies are
    checked by the API's parser (``motcua.api``)."""

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return nul_byte_response(request)
        return self.get_response(request)

    def _has_nul(self, request) -> bool:
        if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if any(_nul_in(k, v) for k, v in request.GET.lists()):
            return True
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in self.FORMS:
            try:
                fields = list(request.POST.lists())
                files = [f.name or "" for f in request.FILES.values()]
            except Exception:  # noqa: BLE001 - a malformed body: the view answers it
                return False
            return any(_nul_in(k, v) for k, v in fields) or any("\x00" in n for n in files)
        return False


def _nul_in(key: str, values: list[str]) -> bool:
    return "\x00" in key or any("\x00" in v for v in values)


def nul_byte_response(request):
    from django.http import JsonResponse

    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {
                "code": CoreError.INVALID_INPUT,
                "message": NUL_MESSAGE,
                "details": {"reason": "nul_byte"},
            },
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {"title": TITLES[400], "message": NUL_MESSAGE, "code": CoreError.INVALID_INPUT}
    return render(request, "core/error.html", context, status=400)
