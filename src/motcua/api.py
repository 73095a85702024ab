"""The JSON API (OpenAPI at /api/docs). Errors are always {"code", "message"} in Vietnamese."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from motcua.catalog.api import router as catalog_router
from motcua.core.errors import DomainError
from motcua.core.validation import vietnamese
from motcua.dossiers.api import router as dossiers_router
from motcua.dossiers.api import stats_router as dossier_stats_router
from motcua.ledger.api import integrity_router
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


api = NinjaAPI(
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
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "form", "file")]
    return ".".join(parts) or "?"


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    fields = [
        {"field": _field_name(e.get("loc", ())), "error": vietnamese(e), "type": e.get("type", "")}
        for e in exc.errors
    ]
    names = ", ".join(f["field"] for f in fields)
    return api.create_response(
        request,
        {
            "code": "invalid_input",
            "message": f"Dữ liệu không hợp lệ ở: {names}.",
            "details": {"fields": fields},
        },
        status=400,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(
        request,
        {"code": "unauthenticated", "message": "Cần đăng nhập hoặc mã truy cập API hợp lệ."},
        status=401,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"code": "not_found", "message": "Không tìm thấy."}, status=404
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(
        request, {"code": "http_error", "message": str(exc)}, status=exc.status_code
    )


@api.get("/health", auth=None, summary="Tình trạng việc chạy nền (giám sát)", tags=["Vận hành"])
def health(request):
    """200 khi tiến trình chạy nền báo hoạt động và không có việc chờ quá 5 phút, nếu không 503."""
    from motcua.core.health import worker_health

    state = worker_health().as_dict()
    for private in ("worker_host", "worker_last_error"):
        state.pop(private)
    return api.create_response(request, state, status=200 if state["ok"] else 503)


api.add_router("/units", units_router)
api.add_router("/procedures", catalog_router)
api.add_router("/calendar", calendar_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/reform", reform_router)
api.add_router("/ledger", ledger_router)
api.add_router("/integrity", integrity_router)
api.add_router("/portal", portal_router)
api.add_router("/payments", payments_router)
api.add_router("/surveys", surveys_router)
api.add_router("/stats", reporting_router)
api.add_router("/stats", dossier_stats_router)
