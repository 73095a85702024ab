"""Error pages in Vietnamese; the API's paths answer ``{"code", "message"}`` instead."""

from __future__ import annotations

import logging

from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static

from motcua.core.errors import CoreError
from motcua.core.middleware import TITLES

logger = logging.getLogger(__name__)

CSRF_MESSAGE = (
    "Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ (kiểm tra CSRF). "
    "Vui lòng tải lại trang rồi gửi lại; nếu trình duyệt chặn cookie, hãy cho phép cookie "
    "của trang này."
)
SERVER_ERROR = "Hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút."


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _json(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def csrf_failure(request, reason: str = ""):
    """Django's CSRF refusal (settings.CSRF_FAILURE_VIEW), in Vietnamese."""
    if _is_api(request):
        return _json(CoreError.CSRF_FAILED, CSRF_MESSAGE, 403)
    context = {"title": TITLES[403], "message": CSRF_MESSAGE, "code": CoreError.CSRF_FAILED}
    return render(request, "core/error.html", context, status=403)


def bad_request(request, exception=None):
    message = "Yêu cầu không hợp lệ."
    if _is_api(request):
        return _json(CoreError.BAD_REQUEST, message, 400)
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request, exception=None):
    message = "Bạn không có quyền truy cập trang này."
    if _is_api(request):
        return _json(CoreError.PERMISSION_DENIED, message, 403)
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    message = "Không tìm thấy trang bạn yêu cầu."
    if _is_api(request):
        return _json(CoreError.NOT_FOUND, "Không tìm thấy.", 404)
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request):
    """No context processors, no database: the 500 page must render whatever broke."""
    if _is_api(request):
        return _json(CoreError.SERVER_ERROR, SERVER_ERROR, 500)
    return HttpResponseServerError(loader.get_template("500.html").render())


def favicon(request):
    """``/favicon.ico``, which browsers ask for on their own: a permanent redirect to the
    hashed static icon (resolved per request, so a missing manifest never breaks the URLs)."""
    return HttpResponsePermanentRedirect(static("core/favicon.svg"))
