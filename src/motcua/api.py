"""The JSON API (OpenAPI at /api/docs). Errors are always {"code", "message"} in Vietnamese."""

from __future__ import annotations

import json
import logging

from django.http import Http404
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from motcua.audit.api import integrity_router, proof_router
from motcua.catalog.api import router as catalog_router
from motcua.core.error_codes import enum_for_module, error_schema
from motcua.core.errors import CoreError, DomainError
from motcua.core.middleware import NUL_MESSAGE
from motcua.core.validation import vietnamese_message
from motcua.dossiers.api import router as dossiers_router
from motcua.dossiers.api import stats_router as dossier_stats_router
from motcua.feedback.api import router as feedback_router
from motcua.insights.api import router as insights_router
from motcua.interop.api import router as interop_router
from motcua.ledger.api import router as ledger_router
from motcua.organization.api import router as units_router
from motcua.payments.api import router as payments_router
from motcua.portal.api import router as portal_router
from motcua.reform.api import router as reform_router
from motcua.reporting.api import router as reporting_router
from motcua.surveys.api import router as surveys_router
from motcua.workcalendar.api import router as calendar_router


class VietnameseJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Vietnamese text stays readable in responses."""

    json_dumps_params = {"ensure_ascii": False}


logger = logging.getLogger("motcua.api")


class BodyRefused(ValueError):
    def __init__(self, code: str, message: str, reason: str = ""):
        self.code, self.message, self.reason = code, message, reason
        super().__init__(message)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class StrictJSONParser(Parser):
    """JSON bodies: malformed JSON and NUL characters (``\\u0000``) are refused with a
    Vietnamese message (ninja turns the exception into a 400, answered by ``http_error``)."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise BodyRefused(
                CoreError.MALFORMED_JSON, "Nội dung gửi lên không phải JSON hợp lệ (UTF-8)."
            ) from None
        if _has_nul(data):
            raise BodyRefused(CoreError.INVALID_INPUT, NUL_MESSAGE, reason="nul_byte")
        return data


#: Error answers any operation may give (documented on every operation of the schema, with
#: the codes of the operation's app: ``motcua.core.error_codes``).
ERROR_RESPONSES = {
    400: "Dữ liệu không hợp lệ (`invalid_input`, `malformed_json`, …)",
    401: "Chưa đăng nhập hoặc mã truy cập không hợp lệ",
    403: "Không có quyền",
    404: "Không tìm thấy",
    409: "Xung đột: dữ liệu đã thay đổi hoặc thao tác không hợp lệ ở trạng thái hiện tại",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi hệ thống",
}


class MotcuaAPI(NinjaAPI):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._schemas: dict[tuple, dict] = {}

    def _operation_errors(self) -> dict[str, type[Schema]]:
        """operationId → the error schema of the app whose router holds the operation."""
        schemas = {}
        for _prefix, router in self._routers:
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    enum = enum_for_module(operation.view_func.__module__) or CoreError
                    op_id = operation.operation_id or self.get_openapi_operation_id(operation)
                    schemas[op_id] = error_schema(enum)
        return schemas

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema, built once per process and prefix: the routes do not change while it
        runs, and building it costs about a second of CPU, which a public URL must not."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cached = self._schemas.get(key)
        if cached is None:
            cached = self._schemas[key] = self._build_openapi_schema(path_prefix, path_params)
        return cached

    def _build_openapi_schema(self, path_prefix, path_params):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        generic = error_schema(CoreError)
        errors = self._operation_errors()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                app_errors = errors.get(operation.get("operationId"), generic)
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    if status not in responses and str(status) not in responses:
                        model = generic if status == 500 else app_errors
                        components.setdefault(model.__name__, model.model_json_schema())
                        ref = {"$ref": f"#/components/schemas/{model.__name__}"}
                        responses[status] = {
                            "description": description,
                            "content": {"application/json": {"schema": ref}},
                        }
        return schema


api = MotcuaAPI(
    parser=StrictJSONParser(),
    renderer=VietnameseJSONRenderer(),
    title="Một Cửa API",
    version="1",
    description=(
        "API của hệ thống thông tin một cửa điện tử và theo dõi cải cách hành chính. "
        "Cán bộ xác thực bằng `Authorization: Bearer <mã truy cập>`."
    ),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_name(loc) -> str:
    loc = list(loc)
    if len(loc) >= 3 and loc[0] in ("body", "form", "query"):
        del loc[1]  # the view's parameter name (``data``, ``payload``): not the client's
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "form", "file", "header")]
    return ".".join(parts) or "?"


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    fields = [
        {
            "field": _field_name(e.get("loc", ())),
            "type": e.get("type", ""),
            "error": vietnamese_message(e),
        }
        for e in exc.errors
    ]
    reasons = "; ".join(f"{f['field']} {f['error']}" for f in fields[:5])
    return api.create_response(
        request,
        {
            "code": CoreError.INVALID_INPUT,
            "message": f"Dữ liệu không hợp lệ: {reasons}.",
            "details": {"fields": fields},
        },
        status=400,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(
        request,
        {
            "code": CoreError.UNAUTHENTICATED,
            "message": "Cần đăng nhập hoặc mã truy cập API hợp lệ.",
        },
        status=401,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"code": CoreError.NOT_FOUND, "message": "Không tìm thấy."}, status=404
    )


HTTP_MESSAGES = {
    400: (CoreError.BAD_REQUEST, "Yêu cầu không hợp lệ."),
    401: (CoreError.UNAUTHENTICATED, "Cần đăng nhập hoặc mã truy cập API hợp lệ."),
    403: (CoreError.PERMISSION_DENIED, "Bạn không có quyền thực hiện thao tác này."),
    404: (CoreError.NOT_FOUND, "Không tìm thấy."),
    405: (CoreError.METHOD_NOT_ALLOWED, "Phương thức không được hỗ trợ."),
    429: (CoreError.THROTTLED, "Quá nhiều yêu cầu, vui lòng thử lại sau."),
}


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    refused = exc.__cause__
    if isinstance(refused, BodyRefused):
        body = {"code": refused.code, "message": refused.message}
        if refused.reason:
            body["details"] = {"reason": refused.reason}
    else:
        code, message = HTTP_MESSAGES.get(
            exc.status_code, (CoreError.HTTP_ERROR, "Yêu cầu bị từ chối.")
        )
        body = {"code": code, "message": message}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """Anything unexpected: logged with its traceback, answered as JSON (never a traceback)."""
    logger.exception("API %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request,
        {
            "code": CoreError.SERVER_ERROR,
            "message": "Hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút.",
        },
        status=500,
    )


class HealthOut(Schema):
    ok: bool
    worker_alive: bool
    last_heartbeat: str | None
    worker_started_at: str | None
    worker_retries: int
    queued: int
    failed_24h: int
    oldest_waiting: str | None
    problems: list[str]


@api.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: HealthOut},
    summary="Tình trạng việc chạy nền (giám sát)",
    tags=["Vận hành"],
)
def health(request):
    """200 khi tiến trình chạy nền báo hoạt động và không có việc chờ quá 5 phút, nếu không 503."""
    from motcua.core.health import worker_health

    state = worker_health().as_dict()
    for private in ("worker_host", "worker_last_error"):
        state.pop(private)
    return Status(200 if state["ok"] else 503, state)


# the citizens' look-ups first: URLs are resolved in this order, and theirs are the busiest
api.add_router("/portal", portal_router)
api.add_router("/units", units_router)
api.add_router("/procedures", catalog_router)
api.add_router("/calendar", calendar_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/reform", reform_router)
api.add_router("/ledger", ledger_router)
api.add_router("/ledger", proof_router)
api.add_router("/integrity", integrity_router)
api.add_router("/payments", payments_router)
api.add_router("/surveys", surveys_router)
api.add_router("/feedback", feedback_router)
api.add_router("/interop", interop_router)
api.add_router("/stats", reporting_router)
api.add_router("/stats", dossier_stats_router)
api.add_router("/insights", insights_router)
